"""Forms of the event-night pages: the running order, tables and the door. They check shape only
(required, lengths, numbers, one of the choices offered); the rules (an award needs finalists,
a table must have room, a guest arrives once) stay with night.services, whose refusals are put
back on the field they name (`put_service_error`)."""

from __future__ import annotations

from django import forms

from events.enums import ItemKind
from events.organiser_forms import VersionedForm, number_field
from nominations.forms import ErrorSummaryMixin, ParagraphField, line

TITLE_MAX = 150  # as RunningOrderItem.title
NOTES_MAX = 2000  # as RunningOrderItem.notes
MAX_DURATION = 240  # minutes, as night.services._check_item
MAX_TABLE_NUMBER = 999  # as night.services.tables_set
MAX_TABLE_SEATS = 50
MAX_TABLES_AT_ONCE = 200


def invitation_label(invitation) -> str:
    """A presenter, VIP or compere as the running order names them: name, title, and a warning
    when they are not (yet) coming."""
    label = invitation.invitee_name or invitation.addressee_name
    if invitation.title:
        label += f", {invitation.title}"
    if invitation.status != "accepted":
        label += f" ({invitation.get_status_display().lower()})"
    return label


class GenerateForm(ErrorSummaryMixin, forms.Form):
    replace = forms.BooleanField(
        label="Replace the running order there is now",
        required=False,
        help_text="Its items, presenters, comperes and recorded winners are lost.",
    )


class ItemForm(VersionedForm):
    """One item of the running order: adding (with a position) or changing it."""

    position = number_field(
        "Position (optional)", min_value=1, max_value=999, what="the position", required=False,
        help_text="1 is the first item. Leave empty to add it at the end.",
    )
    kind = forms.ChoiceField(
        label="What kind of item is it?",
        choices=ItemKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of item.", "invalid_choice": "Choose one of the kinds listed."},
    )
    category = forms.TypedChoiceField(
        label="Award category (awards only)",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose one of the award categories listed."},
    )
    title = line(
        "Title", TITLE_MAX, help_text="For an award, leave empty to use the category's name.",
    )
    duration_minutes = number_field(
        "Minutes (optional)", min_value=1, max_value=MAX_DURATION, what="the length in minutes", required=False,
        help_text="Leave empty for the usual length of this kind of item.",
    )
    presenters = forms.TypedMultipleChoiceField(
        label="Presented by (optional)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose presenters from those listed."},
    )
    compere = forms.TypedChoiceField(
        label="Compere (optional)",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose one of the comperes listed."},
    )
    walk_on_music = line("Walk-on music (optional)", 150)
    slide = line("Slide reference (optional)", 60)
    notes = ParagraphField(label="Notes (optional)", max_length=NOTES_MAX, required=False)

    def __init__(self, *args, categories, presenters, comperes, adding: bool, categories_with_finalists=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._categories = {c.pk: c for c in categories}
        self._presenters = {p.pk: p for p in presenters}
        self._comperes = {c.pk: c for c in comperes}
        with_finalists = set(categories_with_finalists)
        self.fields["category"].choices = [("", "Not an award")] + [
            (c.pk, c.name if c.pk in with_finalists else f"{c.name} (no finalists yet)") for c in categories
        ]
        self.fields["presenters"].choices = [(p.pk, invitation_label(p)) for p in presenters]
        self.fields["compere"].choices = [("", "None")] + [(c.pk, invitation_label(c)) for c in comperes]
        if not presenters:
            self.fields["presenters"].help_text = "Invite presenters or VIPs from the event's page to choose them here."
        if not comperes:
            self.fields["compere"].help_text = "Invite a compere from the event's page to choose them here."
        self.fields["notes"].widget.attrs["rows"] = 3
        if not adding:
            del self.fields["position"]
            field = self.fields["duration_minutes"]
            field.required, field.label, field.help_text = True, "Minutes", ""

    def clean(self):
        data = super().clean()
        if not data.get("title") and data.get("kind") == ItemKind.AWARD and data.get("category") in self._categories:
            data["title"] = self._categories[data["category"]].name
        return data

    def item_values(self) -> dict:
        """The service's keyword arguments: objects for the choices, nothing for an empty duration
        when adding (the service then uses the usual length of the kind)."""
        data = self.cleaned_data
        values = {
            "kind": data["kind"],
            "title": data["title"],
            "category": self._categories.get(data["category"]) if data["category"] is not None else None,
            "compere": self._comperes.get(data["compere"]) if data["compere"] is not None else None,
            "walk_on_music": data["walk_on_music"],
            "slide": data["slide"],
            "notes": data["notes"],
        }
        if data.get("duration_minutes") is not None:
            values["duration_minutes"] = data["duration_minutes"]
        return values

    def chosen_presenters(self) -> list:
        return [self._presenters[pk] for pk in self.cleaned_data["presenters"]]

    @staticmethod
    def initial_from(item) -> dict:
        return {
            "kind": item.kind,
            "category": item.category_id,
            "title": item.title,
            "duration_minutes": item.duration_minutes,
            "presenters": [p.pk for p in item.presenters.all()],
            "compere": item.compere_id,
            "walk_on_music": item.walk_on_music,
            "slide": item.slide,
            "notes": item.notes,
        }


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


class WinnerForm(VersionedForm):
    winner = forms.TypedChoiceField(
        label="Winner",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose the winner from this award's finalists."},
    )

    def __init__(self, *args, finalists: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["winner"].choices = [("", "Not recorded")] + finalists

    @staticmethod
    def initial_from(item) -> dict:
        return {"winner": item.winner_id}


class TablesForm(ErrorSummaryMixin, forms.Form):
    """Tables numbered first to last, all with the same seats: adds the new, changes the others."""

    first = number_field("From table number", min_value=1, max_value=MAX_TABLE_NUMBER, what="the first table number")
    last = number_field(
        "To table number (optional)", min_value=1, max_value=MAX_TABLE_NUMBER, what="the last table number",
        required=False, help_text="Leave empty to set one table.",
    )
    capacity = number_field("Seats at each table", min_value=1, max_value=MAX_TABLE_SEATS, what="the number of seats")
    accessible = forms.BooleanField(
        label="Accessible: wheelchair space and a step-free route", required=False,
    )

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first is not None:
            if last is None:
                data["last"] = last = first
            if last < first:
                self.add_error("last", "The last table number cannot be lower than the first.")
            elif last - first + 1 > MAX_TABLES_AT_ONCE:
                self.add_error("last", f"Set up to {MAX_TABLES_AT_ONCE} tables at once.")
        return data

    def tables(self) -> list[tuple[int, int, bool]]:
        data = self.cleaned_data
        return [(number, data["capacity"], data["accessible"]) for number in range(data["first"], data["last"] + 1)]


class GuestMoveForm(ErrorSummaryMixin, forms.Form):
    guest = forms.TypedChoiceField(
        label="Guest",
        coerce=int,
        error_messages={"required": "Choose the guest to move.", "invalid_choice": "Choose one of the guests listed."},
    )
    table = forms.TypedChoiceField(
        label="Move to",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "Choose one of the tables listed."},
    )

    def __init__(self, *args, guests: list[tuple[int, str]], tables: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guest"].choices = [("", "Choose a guest")] + guests
        self.fields["table"].choices = [("", "No table")] + tables


class DoorSearchForm(forms.Form):
    q = line("Name or table number", 150)


class WalkInForm(ErrorSummaryMixin, forms.Form):
    name = line(
        "Name", 150, required=True, error_messages={"required": "Enter the guest's name."},
    )
    table = number_field(
        "Table number (optional)", min_value=1, max_value=MAX_TABLE_NUMBER, what="the table number", required=False,
    )


class LetterForm(ErrorSummaryMixin, forms.Form):
    quote = ParagraphField(
        label="Words to quote in the letter",
        max_length=1200,
        required=False,
    )
    nominator_named = forms.BooleanField(
        label="The nominator agreed to be named in the letter",
        help_text="Otherwise the letter says who they are by their role, such as “your foster carer”.",
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quote"].widget.attrs["rows"] = 7
        self.fields["quote"].help_text = (
            "Up to 1,200 characters. The young person reads them: use the name they go by. Leave empty to send no letter yet."
        )
