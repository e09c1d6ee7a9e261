"""Forms of show mode's pages (night.show_views). They check shape only; night.show decides."""

from __future__ import annotations

from django import forms

from events.enums import ShowView
from nominations.forms import ErrorSummaryMixin

from .show import LABEL_MAX


class PressForm(ErrorSummaryMixin, forms.Form):
    """One press of the controller, with what the person pressing saw: the cue and whether it was
    the rehearsal (a press on a stale view is refused by night.show)."""

    action = forms.ChoiceField(
        choices=[("next", "Go to next"), ("back", "Back"), ("reveal", "Reveal the winner")],
        error_messages={"required": "Choose what to do.", "invalid_choice": "Choose one of the controller's buttons."},
    )
    cue = forms.IntegerField(min_value=0, required=False)
    rehearsal = forms.TypedChoiceField(choices=[("0", "live"), ("1", "rehearsal")], coerce=lambda v: v == "1", required=False, empty_value=None)


class RehearsalForm(ErrorSummaryMixin, forms.Form):
    action = forms.ChoiceField(
        choices=[("start", "Start a rehearsal"), ("end", "End the rehearsal")],
        error_messages={"required": "Choose to start or end the rehearsal.", "invalid_choice": "Choose to start or end the rehearsal."},
    )


class ShowKeyForm(ErrorSummaryMixin, forms.Form):
    view = forms.ChoiceField(
        label="Which view does it open?",
        choices=ShowView.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the view the key opens.", "invalid_choice": "Choose one of the views listed."},
    )
    label = forms.CharField(
        label="Which device is it for?",
        max_length=LABEL_MAX,
        help_text="So you know which key to switch off, e.g. “Projector laptop” or “Compere’s phone”.",
        error_messages={"required": "Say which device the key is for.", "max_length": f"Use up to {LABEL_MAX} characters."},
    )
    where = forms.ChoiceField(
        label="Where will it be opened?",
        choices=[("here", "Open it on this device"), ("link", "Make a link for another device")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where to open it.", "invalid_choice": "Choose where to open it."},
    )


class OperatorForm(ErrorSummaryMixin, forms.Form):
    username = forms.CharField(
        label="Username of the person who will run the show",
        max_length=150,
        help_text="They need an account. They can then drive the controller and see the compere and stage views.",
        error_messages={"required": "Enter their username."},
    )


class OpenKeyForm(ErrorSummaryMixin, forms.Form):
    key = forms.CharField(
        label="Show key",
        max_length=128,
        help_text="The key from the organiser's link (the part after “#key=”).",
        error_messages={"required": "Enter the show key.", "max_length": "That is longer than any show key."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}),
    )
