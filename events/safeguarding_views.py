"""The safeguarding pages, mounted at /safeguarding/: who the safeguarding gate holds back, and
one young person's check and consents, recorded where the gate says what is missing.

For organisers of the programme and the young person's allocated worker (DESIGN.md rules 3, 4 and
6): every read starts from the records whose identity the user may read, so anyone else gets a
404, and each showing of a young person's identity is written to the access log. Every write is a
service of nominations (nominee_record_safeguarding, consent_record, consent_withdraw), which
checks who may make it and what consent each choice needs."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from awards.enums import Role
from awards.rules import programme_ids_with_role
from mail.errors import ServiceError
from nominations.enums import ConsentPurpose
from nominations.forms import put_service_error
from nominations.models import Consent, Nominee
from nominations.naming import Audience, name_for
from nominations.selectors import nominees_with_identity_for
from nominations.services import (
    consent_record,
    consent_withdraw,
    identity_access_record,
    nominee_record_safeguarding,
    own_choice_overrides,
)

from .safeguarding_forms import CheckForm, ConsentForm, WithdrawForm
from .selectors import finalists_waiting, nominee_gate_problems


def _may_use(request: HttpRequest) -> None:
    """Organisers and staff: everyone else has no safeguarding pages at all."""
    user = request.user
    if not (programme_ids_with_role(user, Role.ORGANISER) or programme_ids_with_role(user, Role.STAFF)):
        raise Http404


def _nominee_or_404(request: HttpRequest, nominee_id: int) -> Nominee:
    _may_use(request)
    return get_object_or_404(nominees_with_identity_for(request.user).select_related("programme"), pk=nominee_id)


def _back(request: HttpRequest) -> str:
    """Where to go back to: the page that sent them here (an invitation blocked by the gate), if
    it is one of ours."""
    back = request.POST.get("next") or request.GET.get("next") or ""
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}) and back.startswith("/"):
        return back
    return ""


def check_url(nominee: Nominee, back: str = "") -> str:
    url = reverse("safeguarding:check", kwargs={"nominee_id": nominee.pk})
    return f"{url}?{urlencode({'next': back})}" if back else url


@never_cache
@login_required
@require_GET
def waiting(request: HttpRequest) -> HttpResponse:
    """Every finalist the gate holds back (no check, not safe, no consent to attend), with a link
    to put it right."""
    _may_use(request)
    rows = finalists_waiting(request.user)
    # A worker's own young people, every one, so their check can be recorded before any shortlist.
    allocated = list(
        Nominee.objects.filter(allocated_worker=request.user, programme_id__in=programme_ids_with_role(request.user, Role.STAFF))
        .select_related("programme")
        .order_by("legal_first_name", "legal_last_name", "pk")
    )
    shown = {row.nominee.pk for row in rows} | {n.pk for n in allocated}
    identity_access_record(user=request.user, nominee_ids=sorted(shown), context="page.safeguarding_waiting")
    for row in rows:
        row.name = name_for(Audience.IDENTITY, row.nominee)
    for nominee in allocated:
        nominee.name = name_for(Audience.IDENTITY, nominee)
    return render(request, "events/safeguarding/waiting.html", {"rows": rows, "allocated": allocated})


@dataclass
class CurrentConsent:
    purpose: str
    label: str
    consent: Consent | None
    withdrawn: Consent | None = None


def _consents(nominee: Nominee) -> list[CurrentConsent]:
    """Each purpose's current answer, or (when none) the last one withdrawn, so a withdrawal stays
    visible instead of reading as never asked."""
    current, withdrawn = {}, {}
    for consent in nominee.consents.order_by("given_at", "id"):
        (withdrawn if consent.withdrawn_at else current)[consent.purpose] = consent
    rows = []
    for purpose, label in ConsentPurpose.choices:
        rows.append(CurrentConsent(purpose, label, current.get(purpose), None if purpose in current else withdrawn.get(purpose)))
    return rows


def _check_page(
    request: HttpRequest,
    nominee: Nominee,
    *,
    check_form: CheckForm | None = None,
    consent_form: ConsentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    identity_access_record(user=request.user, nominee_ids=[nominee.pk], context="page.safeguarding_check")
    error_form = next((f for f in (check_form, consent_form) if f is not None and f.errors), None)
    context = {
        "nominee": nominee,
        "name": name_for(Audience.IDENTITY, nominee),
        "room_name": name_for(Audience.ROOM, nominee),
        "problems": nominee_gate_problems(nominee),
        "consents": _consents(nominee),
        "check_form": check_form or CheckForm(initial=CheckForm.initial_from(nominee), prefix="check"),
        "consent_form": consent_form or ConsentForm(prefix="consent"),
        "error_form": error_form,
        "next": _back(request),
    }
    return render(request, "events/safeguarding/check.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest, nominee_id: int) -> HttpResponse:
    """The young person's safeguarding check and consents: one form records the check, another one
    consent (or its refusal) for one purpose at a time."""
    nominee = _nominee_or_404(request, nominee_id)
    if request.method != "POST":
        return _check_page(request, nominee)
    if "consent-purpose" in request.POST:
        form = ConsentForm(request.POST, prefix="consent")
        if not form.is_valid():
            return _check_page(request, nominee, consent_form=form, status=400)
        data = form.cleaned_data
        try:
            consent_record(
                nominee=nominee, purpose=data["purpose"], given=data["given"], given_by=data["given_by"],
                given_by_name=data["given_by_name"], actor=request.user,
            )
        except ServiceError as error:
            put_service_error(form, error)
            return _check_page(request, nominee, consent_form=form, status=error.status_code)
        answer = "given" if data["given"] else "refused"
        messages.success(request, f"Consent to {ConsentPurpose(data['purpose']).label.lower()}: {answer}, recorded.")
        return redirect(check_url(nominee, _back(request)))
    form = CheckForm(request.POST, prefix="check")
    if not form.is_valid():
        return _check_page(request, nominee, check_form=form, status=400)
    data = form.cleaned_data
    overridden_before = own_choice_overrides(nominee)
    try:
        nominee_record_safeguarding(
            nominee=nominee, actor=request.user, attendance_safe=data["attendance_safe"],
            publicity_level=data["publicity_level"], photography_allowed=data["photography_allowed"],
            named_to_event_staff=data["named_to_event_staff"], notes=data["notes"],
            safe_contact_email=data["safe_contact_email"],
        )
    except ServiceError as error:
        put_service_error(form, error)
        return _check_page(request, nominee, check_form=form, status=error.status_code)
    nominee.refresh_from_db()
    still = nominee_gate_problems(nominee)
    told = " It is stricter than their own choice, so the stricter wins and they are told kindly by e-mail." if any(
        overridden_before.get(item) != value for item, value in own_choice_overrides(nominee).items()
    ) else ""
    messages.success(request, "The safeguarding check is recorded." + told + (f" Still missing: {' '.join(s[:1].upper() + s[1:] for s in still)}" if still else ""))
    back = _back(request)
    return redirect(back if back and not still else check_url(nominee, back))


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, nominee_id: int, purpose: str) -> HttpResponse:
    """Withdraw a consent, after a page that says what will happen."""
    nominee = _nominee_or_404(request, nominee_id)
    consent = nominee.consents.filter(purpose=purpose, withdrawn_at__isnull=True).first()
    if consent is None or purpose not in ConsentPurpose.values:
        raise Http404
    form = WithdrawForm(request.POST or None, initial={"purpose": purpose})
    if request.method == "POST" and form.is_valid():
        try:
            consent_withdraw(nominee=nominee, purpose=purpose, actor=request.user)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Consent to {ConsentPurpose(purpose).label.lower()} is withdrawn.")
        return redirect(check_url(nominee, _back(request)))
    identity_access_record(user=request.user, nominee_ids=[nominee.pk], context="page.safeguarding_withdraw")
    context = {
        "nominee": nominee,
        "name": name_for(Audience.IDENTITY, nominee),
        "purpose_label": ConsentPurpose(purpose).label,
        "consequence": WITHDRAWAL_CONSEQUENCES[purpose],
        "form": form,
        "next": _back(request),
    }
    return render(request, "events/safeguarding/withdraw.html", context, status=400 if form.errors else 200)


# What withdrawing each consent does (nominations.services.consent_withdraw), said before it is done.
WITHDRAWAL_CONSEQUENCES = {
    ConsentPurpose.NOMINATION: "Their nominations are withdrawn: the panels will not consider them.",
    ConsentPurpose.ATTENDING: "The check's “safe to attend” becomes No, so they cannot be invited; an invitation already "
    "sent shows as blocked for you to decide on. To undo it, record consent again and then the check.",
    ConsentPurpose.NAME_READ_OUT: "The check's name level becomes Anonymous: the room hears “a young person from our care”.",
    ConsentPurpose.PHOTOGRAPHED: "The check's “may be photographed” becomes No, and they are marked on the seating and "
    "photographer's sheets as not to be photographed.",
    ConsentPurpose.PRESS: "Nothing about them goes to the press or social media.",
}
