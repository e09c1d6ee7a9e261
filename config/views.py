from django.shortcuts import render


def rate_limited(request, exception=None):
    """Shown when someone sends too many requests (django-ratelimit)."""
    return render(request, "429.html", status=429)
