"""What the event-night workbook is compared with, on the guest list of the same event.

- The peer: django-import-export, which a Django team would reach for to get a spreadsheet out
  of a model — a ModelResource for the guests with the same five columns as the workbook's guest
  list (name, table, whose party, access needs, arrived), exported to XLSX the way its admin
  action does. Its queryset joins what the columns read, so it is not slowed by N+1 queries.
- The floor of the whole workbook is in benchmarks.floors.
"""

from __future__ import annotations

from typing import IO

from django.db.models import Q
from django.utils import timezone

from events.enums import AccessNeed, InvitationKind, InvitationStatus
from events.models import Guest
from night.exporters import UNCHECKED_BOX, EventNightWorkbook
from night.selectors import NightData
from nominations.naming import announce_name
from nominations.spreadsheets import SheetSpec

ACCESS_LABELS = dict(AccessNeed.choices)


def coming(event):
    return Guest.objects.filter(Q(invitation__status=InvitationStatus.ACCEPTED) | Q(invitation__isnull=True), event=event)


def _access(codes, other) -> str:
    return ", ".join(filter(None, [", ".join(str(ACCESS_LABELS.get(code, code)) for code in codes), other]))


def _arrived(value) -> str:
    return f"{timezone.localtime(value):%H:%M}" if value else UNCHECKED_BOX


def guest_resource_class():
    """Built on first use: django-import-export is a benchmark extra, not a dependency."""
    from import_export import fields, resources

    class GuestResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="Name")
        table = fields.Field(attribute="table__number", column_name="Table")
        party_of = fields.Field(column_name="Party of")
        access = fields.Field(column_name="Access needs")
        arrived = fields.Field(column_name="Arrived")

        class Meta:
            model = Guest
            fields = ("name", "table", "party_of", "access", "arrived")
            export_order = fields

        def dehydrate_party_of(self, guest):
            invitation = guest.invitation
            if invitation is None:
                return "Walk-in"
            if invitation.kind == InvitationKind.FINALIST:
                nomination = invitation.nomination
                return nomination.group.name if nomination.group_id else announce_name(nomination.nominee)
            return invitation.invitee_name or invitation.addressee_name

        def dehydrate_access(self, guest):
            return _access(guest.access_needs, guest.access_other)

        def dehydrate_arrived(self, guest):
            return _arrived(guest.checked_in_at)

    return GuestResource


def peer_guest_list(event, fileobj: IO[bytes]) -> int:
    """django-import-export's XLSX of the guest list; returns the number of rows."""
    from import_export.formats.base_formats import XLSX

    queryset = coming(event).select_related(
        "table", "invitation__nomination__nominee", "invitation__nomination__group"
    ).order_by("name", "pk")
    dataset = guest_resource_class()().export(queryset=queryset)
    fileobj.write(XLSX().export_data(dataset))
    return len(dataset)


class GuestListOnly(EventNightWorkbook):
    """Our exporter producing only the guest list sheet: the same cells as the peer and the
    floor, through the same reads (NightData), safe cell writer and styling as the workbook."""

    def sheets(self):
        data = NightData.load(self.event)
        yield SheetSpec(*self.guest_list(data))
