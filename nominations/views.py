"""Server-rendered pages: the public nomination form, the nominator's private link and
"my nominations". Pages only shape input and output; every write is a service call."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from awards.enums import NomineeKind
from awards.models import Category, Programme
from awards.selectors import programmes_visible_to
from mail.errors import ServiceError

from . import rules
from .enums import Source
from .forms import NominationForm, WithdrawForm, put_service_error
from .models import Nomination
from .naming import Audience, nomination_name
from .outcomes import status_shown_label, what_next
from .private_links import form_token_issue, private_page
from .rate_limits import page_rate_limit
from .selectors import nomination_for_link_session, nomination_for_private_link, nominations_made_by
from .services import nomination_create, nomination_withdraw

# Session keys: the reference of the nomination just sent, and the nomination a private link opened.
DONE_SESSION_KEY = "nomination_done"
LINK_SESSION_KEY = "nomination_link_id"

# Where a service's field name is not a field of the form.
SERVICE_TO_FORM_FIELD = {"nominee": "legal_first_name", "group_members": "member_1_first_name"}
PERSON_FIELDS = {"legal_first_name", "legal_last_name", "date_of_birth", "cohort"}


def home(request: HttpRequest) -> HttpResponse:
    programmes = programmes_visible_to(request.user).prefetch_related(
        Prefetch("categories", queryset=Category.objects.filter(is_active=True), to_attr="active_categories")
    )
    return render(request, "nominations/home.html", {"programmes": programmes, "now": timezone.now()})


def _programme_or_404(request: HttpRequest, slug: str) -> Programme:
    return get_object_or_404(programmes_visible_to(request.user), slug=slug)


def _form_field(form: NominationForm, field: str | None) -> str | None:
    """The form field a service error belongs to, or None for the top of the page."""
    name = SERVICE_TO_FORM_FIELD.get(field or "", field)
    if name in PERSON_FIELDS and form.chosen_category.nominee_kind == NomineeKind.GROUP:
        # The person fields are for one nominee; a group's problems belong to the group as a whole.
        return None
    return name if name in form.fields else None


@page_rate_limit("PROUD_NOMINATION_RATE", method="POST")
def nominate(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme_or_404(request, slug)
    if not programme.window_is_open():
        opens_later = timezone.now() < programme.nominations_open_at
        return render(request, "nominations/closed.html", {"programme": programme, "opens_later": opens_later})
    categories = list(programme.categories.filter(is_active=True))
    form = NominationForm(request.POST if request.method == "POST" else None, programme=programme, categories=categories)
    if form.is_bound and form.is_valid():
        group_name, group_members = form.group()
        try:
            nomination = nomination_create(
                programme=programme,
                category=form.chosen_category,
                person=form.person(),
                group_name=group_name,
                group_members=group_members,
                nominator=form.nominator(),
                reasons=form.reasons(),
                user=request.user,
                source=Source.FORM,
            )
        except ServiceError as exc:
            put_service_error(form, exc, field=_form_field(form, exc.field) or "")
        else:
            request.session[DONE_SESSION_KEY] = {
                "programme": programme.slug, "reference": nomination.reference,
                "adult": nomination.category.nominee_kind == NomineeKind.ADULT,
            }
            return redirect("nominations:nominate-done", slug=programme.slug)
    context = {"programme": programme, "form": form}
    return render(request, "nominations/nominate.html", context, status=400 if form.errors else 200)


@require_GET
def nominate_done(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme_or_404(request, slug)
    done = request.session.get(DONE_SESSION_KEY)
    if not done or done["programme"] != programme.slug:
        return redirect("nominations:nominate", slug=programme.slug)
    context = {"programme": programme, "reference": done["reference"], "adult": done.get("adult", False)}
    return render(request, "nominations/nominate_done.html", context)


def _link_not_valid(request: HttpRequest) -> HttpResponse:
    # One page whatever the reason, so a link's page says nothing about other links.
    return render(request, "nominations/link_not_valid.html", status=404)


@private_page
@require_GET
@page_rate_limit("PROUD_NOMINATION_LINK_RATE")
def private_link(request: HttpRequest, token: str) -> HttpResponse:
    """Open a private link, then move to an address without the token in it (history, referrers, logs)."""
    nomination = nomination_for_private_link(token)
    if nomination is None:
        return _link_not_valid(request)
    request.session.cycle_key()
    request.session[LINK_SESSION_KEY] = nomination.pk
    form_token_issue(request)
    return redirect("nominations:my-nomination")


def _linked_nomination(request: HttpRequest) -> Nomination | None:
    """The nomination whose private link was opened in this session."""
    return nomination_for_link_session(request.session.get(LINK_SESSION_KEY))


@private_page
def my_nomination(request: HttpRequest) -> HttpResponse:
    nomination = _linked_nomination(request)
    if nomination is None:
        return _link_not_valid(request)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            nomination_withdraw(
                nomination=nomination, actor=request.user, reason=form.cleaned_data["reason"], holds_private_link=True
            )
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Nomination {nomination.reference} has been withdrawn.")
        return redirect("nominations:my-nomination")
    known_name = nomination_name(Audience.KNOWN, nomination)
    happened, withdraw_effect = what_next(nomination, known_name)
    context = {
        "nomination": nomination,
        "what_next": happened,
        "withdraw_effect": withdraw_effect,
        # The nominator knows who they nominated: the known name tells their nominations apart.
        "known_name": known_name,
        "announce_name": nomination_name(Audience.ROOM, nomination),
        "status_label": status_shown_label(nomination),
        "can_withdraw": rules.can_withdraw(request.user, nomination, holds_private_link=True),
        "form": form,
    }
    return render(request, "nominations/my_nomination.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def my_nominations(request: HttpRequest) -> HttpResponse:
    nominations = nominations_made_by(request.user).select_related("programme", "category", "nominee", "group")
    rows = [
        {
            "nomination": nomination,
            "known_name": nomination_name(Audience.KNOWN, nomination),
            "announce_name": nomination_name(Audience.ROOM, nomination),
            "status_label": status_shown_label(nomination),
            "can_withdraw": rules.can_withdraw(request.user, nomination),
        }
        for nomination in nominations
    ]
    return render(request, "nominations/my_nominations.html", {"rows": rows})


@login_required
@require_POST
def my_nomination_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(nominations_made_by(request.user), pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{nomination.reference}: {form.errors['reason'][0]}")
        return redirect("nominations:my-nominations")
    try:
        nomination_withdraw(nomination=nomination, actor=request.user, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, f"{nomination.reference}: {exc.message}")
    else:
        messages.success(request, f"Nomination {nomination.reference} has been withdrawn.")
    return redirect("nominations:my-nominations")
