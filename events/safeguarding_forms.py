"""Forms of the safeguarding pages. They check shape only; who may record what, and which name
levels need which consent, stay with nominations.services (nominee_record_safeguarding,
consent_record, consent_withdraw), whose refusals are put back on the field they name."""

from django import forms

from nominations.enums import ConsentGiver, ConsentPurpose, PublicityLevel
from nominations.forms import ErrorSummaryMixin, ParagraphField, line

YES_NO = [("yes", "Yes"), ("no", "No")]


def _yes_no(label: str, *, help_text: str = "", required_message: str) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": required_message},
    )


def _answer(value) -> str | None:
    return None if value is None else ("yes" if value else "no")


class CheckForm(ErrorSummaryMixin, forms.Form):
    attendance_safe = _yes_no(
        "Is it safe for them to attend the celebration night?",
        help_text="Think about who else may be in the room and whether their placement could be found.",
        required_message="Say whether it is safe for them to attend.",
    )
    publicity_level = forms.ChoiceField(
        label="How may their name be read out and shown in the room?",
        help_text="A name needs consent to the name being read out, recorded above.",
        choices=PublicityLevel.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how their name may be used."},
    )
    photography_allowed = _yes_no(
        "May they be photographed on the night?",
        help_text="Photographs need consent to being photographed, recorded above.",
        required_message="Say whether they may be photographed.",
    )
    named_to_event_staff = _yes_no(
        "May the volunteers at the door and in the room know their name?",
        help_text="If not, the door list shows a neutral label such as “Finalist no. 12, table 5, with their carer's name”.",
        required_message="Say whether the event staff may know their name.",
    )
    safe_contact_email = forms.EmailField(
        label="A safe e-mail address for the young person themselves (optional)",
        help_text="Their own link to say how they would like to be celebrated goes here. Leave empty and it goes inside their carer's invitation.",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address like name@example.com, or leave it empty."},
    )
    notes = ParagraphField(
        label="Safeguarding notes (optional, read only by organisers and their allocated worker)",
        max_length=5000,
        required=False,
    )

    @classmethod
    def initial_from(cls, nominee) -> dict:
        return {
            "attendance_safe": _answer(nominee.attendance_safe),
            "publicity_level": nominee.publicity_level if nominee.safeguarding_checked_at else None,
            "photography_allowed": _answer(nominee.photography_allowed) if nominee.safeguarding_checked_at else None,
            "named_to_event_staff": _answer(nominee.named_to_event_staff),
            "safe_contact_email": nominee.safe_contact_email,
            "notes": nominee.safeguarding_notes,
        }


class ConsentForm(ErrorSummaryMixin, forms.Form):
    purpose = forms.ChoiceField(
        label="Consent to",
        choices=ConsentPurpose.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the consent is for."},
    )
    given = forms.TypedChoiceField(
        label="Their answer",
        choices=[("yes", "Consent given"), ("no", "Consent refused")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether consent was given or refused."},
    )
    given_by = forms.ChoiceField(
        label="Who gave it",
        choices=ConsentGiver.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say who gave the answer."},
    )
    given_by_name = line("Their name (optional)", 150)


class WithdrawForm(ErrorSummaryMixin, forms.Form):
    purpose = forms.ChoiceField(choices=ConsentPurpose.choices, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I understand that every list, script and screen will stop using it from now on",
        error_messages={"required": "Tick the box to confirm the withdrawal."},
    )
