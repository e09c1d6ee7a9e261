import django_filters

from ..enums import InvitationKind, InvitationStatus
from ..models import Event, Invitation
from ..selectors import events_organised_by


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
