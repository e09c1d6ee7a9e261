"""The outbox, taken over from events with its table (`events_emaildelivery`, made by events 0001
and given its generic reference by events 0004): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('events', '0004_emaildelivery_about_anything'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='EmailDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('programme_id', models.BigIntegerField(blank=True, db_index=True, help_text='The programme whose organisers see this message.', null=True)),
                        ('kind', models.CharField(choices=[('nomination_received', 'Nomination received, with the private link'), ('panel_invitation', 'Invitation to sit on a panel'), ('panel_reminder', 'Reminder of scores to give'), ('invitation', 'Invitation'), ('reminder', 'Reminder'), ('confirmation', 'Confirmation of an answer'), ('password_reset', 'Password reset'), ('subject_access', 'Subject access request to review')], max_length=32)),
                        ('key', models.CharField(help_text='What this message is, so it is queued once.', max_length=120, unique=True)),
                        ('status', models.CharField(choices=[('pending', 'Waiting to send'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed: every retry used'), ('skipped', 'Not needed any more')], default='pending', max_length=8)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('next_attempt_at', models.DateTimeField()),
                        ('last_error', models.CharField(blank=True, max_length=300)),
                        ('sent_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype')),
                    ],
                    options={
                        'verbose_name_plural': 'e-mail deliveries',
                        'db_table': 'events_emaildelivery',
                        'ordering': ['created_at', 'id'],
                        'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='delivery_due'), models.Index(fields=['content_type', 'object_id'], name='delivery_about')],
                    },
                ),
            ],
        ),
    ]
