"""Site-wide views: the too-many-requests page. (The client address every limit counts by is
`nominations.rate_limits.client_ip`.)"""

from django.shortcuts import render


def rate_limited(request, exception=None):
    """Shown when someone sends too many requests (django-ratelimit)."""
    return render(request, "429.html", status=429)
