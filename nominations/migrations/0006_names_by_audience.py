"""Names by audience (nominations.naming): how to say a name is kept per part, so an audience
hears only the parts it may; the safeguarding check says whether event staff may know the name;
the young person's chosen name for their certificate.

The old one-line hint is split where it can be: with no preferred name, its first word is how to
say the first name and the rest the surname. Where a preferred name replaces the legal first name
(the hint may be for the legal name, which is never said), or the hint is one word for two names,
it is not guessed: it moves to the safeguarding notes, which only organisers and allocated staff
read, for someone to record it per part."""

from django.db import migrations, models


def split_hints(apps, schema_editor):
    Nominee = apps.get_model("nominations", "Nominee")
    for nominee in Nominee.objects.exclude(pronunciation="").iterator():
        words = nominee.pronunciation.split()
        preferred = nominee.preferred_name.strip()
        plain = not preferred or preferred.casefold() == nominee.legal_first_name.strip().casefold()
        if plain and len(words) >= 2 and nominee.legal_last_name.strip():
            nominee.say_first_name, nominee.say_last_name = words[0][:100], " ".join(words[1:])[:100]
        elif plain and len(words) == 1 and not nominee.legal_last_name.strip():
            nominee.say_first_name = words[0][:100]
        else:
            note = f"How to say their name, to record per part: {nominee.pronunciation}"
            nominee.safeguarding_notes = f"{nominee.safeguarding_notes}\n{note}".strip()
        nominee.save(update_fields=["say_first_name", "say_last_name", "safeguarding_notes"])


def join_hints(apps, schema_editor):
    Nominee = apps.get_model("nominations", "Nominee")
    for nominee in Nominee.objects.exclude(say_first_name="", say_last_name="").iterator():
        nominee.pronunciation = " ".join(filter(None, (nominee.say_first_name, nominee.say_last_name)))[:150]
        nominee.save(update_fields=["pronunciation"])


class Migration(migrations.Migration):

    dependencies = [
        ("nominations", "0005_nomination_one_per_nominator_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="nominee",
            name="chosen_name",
            field=models.CharField(blank=True, help_text="The name on their certificate and letter.", max_length=150),
        ),
        migrations.AddField(
            model_name="nominee",
            name="named_to_event_staff",
            field=models.BooleanField(default=True, help_text="The door and floor staff may know their name (else a neutral label)."),
        ),
        migrations.AddField(
            model_name="nominee",
            name="say_first_name",
            field=models.CharField(blank=True, help_text="How to say their first name, as it will be said.", max_length=100),
        ),
        migrations.AddField(
            model_name="nominee",
            name="say_last_name",
            field=models.CharField(blank=True, help_text="How to say their surname.", max_length=100),
        ),
        migrations.RunPython(split_hints, join_hints),
        migrations.RemoveField(model_name="nominee", name="pronunciation"),
    ]
