"""Forms of the organiser's event pages. They check shape only (required, lengths, e-mail,
numbers, dates); the rules (times in order, capacity, the gate, guests already coming) stay with
events.services, whose refusals are put back on the field they name."""

from __future__ import annotations

from django import forms
from django.db import transaction

from awards.concurrency import STALE_PAGE_MESSAGE, lock_row, version_of
from nominations.forms import ErrorSummaryMixin, ParagraphField, line
from nominations.naming import Audience, words_for

from .enums import InvitationKind

# Typed by hand where a browser has no date-time picker: ISO (what the picker sends) is always
# accepted as well.
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%d/%m/%Y %H.%M", "%d/%m/%Y %H:%M:%S"]
MAX_ALLOWANCE = 20  # as invitation_change_allowance
QUOTE_MAX = 600  # as Invitation.quote
REASON_MAX = 2000
OTHER_KINDS = [(kind.value, kind.label) for kind in InvitationKind if kind != InvitationKind.FINALIST]


class VersionedForm(ErrorSummaryMixin, forms.Form):
    """A form that changes an existing record. It carries, hidden, the version of the values it
    was opened with, so a save made over another organiser's later change is caught
    (awards.concurrency): the view compares it with the record's version under a row lock."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    @classmethod
    def opened_on(cls, values: dict, **kwargs):
        """The form showing `values` (the record now), with their version."""
        return cls(initial={**values, "version": version_of(values)}, **kwargs)

    @classmethod
    def reopened_after_conflict(cls, values: dict, **kwargs):
        """The form showing the record as another organiser left it, with the error that says the
        changes sent were not saved."""
        form = cls.opened_on(values, **kwargs)
        form.cleaned_data = {}  # add_error needs it; an unbound form has none
        form.add_error(None, STALE_PAGE_MESSAGE)
        return form

    def save_unless_stale(self, record, reread, write):
        """Lock `record`'s row, read it again with `reread()` and, unless it changed since the
        form was opened, `write(current)`: the version check and the write see the same row, so
        another organiser's save waits for this one, or this one for theirs. Returns the record as
        it is now, what `write` returned (None when stale) and whether it was stale."""
        with transaction.atomic():
            lock_row(record)
            current = reread()
            if self.is_stale(self.initial_from(current)):
                return current, None, True
            return current, write(current), False

    def is_stale(self, values: dict) -> bool:
        """Whether the record has changed since the form was opened. A form sent without a version
        (not from our page) is not checked."""
        sent = self.cleaned_data.get("version")
        return bool(sent) and sent != version_of(values)

    def error_summary(self) -> list[tuple[str, str]]:
        # The conflict is about the whole form: link it to the first field, where the organiser
        # starts making their changes again.
        first = next((field for field in self.visible_fields()), None)
        anchor = ""
        if first is not None:
            radios = isinstance(first.field.widget, forms.RadioSelect)
            anchor = f"{first.auto_id}_0" if radios else first.auto_id
        return [(anchor if message == STALE_PAGE_MESSAGE else link, message) for link, message in super().error_summary()]


def required_line(label: str, max_length: int, message: str, **kwargs) -> forms.CharField:
    return line(label, max_length, required=True, error_messages={"required": message}, **kwargs)


def datetime_field(label: str, what: str, **kwargs) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        input_formats=DATETIME_INPUT_FORMATS,
        # The browser's own date-time picker; without one it is a text box taking the hint's format.
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="For example, 12/06/2026 18:30.",
        error_messages={
            "required": f"Enter {what}.",
            "invalid": f"Enter {what} as a date and time, for example 12/06/2026 18:30.",
        },
        **kwargs,
    )


def number_field(
    label: str, *, min_value: int, max_value: int, what: str, required: bool = True, **kwargs
) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=min_value,
        max_value=max_value,
        required=required,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": f"Enter {what}.",
            "invalid": f"Enter {what} as a whole number.",
            "min_value": f"Enter {what} of at least %(limit_value)s.",
            "max_value": f"Enter {what} of %(limit_value)s or fewer.",
        },
        **kwargs,
    )


def email_field(label: str, *, required: bool = True, what: str = "an e-mail address", **kwargs) -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        required=required,
        error_messages={
            "required": f"Enter {what}.",
            "invalid": "Enter an e-mail address in the right format, like name@example.org.",
        },
        **kwargs,
    )


class EventForm(VersionedForm):
    """The event's details; with `programmes`, also which programme a new event belongs to."""

    programme = forms.TypedChoiceField(
        label="Programme",
        coerce=int,
        error_messages={"required": "Choose the programme.", "invalid_choice": "Choose one of the programmes listed."},
    )
    name = required_line(
        "Name of the event", 150, "Enter the name of the event.",
        help_text="For example, PROUD Awards 2026 celebration night.",
    )
    venue_name = required_line("Venue", 150, "Enter the venue.")
    venue_address = ParagraphField(
        label="Venue address", max_length=500, error_messages={"required": "Enter the venue's address."}
    )
    doors_open_at = datetime_field("Doors open", "when the doors open")
    starts_at = datetime_field("Starts", "when the event starts")
    ends_at = datetime_field("Ends", "when the event ends")
    rsvp_deadline = datetime_field("Answers needed by", "the date answers are needed by")
    capacity = number_field(
        "Seats in the room", min_value=1, max_value=100_000, what="the number of seats",
        help_text="Everyone counts: finalists, guests, presenters, performers and staff.",
    )
    default_guest_allowance = number_field(
        "Guests each finalist may bring", min_value=0, max_value=MAX_ALLOWANCE, what="the number of guests"
    )
    dress_code = line("Dress code (optional)", 150)
    access_information = ParagraphField(label="Access information (optional)", max_length=2000, required=False)
    organiser_contact_name = required_line(
        "Contact name", 150, "Enter a contact name.", help_text="Who invitees contact with questions."
    )
    organiser_contact_email = email_field("Contact e-mail address", what="the contact e-mail address")
    organiser_contact_phone = line("Contact phone number (optional)", 32)
    walk_on_music_choices = ParagraphField(
        label="Walk-on music young people may choose from (optional)",
        max_length=3000,
        required=False,
    )

    def __init__(self, *args, programmes: list | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if programmes is None:
            del self.fields["programme"]
        else:
            self.fields["programme"].choices = [(p.pk, p.name) for p in programmes]
        self.fields["venue_address"].widget.attrs["rows"] = 3
        self.fields["access_information"].widget.attrs["rows"] = 4
        self.fields["access_information"].help_text = (
            "Step-free entrance, lifts, a quiet room, parking. Shown on the page where invitees answer. "
            "Up to 2,000 characters."
        )
        self.fields["walk_on_music_choices"].widget.attrs["rows"] = 5
        self.fields["walk_on_music_choices"].help_text = (
            "One track a line, as the sound desk should find it. Finalists choose from these, or “Surprise me”."
        )

    def event_values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in ("programme", "version")}

    @staticmethod
    def initial_from(event) -> dict:
        return {name: getattr(event, name) for name in EventForm.base_fields if name not in ("programme", "version")}


class InvitationCreateForm(ErrorSummaryMixin, forms.Form):
    kind = forms.ChoiceField(
        label="Who are you inviting?",
        choices=OTHER_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who you are inviting.", "invalid_choice": "Choose one of the kinds listed."},
    )
    invitee_name = required_line(
        "Name of the person invited", 150, "Enter the name of the person invited.",
        help_text="As it should appear on the guest list.",
    )
    title = line("Their title or role (optional)", 150, help_text="For example, High Sheriff of Northshire.")
    addressee_name = line(
        "Send the invitation to (optional)", 150,
        help_text="Someone who answers for them, such as an office. Leave empty to write to them directly.",
    )
    addressee_email = email_field("E-mail address to send it to", what="the e-mail address to send the invitation to")
    guest_allowance = number_field(
        "Guests they may bring (optional)", min_value=0, max_value=MAX_ALLOWANCE, required=False,
        what="the number of guests", help_text="Leave empty for the event's usual number.",
    )


class DetailsForm(VersionedForm):
    """Who the invitation goes to; for people who are not finalists, also who is invited."""

    addressee_name = required_line("Addressed to", 150, "Enter who the invitation is addressed to.")
    addressee_email = email_field("Their e-mail address", what="the e-mail address the invitation goes to")
    young_person_email = email_field(
        "The young person's own e-mail address (optional)",
        required=False,
        help_text="A copy goes to the young person too. Only where that is right for them, for example a care leaver.",
    )
    invitee_name = required_line("Name of the person invited", 150, "Enter the name of the person invited.")
    title = line("Their title or role (optional)", 150)

    def __init__(self, *args, finalist: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if finalist:
            # A finalist is named by the announce name from the safeguarding check, nowhere else.
            del self.fields["invitee_name"]
            del self.fields["title"]
        else:
            del self.fields["young_person_email"]

    def details_values(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    @staticmethod
    def initial_from(invitation) -> dict:
        return {name: getattr(invitation, name) for name in DetailsForm.base_fields if name != "version"}


class AllowanceForm(VersionedForm):
    guest_allowance = number_field(
        "Guests they may bring", min_value=0, max_value=MAX_ALLOWANCE, what="the number of guests"
    )

    @staticmethod
    def initial_from(invitation) -> dict:
        return {"guest_allowance": invitation.guest_allowance}


class QuoteForm(VersionedForm):
    quote = ParagraphField(
        label="Words to quote in the invitation",
        max_length=QUOTE_MAX,
        required=False,
        error_messages={"max_length": "Keep the quote to %(limit_value)d characters or fewer; this has %(show_value)d."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].widget.attrs["rows"] = 5
        self.fields["quote"].help_text = (
            f"Up to {QUOTE_MAX} characters. Leave empty and approve to quote nothing."
        )

    @staticmethod
    def initial_from(invitation) -> dict:
        """The words the box starts with (the approved quote, or else the nominator's words) and
        whether a quote is approved: the page says so, and another organiser approving the very
        words shown is still a change made after the form was opened. "approved" is no field, so
        it is not shown or sent, but it counts in the form's version."""
        approved = invitation.quote_approved_at is not None
        # The nominator's words as the room would hear them: the young person's names changed to
        # the announce name (or "this young person"), so the suggestion can be approved as it is.
        suggestion = (
            invitation.quote if approved
            else words_for(Audience.ROOM, quote_suggestion(invitation.nomination.achievement), invitation.nomination)
        )
        return {"quote": suggestion, "approved": approved}


class RevokeForm(ErrorSummaryMixin, forms.Form):
    reason = ParagraphField(
        label="Why are you revoking this invitation?",
        max_length=REASON_MAX,
        error_messages={"required": "Say why the invitation is revoked."},
    )
    confirm = forms.BooleanField(
        label="I understand its links stop working, its seats are given back, and this cannot be undone.",
        error_messages={"required": "Tick the box to confirm the invitation is revoked."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].widget.attrs["rows"] = 3
        self.fields["reason"].help_text = "Kept in the invitation's history; not sent to anyone."


class ActionForm(ErrorSummaryMixin, forms.Form):
    """A button with no inputs (send, resend): holds a refusal for the error summary."""


def quote_suggestion(text: str, limit: int = QUOTE_MAX) -> str:
    """The nominator's words as a starting point for the quote, cut at a sentence end to fit."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind("! "), cut.rfind("? "))
    if end > 0:
        return cut[: end + 1]
    return cut[: limit - 1].rsplit(" ", 1)[0] + "…"
