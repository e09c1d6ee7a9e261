"""The outbox's row no longer points at an invitation with a foreign key: what a message is about
is a generic reference (content type and id), so every app's e-mail goes through it, and it says
which programme's organisers see it. Existing rows are about their invitation. (Events 0005 then
hands the model over to mail, table and all.)"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

KINDS = [
    ('nomination_received', 'Nomination received, with the private link'),
    ('panel_invitation', 'Invitation to sit on a panel'),
    ('panel_reminder', 'Reminder of scores to give'),
    ('invitation', 'Invitation'),
    ('reminder', 'Reminder'),
    ('confirmation', 'Confirmation of an answer'),
    ('password_reset', 'Password reset'),
    ('subject_access', 'Subject access request to review'),
]
STATUSES = [
    ('pending', 'Waiting to send'),
    ('sending', 'Sending'),
    ('sent', 'Sent'),
    ('failed', 'Failed: every retry used'),
    ('skipped', 'Not needed any more'),
]


def about_their_invitation(apps, schema_editor):
    EmailDelivery = apps.get_model('events', 'EmailDelivery')
    Invitation = apps.get_model('events', 'Invitation')
    ContentType = apps.get_model('contenttypes', 'ContentType')
    invitation_type, _ = ContentType.objects.get_or_create(app_label='events', model='invitation')
    EmailDelivery.objects.update(
        content_type=invitation_type,
        object_id=models.F('invitation_id'),
        programme_id=Subquery(Invitation.objects.filter(pk=OuterRef('invitation_id')).values('event__programme_id')[:1]),
    )


def back_to_their_invitation(apps, schema_editor):
    EmailDelivery = apps.get_model('events', 'EmailDelivery')
    ContentType = apps.get_model('contenttypes', 'ContentType')
    invitation_type = ContentType.objects.filter(app_label='events', model='invitation').first()
    # Only an invitation's messages can go back; the others had no place before.
    EmailDelivery.objects.exclude(content_type=invitation_type).delete()
    EmailDelivery.objects.update(invitation_id=models.F('object_id'))


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('events', '0003_subject_access_moves_to_data_protection'),
    ]

    operations = [
        migrations.AddField(
            model_name='emaildelivery',
            name='content_type',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AddField(model_name='emaildelivery', name='object_id', field=models.PositiveBigIntegerField(null=True)),
        migrations.AddField(
            model_name='emaildelivery',
            name='programme_id',
            field=models.BigIntegerField(blank=True, db_index=True, help_text='The programme whose organisers see this message.', null=True),
        ),
        migrations.AlterField(
            model_name='emaildelivery',
            name='invitation',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='events.invitation'),
        ),
        migrations.RunPython(about_their_invitation, back_to_their_invitation),
        migrations.RemoveField(model_name='emaildelivery', name='invitation'),
        migrations.AlterField(
            model_name='emaildelivery',
            name='content_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AlterField(model_name='emaildelivery', name='object_id', field=models.PositiveBigIntegerField()),
        migrations.AlterField(model_name='emaildelivery', name='kind', field=models.CharField(choices=KINDS, max_length=32)),
        migrations.AlterField(
            model_name='emaildelivery', name='status', field=models.CharField(choices=STATUSES, default='pending', max_length=8)
        ),
        migrations.AddIndex(
            model_name='emaildelivery',
            index=models.Index(fields=['content_type', 'object_id'], name='delivery_about'),
        ),
    ]
