"""Site-wide views: the privacy notice, the accessibility statement, the contact page (all from
settings the council fills in: config.context_processors.site) and the too-many-requests page.
(The client address every limit counts by is `nominations.rate_limits.client_ip`.)"""

from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def privacy(request):
    return render(request, "site/privacy.html")


@require_GET
def accessibility(request):
    return render(request, "site/accessibility.html")


@require_GET
def contact(request):
    return render(request, "site/contact.html")


def rate_limited(request, exception=None):
    """Shown when someone sends too many requests (django-ratelimit)."""
    return render(request, "429.html", status=429)
