"""One permission class for every viewset: each action maps to a predicate (awards.rules)."""

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission

from awards.rules import is_any_organiser, is_organiser


def anyone(request, view) -> bool:
    return True


def authenticated(request, view) -> bool:
    return bool(request.user and request.user.is_authenticated)


def any_organiser(request, view) -> bool:
    """Organises at least one programme (which one is checked against the object or the body)."""

    return is_any_organiser(request.user)


def organiser_of_object(user, obj) -> bool:
    """Organises the programme `obj` belongs to (an object with `programme_id`)."""

    return is_organiser(user, obj.programme_id)


class ActionRules(BasePermission):
    """Maps `view.action` to a predicate in `view.action_rules`; an action not listed is refused.

    `view.refusal_messages` (action -> text) says why, for a signed-in user who is refused.

    Object-level rules (`view.object_rules`, action -> (user, obj) -> bool) run on
    retrieve and detail actions; the queryset is already scoped, so they only narrow.
    """

    def has_permission(self, request, view) -> bool:
        rule = view.action_rules.get(view.action)
        allowed = bool(rule and rule(request, view))
        message = getattr(view, "refusal_messages", {}).get(view.action)
        if not allowed and message and request.user and request.user.is_authenticated:
            raise PermissionDenied(message)
        return allowed

    def has_object_permission(self, request, view, obj) -> bool:
        rule = getattr(view, "object_rules", {}).get(view.action)
        return rule is None or bool(rule(request.user, obj))
