"""Forms of the data protection pages. They check shape only; who may do what, and when, stays
with data_protection.services, whose refusals are put back on the field they name."""

from __future__ import annotations

from django import forms

from nominations.forms import ErrorSummaryMixin, ParagraphField, line

from .enums import RequesterRelationship
from .export import WITHHOLDABLE_PARTS

REASON_MAX = 2000


class FindForm(ErrorSummaryMixin, forms.Form):
    reference = line(
        "Nomination reference",
        24,
        required=True,
        error_messages={"required": "Enter the reference of one of their nominations, for example PROUD26-0042."},
        help_text="The reference of any of their nominations, for example PROUD26-0042.",
    )


class AccessLogFilterForm(forms.Form):
    """The access log's filters, from the query string; an invalid value is ignored."""

    reference = line("Nomination reference", 24, help_text="Reads of the young person this nomination is for.")
    user = forms.ChoiceField(label="Who read it", required=False)
    programme = forms.ChoiceField(label="Awards", required=False)
    nominee = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, usernames: list[str], programmes: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "Anyone")] + [(u, u) for u in usernames]
        self.programmes = {p.slug: p for p in programmes}
        self.fields["programme"].choices = [("", "All your awards")] + [(p.slug, p.name) for p in programmes]
        if len(programmes) < 2:
            del self.fields["programme"]

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "reference": (data.get("reference") or "").strip(),
            "user": data.get("user") or "",
            "programme": self.programmes.get(data.get("programme") or ""),
            "nominee": data.get("nominee"),
        }


class SubjectAccessRequestForm(ErrorSummaryMixin, forms.Form):
    requester_name = line(
        "Name of the person asking",
        150,
        required=True,
        error_messages={"required": "Enter the name of the person asking."},
    )
    requester_relationship = forms.ChoiceField(
        label="Who are they to the young person?",
        choices=RequesterRelationship.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say who is asking.", "invalid_choice": "Choose one of the options listed."},
        help_text="When it is not the young person, the reviewer decides what to withhold, such as where they live.",
    )
    notes = ParagraphField(label="Notes (optional)", max_length=REASON_MAX, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notes"].widget.attrs["rows"] = 3
        self.fields["notes"].help_text = "How the request came in and how you checked who they are. Not released."


class ReviewForm(ErrorSummaryMixin, forms.Form):
    withheld_parts = forms.MultipleChoiceField(
        label="Parts to withhold (optional)",
        choices=[(key, part.label) for key, part in WITHHOLDABLE_PARTS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="For example where they live and their carer's details when a birth parent asks.",
    )
    withheld_lines = forms.MultipleChoiceField(
        label="Lines of text to withhold (optional)",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Other people's names are already taken out. Tick any line that still says what the person who asked must not read.",
    )
    reason = ParagraphField(label="Why are they withheld?", max_length=REASON_MAX, required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["withheld_lines"].choices = [(key, f"{where}: {text}") for key, where, text in lines]
        if not lines:
            del self.fields["withheld_lines"]
        self.fields["reason"].widget.attrs["rows"] = 3
        self.fields["reason"].help_text = "The export tells the person who asked what was withheld and why."

    def clean(self):
        data = super().clean()
        if (data.get("withheld_parts") or data.get("withheld_lines")) and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why these parts are withheld; the person who asked is told.")
        return data


class ErasureForm(ErrorSummaryMixin, forms.Form):
    reason = ParagraphField(
        label="Why are you erasing their data?",
        max_length=REASON_MAX,
        error_messages={"required": "Say why the data is being erased, for example who asked and when."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["rows"] = 3
        self.fields["reason"].help_text = (
            "Kept in the record's history. Their names are taken out of it, so describe the request without them."
        )
