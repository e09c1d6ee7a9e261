"""Pages opened by a private link (the nominator's link, the RSVP link).

A link is a bearer credential, so its pages are never stored and send no referrer
(`Referrer-Policy: no-referrer`). With that policy browsers send `Origin: null` and no
Referer on the page's own form POST, which Django's CSRF check refuses (and over HTTPS it
requires a Referer). These pages use a synchronizer token instead: a random value kept in the
session the link opened, put in the form, compared on POST. Another site can neither read nor
guess it, and the session cookie is SameSite=Lax as well."""

from __future__ import annotations

import secrets
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

FORM_TOKEN_KEY = "private_link_form_token"


def private_page(view):
    """Never cached, no referrer sent on, and forms checked by the session's form token."""

    @wraps(view)
    @never_cache
    @csrf_exempt
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "POST" and not form_token_ok(request):
            response = render(request, "private_form_expired.html", status=403)
        else:
            response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        response["Cache-Control"] = "no-store, max-age=0"
        return response

    return wrapped


def form_token_issue(request: HttpRequest) -> str:
    """Call when a link opens a session: a fresh token for the forms of that session."""
    token = secrets.token_urlsafe(24)
    request.session[FORM_TOKEN_KEY] = token
    return token


def form_token(request: HttpRequest) -> str:
    return request.session.get(FORM_TOKEN_KEY, "")


def form_token_ok(request: HttpRequest) -> bool:
    expected = form_token(request)
    return bool(expected) and secrets.compare_digest(expected, request.POST.get("private_form", ""))


def context_processor(request: HttpRequest) -> dict:
    """`private_form_token` for the hidden field of a private page's form."""
    return {"private_form_token": request.session.get(FORM_TOKEN_KEY, "") if hasattr(request, "session") else ""}
