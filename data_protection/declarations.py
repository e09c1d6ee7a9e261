"""The personal data every app declares it holds, found the way Django's admin finds `admin.py`:
each installed project app may have a `personal_data` module next to its models with a plain
`PERSONAL_DATA` dict (how to read one: mail.personal_data). Subject access, erasure and retention
are built from these declarations, not from a central list that must remember every field.

An app to the left of data_protection never imports it: its declaration is plain data, read here.
`coverage_problems` is the guard: every model of a project app is declared, and every one of its
fields is in exactly one of fields, texts, context or internal."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.module_loading import module_has_submodule

# The apps of this project (DESIGN.md's order); Django's and third parties' apps declare nothing.
PROJECT_APPS = ("mail", "awards", "nominations", "shortlisting", "events", "night", "dashboard", "data_protection", "demo")
MODULE = "personal_data"

WHOSE = frozenset({"nominee", "nominator", "carer", "guest", "invitee", "panel_member", "staff", "requester"})
KINDS = frozenset({"name", "email", "phone", "organisation", "place", "birth_date", "detail", "account", "secret", "link"})
TREATMENTS = frozenset({"about", "mentions", "private"})
KEEP = "keep"
UNSET = object()


@dataclass(frozen=True)
class PersonalField:
    name: str
    whose: str
    kind: str
    label: str
    # The value it gets when erased: UNSET for the field's empty value, KEEP to keep it.
    erased: Any = UNSET

    @property
    def kept(self) -> bool:
        return self.erased == KEEP


@dataclass(frozen=True)
class FreeText:
    name: str
    treatment: str
    label: str


@dataclass(frozen=True)
class Declaration:
    model: type[models.Model]
    label: str
    programme: str
    about: tuple[str, ...] = ()
    about_object: tuple[str, str] | None = None
    whose_row: str = ""
    fields: dict[str, PersonalField] = field(default_factory=dict)
    texts: dict[str, FreeText] = field(default_factory=dict)
    context: dict[str, str] = field(default_factory=dict)
    internal: tuple[str, ...] = ()
    released_values: dict[str, dict[str, str]] = field(default_factory=dict)
    # Rows of the person's own that erasure deletes rather than changes (a filter; {} for all).
    erase_rows: dict | None = None

    def declared(self) -> list[str]:
        """Every field name this declaration places, once per place (duplicates are a fault)."""
        return [*self.fields, *self.texts, *self.context, *self.internal]


def model_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields a declaration must place: concrete fields and many-to-many, not the primary key
    Django adds nor reverse relations."""
    found = [f for f in model._meta.concrete_fields if not (f.primary_key and f.auto_created)]
    found += [f for f in model._meta.local_many_to_many]
    return found


def _parse(model: type[models.Model], raw: dict) -> Declaration:
    fields = {}
    for name, spec in raw.get("fields", {}).items():
        whose, kind, label, *rest = spec
        fields[name] = PersonalField(name, whose, kind, label, rest[0] if rest else UNSET)
    texts = {name: FreeText(name, treatment, label) for name, (treatment, label) in raw.get("texts", {}).items()}
    return Declaration(
        model=model,
        label=raw["label"],
        programme=raw.get("programme", ""),
        about=tuple(raw.get("about", ())),
        about_object=tuple(raw["about_object"]) if raw.get("about_object") else None,
        whose_row=raw.get("whose_row", ""),
        fields=fields,
        texts=texts,
        context=dict(raw.get("context", {})),
        internal=tuple(raw.get("internal", ())),
        released_values=dict(raw.get("released_values", {})),
        erase_rows=raw.get("erase_rows"),
    )


def raw_declarations() -> dict[str, dict[str, dict]]:
    """Each project app's PERSONAL_DATA, by app label (empty for an app without the module)."""
    found = {}
    for label in PROJECT_APPS:
        config = apps.get_app_config(label)
        if module_has_submodule(config.module, MODULE):
            found[label] = getattr(import_module(f"{config.name}.{MODULE}"), "PERSONAL_DATA", {})
        else:
            found[label] = {}
    return found


@functools.cache
def declarations() -> dict[type[models.Model], Declaration]:
    """Every declared model's declaration (read once)."""
    found = {}
    for label, raw in raw_declarations().items():
        for object_name, spec in raw.items():
            model = apps.get_model(label, object_name)
            found[model] = _parse(model, spec)
    return found


def declaration_for(model: type[models.Model]) -> Declaration:
    return declarations()[model]


def project_models() -> list[type[models.Model]]:
    return [model for label in PROJECT_APPS for model in apps.get_app_config(label).get_models()]


def coverage_problems(models_to_check=None, raw: dict[str, dict[str, dict]] | None = None) -> list[str]:
    """What the declarations miss or get wrong: a model nobody declared, a field placed nowhere or
    twice, a name that is no field, an unknown whose, kind or treatment. Empty when all is well."""
    raw = raw_declarations() if raw is None else raw
    problems = []
    for model in project_models() if models_to_check is None else models_to_check:
        where = f"{model._meta.app_label}.{model.__name__}"
        spec = raw.get(model._meta.app_label, {}).get(model.__name__)
        if spec is None:
            problems.append(f"{where} has no declaration in {model._meta.app_label}/{MODULE}.py")
            continue
        declaration = _parse(model, spec)
        placed = declaration.declared()
        names = {f.name for f in model_fields(model)}
        for f in model_fields(model):
            if f.name not in placed:
                kind = "text" if isinstance(f, (models.CharField, models.TextField, models.JSONField)) else "field"
                problems.append(f"{where}.{f.name} is a {kind} no declaration covers")
        for name in sorted({n for n in placed if placed.count(n) > 1}):
            problems.append(f"{where}.{name} is declared more than once")
        for name in sorted(set(placed) - names):
            problems.append(f"{where}.{name} is declared but is not a field")
        for f in declaration.fields.values():
            if f.whose not in WHOSE or f.kind not in KINDS:
                problems.append(f"{where}.{f.name}: unknown whose or kind {f.whose!r}, {f.kind!r}")
        for t in declaration.texts.values():
            if t.treatment not in TREATMENTS:
                problems.append(f"{where}.{t.name}: unknown treatment {t.treatment!r}")
    return problems
