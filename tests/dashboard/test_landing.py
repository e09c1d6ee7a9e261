"""Sign-in lands each role where its work is, the sign-in page speaks to every role and offers a
password reset, nobody sees menu items they cannot use, and e-mailed links follow the address the
app serves on (issue 15, items 4 and 9)."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from awards.enums import Role
from tests.conftest import user_with_role
from tests.factories import PanelMemberFactory, UserFactory

PASSWORD = "a-long-enough-password-1"


def signed_in(client, user, next_url=""):
    user.set_password(PASSWORD)
    user.save()
    data = {"username": user.username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data, follow=True)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    "who, lands_on",
    [
        ("organiser", "dashboard:dashboard"),
        ("panel", "shortlisting:queue"),
        ("door", "event-admin:door-events"),
        ("staff", "safeguarding:waiting"),
        ("nobody", "nominations:my-nominations"),
    ],
)
def test_sign_in_lands_each_role_where_its_work_is(who, lands_on, client, programme):
    if who == "panel":
        user = PanelMemberFactory(panel__programme=programme).user
    elif who == "nobody":
        user = UserFactory()
    else:
        role = {"organiser": Role.ORGANISER, "door": Role.EVENT_STAFF, "staff": Role.STAFF}[who]
        user = user_with_role(programme, role)
    response = signed_in(client, user)
    assert response.redirect_chain[-1][0] == reverse(lands_on)


def test_a_next_page_still_wins(client, programme):
    user = user_with_role(programme, Role.ORGANISER)
    response = signed_in(client, user, next_url=reverse("event-admin:events"))
    assert response.redirect_chain[-1][0] == reverse("event-admin:events")


def test_the_sign_in_page_speaks_to_every_role_and_offers_a_reset(client):
    body = client.get(reverse("login")).content.decode()
    assert "shortlisting panel" in body and "help at the door" in body
    assert f'href="{reverse("password_reset")}"' in body


def test_door_volunteers_and_panel_members_see_only_their_menu(client, programme):
    door = user_with_role(programme, Role.EVENT_STAFF)
    client.force_login(door)
    nav = client.get(reverse("nominations:home")).content.decode()
    assert "My nominations" not in nav and ">Door<" in nav and ">Panel<" not in nav

    member = PanelMemberFactory(panel__programme=programme).user
    client.force_login(member)
    nav = client.get(reverse("nominations:home")).content.decode()
    assert "My nominations" not in nav and ">Panel<" in nav and ">Door<" not in nav

    client.force_login(user_with_role(programme, Role.STAFF))
    nav = client.get(reverse("nominations:home")).content.decode()
    assert "My nominations" in nav and ">Safeguarding<" in nav


def site_url(env: dict) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PROUD_ADDR")}
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True, text=True, check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def test_e_mailed_links_follow_the_address_served_on_unless_site_url_is_set():
    assert site_url({}) == "http://127.0.0.1:8000"
    assert site_url({"PROUD_ADDR": "127.0.0.1:8100"}) == "http://127.0.0.1:8100"
    assert site_url({"PROUD_ADDR": "127.0.0.1:8100", "SITE_URL": "https://awards.example.org/"}) == "https://awards.example.org"
