"""Server-rendered panel pages: the member's scoring list and scoring page, the ranking and
shortlist of a category, and the organiser's panel page. Pages only shape input and output;
every write is a service call, every read goes through a scoped selector (outside it: 404)."""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms.boundfield import BoundWidget
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from awards.models import Category
from awards.rules import is_organiser
from mail.errors import ServiceError
from nominations.forms import put_service_error
from nominations.naming import nomination_announce_name

from .api.views import shortlist_categories_for
from .cards import label_number, nomination_card
from .enums import PanelRole, ReviewStatus, ShortlistState
from .forms import ConfirmForm, ConflictForm, ProposeForm, ReopenForm, ReviewForm
from .labels import neutral_label
from .models import Assignment, Panel, Shortlist
from .rules import can_manage_panel
from .selectors import (
    RankingRow,
    assignments_for_member,
    category_ranking,
    coverage_gaps,
    other_reviews_visible,
    panel_progress,
    panels_managed_by,
    reviewable_nominations,
)
from .services import (
    Decision,
    Locked,
    NotOpenToScore,
    assignment_run,
    conflict_declare,
    panel_send_reminders,
    review_check_open,
    review_save,
    shortlist_confirm,
    shortlist_propose,
    shortlist_reopen,
)

# --- the member's scoring list --------------------------------------------------------


@dataclass
class QueueItem:
    assignment: Assignment
    label: str
    announce_name: str | None
    started: bool


@dataclass
class CategoryQueue:
    category: Category
    is_chair: bool
    to_score: list[QueueItem] = field(default_factory=list)
    scored: list[QueueItem] = field(default_factory=list)
    # Left unscored when the shortlist was confirmed: no longer anyone's to score.
    locked: list[QueueItem] = field(default_factory=list)
    confirmed_at: datetime | None = None

    @property
    def total(self) -> int:
        return len(self.to_score) + len(self.scored)


@dataclass
class PanelQueue:
    panel: Panel
    by_category: dict[int, CategoryQueue] = field(default_factory=dict)

    @property
    def categories(self) -> list[CategoryQueue]:
        return list(self.by_category.values())

    @property
    def total(self) -> int:
        return sum(c.total for c in self.categories)

    @property
    def scored(self) -> int:
        return sum(len(c.scored) for c in self.categories)


def _label(nomination) -> str:
    return neutral_label(nomination.category.name, label_number(nomination))


@login_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    # The list shows labels only: none of the selector's prefetches (criteria, scores, group members) are needed.
    assignments = (
        assignments_for_member(request.user)
        .prefetch_related(None)
        .order_by("panel__name", "nomination__category__display_order", "nomination__category__name", "nomination__reference")
    )
    confirmed = dict(
        Shortlist.objects.filter(state=ShortlistState.CONFIRMED, category__panel_link__panel__members__user=request.user)
        .values_list("category_id", "confirmed_at")
    )
    panels: dict[int, PanelQueue] = {}
    for assignment in assignments:
        nomination = assignment.nomination
        panel_queue = panels.setdefault(assignment.panel_id, PanelQueue(panel=assignment.panel))
        category_queue = panel_queue.by_category.setdefault(
            nomination.category_id,
            CategoryQueue(category=nomination.category, is_chair=assignment.member.role == PanelRole.CHAIR),
        )
        review = getattr(assignment, "review", None)
        item = QueueItem(
            assignment=assignment,
            label=_label(nomination),
            announce_name=None if assignment.panel.programme.blind_review else nomination_announce_name(nomination),
            started=review is not None,
        )
        submitted = review is not None and review.status == ReviewStatus.SUBMITTED
        if submitted:
            category_queue.scored.append(item)
        elif nomination.category_id in confirmed:
            category_queue.locked.append(item)
            category_queue.confirmed_at = confirmed[nomination.category_id]
        else:
            category_queue.to_score.append(item)
    context = {
        "panels": list(panels.values()),
        "managed_panels": panels_managed_by(request.user).order_by("name"),
        "now": timezone.now(),
    }
    return render(request, "shortlisting/queue.html", context)


# --- scoring one nomination -----------------------------------------------------------


def _assignment_or_404(request: HttpRequest, assignment_id: int) -> Assignment:
    return get_object_or_404(assignments_for_member(request.user), pk=assignment_id)


def _lock_reason(assignment: Assignment) -> str:
    """Why scores can no longer change, in the service's own words (its check, so the page and
    review_save never disagree); empty while they can."""
    try:
        review_check_open(assignment)
    except Locked as exc:
        return exc.message
    return ""


def _score_page(
    request: HttpRequest,
    assignment: Assignment,
    *,
    form: ReviewForm | None = None,
    conflict_form: ConflictForm | None = None,
    status: int = 200,
) -> HttpResponse:
    review = getattr(assignment, "review", None)
    criteria = list(assignment.nomination.category.criteria.all())
    others = []
    for other in other_reviews_visible(assignment):
        values = {s.criterion_id: s.value for s in other.scores.all()}
        user = other.assignment.member.user
        others.append(
            {
                "name": user.get_full_name() or user.get_username(),
                "scores": [(criterion, values.get(criterion.pk)) for criterion in criteria],
                "comment": other.comment,
            }
        )
    context = {
        "assignment": assignment,
        "card": nomination_card(assignment.nomination, blind=assignment.panel.programme.blind_review),
        "review": review,
        "submitted": review is not None and review.status == ReviewStatus.SUBMITTED,
        "form": form or ReviewForm(criteria=criteria, review=review),
        "conflict_form": conflict_form or ConflictForm(),
        "others": others,
        "locked": _lock_reason(assignment),
    }
    return render(request, "shortlisting/score.html", context, status=status)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def score(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_or_404(request, assignment_id)
    if request.method != "POST":
        return _score_page(request, assignment)
    form = ReviewForm(
        request.POST,
        criteria=list(assignment.nomination.category.criteria.all()),
        review=getattr(assignment, "review", None),
    )
    if form.is_valid():
        try:
            review_save(
                assignment=assignment,
                actor=request.user,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
                submit=form.sending,
            )
        except NotOpenToScore as exc:
            # No longer theirs to see: back to the list, which no longer has it.
            messages.error(request, exc.message)
            return redirect("shortlisting:queue")
        except ServiceError as exc:
            put_service_error(form, exc)
            return _score_page(request, assignment, form=form, status=exc.status_code)
        label = _label(assignment.nomination)
        if form.sending:
            messages.success(request, f"Thank you. Your scores for {label} have been sent.")
        else:
            messages.success(request, f"Saved. You can come back to {label} and finish it later.")
        return redirect("shortlisting:queue")
    return _score_page(request, assignment, form=form, status=400)


@login_required
@require_POST
def declare_conflict(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """"I know this young person": the nomination leaves the member's list at once."""
    assignment = _assignment_or_404(request, assignment_id)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        return _score_page(request, assignment, conflict_form=form, status=400)
    nomination = assignment.nomination
    nominees = [nomination.nominee] if nomination.nominee_id else list(nomination.group.members.all())
    for nominee in nominees:
        conflict_declare(member=assignment.member, nominee=nominee, actor=request.user, reason=form.cleaned_data["reason"])
    messages.success(
        request, "Thank you for telling us. We have taken that nomination out of your list, so you will not see it again."
    )
    return redirect("shortlisting:queue")


# --- ranking and shortlist of a category ----------------------------------------------


@dataclass
class RankingLine:
    row: RankingRow
    label: str
    reference: str
    announce_name: str
    means: list[float | None]
    proposed: bool
    checkbox: BoundWidget | None


def _state_text(shortlist: Shortlist | None) -> str:
    if shortlist is None or shortlist.state == ShortlistState.OPEN:
        return "Not proposed yet"
    return shortlist.get_state_display()


def _category_or_404(request: HttpRequest, category_id: int) -> Category:
    categories = shortlist_categories_for(request.user).select_related("programme", "panel_link__panel__programme")
    return get_object_or_404(categories, pk=category_id)


def _wants_normalised(request: HttpRequest) -> bool:
    return request.GET.get("normalise") == "1"


def _shortlist_page(
    request: HttpRequest,
    category: Category,
    *,
    propose_form: ProposeForm | None = None,
    confirm_form: ConfirmForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    # At most one form was posted; its problems go in the error summary.
    error_form = next((f for f in (propose_form, confirm_form, reopen_form) if f is not None and f.errors), None)
    panel = category.panel_link.panel
    normalise = _wants_normalised(request)
    rows = category_ranking(panel=panel, category=category, normalise=normalise)
    shortlist = (
        Shortlist.objects.filter(category=category).select_related("proposed_by", "confirmed_by").prefetch_related("finalists").first()
    )
    state = shortlist.state if shortlist else ShortlistState.OPEN
    proposed = {n.pk for n in shortlist.finalists.all()} if shortlist else set()
    organiser = can_manage_panel(request.user, panel)
    # Names only where the scoring page would show them too; references are for organisers.
    show_names = organiser or not panel.programme.blind_review
    criteria = list(category.criteria.all())
    labels = {row.nomination.pk: _label(row.nomination) for row in rows}
    propose_form = propose_form or ProposeForm(choices=list(labels.items()), initial={"finalists": sorted(proposed)})
    gaps = coverage_gaps(panel, category)
    for gap in gaps:
        gap.label = labels.get(gap.nomination.pk) or gap.nomination.reference
        if organiser:
            gap.label = f"{gap.label} ({gap.nomination.reference})"
    to_decide = [g for g in gaps if g.nomination.pk not in proposed]
    if confirm_form is None:
        confirm_form = ConfirmForm(gaps=to_decide, prefix="confirm")
    can_propose = state != ShortlistState.CONFIRMED
    checkboxes = {str(widget.data["value"]): widget for widget in propose_form["finalists"]} if can_propose else {}
    lines = [
        RankingLine(
            row=row,
            label=labels[row.nomination.pk],
            reference=row.nomination.reference if organiser else "",
            announce_name=nomination_announce_name(row.nomination) if show_names else "",
            means=[row.criterion_means.get(c.pk) for c in criteria],
            proposed=row.nomination.pk in proposed,
            checkbox=checkboxes.get(str(row.nomination.pk)),
        )
        for row in rows
    ]
    context = {
        "category": category,
        "panel": panel,
        "shortlist": shortlist,
        "state": state,
        "state_text": _state_text(shortlist),
        "criteria": criteria,
        "lines": lines,
        "normalise": normalise,
        "organiser": organiser,
        "can_propose": can_propose,
        "can_confirm": organiser and state == ShortlistState.PROPOSED,
        "gaps": gaps,
        "propose_form": propose_form,
        "confirm_form": confirm_form,
        "can_reopen": organiser and state == ShortlistState.CONFIRMED,
        "reopen_form": reopen_form or ReopenForm(),
        "error_form": error_form,
    }
    return render(request, "shortlisting/shortlist.html", context, status=status)


@login_required
@require_GET
def shortlist(request: HttpRequest, category_id: int) -> HttpResponse:
    return _shortlist_page(request, _category_or_404(request, category_id))


def _back_to_shortlist(request: HttpRequest, category: Category) -> HttpResponse:
    response = redirect("shortlisting:shortlist", category_id=category.pk)
    if _wants_normalised(request):
        response["Location"] += "?normalise=1"
    return response


@login_required
@require_POST
def shortlist_propose_view(request: HttpRequest, category_id: int) -> HttpResponse:
    category = _category_or_404(request, category_id)
    nominations = list(reviewable_nominations(category.panel_link.panel).filter(category=category).select_related("category"))
    form = ProposeForm(request.POST, choices=[(n.pk, _label(n)) for n in nominations])
    if form.is_valid():
        chosen = set(form.cleaned_data["finalists"])
        try:
            shortlist_propose(
                category=category, nominations=[n for n in nominations if n.pk in chosen], actor=request.user,
                despite_gaps=form.cleaned_data["despite_gaps"],
            )
        except ServiceError as exc:
            put_service_error(form, exc)
            return _shortlist_page(request, category, propose_form=form, status=exc.status_code)
        messages.success(request, f"Shortlist proposed with {len(chosen)} finalist{'s' if len(chosen) != 1 else ''}.")
        return _back_to_shortlist(request, category)
    return _shortlist_page(request, category, propose_form=form, status=400)


@login_required
@require_POST
def shortlist_confirm_view(request: HttpRequest, category_id: int) -> HttpResponse:
    category = _category_or_404(request, category_id)
    shortlist = Shortlist.objects.filter(category=category).prefetch_related("finalists").first()
    proposed = {n.pk for n in shortlist.finalists.all()} if shortlist else set()
    gaps = [g for g in coverage_gaps(category.panel_link.panel, category) if g.nomination.pk not in proposed]
    for gap in gaps:
        gap.label = f"{_label(gap.nomination)} ({gap.nomination.reference})"
    if not is_organiser(request.user, category.programme_id):
        gaps = []  # the service refuses the chair below, whatever was posted
    form = ConfirmForm(request.POST, gaps=gaps, prefix="confirm")
    if not form.is_valid():
        return _shortlist_page(request, category, confirm_form=form, status=400)
    try:
        shortlist_confirm(category=category, actor=request.user, decisions=form.decisions())
    except ServiceError as exc:
        put_service_error(form, exc)
        return _shortlist_page(request, category, confirm_form=form, status=exc.status_code)
    held = sum(1 for choice, _ in form.decisions().values() if choice == Decision.HOLD)
    messages.success(
        request,
        "Shortlist confirmed. The finalists are now shortlisted and scores are locked."
        + (f" {held} nomination{'s' if held != 1 else ''} held back, still under review." if held else ""),
    )
    return _back_to_shortlist(request, category)


@login_required
@require_POST
def shortlist_reopen_view(request: HttpRequest, category_id: int) -> HttpResponse:
    category = _category_or_404(request, category_id)
    if not is_organiser(request.user, category.programme_id):
        # The chair sees the shortlist but only an organiser re-opens it: refused before the form is read.
        raise PermissionDenied("Only an organiser can re-open a confirmed shortlist.")
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            shortlist_reopen(category=category, actor=request.user, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            put_service_error(form, exc)
            return _shortlist_page(request, category, reopen_form=form, status=exc.status_code)
        messages.success(request, "Shortlist re-opened. The chair can change it, and it needs confirming again.")
        return _back_to_shortlist(request, category)
    return _shortlist_page(request, category, reopen_form=form, status=400)


# --- the organiser's panel page -------------------------------------------------------


def _managed_panel_or_404(request: HttpRequest, panel_id: int) -> Panel:
    return get_object_or_404(panels_managed_by(request.user).select_related("programme"), pk=panel_id)


@login_required
@require_GET
def manage(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _managed_panel_or_404(request, panel_id)
    context = {
        "panel": panel,
        "progress": panel_progress(panel),
        "categories": [
            (category, _state_text(getattr(category, "shortlist", None)))
            for category in panel.categories.select_related("shortlist").order_by("display_order", "name")
        ],
        "now": timezone.now(),
    }
    return render(request, "shortlisting/manage.html", context)


@login_required
@require_POST
def manage_assign(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _managed_panel_or_404(request, panel_id)
    try:
        added = assignment_run(panel=panel, actor=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        if added:
            messages.success(request, f"Assigned {added} more nomination{'s' if added != 1 else ''} to members.")
        else:
            messages.success(request, "Nothing new to assign: every member already has their nominations.")
    return redirect("shortlisting:manage", panel_id=panel.pk)


@login_required
@require_POST
def manage_remind(request: HttpRequest, panel_id: int) -> HttpResponse:
    panel = _managed_panel_or_404(request, panel_id)
    reminded = panel_send_reminders(panel=panel, actor=request.user)
    if reminded:
        messages.success(request, f"Reminders are on their way to {reminded} member{'s' if reminded != 1 else ''}.")
    else:
        messages.success(request, "No reminders needed: every member has sent all their scores.")
    return redirect("shortlisting:manage", panel_id=panel.pk)
