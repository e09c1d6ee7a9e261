from rest_framework.permissions import BasePermission


def anyone(request, view) -> bool:
    return True


def authenticated(request, view) -> bool:
    return bool(request.user and request.user.is_authenticated)


class ActionRules(BasePermission):
    """Maps `view.action` to a predicate in `view.action_rules`; an action not listed is refused.

    Object-level rules (`view.object_rules`, action -> (user, obj) -> bool) run on
    retrieve and detail actions; the queryset is already scoped, so they only narrow.
    """

    def has_permission(self, request, view) -> bool:
        rule = view.action_rules.get(view.action)
        return bool(rule and rule(request, view))

    def has_object_permission(self, request, view, obj) -> bool:
        rule = getattr(view, "object_rules", {}).get(view.action)
        return rule is None or bool(rule(request.user, obj))
