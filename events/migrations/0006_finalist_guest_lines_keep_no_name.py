"""A finalist's own line among the guests keeps no copy of their name: it was the announce name
when the RSVP was answered, and went stale when the publicity level was lowered, the consent to be
named withdrawn or the preferred name changed. The name is now composed from the nominee whenever
it is read (events.selectors.guest_name); the copies go."""

from django.db import migrations, models


def forget_copies(apps, schema_editor):
    Guest = apps.get_model("events", "Guest")
    Guest.objects.filter(position=0, invitation__kind="finalist").update(name="")


class Migration(migrations.Migration):

    dependencies = [
        ("events", "0005_emaildelivery_moves_to_mail"),
        ("nominations", "0006_names_by_audience"),
    ]

    operations = [
        migrations.AlterField(model_name="guest", name="name", field=models.CharField(blank=True, max_length=150)),
        # The name cannot be put back: it is composed when read.
        migrations.RunPython(forget_copies, migrations.RunPython.noop),
    ]
