"""Filters of the events API (events, invitations, guests at the door)."""

import django_filters

from ..enums import InvitationKind, InvitationStatus
from ..models import Event, Guest, Invitation
from ..selectors import events_at_the_door, events_organised_by


class EventFilterSet(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="programme__slug", help_text="Programme slug")

    class Meta:
        model = Event
        fields = ["programme"]


class InvitationFilterSet(django_filters.FilterSet):
    # Narrowed to the request's own events in __init__, so another programme's event id is refused
    # exactly like one that does not exist.
    event = django_filters.ModelChoiceFilter(queryset=Event.objects.none(), help_text="Event id")
    programme = django_filters.CharFilter(field_name="event__programme__slug", help_text="Programme slug")
    status = django_filters.MultipleChoiceFilter(choices=InvitationStatus.choices)
    kind = django_filters.MultipleChoiceFilter(choices=InvitationKind.choices)

    class Meta:
        model = Invitation
        fields = ["event", "programme", "status", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            self.filters["event"].queryset = events_organised_by(user)


class GuestFilterSet(django_filters.FilterSet):
    """The door's lookup. Only the name is searched: event staff see nothing else of a guest."""

    # Narrowed to the events the user works at (organiser or event staff) in __init__: another
    # programme's event is refused exactly like one that does not exist.
    event = django_filters.ModelChoiceFilter(
        queryset=Event.objects.none(),
        required=True,
        help_text="Event id (required)",
        error_messages={"invalid_choice": "There is no such event among those you work at."},
    )
    search = django_filters.CharFilter(
        field_name="shown", lookup_expr="icontains", help_text="Part of the guest's name, as the event team sees it"
    )
    table = django_filters.NumberFilter(field_name="table__number", help_text="Table number")
    arrived = django_filters.BooleanFilter(field_name="checked_in_at", lookup_expr="isnull", exclude=True, help_text="Arrived or not yet")

    class Meta:
        model = Guest
        fields = ["event", "search", "table", "arrived"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None:
            self.filters["event"].queryset = events_at_the_door(user)
