"""Every write of shortlisting: panels, members, conflicts, assignment, reviews, the shortlist.

Errors reuse the nominations error classes, so the API and pages show them the same way.
"""

from collections import Counter
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from awards.models import Category, Programme
from awards.rules import is_organiser
from mail.enums import EmailKind
from mail.errors import NotAllowed, ServiceError
from mail.services import email_queue
from nominations.enums import NominationStatus, Relationship
from nominations.matching import normalise
from nominations.models import Nomination
from nominations.services import nomination_transition

from . import rules
from .enums import AssignmentStrategy, ConflictSource, PanelRole, ReviewStatus, ShortlistState
from .models import Assignment, Conflict, Panel, PanelCategory, PanelMember, Review, Score, Shortlist, ShortlistHistory
from .selectors import CoverageGap, active_assignments, coverage_gaps, panel_progress, reviewable_nominations


class ShortlistingError(ServiceError):
    pass


class Locked(ShortlistingError):
    status_code = 409


class CoverageIncomplete(ShortlistingError):
    """Nominations the panel has not fully scored, about which the person must say what to do
    before the shortlist moves on: never rejected silently. 409: the state of the scoring does not
    allow it yet; the answer lists them."""

    status_code = 409

    def __init__(self, message: str, *, gaps: list[CoverageGap], field: str):
        super().__init__(message, field=field)
        self.gaps = gaps

    def details(self) -> dict:
        return {
            "nominations": [
                {"nomination": g.nomination.pk, "assigned": g.assigned, "submitted": g.submitted}
                for g in self.gaps
            ]
        }


class Decision:
    """What an organiser chooses, on confirming, for a nomination the panel has not fully scored."""

    HOLD = "hold"  # stays under review, not rejected: for a later look (re-open the shortlist)
    REJECT = "reject"  # not shortlisted, with the organiser's reason in its history
    CHOICES = [(HOLD, "Hold it back: not rejected, kept under review"), (REJECT, "Reject it: not shortlisted, with a reason")]


class NotOpenToScore(ShortlistingError):
    """The assignment is not the member's to score now: they declared a conflict with the young
    person (perhaps at the very moment they saved), or the nomination left review. 409: the state
    of things does not allow it; nothing is saved."""

    status_code = 409


NOT_OPEN_TO_SCORE = (
    "This nomination is not open for you to score: a conflict with the young person was declared, "
    "or it is no longer under review. Nothing was saved."
)


def _lock_member_assignments(member: PanelMember, nominee) -> None:
    """Lock the member's assignments of the nominee's nominations (their own, and their groups'):
    the rows review_save locks too, so a conflict and a save on the same assignment take turns."""
    ids = sorted(
        Assignment.objects.filter(member=member)
        .filter(Q(nomination__nominee=nominee) | Q(nomination__group__members=nominee))
        .values_list("pk", flat=True)
        .distinct()
    )
    list(Assignment.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))


def _label(actor) -> str:
    return actor.get_username() if getattr(actor, "is_authenticated", False) else "system"


def _require_organiser(actor, programme_id: int, what: str) -> None:
    if not is_organiser(actor, programme_id):
        raise NotAllowed(f"Only organisers of this programme can {what}.")


@transaction.atomic
def panel_create(
    *,
    programme: Programme,
    name: str,
    categories: list[Category],
    actor,
    strategy: str = AssignmentStrategy.EVERYONE,
    reviewers_per_nomination: int = 3,
    deadline: datetime | None = None,
) -> Panel:
    """A panel for some of the programme's categories; each category has one panel."""
    _require_organiser(actor, programme.pk, "create panels")
    if not categories:
        raise ShortlistingError("Choose at least one category for the panel.", field="categories")
    foreign = [c.name for c in categories if c.programme_id != programme.pk]
    if foreign:
        raise ShortlistingError(f"Not categories of {programme.name}: {', '.join(foreign)}.", field="categories")
    taken = list(
        PanelCategory.objects.filter(category__in=categories).select_related("category", "panel").order_by("category__name")
    )
    if taken:
        names = ", ".join(f"{link.category.name} ({link.panel.name})" for link in taken)
        raise ShortlistingError(f"These categories already have a panel: {names}.", field="categories")
    if Panel.objects.filter(programme=programme, name=name).exists():
        raise ShortlistingError(f"{programme.name} already has a panel called {name}.", field="name")
    panel = Panel.objects.create(
        programme=programme,
        name=name,
        strategy=strategy,
        reviewers_per_nomination=reviewers_per_nomination,
        deadline=deadline,
    )
    PanelCategory.objects.bulk_create(PanelCategory(panel=panel, category=c) for c in categories)
    return panel


def panel_member_add(
    *,
    panel: Panel,
    actor,
    user=None,
    email: str = "",
    role: str = PanelRole.MEMBER,
    is_young_person: bool = False,
    is_care_experienced: bool = False,
    carer_name: str = "",
    area: str = "",
    allocated_worker=None,
) -> PanelMember:
    """Add an existing account, or invite someone by e-mail (an account is made for them and
    they are sent a link to choose a password)."""
    _require_organiser(actor, panel.programme_id, "add panel members")
    invited = False
    with transaction.atomic():
        if user is None:
            if not email:
                raise ShortlistingError("Give an existing account or an e-mail address to invite.", field="email")
            User = get_user_model()
            user = User.objects.filter(email__iexact=email).first()
            if user is None:
                user = User(username=_free_username(email), email=email)
                user.set_unusable_password()
                user.save()
                invited = True
        if PanelMember.objects.filter(panel=panel, user=user).exists():
            raise ShortlistingError(f"{user.get_username()} is already on {panel.name}.", field="user")
        member = PanelMember.objects.create(
            panel=panel,
            user=user,
            role=role,
            is_young_person=is_young_person,
            is_care_experienced=is_care_experienced,
            carer_name=carer_name,
            area=area,
            allocated_worker=allocated_worker,
        )
        if invited:
            # The link to choose a password is made when the message is sent (mail.registry).
            email_queue(
                kind=EmailKind.PANEL_INVITATION,
                about=member,
                key=f"panel_invitation:{member.pk}",
                programme_id=panel.programme_id,
            )
    return member


def _free_username(email: str) -> str:
    User = get_user_model()
    base = email.split("@")[0][:140] or "member"
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}{n}"
    return candidate


def conflicts_detect(*, panel: Panel) -> int:
    """Record the conflicts the data shows (member is the nominator or allocated worker, shares
    the nominator's e-mail; a care-experienced young member shares a carer, area or worker with
    the nominee). Idempotent; returns how many were added."""
    members = list(panel.members.select_related("user"))
    nominations = list(
        reviewable_nominations(panel)
        .select_related("nominee")
        .prefetch_related("group__members")
        .only("id", "nominee", "group", "nominator_user_id", "nominator_email", "nominator_name", "nominator_relationship")
    )
    existing = set(Conflict.objects.filter(member__panel=panel).values_list("member_id", "nominee_id"))
    new: dict[tuple[int, int], Conflict] = {}
    carers = {Relationship.FOSTER_CARER, Relationship.RESIDENTIAL_WORKER}
    for nomination in nominations:
        nominees = [nomination.nominee] if nomination.nominee_id else list(nomination.group.members.all())
        for member in members:
            for nominee in nominees:
                source = None
                if nomination.nominator_user_id == member.user_id:
                    source = ConflictSource.NOMINATOR
                elif nominee.allocated_worker_id == member.user_id:
                    source = ConflictSource.ALLOCATED_WORKER
                elif member.user.email and nomination.nominator_email.lower() == member.user.email.lower():
                    source = ConflictSource.NOMINATOR_EMAIL
                elif member.is_young_person and member.is_care_experienced:
                    if member.carer_name and nomination.nominator_relationship in carers and normalise(
                        member.carer_name
                    ) == normalise(nomination.nominator_name):
                        source = ConflictSource.SHARED_CARER
                    elif member.area and nominee.area and normalise(member.area) == normalise(nominee.area):
                        source = ConflictSource.SHARED_AREA
                    elif member.allocated_worker_id and member.allocated_worker_id == nominee.allocated_worker_id:
                        source = ConflictSource.SHARED_WORKER
                key = (member.pk, nominee.pk)
                if source and key not in existing and key not in new:
                    new[key] = Conflict(member=member, nominee=nominee, source=source)
    Conflict.objects.bulk_create(new.values(), ignore_conflicts=True)
    return len(new)


def conflict_declare(*, member: PanelMember, nominee, actor, reason: str = "") -> Conflict:
    """A member (or an organiser for them) declares a conflict. The member stops seeing the
    nominee's nominations at once; their assignments are topped up by others where K applies."""
    if not (member.user_id == getattr(actor, "pk", None) or rules.can_manage_panel(actor, member.panel)):
        raise NotAllowed("You can only declare conflicts for yourself.")
    if nominee.programme_id != member.panel.programme_id:
        raise ShortlistingError("That young person is not part of this programme.", field="nominee")
    with transaction.atomic():
        _lock_member_assignments(member, nominee)
        conflict, _ = Conflict.objects.get_or_create(
            member=member, nominee=nominee, defaults={"source": ConflictSource.DECLARED, "reason": reason}
        )
    if member.panel.strategy == AssignmentStrategy.K_REVIEWERS:
        assignment_run(panel=member.panel, actor=None, _system=True)
    return conflict


def assignment_run(*, panel: Panel, actor, _system: bool = False) -> int:
    """Assign the panel's reviewable nominations to its members.

    Everyone: every member gets every nomination they have no conflict with. K reviewers:
    each nomination gets up to K unconflicted members, always the least loaded first, so
    no member has more than one above the average. Re-running only adds: assignments
    already made (and their scores) are never moved. Returns how many were added.
    """
    if not _system:
        _require_organiser(actor, panel.programme_id, "assign nominations")
    with transaction.atomic():
        Panel.objects.select_for_update().filter(pk=panel.pk).first()  # one run at a time per panel
        conflicts_detect(panel=panel)
        members = list(panel.members.order_by("id"))
        if not members:
            raise ShortlistingError("Add members to the panel before assigning nominations.")
        conflicts = set(Conflict.objects.filter(member__panel=panel).values_list("member_id", "nominee_id"))
        nominations = list(
            reviewable_nominations(panel).order_by("id").prefetch_related("group__members").only("id", "nominee_id", "group_id")
        )
        active = set(active_assignments().filter(panel=panel).values_list("member_id", "nomination_id"))
        existing = set(Assignment.objects.filter(panel=panel).values_list("member_id", "nomination_id"))
        load = Counter(member_id for member_id, _ in active)
        new = []

        def free(member, nomination) -> bool:
            nominee_ids = [nomination.nominee_id] if nomination.nominee_id else [m.pk for m in nomination.group.members.all()]
            return (member.pk, nomination.pk) not in existing and not any((member.pk, n) in conflicts for n in nominee_ids)

        for nomination in nominations:
            candidates = [m for m in members if free(m, nomination)]
            if panel.strategy == AssignmentStrategy.K_REVIEWERS:
                have = sum(1 for m in members if (m.pk, nomination.pk) in active)
                needed = max(panel.reviewers_per_nomination - have, 0)
                candidates = sorted(candidates, key=lambda m: (load[m.pk], m.pk))[:needed]
            for member in candidates:
                new.append(Assignment(panel=panel, member=member, nomination=nomination))
                load[member.pk] += 1
                existing.add((member.pk, nomination.pk))
        Assignment.objects.bulk_create(new)
    return len(new)


def _shortlist_for(category: Category) -> Shortlist | None:
    return Shortlist.objects.filter(category=category).first()


def review_check_open(assignment: Assignment) -> None:
    """Refuse when scores can no longer change: a confirmed shortlist or a passed deadline."""
    shortlist = _shortlist_for(assignment.nomination.category)
    if shortlist is not None and shortlist.state == ShortlistState.CONFIRMED:
        raise Locked("The shortlist for this category is confirmed: scores can no longer change.")
    deadline = assignment.panel.deadline
    if deadline is not None and timezone.now() > deadline:
        raise Locked(f"The panel's deadline ({timezone.localtime(deadline):%-d %B %Y %H:%M}) has passed.")


def review_save(*, assignment: Assignment, actor, scores: dict[int, int], comment: str = "", submit: bool = False) -> Review:
    """Save a member's scores for one nomination, as a draft or submitted.

    Guarantees: only the assigned, unconflicted member; only the category's criteria, each
    within 0..max; submitting needs every criterion; nothing changes after the deadline or a
    confirmed shortlist; all or nothing. A conflict declared at the same moment either comes
    first (NotOpenToScore, 409, nothing saved) or after (the scores saved, then set aside).
    """
    if not rules.can_score(actor, assignment):
        raise NotAllowed("This nomination is not assigned to you.")
    if not active_assignments().filter(pk=assignment.pk).exists():
        raise NotOpenToScore(NOT_OPEN_TO_SCORE)
    review_check_open(assignment)
    criteria = {c.pk: c for c in assignment.nomination.category.criteria.all()}
    unknown = sorted(set(scores) - set(criteria))
    if unknown:
        raise ShortlistingError(f"Unknown criteria for this category: {', '.join(map(str, unknown))}.", field="scores")
    for criterion_id, value in scores.items():
        criterion = criteria[criterion_id]
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= criterion.max_score:
            raise ShortlistingError(
                f"The score for '{criterion.name}' must be a whole number from 0 to {criterion.max_score}.", field="scores"
            )
    with transaction.atomic():
        # The assignment's row is where a save meets a conflict being declared (conflict_declare
        # locks it too): whichever comes second sees the first. A conflict that won is a 409.
        list(Assignment.objects.select_for_update().filter(pk=assignment.pk).values_list("pk", flat=True))
        if not active_assignments().filter(pk=assignment.pk).exists():
            raise NotOpenToScore(NOT_OPEN_TO_SCORE)
        review, _ = Review.objects.select_for_update().get_or_create(assignment=assignment)
        current = {s.criterion_id: s for s in review.scores.all()}
        merged = {cid: s.value for cid, s in current.items()} | scores
        if submit:
            missing = [criteria[cid].name for cid in criteria if cid not in merged]
            if missing:
                raise ShortlistingError(f"Give a score for every part before you send your scores. Missing: {', '.join(missing)}.", field="scores")
        for criterion_id, value in scores.items():
            if criterion_id in current:
                if current[criterion_id].value != value:
                    current[criterion_id].value = value
                    current[criterion_id].save(update_fields=["value"])
            else:
                Score.objects.create(review=review, criterion_id=criterion_id, value=value)
        review.comment = comment
        fields = ["comment", "updated_at"]
        if submit:
            review.status = ReviewStatus.SUBMITTED
            review.submitted_at = review.submitted_at or timezone.now()
            fields += ["status", "submitted_at"]
        review.save(update_fields=fields)
    return review


def _history(shortlist: Shortlist, action: str, actor, reason: str = "", **detail) -> None:
    ShortlistHistory.objects.create(
        shortlist=shortlist,
        action=action,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=_label(actor),
        reason=reason,
        detail=detail,
    )


def _locked_shortlist(category: Category) -> Shortlist:
    link = PanelCategory.objects.filter(category=category).select_related("panel").first()
    if link is None:
        raise ShortlistingError(f"{category.name} has no panel yet.", field="category")
    Shortlist.objects.get_or_create(category=category, defaults={"panel": link.panel})
    return Shortlist.objects.select_for_update().select_related("category", "panel").get(category=category)


def _nominations(count: int) -> str:
    return f"{count} nomination{'s' if count != 1 else ''}"


def shortlist_propose(*, category: Category, nominations: list[Nomination], actor, despite_gaps: bool = False) -> Shortlist:
    """The chair (or an organiser) proposes finalists: up to the category's maximum, all from
    the category and still under review. While the panel has not fully scored every nomination,
    the proposal needs `despite_gaps` (the person saw the list and proposes anyway)."""
    with transaction.atomic():
        shortlist = _locked_shortlist(category)
        if not (rules.is_chair(actor, shortlist.panel) or rules.can_manage_panel(actor, shortlist.panel)):
            raise NotAllowed("Only the panel's chair or an organiser can propose the shortlist.")
        if shortlist.state == ShortlistState.CONFIRMED:
            raise Locked("This shortlist is confirmed; an organiser must re-open it first.")
        if len(set(n.pk for n in nominations)) > category.max_finalists:
            raise ShortlistingError(
                f"{category.name} can have at most {category.max_finalists} finalists; you chose {len(nominations)}.",
                field="nominations",
            )
        allowed = set(reviewable_nominations(shortlist.panel).filter(category=category).values_list("pk", flat=True))
        outside = [n.reference for n in nominations if n.pk not in allowed]
        if outside:
            raise ShortlistingError(
                f"Not nominations under review in {category.name}: {', '.join(outside)}.", field="nominations"
            )
        gaps = coverage_gaps(shortlist.panel, category)
        if gaps and not despite_gaps:
            raise CoverageIncomplete(
                f"The panel has not finished scoring {category.name}: {_nominations(len(gaps))} not fully scored "
                "(listed with this message). Wait for the scores, or propose anyway knowing this.",
                gaps=gaps,
                field="despite_gaps",
            )
        shortlist.finalists.set(nominations)
        shortlist.state = ShortlistState.PROPOSED
        shortlist.proposed_by = actor
        shortlist.proposed_at = timezone.now()
        shortlist.save(update_fields=["state", "proposed_by", "proposed_at"])
        _history(
            shortlist, "shortlisting.shortlist.proposed", actor, finalists=[n.reference for n in nominations],
            not_fully_scored=[g.nomination.reference for g in gaps],
        )
    return shortlist


def shortlist_confirm(*, category: Category, actor, decisions: dict[int, tuple[str, str]] | None = None) -> Shortlist:
    """An organiser confirms: proposed finalists become shortlisted, the other nominations under
    review not shortlisted, through the nominations lifecycle (history kept). Then it is locked.

    A nomination the panel has not fully scored is never rejected silently: each needs a decision
    in `decisions` (nomination id -> (Decision.HOLD, "") or (Decision.REJECT, reason)); without
    one for every such nomination nothing changes and the answer lists them. Held back, it stays
    under review; rejected, its history keeps the organiser's reason."""
    decisions = decisions or {}
    with transaction.atomic():
        shortlist = _locked_shortlist(category)
        _require_organiser(actor, category.programme_id, "confirm a shortlist")
        if shortlist.state == ShortlistState.CONFIRMED:
            raise Locked("This shortlist is already confirmed.")
        if shortlist.state != ShortlistState.PROPOSED:
            raise ShortlistingError("The chair has not proposed a shortlist for this category yet.")
        finalists = set(shortlist.finalists.values_list("pk", flat=True))
        gaps = {g.nomination.pk: g for g in coverage_gaps(shortlist.panel, category) if g.nomination.pk not in finalists}
        unknown = sorted(set(decisions) - set(gaps))
        if unknown:
            raise ShortlistingError(
                "Decisions are only for nominations not fully scored and not proposed; these are not: "
                + ", ".join(str(pk) for pk in unknown) + ".",
                field="decisions",
            )
        for pk, (choice, reason) in decisions.items():
            if choice not in (Decision.HOLD, Decision.REJECT):
                raise ShortlistingError(f"'{choice}' is not a decision: hold or reject.", field="decisions")
            if choice == Decision.REJECT and not reason.strip():
                raise ShortlistingError(
                    f"Give a reason for rejecting {gaps[pk].nomination.reference}, which the panel has not fully scored.",
                    field="decisions",
                )
        undecided = [g for pk, g in gaps.items() if pk not in decisions]
        if undecided:
            raise CoverageIncomplete(
                f"The panel has not fully scored {_nominations(len(undecided))} that would not be shortlisted "
                "(listed with this message). Choose for each: hold it back, or reject it with a reason "
                "(or assign it and wait for the scores).",
                gaps=undecided,
                field="decisions",
            )
        held = {pk for pk, (choice, _) in decisions.items() if choice == Decision.HOLD}
        for nomination in reviewable_nominations(shortlist.panel).filter(category=category).order_by("id"):
            if nomination.pk in held:
                continue
            target = NominationStatus.SHORTLISTED if nomination.pk in finalists else NominationStatus.NOT_SHORTLISTED
            reason = "Shortlist confirmed"
            if nomination.pk in decisions:
                reason = f"Shortlist confirmed without full scores: {decisions[nomination.pk][1].strip()}"
            if nomination.status != target:
                nomination_transition(nomination=nomination, to=target, actor=actor, reason=reason)
        shortlist.state = ShortlistState.CONFIRMED
        shortlist.confirmed_by = actor
        shortlist.confirmed_at = timezone.now()
        shortlist.save(update_fields=["state", "confirmed_by", "confirmed_at"])
        _history(
            shortlist, "shortlisting.shortlist.confirmed", actor,
            held_back=sorted(gaps[pk].nomination.reference for pk in held),
            rejected_without_full_scores=sorted(gaps[pk].nomination.reference for pk in decisions if pk not in held),
        )
    return shortlist


def shortlist_reopen(*, category: Category, actor, reason: str) -> Shortlist:
    """Unlock a confirmed shortlist: organisers only, with a reason kept in its history."""
    if not reason.strip():
        raise ShortlistingError("Give a reason for re-opening the shortlist.", field="reason")
    with transaction.atomic():
        shortlist = _locked_shortlist(category)
        _require_organiser(actor, category.programme_id, "re-open a shortlist")
        if shortlist.state != ShortlistState.CONFIRMED:
            raise ShortlistingError("Only a confirmed shortlist can be re-opened.")
        shortlist.state = ShortlistState.PROPOSED
        shortlist.save(update_fields=["state"])
        _history(shortlist, "shortlisting.shortlist.reopened", actor, reason=reason.strip())
    return shortlist


def results_record(*, category: Category, actor, winner: Nomination, highly_commended: list[Nomination] = ()) -> None:
    """After the panel: the winner and any highly commended; the other shortlisted become finalists."""
    with transaction.atomic():
        shortlist = _locked_shortlist(category)
        _require_organiser(actor, category.programme_id, "record results")
        if shortlist.state != ShortlistState.CONFIRMED:
            raise ShortlistingError("Confirm the shortlist before recording results.")
        shortlisted = {n.pk: n for n in Nomination.objects.filter(category=category, status=NominationStatus.SHORTLISTED)}
        chosen = [winner, *highly_commended]
        if any(n.pk not in shortlisted for n in chosen) or len({n.pk for n in chosen}) != len(chosen):
            raise ShortlistingError("Choose the winner and highly commended from different shortlisted nominations.")
        hc = {n.pk for n in highly_commended}
        for pk, nomination in shortlisted.items():
            to = (
                NominationStatus.WINNER
                if pk == winner.pk
                else NominationStatus.HIGHLY_COMMENDED if pk in hc else NominationStatus.FINALIST
            )
            nomination_transition(nomination=nomination, to=to, actor=actor, reason="Results recorded")
        _history(shortlist, "shortlisting.results.recorded", actor, winner=winner.reference)


def panel_send_reminders(*, panel: Panel, actor) -> int:
    """E-mail every member who has unscored work, through the outbox. Returns how many. A member
    who has scored everything by the time their message is sent gets none."""
    _require_organiser(actor, panel.programme_id, "send reminders")
    asked_at = timezone.now().isoformat()
    waiting = [p.member for p in panel_progress(panel) if p.left > 0]
    with transaction.atomic():
        for member in waiting:
            email_queue(
                kind=EmailKind.PANEL_REMINDER,
                about=member,
                key=f"panel_reminder:{member.pk}:{asked_at}",
                programme_id=panel.programme_id,
            )
    return len(waiting)
