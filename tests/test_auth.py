"""Signing in: two-factor sign-in for those who see identity data, lockout after failed sign-ins,
session limits, password rules, and logs that name nobody."""

import logging
import re
import time
from base64 import b32encode
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db.models import F
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from awards.enums import Role
from config.sessions import LAST_SEEN_AT_KEY, SIGNED_IN_AT_KEY
from shortlisting.services import panel_member_add
from tests.conftest import user_with_role
from tests.factories import PanelFactory, PanelMemberFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
HOME = "198.51.100.7"
ELSEWHERE = "203.0.113.20"


@pytest.fixture
def two_factor_on(settings):
    settings.PROUD_REQUIRE_2FA = True


def sign_in(client, username, password=PASSWORD, address=HOME, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **extra)


def signed_in_user_id(client):
    return client.session.get(SESSION_KEY)


def text(response) -> str:
    return response.content.decode()


def code_for(device, steps_ahead=0) -> str:
    """The code the person's authenticator app shows, computed from the device key as the app does."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device) -> str:
    accepted = {code_for(device, steps) for steps in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def let_a_minute_pass(device):
    """django-otp makes you wait a little longer after each wrong code; move that clock on."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=timezone.now() - timedelta(minutes=1))


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


@pytest.fixture
def panel_member(programme):
    return PanelMemberFactory(panel=PanelFactory(programme=programme), user=UserFactory(username="panellist")).user


# --- who must use two-factor sign-in -------------------------------------------------------


@pytest.mark.parametrize("who", ["organiser", "staff_user"])
def test_two_factor_organiser_and_staff_are_sent_to_set_up_until_verified(two_factor_on, client, request, who):
    user = request.getfixturevalue(who)

    signed_in = sign_in(client, user.username)
    page = client.get("/my-nominations/")
    setup = client.get("/accounts/two-factor/")

    assert signed_in.status_code == 302
    assert signed_in_user_id(client) == str(user.pk)
    assert (page.status_code, page["Location"]) == (302, "/accounts/two-factor/")
    assert setup.status_code == 200
    assert "<h1>Set up two-factor sign-in</h1>" in text(setup)
    assert setup["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_two_factor_admin_user_without_a_programme_role_is_sent_too(two_factor_on, client):
    admin_user = UserFactory(username="backoffice", is_staff=True)

    sign_in(client, "backoffice")
    response = client.get("/admin/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/two-factor/")
    assert admin_user.is_staff


@pytest.mark.parametrize("who", ["nominator", "panel_member", "event_staff"])
def test_two_factor_others_are_never_asked(two_factor_on, client, request, programme, who):
    if who == "nominator":
        user = UserFactory(username="carer")
    elif who == "event_staff":
        user = user_with_role(programme, Role.EVENT_STAFF, "doorkeeper")
    else:
        user = request.getfixturevalue("panel_member")

    sign_in(client, user.username)
    page = client.get("/my-nominations/")
    two_factor_page = client.get("/accounts/two-factor/")

    assert page.status_code == 200
    assert "My nominations" in text(page)
    assert (two_factor_page.status_code, two_factor_page["Location"]) == (302, "/accounts/start/")
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_two_factor_off_lets_an_organiser_in_with_a_password_only(client, organiser):
    sign_in(client, "organiser")

    assert client.get("/my-nominations/").status_code == 200


# --- setting up and verifying ------------------------------------------------------------


def test_two_factor_setup_refuses_a_wrong_code_and_a_right_one_lets_them_in(two_factor_on, client, organiser):
    sign_in(client, "organiser")
    client.get("/panel/")  # where they were going: kept for after the code
    setup = client.get("/accounts/two-factor/")
    device = TOTPDevice.objects.get(user=organiser)
    shown_key = re.search(r'<code id="secret-key">([A-Z2-7 ]+)</code>', text(setup)).group(1)

    wrong = client.post("/accounts/two-factor/", {"otp_token": wrong_code_for(device)})
    still_locked = client.get("/panel/")
    let_a_minute_pass(device)
    session_before = client.session.session_key
    right = client.post("/accounts/two-factor/", {"otp_token": code_for(device)})
    device.refresh_from_db()
    page = client.get("/my-nominations/")

    # The secret is shown as text (matching the key) and as an inline SVG QR code, nothing fetched.
    assert shown_key.replace(" ", "") == b32encode(device.bin_key).decode()
    assert '<svg role="img" aria-label="QR code to set up your authenticator app"' in text(setup)
    assert "<img" not in text(setup)
    assert wrong.status_code == 200
    assert "That code is not right." in text(wrong)
    assert (still_locked.status_code, still_locked["Location"]) == (302, "/accounts/two-factor/")
    assert (right.status_code, right["Location"]) == (302, "/panel/")
    assert device.confirmed
    assert client.session.session_key != session_before
    assert page.status_code == 200


def test_two_factor_returns_to_the_page_asked_for_not_what_the_browser_fetched_meanwhile(two_factor_on, client, organiser):
    device = enrolled(organiser)
    sign_in(client, "organiser")

    client.get("/panel/", headers={"Sec-Fetch-Dest": "document", "Accept": "text/html"})
    client.get("/favicon.ico", headers={"Sec-Fetch-Dest": "image", "Accept": "image/webp,*/*"})
    response = client.post("/accounts/two-factor/", {"otp_token": code_for(device)})

    assert (response.status_code, response["Location"]) == (302, "/panel/")


def test_two_factor_setup_keeps_the_same_key_when_the_page_is_reloaded(two_factor_on, client, organiser):
    sign_in(client, "organiser")

    first = client.get("/accounts/two-factor/")
    second = client.get("/accounts/two-factor/")

    assert TOTPDevice.objects.filter(user=organiser).count() == 1
    key = re.compile(r'<code id="secret-key">([A-Z2-7 ]+)</code>')
    assert key.search(text(first)).group(1) == key.search(text(second)).group(1)


def test_two_factor_setup_refuses_codes_that_are_not_six_digits(two_factor_on, client, organiser):
    sign_in(client, "organiser")
    client.get("/accounts/two-factor/")

    response = client.post("/accounts/two-factor/", {"otp_token": "12ab56"})

    assert "Enter the 6-digit code from your authenticator app, numbers only." in text(response)
    assert not TOTPDevice.objects.get(user=organiser).confirmed


def test_two_factor_enrolled_person_enters_a_code_at_each_sign_in(two_factor_on, client, organiser):
    device = enrolled(organiser)
    sign_in(client, "organiser")

    asked = client.get("/accounts/two-factor/")
    wrong = client.post("/accounts/two-factor/", {"otp_token": wrong_code_for(device)})
    let_a_minute_pass(device)
    right = client.post("/accounts/two-factor/", {"otp_token": code_for(device)})

    assert "<h1>Enter your sign-in code</h1>" in text(asked)
    assert "QR code" not in text(asked)
    assert "That code is not right." in text(wrong)
    assert (right.status_code, right["Location"]) == (302, "/accounts/start/")
    assert client.get("/my-nominations/").status_code == 200
    assert TOTPDevice.objects.filter(user=organiser).count() == 1


def test_two_factor_a_code_cannot_be_used_twice(two_factor_on, organiser):
    device = enrolled(organiser)
    code = code_for(device)
    first, second = Client(), Client()
    sign_in(first, "organiser")
    sign_in(second, "organiser")

    used = first.post("/accounts/two-factor/", {"otp_token": code})
    replayed = second.post("/accounts/two-factor/", {"otp_token": code})

    assert used.status_code == 302
    assert "That code is not right." in text(replayed)


def test_two_factor_repeated_wrong_codes_are_slowed_down(two_factor_on, client, organiser):
    device = enrolled(organiser)
    sign_in(client, "organiser")

    client.post("/accounts/two-factor/", {"otp_token": wrong_code_for(device)})
    right_but_too_soon = client.post("/accounts/two-factor/", {"otp_token": code_for(device)})

    assert "Too many wrong codes in a row." in text(right_but_too_soon)
    assert client.get("/my-nominations/").status_code == 302


def test_two_factor_an_unverified_person_can_still_sign_out(two_factor_on, client, organiser):
    sign_in(client, "organiser")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert signed_in_user_id(client) is None


def test_two_factor_api_answers_an_unverified_session_with_json(two_factor_on, client, organiser):
    device = enrolled(organiser)
    sign_in(client, "organiser")

    refused = client.get("/api/v1/nominations/")
    client.post("/accounts/two-factor/", {"otp_token": code_for(device)})
    allowed = client.get("/api/v1/nominations/")

    assert refused.status_code == 403
    assert refused.json()["code"] == "two_factor_required"
    assert refused.json()["detail"].startswith("Two-factor sign-in needed")
    assert allowed.status_code == 200


# --- token login ---------------------------------------------------------------------------


def token_login(api, username, password=PASSWORD, address=HOME, **extra):
    return api.post("/api/v1/auth/token/", {"username": username, "password": password, **extra}, REMOTE_ADDR=address)


def test_token_login_asks_for_the_code_where_two_factor_applies(two_factor_on, api, organiser):
    device = enrolled(organiser)

    without = token_login(api, "organiser")
    wrong = token_login(api, "organiser", otp_token=wrong_code_for(device))
    let_a_minute_pass(device)
    right = token_login(api, "organiser", otp_token=code_for(device))

    assert without.status_code == 400
    assert without.json() == {
        "otp_token": ["This account needs two-factor sign-in: send the 6-digit code from your authenticator app."]
    }
    assert wrong.status_code == 400
    assert wrong.json()["otp_token"][0].startswith("That code is not right.")
    assert right.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {right.json()['token']}")
    assert api.get("/api/v1/nominations/").status_code == 200


def test_token_login_without_a_set_up_app_says_where_to_set_it_up(two_factor_on, api, organiser):
    response = token_login(api, "organiser", otp_token="123456")

    assert response.status_code == 400
    assert response.json()["otp_token"] == [
        "This account needs two-factor sign-in: set up an authenticator app by signing in on the website first."
    ]


def test_token_login_needs_no_code_from_a_panel_member(two_factor_on, api, panel_member):
    response = token_login(api, "panellist")

    assert response.status_code == 200
    assert set(response.json()) == {"token"}


# --- lockout -------------------------------------------------------------------------------


def test_lockout_five_failures_lock_that_username_from_that_address_only(organiser):
    UserFactory(username="alice")
    UserFactory(username="bob")
    attacker = Client()

    failures = [sign_in(attacker, "alice", "wrong password", HOME) for _ in range(5)]
    right_password = sign_in(Client(), "alice", PASSWORD, HOME)
    bob = Client()
    bob_signs_in = sign_in(bob, "bob", PASSWORD, HOME)
    alice_elsewhere = Client()
    alice_signs_in_elsewhere = sign_in(alice_elsewhere, "alice", PASSWORD, ELSEWHERE)

    assert [response.status_code for response in failures] == [200, 200, 200, 200, 429]
    assert "Please enter a correct username and password." in text(failures[0])
    assert right_password.status_code == 429
    assert "<h1>Signing in is paused</h1>" in text(right_password)
    assert "You can try again 15 minutes after the last failed attempt." in text(right_password)
    assert right_password["Retry-After"] == "900"
    assert bob_signs_in.status_code == 302
    assert signed_in_user_id(bob) is not None
    assert alice_signs_in_elsewhere.status_code == 302
    assert signed_in_user_id(alice_elsewhere) is not None


def test_lockout_ends_after_the_cool_off(client):
    UserFactory(username="alice")
    for _ in range(5):
        sign_in(Client(), "alice", "wrong password")
    locked = sign_in(client, "alice")

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=16))
    after_cool_off = sign_in(client, "alice")

    assert locked.status_code == 429
    assert after_cool_off.status_code == 302
    assert signed_in_user_id(client) is not None
    # A success clears the count, so old failures do not add up with new ones.
    assert AccessAttempt.objects.count() == 0


def test_lockout_a_success_resets_the_count(client):
    UserFactory(username="alice")
    for _ in range(4):
        sign_in(Client(), "alice", "wrong password")

    sign_in(Client(), "alice")
    fifth_failure = sign_in(Client(), "alice", "wrong password")

    assert fifth_failure.status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == 1


def test_lockout_behind_a_proxy_counts_the_clients_address(settings):
    settings.NUM_PROXIES = 1
    UserFactory(username="alice")
    proxy = "10.0.0.1"

    for _ in range(5):
        sign_in(Client(), "alice", "wrong password", proxy, HTTP_X_FORWARDED_FOR=HOME)
    from_home = sign_in(Client(), "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=HOME)
    # A made-up first hop does not move the attacker to a fresh address.
    spoofed = sign_in(Client(), "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {HOME}")
    from_elsewhere = sign_in(Client(), "alice", PASSWORD, proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)

    assert AccessAttempt.objects.get().ip_address == HOME
    assert from_home.status_code == 429
    assert spoofed.status_code == 429
    assert from_elsewhere.status_code == 302


def test_token_login_locks_out_the_same_way(api, organiser):
    UserFactory(username="alice")

    failures = [token_login(api, "alice", "wrong password") for _ in range(5)]
    right_password = token_login(api, "alice")
    elsewhere = token_login(api, "alice", address=ELSEWHERE)
    bob = UserFactory(username="bob")
    bob_from_home = token_login(api, bob.username)

    assert [response.status_code for response in failures] == [400, 400, 400, 400, 429]
    assert failures[0].json() == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert right_password.status_code == 429
    assert right_password.json() == {
        "detail": "Too many failed sign-ins to this account from your network. "
        "You can try again 15 minutes after the last failed attempt.",
        "code": "locked_out",
    }
    assert elsewhere.status_code == 200
    assert bob_from_home.status_code == 200


def test_token_login_wrong_codes_count_towards_the_lockout(two_factor_on, api, organiser):
    device = enrolled(organiser)

    responses = []
    for _ in range(5):
        responses.append(token_login(api, "organiser", otp_token=wrong_code_for(device)))
        let_a_minute_pass(device)
    right = token_login(api, "organiser", otp_token=code_for(device))

    assert [response.status_code for response in responses] == [400, 400, 400, 400, 429]
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out"


def test_lockout_and_two_factor_logs_name_no_username_or_address(two_factor_on, caplog, organiser):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="axes")
    device = enrolled(organiser)
    UserFactory(username="alice")
    caplog.clear()

    for _ in range(6):
        sign_in(Client(), "alice", "wrong password")
    token_login(APIClient(), "organiser", otp_token=wrong_code_for(device))
    signed_in = Client()
    sign_in(signed_in, "organiser")
    signed_in.post("/accounts/two-factor/", {"otp_token": wrong_code_for(device)})

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Locking out" in logged
    assert "alice" not in logged
    assert "organiser" not in logged
    assert HOME not in logged
    assert PASSWORD not in logged


# --- sessions -------------------------------------------------------------------------------


def shift_session(client, **seconds_back):
    session = client.session
    for key, seconds in seconds_back.items():
        session[key] -= seconds
    session.save()


def test_session_idle_for_30_minutes_is_signed_out(client):
    UserFactory(username="carer")
    sign_in(client, "carer")
    shift_session(client, **{LAST_SEEN_AT_KEY: 29 * 60})
    still_in = client.get("/my-nominations/")

    shift_session(client, **{LAST_SEEN_AT_KEY: 31 * 60})
    response = client.get("/my-nominations/", follow=True)

    assert still_in.status_code == 200
    assert response.redirect_chain == [("/accounts/login/?next=/my-nominations/", 302)]
    assert "You have been signed out after 30 minutes without activity. Sign in again to carry on." in text(response)
    assert signed_in_user_id(client) is None


def test_session_activity_keeps_it_going(client):
    UserFactory(username="carer")
    sign_in(client, "carer")
    shift_session(client, **{LAST_SEEN_AT_KEY: 20 * 60})

    client.get("/my-nominations/")
    shift_session(client, **{LAST_SEEN_AT_KEY: 20 * 60})
    response = client.get("/my-nominations/")

    assert response.status_code == 200


def test_session_ends_8_hours_after_sign_in_however_busy(client):
    UserFactory(username="carer")
    sign_in(client, "carer")
    shift_session(client, **{SIGNED_IN_AT_KEY: 8 * 60 * 60 + 1})

    response = client.get("/my-nominations/", follow=True)

    assert response.redirect_chain == [("/accounts/login/?next=/my-nominations/", 302)]
    assert "You have been signed out: a session lasts 8 hours. Sign in again to carry on." in text(response)
    assert signed_in_user_id(client) is None


def test_session_api_call_after_the_idle_limit_is_refused(client):
    UserFactory(username="carer")
    sign_in(client, "carer")
    shift_session(client, **{LAST_SEEN_AT_KEY: 31 * 60})

    response = client.get("/api/v1/my-nominations/")

    assert response.status_code == 403
    assert signed_in_user_id(client) is None


def test_session_limits_and_cookie(client, settings):
    UserFactory(username="carer")
    client.get("/accounts/login/")
    session = client.session
    session["before"] = True
    session.save()
    anonymous_key = session.session_key

    response = sign_in(client, "carer")
    cookie = response.cookies["sessionid"]

    assert client.session.session_key != anonymous_key
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    # Ends when the browser closes; the server ends it after the limits above.
    assert cookie["max-age"] == ""
    assert (settings.SESSION_COOKIE_AGE, settings.SESSION_IDLE_MINUTES) == (8 * 60 * 60, 30)


# --- passwords ------------------------------------------------------------------------------


@pytest.fixture
def invitation_form(client, programme, organiser, mailoutbox, django_capture_on_commit_callbacks):
    """The page an invited panel member reaches from their e-mail to choose a password."""
    with django_capture_on_commit_callbacks(execute=True):
        member = panel_member_add(panel=PanelFactory(programme=programme), actor=organiser, email="jordan.young@example.org")
    link = re.search(r"http://\S+/accounts/reset/\S+", mailoutbox[0].body).group(0)
    form_page = client.get(link.replace("http://127.0.0.1:8000", ""), follow=True)
    return member.user, form_page.redirect_chain[-1][0], form_page


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short1!", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("402918374650", "This password is entirely numeric."),
        ("jordan.young.panel", "The password is too similar to the"),
    ],
)
def test_password_weak_ones_are_refused_for_an_invited_panel_member(client, invitation_form, password, problem):
    user, url, _ = invitation_form

    response = client.post(url, {"new_password1": password, "new_password2": password})

    user.refresh_from_db()
    assert response.status_code == 200
    assert problem in text(response)
    assert not user.has_usable_password()


def test_password_a_strong_one_is_saved_and_signs_in(client, invitation_form):
    user, url, page = invitation_form

    saved = client.post(url, {"new_password1": "blue kettle orchard 42", "new_password2": "blue kettle orchard 42"}, follow=True)
    signed_in = sign_in(Client(), user.username, "blue kettle orchard 42")

    assert "<h1>Choose your password</h1>" in text(page)
    assert f"<strong>{user.username}</strong>" in text(page)
    assert "<h1>Your password is saved</h1>" in text(saved)
    assert signed_in.status_code == 302
