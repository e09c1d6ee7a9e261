"""Forms of the panel pages. They check shape only; the rules (who may score, ranges,
deadlines, how many finalists) stay with shortlisting.services."""

from django import forms

from awards.models import Criterion
from nominations.forms import ErrorSummaryMixin, ParagraphField
from nominations.validation import validate_multiline

from .models import Review
from .services import Decision

COMMENT_MAX = 5000
REASON_MAX = 2000


def score_choices(max_score: int) -> list[tuple[int, str]]:
    """0..max, with words at both ends so the scale reads without a key."""
    choices = [(value, str(value)) for value in range(max_score + 1)]
    choices[0] = (0, "0 – not at all")
    choices[-1] = (max_score, f"{max_score} – outstanding")
    return choices


class ReviewForm(ErrorSummaryMixin, forms.Form):
    comment = ParagraphField(
        label="Anything you want to say about this nomination? (optional)",
        max_length=COMMENT_MAX,
        required=False,
    )

    def __init__(self, *args, criteria: list[Criterion], review: Review | None, **kwargs):
        initial = {}
        if review is not None:
            initial = {self.field_name(s.criterion_id): s.value for s in review.scores.all()}
            initial["comment"] = review.comment
        super().__init__(*args, initial=initial, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[self.field_name(criterion.pk)] = forms.TypedChoiceField(
                label=criterion.name,
                help_text=criterion.guidance,
                choices=score_choices(criterion.max_score),
                coerce=int,
                empty_value=None,
                # Drafts may leave parts unscored; the service insists on every part when sending.
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": f"Choose a score from 0 to {criterion.max_score} for {criterion.name}."},
            )
        # Page order, so the error summary lists problems top to bottom.
        self.order_fields([self.field_name(c.pk) for c in criteria] + ["comment"])

    @staticmethod
    def field_name(criterion_id: int) -> str:
        return f"criterion_{criterion_id}"

    def criterion_fields(self) -> list[tuple[Criterion, forms.BoundField]]:
        return [(criterion, self[self.field_name(criterion.pk)]) for criterion in self.criteria]

    @property
    def sending(self) -> bool:
        """Which button was pressed: "Send my scores" rather than "Save for later"."""
        return self.data.get("action") == "submit"

    def scores(self) -> dict[int, int]:
        return {
            criterion.pk: self.cleaned_data[self.field_name(criterion.pk)]
            for criterion in self.criteria
            if self.cleaned_data[self.field_name(criterion.pk)] is not None
        }


class ConflictForm(ErrorSummaryMixin, forms.Form):
    reason = ParagraphField(
        label="How do you know them? (optional)",
        max_length=REASON_MAX,
        required=False,
    )
    confirm = forms.BooleanField(
        label="I know them. Take this nomination off my list: I will not score it, and cannot undo this.",
        error_messages={"required": "Tick the box to say you know them, or go back to scoring."},
    )


class ProposeForm(ErrorSummaryMixin, forms.Form):
    finalists = forms.TypedMultipleChoiceField(
        label="Finalists",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one finalist.",
            "invalid_choice": "Choose finalists from the ranking on this page.",
        },
    )
    despite_gaps = forms.BooleanField(
        label="I know the panel has not finished scoring the nominations listed above; propose now anyway",
        required=False,
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["finalists"].choices = choices


class ConfirmForm(ErrorSummaryMixin, forms.Form):
    """One decision (and a reason for a rejection) for each nomination the panel has not fully
    scored and nobody proposed; whether that covers them all is the service's check."""

    def __init__(self, *args, gaps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gaps = list(gaps)
        for gap in self.gaps:
            pk = gap.nomination.pk
            self.fields[f"decision_{pk}"] = forms.ChoiceField(
                label=f"{gap.label}, {gap.words}: what happens to it?",
                choices=Decision.CHOICES,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose what happens to {gap.label}: hold it back, or reject it with a reason."},
            )
            self.fields[f"reason_{pk}"] = forms.CharField(
                label=f"Reason for rejecting {gap.label}", required=False, max_length=REASON_MAX, validators=[validate_multiline],
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean(self):
        data = super().clean()
        for gap in self.gaps:
            pk = gap.nomination.pk
            if data.get(f"decision_{pk}") == Decision.REJECT and not (data.get(f"reason_{pk}") or "").strip():
                self.add_error(f"reason_{pk}", f"Give a reason for rejecting {gap.label}, which the panel has not fully scored.")
        return data

    def pairs(self):
        """(decision field, reason field) per nomination, for the page."""
        return [(self[f"decision_{g.nomination.pk}"], self[f"reason_{g.nomination.pk}"], g) for g in self.gaps]

    def decisions(self) -> dict[int, tuple[str, str]]:
        return {
            g.nomination.pk: (self.cleaned_data[f"decision_{g.nomination.pk}"], self.cleaned_data.get(f"reason_{g.nomination.pk}") or "")
            for g in self.gaps
        }


class ReopenForm(ErrorSummaryMixin, forms.Form):
    reason = ParagraphField(
        label="Why are you re-opening it?",
        max_length=REASON_MAX,
        error_messages={"required": "Give a reason for re-opening the shortlist."},
    )
