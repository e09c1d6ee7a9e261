"""The outbox now belongs to mail (its 0001 takes the model over with the same table); events
forgets it without touching the database."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0004_emaildelivery_about_anything'),
        ('mail', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[migrations.DeleteModel(name='EmailDelivery')],
        ),
    ]
