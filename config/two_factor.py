"""Two-factor sign-in (TOTP, django-otp) for the people who see young people's identity data.

Who: anyone who is an organiser or staff in any programme, and every admin user. Once signed in with
a password they reach nothing but this page (and sign out) until they enter a code from an
authenticator app; the first time, the page sets the app up. The API answers such a session with a
JSON 403, and token login asks them for the code as `otp_token`. PROUD_REQUIRE_2FA switches it on.
"""

import re
from base64 import b32encode

import segno
from axes.utils import reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException

from awards.api.parsers import PARSERS
from awards.enums import Role
from awards.rules import roles_by_programme
from nominations.rate_limits import ClientRateThrottle, client_ip

from .lockout import LOCKED_OUT_CODE, locked_out_message
from .security import answers_database_errors

API_PREFIX = "/api/"
# Where to go once verified: kept in the session, never in the address, which may hold a private link.
NEXT_SESSION_KEY = "proud_two_factor_next"
TWO_FACTOR_ROLES = frozenset({Role.ORGANISER, Role.STAFF})
DEVICE_NAME = "Authenticator app"
TWO_FACTOR_NEEDED = (
    "Two-factor sign-in needed: enter the 6-digit code from your authenticator app at "
    "/accounts/two-factor/ after signing in, or send it as otp_token to /api/v1/auth/token/."
)


def two_factor_required(user) -> bool:
    """Organisers and staff of any programme, and admin users, see identity data: they need a code."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(roles & TWO_FACTOR_ROLES for roles in roles_by_programme(user).values())


def is_verified(user) -> bool:
    # OTPMiddleware installs is_verified(); without it nobody counts as verified.
    return bool(getattr(user, "is_verified", lambda: False)())


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def _unconfirmed_device(user) -> TOTPDevice:
    """The device being set up: the same one on every visit, so reloading the page keeps the app's entry valid."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_for_typing(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed: base32, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The set-up link as an inline SVG QR code: no image file, nothing fetched from elsewhere."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=4, dark="#000", light="#fff")
    # Reviewed: segno's SVG is drawn from the QR modules (paths only); no user text is put in it.
    return mark_safe(  # nosec B308 B703
        svg.replace("<svg ", '<svg role="img" aria-label="QR code to set up your authenticator app" ', 1)
    )


def _token_problem(device: TOTPDevice, token: str) -> str | None:
    """Checks a code against the device (django-otp refuses a code already used and slows down
    repeated wrong codes); returns what is wrong, or None when the code is right."""
    token = re.sub(r"\s", "", token or "")
    if not re.fullmatch(r"\d{6}", token):
        return "Enter the 6-digit code from your authenticator app, numbers only."
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return "Too many wrong codes in a row. Wait a minute, then enter the code your app shows now."
    if verify_token(device.user, device.persistent_id, token) is None:
        return (
            "That code is not right. Enter the code your app shows now; if it is still refused, "
            "check that your phone sets its time automatically."
        )
    return None


# --- the pages ---------------------------------------------------------------------------


class CodeInput(forms.TextInput):
    """A code is used once: after a wrong one the box starts empty for the next."""

    def format_value(self, value):
        return None


class TwoFactorCodeForm(forms.Form):
    otp_token = forms.CharField(
        label="6-digit code",
        max_length=12,
        help_text="The code your authenticator app shows for PROUD Awards. It changes every 30 seconds.",
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
        widget=CodeInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        token = self.cleaned_data["otp_token"]
        problem = _token_problem(self.device, token)
        if problem:
            raise forms.ValidationError(problem)
        return token


def _next_url(request) -> str:
    target = request.session.pop(NEXT_SESSION_KEY, "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@sensitive_post_parameters("otp_token")
@login_required
def two_factor(request):
    """Set up the authenticator app (no confirmed device yet), else enter its code."""
    user = request.user
    if not two_factor_required(user) or is_verified(user):
        return redirect(_next_url(request))
    device = confirmed_device(user)
    setting_up = device is None
    if setting_up:
        device = _unconfirmed_device(user)
    form = TwoFactorCodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        if setting_up:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
            messages.success(request, "Two-factor sign-in is set up. You will be asked for a code each time you sign in.")
        # A new session key for the raised privilege, then the device is remembered in it.
        request.session.cycle_key()
        otp_login(request, device)
        return redirect(_next_url(request))
    if not setting_up:
        return render(request, "registration/two_factor_verify.html", {"form": form})
    return render(
        request,
        "registration/two_factor_setup.html",
        {"form": form, "secret": secret_for_typing(device), "qr_code": qr_code_svg(device), "issuer": settings.OTP_TOTP_ISSUER},
    )


def _is_page_visit(request) -> bool:
    """A page the person asked for, not the favicon or a script the browser fetched on its own."""
    destination = request.headers.get("Sec-Fetch-Dest")
    if destination:
        return destination == "document"
    accept = request.headers.get("Accept", "")
    return not accept or "text/html" in accept


@answers_database_errors
class TwoFactorMiddleware:
    """Until verified, a person who needs two-factor sign-in reaches only the two-factor page, sign
    out and static files: pages redirect there, the API answers 403 JSON. Token-authenticated API
    calls carry no session and are not affected: token login itself asks for the code."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt: tuple[str, ...] | None = None

    def exempt_paths(self) -> tuple[str, ...]:
        if self._exempt is None:
            self._exempt = (reverse("two-factor"), reverse("logout"), settings.STATIC_URL)
        return self._exempt

    def __call__(self, request):
        if (
            settings.PROUD_REQUIRE_2FA
            and not request.path_info.startswith(self.exempt_paths())
            and request.user.is_authenticated
            and not is_verified(request.user)
            and two_factor_required(request.user)
        ):
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse({"detail": TWO_FACTOR_NEEDED, "code": "two_factor_required"}, status=403)
            if request.method == "GET" and _is_page_visit(request):
                request.session[NEXT_SESSION_KEY] = request.get_full_path()
            return redirect("two-factor")
        return self.get_response(request)


# --- token login -------------------------------------------------------------------------


class SignInLockedOut(APIException):
    status_code = 429
    default_code = LOCKED_OUT_CODE


class TokenLoginSerializer(serializers.Serializer):
    username = serializers.CharField(write_only=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    otp_token = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        help_text="The 6-digit code from the authenticator app: needed by organisers, staff and admin "
        "users when two-factor sign-in is on (set the app up by signing in on the website first).",
    )
    token = serializers.CharField(read_only=True)

    def validate(self, attrs):
        # django-axes counts failures on Django's request, not on DRF's wrapper of it.
        request = self.context["request"]._request
        username = attrs["username"]
        user = authenticate(request=request, username=username, password=attrs["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise SignInLockedOut(locked_out_message())
            raise serializers.ValidationError("Unable to log in with provided credentials.", code="authorization")
        if settings.PROUD_REQUIRE_2FA and two_factor_required(user):
            self._check_code(request, user, attrs.get("otp_token", ""))
        if settings.AXES_ENABLED:
            reset(ip=client_ip(request), username=username)
        attrs["user"] = user
        return attrs

    @staticmethod
    def _check_code(request, user, token: str) -> None:
        device = confirmed_device(user)
        if device is None:
            raise serializers.ValidationError(
                {"otp_token": "This account needs two-factor sign-in: set up an authenticator app by signing in on the website first."}
            )
        if not token:
            raise serializers.ValidationError(
                {"otp_token": "This account needs two-factor sign-in: send the 6-digit code from your authenticator app."}
            )
        problem = _token_problem(device, token)
        if problem:
            # A wrong code counts as a failed sign-in towards the lockout, like a wrong password.
            user_login_failed.send(sender=__name__, credentials={"username": user.get_username()}, request=request)
            if getattr(request, "axes_locked_out", False):
                raise SignInLockedOut(locked_out_message())
            raise serializers.ValidationError({"otp_token": problem})


@method_decorator(sensitive_post_parameters("password", "otp_token"), name="dispatch")
class TokenLoginView(ObtainAuthToken):
    """POST username and password (and otp_token where two-factor sign-in applies), get an API token."""

    serializer_class = TokenLoginSerializer
    throttle_classes = [ClientRateThrottle]
    parser_classes = PARSERS  # DRF's view names its own parsers; these refuse what would break the stack
    throttle_scope = "token_login"

    @extend_schema(
        summary="Get an API token",
        request=TokenLoginSerializer,
        responses={
            200: TokenLoginSerializer,
            400: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Wrong username or password, or `otp_token` missing or wrong: field errors name the problem.",
            ),
            429: OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="Too many failed sign-ins for this username from this address (`code` locked_out), or too many requests: `detail` says when to try again.",
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)

