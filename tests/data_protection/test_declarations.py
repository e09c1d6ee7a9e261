"""Every app declares the personal data it holds (data_protection.declarations): a model or a
field that no declaration covers fails here, so nobody can add a text or personal field without
saying whose it is and how subject access, erasure and retention treat it."""

from django.db import models
from django.test.utils import isolate_apps

from data_protection.declarations import (
    PROJECT_APPS,
    coverage_problems,
    declarations,
    project_models,
    raw_declarations,
)
from events.models import Guest, Invitation
from nominations.models import Nominee


def test_every_model_and_every_field_is_declared():
    assert coverage_problems() == []


def test_every_project_model_has_a_declaration_from_its_own_app():
    declared = declarations()
    assert sorted(m._meta.label for m in project_models()) == sorted(m._meta.label for m in declared)
    assert {m._meta.app_label for m in declared} <= set(PROJECT_APPS)


def test_the_declarations_say_whose_the_personal_fields_are():
    assert declarations()[Nominee].fields["legal_last_name"].whose == "nominee"
    assert declarations()[Invitation].fields["addressee_name"].whose == "carer"
    assert declarations()[Guest].fields["name"].whose == "guest"
    assert declarations()[Invitation].texts["quote"].treatment == "about"


def test_the_guard_fails_when_a_declared_field_is_dropped():
    raw = raw_declarations()
    nominee = dict(raw["nominations"]["Nominee"])
    nominee["fields"] = {k: v for k, v in nominee["fields"].items() if k != "preferred_name"}
    raw["nominations"] = {**raw["nominations"], "Nominee": nominee}

    assert coverage_problems([Nominee], raw=raw) == ["nominations.Nominee.preferred_name is a text no declaration covers"]


@isolate_apps("events")
def test_the_guard_fails_when_a_model_gains_an_undeclared_text_field():
    class Guest(models.Model):
        name = models.CharField(max_length=100)
        pronouns = models.CharField(max_length=30)  # new, declared nowhere
        birthday = models.DateField()  # new, declared nowhere

        class Meta:
            app_label = "events"

    class Scrapbook(models.Model):  # a new model nobody declared
        caption = models.TextField()

        class Meta:
            app_label = "events"

    raw = {"events": {"Guest": {"label": "Guests", "fields": {"name": ("guest", "name", "Name")}}}}

    assert coverage_problems([Guest, Scrapbook], raw=raw) == [
        "events.Guest.pronouns is a text no declaration covers",
        "events.Guest.birthday is a field no declaration covers",
        "events.Scrapbook has no declaration in events/personal_data.py",
    ]


@isolate_apps("events")
def test_the_guard_fails_on_a_field_declared_twice_or_a_name_that_is_no_field():
    class Guest(models.Model):
        name = models.CharField(max_length=100)

        class Meta:
            app_label = "events"

    raw = {
        "events": {
            "Guest": {
                "label": "Guests",
                "fields": {"name": ("guest", "name", "Name"), "nickname": ("someone", "name", "Nickname")},
                "context": {"name": "Name"},
            }
        }
    }

    assert coverage_problems([Guest], raw=raw) == [
        "events.Guest.name is declared more than once",
        "events.Guest.nickname is declared but is not a field",
        "events.Guest.nickname: unknown whose or kind 'someone', 'name'",
    ]
