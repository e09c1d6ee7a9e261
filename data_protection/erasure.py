"""Erasure of one person, built from the apps' declarations (data_protection.declarations) and the
name matcher (nominations.redaction): every trace of them, and nothing else.

Which rows are theirs, and what happens to each:

- **their own rows** — reached by a declaration's `about` lookups from their record (and every
  record merged into it), or, for a declaration with `whose_row`, a row whose name field holds their
  full name however it was made (a performer's invitation, a guest): each personal field gets its
  erased value (a name "Erased", an address no one can receive, the field's empty value), "about"
  and "private" text goes whole, and "mentions" text (the audit trail) loses every form of their
  names and of the people around them (carer, nominator, guests), their addresses and phone numbers;
- **rows shared with others** — a group's nomination, name, history, reviews and invitation: only
  their names leave the text; the group's nominator and the other members stay;
- **any other free text of their programmes** — running order, tables, shortlist history, other
  people's statements and e-mails: changed only where the person stands as themselves, written in
  full ("Zephyrine Quillfeather", "zeph.q@…") or linked to their rows (the running-order item of
  their award); a namesake ("Nevaeh Kaya" when erasing Nevaeh Russo) or a word that shares their
  first name ("Connor from the film crew") is left alone.

The plan is built in memory first: the preview is the same plan, shown record by record with the
text before and after, and nothing is written until it is saved.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from nominations.models import Nominee
from nominations.naming import name_forms
from nominations.redaction import name_spans

from .declarations import UNSET, Declaration, declarations
from .models import SubjectAccessRequest

ERASED_NAME = "Erased"
ERASED_TEXT = "[erased]"
ERASED_KEY_PREFIX = "erased:"
ERASED_EMAIL_DOMAIN = "erased.invalid"
# Kinds of personal data that are a string identifying someone wherever it is written.
_LITERAL_KINDS = ("email", "phone")


def _words(value: str) -> list[str]:
    return re.findall(r"\w+", value)


def _real(name) -> bool:
    """A name that is more than what erasure left ("Erased", "Erased Erased", "[erased]")."""
    return bool(name) and any(word.casefold() != "erased" for word in _words(name))


def _full(names) -> list[str]:
    """The names of several words (written whole, they point at one person)."""
    return sorted({n.strip() for n in names if _real(n) and len(_words(n)) > 1})


def _clean(names) -> list[str]:
    return sorted({n.strip() for n in names if _real(n)})


@dataclass
class ChangeLine:
    """One field of one record as erasure would leave it (the preview)."""

    what: str
    record: str
    field: str
    before: str
    after: str


class Plan:
    """The changes an anonymisation would make, in memory until `save()`, with the values before."""

    def __init__(self):
        self._changed: dict[type, dict[int, tuple[models.Model, set[str]]]] = defaultdict(dict)
        self._before: dict[tuple[type, int], dict[str, object]] = defaultdict(dict)
        self._deletes: list[tuple[tuple[str, str], QuerySet, int]] = []
        self._side_updates: list[tuple[QuerySet, dict]] = []

    def set(self, obj: models.Model, **values) -> None:
        fields = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in fields:
            self._before[(type(obj), obj.pk)].setdefault(name, getattr(obj, name))
            setattr(obj, name, values[name])
        if fields:
            entry = self._changed[type(obj)].setdefault(obj.pk, (obj, set()))
            entry[1].update(fields)

    def delete(self, label: tuple[str, str], queryset: QuerySet) -> None:
        count = queryset.count()
        if count:
            self._deletes.append((label, queryset, count))

    def update_others(self, queryset: QuerySet, **values) -> None:
        """A change to rows outside the scope that follows from it (not counted, no history)."""
        self._side_updates.append((queryset, values))

    def changed(self, model: type) -> list[models.Model]:
        return [obj for obj, _ in self._changed.get(model, {}).values()]

    def counts(self, labels: dict | None = None) -> dict[str, int]:
        labels = labels or {}
        result: dict[str, int] = {}
        for model, entries in self._changed.items():
            if entries:
                one, many = labels.get(model) or _model_labels(model)
                key = one if len(entries) == 1 else many
                result[key] = result.get(key, 0) + len(entries)
        for (one, many), _, count in self._deletes:
            result[one if count == 1 else many] = count
        return result

    def lines(self) -> list[ChangeLine]:
        """Every field of every record that will change, with its value before and after."""
        found = []
        for model, entries in self._changed.items():
            declaration = declarations().get(model)
            what = declaration.label if declaration else model._meta.verbose_name_plural.capitalize()
            for pk, (obj, names) in sorted(entries.items()):
                for name in sorted(names):
                    if name == "updated_at":
                        continue
                    found.append(
                        ChangeLine(
                            what=what,
                            record=f"{model._meta.verbose_name.capitalize()} #{pk}",
                            field=_field_label(declaration, model, model._meta.get_field(name).name),
                            before=_shown(model._meta.get_field(name), self._before[(model, pk)].get(name)),
                            after=_shown(model._meta.get_field(name), getattr(obj, name)) or "(removed)",
                        )
                    )
        for (one, many), queryset, count in self._deletes:
            for pk in queryset.values_list("pk", flat=True):
                found.append(ChangeLine(what=many.capitalize(), record=f"#{pk}", field="", before="", after="deleted"))
        return found

    def is_empty(self) -> bool:
        return not any(self._changed.values()) and not self._deletes

    def save(self) -> None:
        now = timezone.now()
        for model, entries in self._changed.items():
            by_fields: dict[frozenset[str], list[models.Model]] = defaultdict(list)
            for obj, names in entries.values():
                if any(f.name == "updated_at" for f in model._meta.concrete_fields):
                    obj.updated_at = now
                    names = names | {"updated_at"}
                by_fields[frozenset(names)].append(obj)
            for names, objs in by_fields.items():
                m2m = [n for n in names if model._meta.get_field(n).many_to_many]
                assert not m2m, f"erasure never changes a link ({m2m})"
                model.objects.bulk_update(objs, sorted(names), batch_size=500)
        for _, queryset, _ in self._deletes:
            queryset.delete()
        for queryset, values in self._side_updates:
            queryset.update(**values)


def _model_labels(model) -> tuple[str, str]:
    return str(model._meta.verbose_name), str(model._meta.verbose_name_plural)


def _field_label(declaration: Declaration | None, model, name: str) -> str:
    if declaration is not None:
        if name in declaration.fields:
            return declaration.fields[name].label
        if name in declaration.texts:
            return declaration.texts[name].label
        if name in declaration.context:
            return declaration.context[name]
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _shown(model_field, value) -> str:
    """A value as a person reads it: a code as its words."""
    if value is None:
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


# --- what is erased in a field -----------------------------------------------------------------


def erased_value(model_field: models.Field, obj: models.Model, declared=UNSET):
    """The value a personal field gets when erased: the declared one (a string may hold {pk}), else
    its empty value: None where it may be null, "" where it may be blank, its default, or "Erased"."""
    if declared is not UNSET:
        if isinstance(declared, str):
            value = declared.format(pk=obj.pk)
            return date.fromisoformat(value) if isinstance(model_field, models.DateField) else value
        return declared
    if model_field.null:
        return None
    if model_field.choices:  # a code, never a word the choices do not hold
        return model_field.get_default() if model_field.has_default() else model_field.choices[0][0]
    if isinstance(model_field, (models.CharField, models.TextField)):
        return "" if model_field.blank else ERASED_NAME
    if model_field.has_default():
        return model_field.get_default()
    raise ValueError(f"{model_field} has no erased value: declare one")


def _attname(model, name: str) -> str:
    return model._meta.get_field(name).attname


# --- the person and the people around them -----------------------------------------------------


@dataclass
class Traces:
    """What identifies the person in free text, and who must not be mistaken for them."""

    forms: list[str]  # every name form of theirs (each word, short forms: nominations.redaction)
    full: list[str]  # their names written whole: "Zephyrine Quillfeather"
    around_full: list[str]  # the people around them, written whole (carer, nominator, guests)
    around: list[str]  # the same people, each part of their names (only in text of their own rows)
    literals: list[str]  # e-mail addresses and phone numbers; their area (only in text of their own rows)
    namesakes: list[str]  # other people of their programmes, written whole: never changed


class TextEraser:
    """Takes a person out of free text with the name matcher."""

    def __init__(self, traces: Traces):
        self.t = traces
        wanted = sorted({s.strip() for s in traces.literals if s and len(s.strip()) >= 4}, key=len, reverse=True)
        self._literals = (
            re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in wanted) + r")(?!\w)", re.IGNORECASE) if wanted else None
        )

    def _literal_spans(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in self._literals.finditer(text)] if self._literals is not None else []

    def text(self, value: str, *, linked: bool, own: bool) -> str:
        """`value` without the person: `linked`, the text belongs to a row of theirs or linked to
        one; `own`, that row is theirs alone (the people around them go too)."""
        if not value or not isinstance(value, str):
            return value
        protected = name_spans(value, self.t.namesakes, whole=True) if self.t.namesakes else []

        def free(span):
            return not any(span[0] < end and start < span[1] for start, end in protected)

        strong = [s for s in name_spans(value, self.t.full, whole=True) + name_spans(value, self.t.around_full, whole=True) if free(s)]
        strong += self._literal_spans(value) if own else []
        if not linked and not strong:
            return value
        spans = strong + [s for s in name_spans(value, self.t.forms) if free(s)]
        if own:
            spans += [s for s in name_spans(value, self.t.around) if free(s)]
        return _replace(value, spans) if spans else value

    def json(self, value, *, linked: bool, own: bool):
        if isinstance(value, str):
            return self.text(value, linked=linked, own=own)
        if isinstance(value, list):
            return [self.json(item, linked=linked, own=own) for item in value]
        if isinstance(value, dict):
            return {key: self.json(item, linked=linked, own=own) for key, item in value.items()}
        return value


def _replace(text: str, spans: list[tuple[int, int]]) -> str:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out += [text[last:start], ERASED_TEXT]
        last = end
    out.append(text[last:])
    return "".join(out)


# --- finding the rows --------------------------------------------------------------------------


def _is_group_lookup(lookup: str) -> bool:
    return "members" in lookup.split("__")


def _by_lookup(model, lookup: str, ids) -> QuerySet:
    return model._base_manager.filter(**{"pk__in" if lookup == "pk" else f"{lookup}__in": list(ids)})


def _in_programmes(declaration: Declaration, programme_ids) -> QuerySet:
    return _by_lookup(declaration.model, declaration.programme, programme_ids).distinct()


@dataclass
class Scope:
    own: dict[type, dict[int, models.Model]]
    shared: dict[type, dict[int, models.Model]]


def _rows_about(family_ids: list[int]) -> Scope:
    own: dict[type, dict[int, models.Model]] = defaultdict(dict)
    shared: dict[type, dict[int, models.Model]] = defaultdict(dict)
    for model, declaration in declarations().items():
        for lookup in declaration.about:
            target = shared if _is_group_lookup(lookup) else own
            for row in _by_lookup(model, lookup, family_ids).distinct():
                target[model][row.pk] = row
        for pk in list(shared[model]):
            if pk in own[model]:
                del shared[model][pk]
    return Scope(own=own, shared=shared)


def _person_text_values(rows, declaration: Declaration, kinds) -> list[str]:
    values = []
    for row in rows:
        for spec in declaration.fields.values():
            if spec.kind in kinds and not spec.kept:
                value = getattr(row, _attname(declaration.model, spec.name))
                if isinstance(value, str):
                    values.append(value)
    return values


def _whose_rows(scope: Scope, full: list[str], programme_ids) -> None:
    """Rows that are the person's by a name written whole (a performer's invitation, a guest)."""
    if not full:
        return
    for model, declaration in declarations().items():
        if not declaration.whose_row:
            continue
        name_fields = [s.name for s in declaration.fields.values() if s.whose == declaration.whose_row and s.kind == "name"]
        for row in _in_programmes(declaration, programme_ids):
            if row.pk in scope.own[model]:
                continue
            if any(name_spans(getattr(row, name) or "", full, whole=True) for name in name_fields):
                scope.own[model][row.pk] = row
                scope.shared[model].pop(row.pk, None)


def _own_children(scope: Scope) -> None:
    """Rows about a row of theirs (guests and links of their own invitation) are theirs too."""
    changed = True
    while changed:
        changed = False
        for model, declaration in declarations().items():
            for f in model._meta.concrete_fields:
                if not (f.is_relation and f.many_to_one) or f.name not in declaration.internal:
                    continue
                parents = scope.own.get(f.related_model)
                if not parents:
                    continue
                for row in model._base_manager.filter(**{f"{f.name}__in": list(parents)}):
                    if row.pk not in scope.own[model]:
                        scope.own[model][row.pk] = row
                        scope.shared[model].pop(row.pk, None)
                        changed = True


def _known_people(programme_ids, scope: Scope, family_ids) -> set[str]:
    """Everyone else the programmes know by name, written whole (not from the person's own rows)."""
    names: set[str] = set()
    for model, declaration in declarations().items():
        name_fields = [s.name for s in declaration.fields.values() if s.kind == "name"]
        if not name_fields:
            continue
        rows = _in_programmes(declaration, programme_ids).exclude(pk__in=list(scope.own.get(model, {})))
        for values in rows.values_list(*name_fields):
            names.update(v for v in values if isinstance(v, str))
    for nominee in Nominee._base_manager.filter(programme_id__in=programme_ids).exclude(pk__in=family_ids):
        names.update(name_forms(nominee))
    return {n.casefold(): n for n in _full(names)}


# --- the plan ----------------------------------------------------------------------------------


def person_plan(family: list[Nominee]) -> tuple[Plan, TextEraser]:
    """Everything erasing the person whose records are `family` would change (nothing written)."""
    ids = [n.pk for n in family]
    nominees = list(Nominee._base_manager.filter(pk__in=ids).order_by("pk"))
    programme_ids = sorted({n.programme_id for n in nominees})
    forms = _clean(form for n in nominees for form in name_forms(n))
    full = _full(forms)

    scope = _rows_about(ids)
    _whose_rows(scope, full, programme_ids)
    _own_children(scope)
    _about_objects(scope)

    around: list[str] = []
    literals: list[str] = [n.area for n in nominees]
    for model, rows in scope.own.items():
        declaration = declarations()[model]
        own_values = list(rows.values())
        around += [
            v
            for row in own_values
            for s in declaration.fields.values()
            if s.kind == "name" and s.whose != "nominee" and not s.kept
            for v in [getattr(row, s.name)]
            if isinstance(v, str)
        ]
        literals += _person_text_values(own_values, declaration, _LITERAL_KINDS)
    own_forms = {f.casefold() for f in forms}
    around = [a for a in _clean(around) if a.casefold() not in own_forms]
    literals = [v for v in _clean(literals) if not v.endswith("@" + ERASED_EMAIL_DOMAIN)]
    others = _known_people(programme_ids, scope, ids)
    traces = Traces(
        forms=forms,
        full=full,
        # Someone around them who is also around another young person (one carer of two) is named
        # in others' text for that other child: only text of their own rows loses them.
        around_full=[a for a in _full(around) if a.casefold() not in others],
        around=around,
        literals=literals,
        namesakes=[n for key, n in others.items() if key not in own_forms and key not in {a.casefold() for a in around}],
    )
    eraser = TextEraser(traces)
    plan = Plan()
    now = timezone.now()

    for model, rows in scope.own.items():
        declaration = declarations()[model]
        if declaration.erase_rows is not None:
            doomed = model._base_manager.filter(pk__in=list(rows), **declaration.erase_rows)
            plan.delete(_model_labels(model), doomed)
            kept_pks = set(rows) - set(doomed.values_list("pk", flat=True))
            rows = {pk: rows[pk] for pk in kept_pks}
        for row in rows.values():
            _erase_own(plan, eraser, declaration, row)
            if model is SubjectAccessRequest and row.data_erased_at is None:
                plan.set(row, data_erased_at=now)
    for model, rows in scope.shared.items():
        declaration = declarations()[model]
        for row in rows.values():
            _scrub(plan, eraser, declaration, row, names=declaration.texts, linked=True, own=False)

    # Every other free text of their programmes, and what links to their rows.
    for model, declaration in declarations().items():
        if not declaration.texts or not declaration.programme:
            continue
        linked = _linked_pks(declaration, scope)
        handled = set(scope.own.get(model, {})) | set(scope.shared.get(model, {}))
        for row in _in_programmes(declaration, programme_ids).exclude(pk__in=handled):
            _scrub(plan, eraser, declaration, row, names=declaration.texts, linked=row.pk in linked, own=False)
        for row in declaration.model._base_manager.filter(pk__in=linked - handled).exclude(
            pk__in=_in_programmes(declaration, programme_ids).values("pk")
        ):
            _scrub(plan, eraser, declaration, row, names=declaration.texts, linked=True, own=False)
    # Another record flagged as a look-alike of an erased one has nothing left to compare with.
    plan.update_others(Nominee.objects.filter(possible_duplicate_of_id__in=ids).exclude(pk__in=ids), possible_duplicate_of=None)
    return plan, eraser


def _linked_pks(declaration: Declaration, scope: Scope) -> set[int]:
    """Rows of `declaration` that link (a declared link field) to a row of the person's own."""
    found: set[int] = set()
    for spec in declaration.fields.values():
        if spec.kind != "link":
            continue
        model_field = declaration.model._meta.get_field(spec.name)
        targets = scope.own.get(model_field.related_model) if model_field.is_relation else None
        if targets:
            found |= set(_by_lookup(declaration.model, spec.name, targets).values_list("pk", flat=True))
    return found


def _about_objects(scope: Scope) -> None:
    """Rows that point at a row of theirs through a generic reference (the e-mails about them) are
    theirs too."""
    for model, declaration in declarations().items():
        if declaration.about_object is None:
            continue
        type_field, id_field = declaration.about_object
        for target_model, rows in list(scope.own.items()):
            if not rows or target_model is model:
                continue
            content_type = ContentType.objects.get_for_model(target_model)
            for row in model._base_manager.filter(**{type_field: content_type, f"{id_field}__in": list(rows)}):
                scope.own[model][row.pk] = row


def _erase_own(plan: Plan, eraser: TextEraser, declaration: Declaration, row) -> None:
    model = declaration.model
    values = {}
    for spec in declaration.fields.values():
        model_field = model._meta.get_field(spec.name)
        # A link is the structure of the data, not the data: kept unless a value is declared.
        if spec.kept or model_field.many_to_many or (spec.kind == "link" and spec.erased is UNSET):
            continue
        if getattr(row, model_field.attname) is None and model_field.null:
            continue
        values[model_field.attname] = erased_value(model_field, row, spec.erased)
    for text in declaration.texts.values():
        model_field = model._meta.get_field(text.name)
        current = getattr(row, model_field.attname)
        if text.treatment in ("about", "private"):
            if current in ("", None, [], {}):
                continue
            values[model_field.attname] = erased_value(model_field, row) if model_field.blank else ERASED_TEXT
        else:
            values[model_field.attname] = eraser.json(current, linked=True, own=True)
    plan.set(row, **values)


def _scrub(plan: Plan, eraser: TextEraser, declaration: Declaration, row, *, names, linked: bool, own: bool) -> None:
    values = {}
    for name in names:
        attname = _attname(declaration.model, name)
        values[attname] = eraser.json(getattr(row, attname), linked=linked, own=own)
    plan.set(row, **values)


# --- what subject access reads from the same machinery -----------------------------------------


def person_scope(family: list[Nominee]) -> tuple[Scope, list[str], list[int]]:
    """The rows that are the person's own or shared with them (as erasure finds them), their name
    forms and their programmes."""
    ids = [n.pk for n in family]
    nominees = list(Nominee._base_manager.filter(pk__in=ids))
    programme_ids = sorted({n.programme_id for n in nominees})
    forms = _clean(form for n in nominees for form in name_forms(n))
    scope = _rows_about(ids)
    _whose_rows(scope, _full(forms), programme_ids)
    _own_children(scope)
    _about_objects(scope)
    return scope, forms, programme_ids


def rows_naming(forms: list[str], programme_ids, skip: Scope) -> list[tuple[Declaration, models.Model, list[str]]]:
    """Rows of their programmes, not theirs, whose free text names them written whole (a
    running-order note, a shortlist history entry): (declaration, row, the text fields)."""
    full = _full(forms)
    found = []
    if not full:
        return found
    for model, declaration in declarations().items():
        if not declaration.texts or not declaration.programme:
            continue
        handled = set(skip.own.get(model, {})) | set(skip.shared.get(model, {}))
        for row in _in_programmes(declaration, programme_ids).exclude(pk__in=handled):
            names = []
            for text in declaration.texts:
                value = getattr(row, _attname(model, text))
                value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                if name_spans(value, full, whole=True):
                    names.append(text)
            if names:
                found.append((declaration, row, names))
    return found


# --- retention: every person of a programme, on the same machinery -----------------------------


def programme_plan(programme_ids: list[int]) -> tuple[Plan, TextEraser]:
    """Everything anonymising whole programmes changes: every row of theirs is treated as erasure
    treats a person's own rows, keeping what the declarations mark "keep" (counts and results).
    Free text loses every young person's names and every other name written whole, and e-mail
    addresses and phone numbers; never a word on its own that is not a young person's name (the
    "care" of "Children in Care Council", the "will" of a sentence)."""
    nominees = list(Nominee._base_manager.filter(programme_id__in=programme_ids))
    forms = _clean(form for n in nominees for form in name_forms(n))
    rows: dict[type, list[models.Model]] = {}
    names: list[str] = []
    literals: list[str] = []
    for model, declaration in declarations().items():
        if not declaration.programme:
            continue
        rows[model] = list(_in_programmes(declaration, programme_ids).order_by("pk"))
        names += _person_text_values(rows[model], declaration, ("name",))
        literals += _person_text_values(rows[model], declaration, _LITERAL_KINDS)
    traces = Traces(
        forms=forms,
        full=_full(forms),
        around_full=_full(names),
        around=[],
        literals=[v for v in _clean(literals) if not v.endswith("@" + ERASED_EMAIL_DOMAIN)],
        namesakes=[],
    )
    eraser = TextEraser(traces)
    plan = Plan()
    now = timezone.now()
    for model, found in rows.items():
        declaration = declarations()[model]
        if declaration.erase_rows is not None:
            doomed = model._base_manager.filter(pk__in=[r.pk for r in found], **declaration.erase_rows)
            plan.delete(_model_labels(model), doomed)
            gone = set(doomed.values_list("pk", flat=True))
            found = [r for r in found if r.pk not in gone]
        for row in found:
            _erase_own(plan, eraser, declaration, row)
            if model is SubjectAccessRequest and row.data_erased_at is None:
                plan.set(row, data_erased_at=now)
    ids = [n.pk for n in nominees]
    plan.update_others(Nominee.objects.filter(possible_duplicate_of_id__in=ids).exclude(pk__in=ids), possible_duplicate_of=None)
    return plan, eraser
