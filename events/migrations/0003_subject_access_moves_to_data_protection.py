"""The subject access models now belong to data_protection (its 0001 takes them over with the
same tables); events forgets them without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0002_data_protection'),
        ('data_protection', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='SubjectAccessRequestHistory'),
                migrations.DeleteModel(name='SubjectAccessRequest'),
            ],
        ),
    ]
