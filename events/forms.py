"""The RSVP form: one answer, then a block per person (the invitee, then each guest)."""

from django import forms

from nominations.forms import ErrorSummaryMixin

from .enums import SURPRISE_ME, AccessNeed, Dietary, Easier, GuestRelationship, Speech
from .models import FREE_TEXT_MAX
from .services import GuestInput

GUEST_RELATIONSHIPS = [(c.value, c.label) for c in GuestRelationship if c not in (GuestRelationship.FINALIST, GuestRelationship.INVITEE)]


class AnswerForm(ErrorSummaryMixin, forms.Form):
    attending = forms.TypedChoiceField(
        label="Can you come?",
        choices=[("yes", "Yes, we will come"), ("no", "No, we cannot come")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Tell us whether you can come."},
    )


class PersonForm(ErrorSummaryMixin, forms.Form):
    """Needs of one person coming. For a guest the name is asked; a blank guest block is skipped."""

    name = forms.CharField(label="Name", max_length=150, required=False)
    relationship = forms.ChoiceField(label="Who are they?", choices=GUEST_RELATIONSHIPS, required=False, widget=forms.RadioSelect)
    dietary = forms.MultipleChoiceField(
        label="Food needs", choices=Dietary.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    dietary_other = forms.CharField(label="Any other food needs or allergies", max_length=FREE_TEXT_MAX, required=False)
    access_needs = forms.MultipleChoiceField(
        label="Access needs", choices=AccessNeed.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    access_other = forms.CharField(label="Tell us about any other access need", max_length=FREE_TEXT_MAX, required=False)
    # Not answered until someone answers: no choice is made for them (events.views asks for it).
    photography_consent = forms.TypedChoiceField(
        label="Can they be photographed on the night?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        required=False,
        empty_value=None,
    )
    access_on_place_card = forms.BooleanField(
        label="Mark their access needs on their place card, so staff on the night can help",
        help_text="Only the needs ticked above are marked (not what you write), and only on their own place card.",
        required=False,
    )
    transport_needed = forms.BooleanField(label="They need help with transport to the venue", required=False)

    def __init__(self, *args, ask_name: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.ask_name = ask_name
        if not ask_name:
            del self.fields["name"]
            del self.fields["relationship"]

    def unanswered(self) -> list[str]:
        """Questions a person coming must answer: who they are (a guest) and photographs."""
        data = self.cleaned_data
        missing = []
        if self.ask_name and "relationship" in self.fields and not data.get("relationship"):
            missing.append("relationship")
        if data.get("photography_consent") is None:
            missing.append("photography_consent")
        return missing

    def is_blank(self) -> bool:
        """A guest block left empty: nobody in it."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return self.ask_name and not any(
            data.get(name)
            for name in ("name", "dietary", "dietary_other", "access_needs", "access_other", "transport_needed", "access_on_place_card")
        )

    def person(self) -> GuestInput:
        data = self.cleaned_data
        return GuestInput(
            name=data.get("name", ""),
            relationship=data.get("relationship") or GuestRelationship.OTHER,
            dietary=tuple(data["dietary"]),
            dietary_other=data["dietary_other"],
            access_needs=tuple(data["access_needs"]),
            access_other=data["access_other"],
            photography_consent=bool(data["photography_consent"]),
            transport_needed=data["transport_needed"],
            access_on_place_card=data["access_on_place_card"],
        )

    @classmethod
    def initial_from(cls, guest) -> dict:
        return {
            "name": guest.name,
            "relationship": guest.relationship,
            "dietary": guest.dietary,
            "dietary_other": guest.dietary_other,
            "access_needs": guest.access_needs,
            "access_other": guest.access_other,
            "photography_consent": "yes" if guest.photography_consent else "no",  # an answer given earlier
            "transport_needed": guest.transport_needed,
            "access_on_place_card": guest.access_on_place_card,
        }


class CelebrationForm(ErrorSummaryMixin, forms.Form):
    """"How you'd like to be celebrated": the young person's own say, in plain words. Each list
    holds only what they may choose (their name options stop at what the safeguarding check
    allows); anything else sent is refused on its field."""

    publicity_level = forms.ChoiceField(
        label="What should we call you on the night?",
        help_text="This is the name the host says and the big screen shows when your award comes up.",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what we should call you.", "invalid_choice": "Choose one of the names shown."},
    )
    say_first_name = forms.CharField(
        label="How do you say your first name?",
        help_text="Write it how it sounds, for example “SHAY-na”. Leave it empty if it's easy to say.",
        max_length=100,
        required=False,
    )
    say_last_name = forms.CharField(
        label="How do you say your last name?",
        help_text="Write it how it sounds. Leave it empty if it's easy to say.",
        max_length=100,
        required=False,
    )
    walk_on_music = forms.ChoiceField(
        label="What music would you like to walk on to?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a song, or “Surprise me”.", "invalid_choice": "Choose a song from the list, or “Surprise me”."},
    )
    photos = forms.ChoiceField(
        label="Can we take photos of you?",
        widget=forms.RadioSelect,
        error_messages={"required": "Say if we can take photos of you.", "invalid_choice": "Choose one of the photo options shown."},
    )
    sit_with = forms.TypedMultipleChoiceField(
        label="Who would you like to sit with?",
        help_text="Tick everyone you'd like next to you. You can leave this empty.",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose from the people coming with you."},
    )
    easier = forms.MultipleChoiceField(
        label="Would any of these make the night easier for you?",
        help_text="Tick any that would help. You can leave this empty.",
        choices=Easier.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose from the things listed."},
    )
    speech = forms.ChoiceField(
        label="If you win, would you like to say something on stage?",
        help_text="You don't have to. The host will know what you chose.",
        choices=Speech.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say if you'd like to say something if you win.", "invalid_choice": "Choose one of the options shown."},
    )

    def __init__(self, *args, names: list[tuple[str, str]], photos: list[tuple[str, str]], tracks: list[str], party: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publicity_level"].choices = names
        self.fields["photos"].choices = photos
        # One choice is no choice: say it in words (the template) rather than ask for a tick.
        self.only_photo_choice = photos[0][1] if len(photos) == 1 else ""
        if self.only_photo_choice:
            self.fields["photos"].widget = forms.HiddenInput()
            self.fields["photos"].initial = photos[0][0]
            self.initial["photos"] = photos[0][0]
        self.fields["walk_on_music"].choices = [(track, track) for track in tracks] + [(SURPRISE_ME, "Surprise me!")]
        self.fields["sit_with"].choices = party
        if not party:
            del self.fields["sit_with"]
