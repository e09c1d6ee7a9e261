"""The organisers' nomination pages, mounted at /organise/: the nominations of the programmes
they organise, and one nomination with its identity, safeguarding, history and the decision
that moves it along the lifecycle.

Only organisers: every read starts from `nominations_with_identity_for` narrowed to the
programmes where the user holds the organiser role (allocated staff, who may read identity
through that selector, do not decide eligibility). Anything outside is a 404, as is every page
for someone who organises nothing. Organisers are entitled to know who they are looking at: the
list names each young person as organisers see them (legal name, and preferred name), finds them
by any of their names or the reference, and records the showing of each page's names in the
access log, as the nomination's page does for its identity fields. Every write is
`nomination_transition`.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from awards.enums import Role
from awards.models import Category, Programme
from awards.rules import programme_ids_with_role
from mail.errors import ServiceError

from .enums import NominationStatus
from .forms import put_service_error
from .models import Nomination, Nominee
from .naming import Audience, announce_name, nomination_name
from .organiser_forms import DecisionForm, NominationFilterForm
from .selectors import nominations_with_identity_for
from .services import identity_access_record, nomination_transition

PAGE_SIZE = 50

HISTORY_LABELS = {
    "nominations.nomination.created": "Created",
    "nominations.nominee.merged": "Nominee records merged",
}


def _organised_ids(request: HttpRequest) -> list[int]:
    ids = programme_ids_with_role(request.user, Role.ORGANISER)
    if not ids:
        raise Http404
    return ids


def _nominations_in_scope(request: HttpRequest) -> QuerySet[Nomination]:
    return nominations_with_identity_for(request.user).filter(programme_id__in=_organised_ids(request))


# --- the list ------------------------------------------------------------------------------


@dataclass
class Row:
    nomination: Nomination
    name: str  # as organisers see it (nominations.naming: identity)


def _named_or_referenced(q: str) -> Q:
    """A nomination found by any name of whoever it is for, or by its reference."""
    found = Q(reference__icontains=q) | Q(group__name__icontains=q)
    for field in ("legal_first_name", "legal_last_name", "preferred_name"):
        found |= Q(**{f"nominee__{field}__icontains": q})
    # Several words ("Amira Khan"): every word in one of the names.
    words = q.split()
    if len(words) > 1:
        each = Q()
        for word in words:
            each &= Q(nominee__legal_first_name__icontains=word) | Q(nominee__legal_last_name__icontains=word) | Q(
                nominee__preferred_name__icontains=word
            )
        found |= each
    return found


@login_required
@require_GET
def nomination_list(request: HttpRequest) -> HttpResponse:
    """Filter by programme, award, status and reference; 50 a page; a fixed number of queries."""
    ids = _organised_ids(request)
    programmes = list(Programme.objects.filter(pk__in=ids).order_by("-year", "name"))
    order = {p.pk: position for position, p in enumerate(programmes)}
    categories = sorted(
        Category.objects.filter(programme_id__in=ids), key=lambda c: (order[c.programme_id], c.display_order, c.name)
    )
    form = NominationFilterForm(request.GET or None, programmes=programmes, categories=categories)
    chosen = form.filters()

    nominations = _nominations_in_scope(request).select_related("programme", "category", "nominee", "group")
    if chosen["programme"] is not None:
        nominations = nominations.filter(programme=chosen["programme"])
    if chosen["category"] is not None:
        nominations = nominations.filter(category_id=chosen["category"])
    if chosen["status"]:
        nominations = nominations.filter(status=chosen["status"])
    if chosen["q"]:
        nominations = nominations.filter(_named_or_referenced(chosen["q"]))
    nominations = nominations.order_by(F("submitted_at").desc(nulls_last=True), "-id")

    page = Paginator(nominations, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [Row(nomination=n, name=nomination_name(Audience.IDENTITY, n)) for n in page.object_list]
    identity_access_record(
        user=request.user, nominee_ids=[n.nominee_id for n in page.object_list], context="page.nomination_list"
    )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": any(chosen.values()),
        "several_programmes": len(programmes) > 1,
    }
    return render(request, "nominations/organiser/list.html", context)


# --- one nomination ------------------------------------------------------------------------


@dataclass
class Person:
    """One young person (or adult) the nomination is for, as organisers see them."""

    nominee: Nominee
    announce_name: str


def _people(nomination: Nomination) -> list[Person]:
    if nomination.group_id is not None:
        members = nomination.group.members.select_related("allocated_worker", "safeguarding_checked_by").order_by(
            "legal_last_name", "legal_first_name", "id"
        )
    else:
        members = [nomination.nominee]
    return [Person(nominee=n, announce_name=announce_name(n)) for n in members]


def _history(nomination: Nomination) -> list[dict]:
    rows = []
    for entry in nomination.history.order_by("at", "id"):
        if entry.action in HISTORY_LABELS:
            what = HISTORY_LABELS[entry.action]
        elif entry.to_status:
            what = NominationStatus(entry.to_status).label
        else:
            what = entry.action
        rows.append({"entry": entry, "what": what})
    return rows


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nominations = _nominations_in_scope(request).select_related(
        "programme", "category", "group", "nominee__allocated_worker", "nominee__safeguarding_checked_by"
    )
    nomination = get_object_or_404(nominations, pk=pk)
    form = DecisionForm(request.POST if request.method == "POST" else None, current=nomination.status)
    if form.is_bound and form.is_valid():
        to = form.cleaned_data["to"]
        try:
            nomination_transition(nomination=nomination, to=to, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as error:
            put_service_error(form, error)
        else:
            messages.success(request, f"Nomination {nomination.reference} is now {NominationStatus(to).label.lower()}.")
            return redirect("organise:nomination", pk=nomination.pk)

    people = _people(nomination)
    identity_access_record(user=request.user, nominee_ids=[p.nominee.pk for p in people], context="page.nomination")
    context = {
        "nomination": nomination,
        "announce_name": nomination_name(Audience.ROOM, nomination),
        "people": people,
        "history": _history(nomination),
        "form": form,
        "can_decide": bool(form.fields["to"].choices),
    }
    return render(request, "nominations/organiser/detail.html", context, status=400 if form.errors else 200)
