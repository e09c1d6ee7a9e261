"""Forms of the organisers' nomination pages: the list's filters and the decision on one
nomination. They check shape only; the lifecycle's rules stay with nominations.services."""

from django import forms

from awards.models import Category, Programme

from .enums import ALLOWED_TRANSITIONS, NominationStatus
from .forms import ErrorSummaryMixin, ParagraphField

# Moves an organiser must explain: the nominator and the panel read the reason later.
REASON_REQUIRED = {
    NominationStatus.INELIGIBLE: "Give a reason when marking a nomination not eligible.",
    NominationStatus.WITHDRAWN: "Give a reason when withdrawing a nomination.",
}

# Hints under the choices, where a move has consequences an organiser should know first.
MOVE_HINTS = {
    NominationStatus.ELIGIBLE: "The panel for its award will review it.",
    NominationStatus.INELIGIBLE: "The panel will not see it. Say which rule it does not meet.",
    NominationStatus.SHORTLISTED: "Usually recorded by confirming the panel's shortlist.",
    NominationStatus.NOT_SHORTLISTED: "Usually recorded by confirming the panel's shortlist.",
    NominationStatus.WITHDRAWN: "Nothing is deleted, but it leaves the awards and cannot come back.",
}


class NominationFilterForm(forms.Form):
    """The list's filters, read from the query string. Choices are only the user's own programmes."""

    q = forms.CharField(
        label="Name or reference",
        required=False,
        max_length=100,
        help_text="A first name, surname, preferred name or group name, or all or part of the reference (0042).",
    )
    programme = forms.ChoiceField(label="Awards programme", required=False)
    category = forms.TypedChoiceField(label="Award", required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Any status"), *NominationStatus.choices])

    def __init__(self, *args, programmes: list[Programme], categories: list[Category], **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes = {p.slug: p for p in programmes}
        self.fields["programme"].choices = [("", "All your awards")] + [(p.slug, p.name) for p in programmes]
        names = {p.pk: p.name for p in programmes}
        if len(programmes) > 1:
            grouped: dict[str, list[tuple[int, str]]] = {}
            for category in categories:
                grouped.setdefault(names[category.programme_id], []).append((category.pk, category.name))
            self.fields["category"].choices = [("", "Any award")] + list(grouped.items())
        else:
            self.fields["category"].choices = [("", "Any award")] + [(c.pk, c.name) for c in categories]
        if len(programmes) < 2:
            # Nothing to choose between: the field would only add a step.
            del self.fields["programme"]

    def filters(self) -> dict:
        """What to filter by. A value that is not one of the choices is ignored rather than
        shown as an error: the other filters still apply."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "programme": self.programmes.get(data.get("programme") or ""),
            "category": data.get("category"),
            "status": data.get("status") or "",
        }


class DecisionForm(ErrorSummaryMixin, forms.Form):
    """The moves the lifecycle allows from the nomination's status now, and why."""

    to = forms.ChoiceField(
        label="What is your decision?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what happens to this nomination.",
            "invalid_choice": "That change cannot be made to this nomination now. Choose one of the changes listed.",
        },
    )
    reason = ParagraphField(
        label="Reason",
        max_length=2000,
        required=False,
    )
    # The status the organiser saw, so a decision made on a stale page is not applied.
    seen_status = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        allowed = ALLOWED_TRANSITIONS[current]
        # In the lifecycle's order, so the usual next step comes first.
        self.fields["to"].choices = [(value, label) for value, label in NominationStatus.choices if value in allowed]
        self.fields["seen_status"].initial = current
        self.fields["reason"].help_text = (
            "Needed when it is not eligible or is withdrawn. Up to 2,000 characters. It is kept in the history."
        )

    def move_options(self) -> list[tuple[forms.BoundField, str]]:
        return [(radio, MOVE_HINTS.get(radio.data["value"], "")) for radio in self["to"]]

    def clean(self):
        cleaned = super().clean()
        seen = cleaned.get("seen_status")
        if seen and seen != self.current:
            raise forms.ValidationError(
                "Someone changed this nomination to %(now)s while you were looking at it. Check it and decide again.",
                params={"now": NominationStatus(self.current).label.lower()},
            )
        to = cleaned.get("to")
        if to in REASON_REQUIRED and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", REASON_REQUIRED[to])
        return cleaned
