"""The data protection pages, mounted at /data-protection/: who read young people's records, subject
access requests with their review and release, and erasure on request.

Organisers only, for the programmes they organise: every read starts from a selector in
data_protection.services narrowed to those programmes, anything outside is a 404, as is every page
for someone who organises nothing. Pages that show a young person's identity record the showing
in the access log. Every write is a service call.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards.models import Programme
from mail.errors import ServiceError
from nominations.downloads import file_response, xlsx_response
from nominations.forms import put_service_error
from nominations.models import IdentityAccess, Nomination, Nominee, NomineeHistory
from nominations.naming import announce_name
from nominations.services import identity_access_record

from .enums import SubjectAccessStatus
from .export import (
    WITHHOLDABLE_PARTS,
    SubjectAccessExporter,
    person_records,
    release_data,
    release_sheets,
    text_lines,
)
from .forms import (
    AccessLogFilterForm,
    ErasureForm,
    FindForm,
    ReviewForm,
    SubjectAccessRequestForm,
)
from .models import SubjectAccessRequest
from .services import (
    DataProtectionError,
    identity_accesses_visible_to,
    is_erased,
    nominee_erase,
    nominee_erasure_changes,
    nominee_erasure_preview,
    nominees_for_data_protection,
    organised_programme_ids,
    person_holdings,
    programmes_due_for_retention,
    retention_date,
    retention_months,
    subject_access_release,
    subject_access_request_create,
    subject_access_request_review,
    subject_access_requests_visible_to,
)
from .words import code_words

PAGE_SIZE = 50

REQUEST_HISTORY_LABELS = {
    "data_protection.request.created": "Request recorded and data gathered",
    "data_protection.request.reviewed": "Reviewed",
    "data_protection.request.downloaded": "Downloaded",
    "data_protection.request.data_erased": "Gathered data erased with the young person's data",
    "data_protection.request.data_anonymised": "Gathered data removed by retention",
}


def _organised_ids(request: HttpRequest) -> list[int]:
    ids = organised_programme_ids(request.user)
    if not ids:
        raise Http404
    return ids


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _person_or_404(request: HttpRequest, nominee_id: int) -> Nominee:
    _organised_ids(request)
    return get_object_or_404(nominees_for_data_protection(request.user).select_related("programme"), pk=nominee_id)


def _request_or_404(request: HttpRequest, request_id: int) -> SubjectAccessRequest:
    _organised_ids(request)
    requests = subject_access_requests_visible_to(request.user).select_related("programme", "nominee")
    return get_object_or_404(requests, pk=request_id)


# --- the start page and finding a young person --------------------------------------------------


def _index_page(request: HttpRequest, form: FindForm, status: int = 200) -> HttpResponse:
    ids = _organised_ids(request)
    months = retention_months()
    due = programmes_due_for_retention(months=months).filter(pk__in=ids)
    context = {
        "form": form,
        "awaiting": subject_access_requests_visible_to(request.user).filter(status=SubjectAccessStatus.AWAITING_REVIEW).count(),
        "months": months,
        "due": [{"programme": p, "event_date": retention_date(p)} for p in due],
    }
    return render(request, "data_protection/index.html", context, status=status)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return _index_page(request, FindForm())


@never_cache
@login_required
@require_GET
def find_person(request: HttpRequest) -> HttpResponse:
    """A nomination's reference leads to the young person it is for; a group's to its members."""
    ids = _organised_ids(request)
    form = FindForm(request.GET)
    if not form.is_valid():
        return _index_page(request, form)
    nomination = (
        Nomination.objects.filter(programme_id__in=ids, reference__iexact=form.cleaned_data["reference"].strip())
        .select_related("group", "nominee")
        .first()
    )
    if nomination is None:
        form.add_error("reference", "No nomination has that reference in the awards you organise.")
        return _index_page(request, form)
    if nomination.nominee_id is not None:
        return redirect("data-protection:person", person_records(nomination.nominee)[0].pk)
    members = list(nomination.group.members.order_by("legal_last_name", "legal_first_name", "id"))
    identity_access_record(user=request.user, nominee_ids=[m.pk for m in members], context="data_protection.find")
    people = [{"nominee": m, "announce_name": announce_name(m)} for m in members]
    return _private(render(request, "data_protection/find_group.html", {"nomination": nomination, "people": people}))


# --- one young person -----------------------------------------------------------------------------


def _erasure_entry(family: list[Nominee]) -> NomineeHistory | None:
    return (
        NomineeHistory.objects.filter(nominee__in=family, action="data_protection.nominee.erased").order_by("-at", "-id").first()
    )


@never_cache
@login_required
@require_GET
def person(request: HttpRequest, nominee_id: int) -> HttpResponse:
    nominee = _person_or_404(request, nominee_id)
    family = person_records(nominee)
    if family[0].pk != nominee.pk:
        return redirect("data-protection:person", family[0].pk)
    erased = is_erased(nominee)
    nominations = list(
        Nomination.objects.filter(nominee__in=family).select_related("category").order_by("submitted_at", "id")
    )
    other_records = []
    if not erased:
        identity_access_record(user=request.user, nominee_ids=[n.pk for n in family], context="data_protection.person")
        other_records = list(
            nominees_for_data_protection(request.user)
            .filter(match_key=nominee.match_key, merged_into__isnull=True)
            .exclude(pk__in=[n.pk for n in family])
            .select_related("programme")
        )
    context = {
        "nominee": nominee,
        "announce_name": announce_name(nominee),
        "erased": erased,
        "erasure": _erasure_entry(family),
        "merged": family[1:],
        "nominations": nominations,
        "holdings": person_holdings(family),
        "requests": list(SubjectAccessRequest.objects.filter(nominee__in=family).defer("data").order_by("-created_at", "-id")),
        "other_records": other_records,
    }
    return _private(render(request, "data_protection/person.html", context))


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def request_new(request: HttpRequest, nominee_id: int) -> HttpResponse:
    nominee = _person_or_404(request, nominee_id)
    form = SubjectAccessRequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                made = subject_access_request_create(nominee=nominee, actor=request.user, **form.cleaned_data)
            except ServiceError as error:
                put_service_error(form, error)
                status = error.status_code
            else:
                messages.success(request, "Request recorded. What we hold was gathered now: review it before it can be released.")
                return redirect("data-protection:request", made.pk)
    context = {"nominee": nominee, "announce_name": announce_name(nominee), "form": form}
    return render(request, "data_protection/request_new.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def erase(request: HttpRequest, nominee_id: int) -> HttpResponse:
    """Two steps: the reason, then a check of what will change; only the second erases."""
    nominee = _person_or_404(request, nominee_id)
    family = person_records(nominee)
    if family[0].pk != nominee.pk:
        return redirect("data-protection:erase", family[0].pk)
    context = {"nominee": nominee, "announce_name": announce_name(nominee), "erased": is_erased(nominee)}
    if request.method != "POST":
        context["form"] = ErasureForm()
        return render(request, "data_protection/erase.html", context)
    form = ErasureForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, "data_protection/erase.html", context, status=400)
    if request.POST.get("step") != "confirm":
        context["holdings"] = person_holdings(family)
        context["counts"] = nominee_erasure_preview(nominee=nominee)
        context["lines"] = nominee_erasure_changes(nominee=nominee)
        # The preview shows what is held, names and all: a read of their identity.
        identity_access_record(user=request.user, nominee_ids=[n.pk for n in family], context="data_protection.erase.preview")
        return _private(render(request, "data_protection/erase_confirm.html", context))
    try:
        result = nominee_erase(nominee=nominee, actor=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as error:
        put_service_error(form, error)
        return render(request, "data_protection/erase.html", context, status=error.status_code)
    if result.changed:
        messages.success(request, "Their personal data is erased. The history of what was done to their record stays.")
    else:
        messages.info(request, "There was nothing left to erase: their data had already been erased.")
    return redirect("data-protection:person", nominee.pk)


# --- the access log ------------------------------------------------------------------------------


@dataclass
class AccessRow:
    access: IdentityAccess
    announce_name: str
    references: list[str]
    where: str


@login_required
@require_GET
def access_log(request: HttpRequest) -> HttpResponse:
    """Every read of identity fields in the programmes the user organises, newest first, 50 a
    page, in a fixed number of queries."""
    ids = _organised_ids(request)
    programmes = list(Programme.objects.filter(pk__in=ids).order_by("-year", "name"))
    log = identity_accesses_visible_to(request.user)
    usernames = list(log.order_by("username").values_list("username", flat=True).distinct())
    form = AccessLogFilterForm(request.GET or None, usernames=usernames, programmes=programmes)
    chosen = form.filters()
    if chosen["programme"] is not None:
        log = log.filter(nominee__programme=chosen["programme"])
    if chosen["user"]:
        log = log.filter(username=chosen["user"])
    if chosen["reference"]:
        log = log.filter(nominee__nominations__reference__iexact=chosen["reference"])
    if chosen["nominee"]:
        log = log.filter(nominee_id=chosen["nominee"])
    log = log.select_related("nominee__programme").prefetch_related(
        Prefetch("nominee__nominations", queryset=Nomination.objects.order_by("reference").only("pk", "reference", "nominee_id"))
    )
    page = Paginator(log.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        AccessRow(
            access=a,
            announce_name=announce_name(a.nominee),
            references=[n.reference for n in a.nominee.nominations.all()],
            where=code_words(a.context),
        )
        for a in page.object_list
    ]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "filtered": any(chosen.values()),
        "several_programmes": len(programmes) > 1,
    }
    return _private(render(request, "data_protection/access_log.html", context))


# --- subject access requests ---------------------------------------------------------------------


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    _organised_ids(request)
    requests = (
        subject_access_requests_visible_to(request.user)
        .select_related("programme", "nominee")
        .defer("data")  # the gathered copy is large and not shown here
        .order_by("-created_at", "-id")
    )
    page = Paginator(requests, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"request": r, "announce_name": announce_name(r.nominee)} for r in page.object_list]
    return render(request, "data_protection/requests.html", {"page": page, "rows": rows})


def _display(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple)):
        return ", ".join(_display(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _preview(sar: SubjectAccessRequest) -> list[dict]:
    """The sheets of the export as tables: the full data while it awaits review, what is released
    once reviewed."""
    sheets = []
    for title, columns, rows in release_sheets(release_data(sar)):
        headers = [c if isinstance(c, str) else c[0] for c in columns]
        sheets.append({"title": title, "headers": headers, "rows": [[_display(v) for v in row] for row in rows]})
    return sheets


def _request_page(request: HttpRequest, sar: SubjectAccessRequest, *, form: ReviewForm | None = None, status: int = 200, error: str = ""):
    awaiting = sar.status == SubjectAccessStatus.AWAITING_REVIEW
    has_data = sar.data_erased_at is None
    if has_data:
        identity_access_record(user=request.user, nominee_ids=[sar.nominee_id], context="data_protection.request.review")
    history = [
        {"entry": h, "label": REQUEST_HISTORY_LABELS.get(h.action, h.action)}
        for h in sar.history.order_by("at", "id")
    ]
    context = {
        "sar": sar,
        "announce_name": announce_name(sar.nominee),
        "awaiting": awaiting,
        "has_data": has_data,
        "form": form if form is not None else (ReviewForm(lines=text_lines(sar.data)) if awaiting and has_data else None),
        "withheld": [WITHHOLDABLE_PARTS[key].label for key in sar.withheld_parts],
        "sheets": _preview(sar) if has_data else [],
        "history": history,
        "error": error,
    }
    return _private(render(request, "data_protection/request.html", context, status=status))


@never_cache
@login_required
@require_GET
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    return _request_page(request, _request_or_404(request, request_id))


@login_required
@require_POST
def request_review(request: HttpRequest, request_id: int) -> HttpResponse:
    sar = _request_or_404(request, request_id)
    form = ReviewForm(request.POST, lines=text_lines(sar.data) if sar.data_erased_at is None else ())
    if not form.is_valid():
        return _request_page(request, sar, form=form, status=400)
    try:
        subject_access_request_review(
            request=sar,
            actor=request.user,
            withheld_parts=form.cleaned_data["withheld_parts"],
            withheld_lines=form.cleaned_data.get("withheld_lines", []),
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as error:
        put_service_error(form, error)
        return _request_page(request, sar, form=form, status=error.status_code)
    messages.success(request, "Marked as reviewed. The export can now be downloaded and sent.")
    return redirect("data-protection:request", sar.pk)


def _release_or_page(request: HttpRequest, request_id: int, file_format: str):
    sar = _request_or_404(request, request_id)
    try:
        return sar, subject_access_release(request=sar, actor=request.user, file_format=file_format)
    except DataProtectionError as error:
        return sar, _request_page(request, sar, status=error.status_code, error=error.message)


@login_required
@require_GET
def download_json(request: HttpRequest, request_id: int) -> HttpResponse:
    sar, release = _release_or_page(request, request_id, "json")
    if isinstance(release, HttpResponse):
        return release
    body = json.dumps(release, ensure_ascii=False, indent=2)
    return file_response(body, stem=f"subject-access-{sar.pk}", extension="json", content_type="application/json; charset=utf-8")


@login_required
@require_GET
def download_xlsx(request: HttpRequest, request_id: int) -> HttpResponse:
    _, release = _release_or_page(request, request_id, "xlsx")
    if isinstance(release, HttpResponse):
        return release
    return xlsx_response(SubjectAccessExporter(release))
