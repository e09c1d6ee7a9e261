"""The subject access models move from events to data_protection with their tables untouched
(state only): events 0003 forgets them, this migration takes them over."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('awards', '0001_initial'),
        ('events', '0002_data_protection'),
        ('nominations', '0002_nominee_alias_key'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='SubjectAccessRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('requester_name', models.CharField(blank=True, max_length=150)),
                        ('requester_relationship', models.CharField(choices=[('young_person', 'The young person'), ('carer', 'Carer'), ('birth_parent', 'Birth parent'), ('social_worker', 'Social worker or personal adviser'), ('solicitor', 'Solicitor or advocate'), ('other', 'Someone else')], max_length=16)),
                        ('notes', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(2000)])),
                        ('status', models.CharField(choices=[('awaiting_review', 'Awaiting review'), ('reviewed', 'Reviewed: ready to release')], default='awaiting_review', max_length=16)),
                        ('data', models.JSONField(blank=True, default=dict, help_text='What was held when the request was made.')),
                        ('gathered_at', models.DateTimeField()),
                        ('withheld_parts', models.JSONField(blank=True, default=list)),
                        ('withheld_reason', models.TextField(blank=True)),
                        ('created_by_label', models.CharField(max_length=150)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('reviewed_by_label', models.CharField(blank=True, max_length=150)),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True)),
                        ('data_erased_at', models.DateTimeField(blank=True, null=True)),
                        ('created_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('nominee', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subject_access_requests', to='nominations.nominee')),
                        ('programme', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='subject_access_requests', to='awards.programme')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'events_subjectaccessrequest',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='SubjectAccessRequestHistory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('action', models.CharField(help_text='Dotted name, e.g. data_protection.request.downloaded', max_length=64)),
                        ('actor_label', models.CharField(max_length=150)),
                        ('detail', models.JSONField(blank=True, default=dict)),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='history', to='data_protection.subjectaccessrequest')),
                    ],
                    options={
                        'db_table': 'events_subjectaccessrequesthistory',
                        'verbose_name_plural': 'subject access request history',
                        'ordering': ['request', 'at', 'id'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='subjectaccessrequest',
                    constraint=models.CheckConstraint(condition=models.Q(('status', 'awaiting_review'), ('reviewed_at__isnull', False), _connector='OR'), name='subject_access_reviewed_has_time'),
                ),
            ],
        ),
    ]
