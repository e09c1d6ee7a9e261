import pytest
from rest_framework.test import APIClient

from awards.enums import Role

from .factories import CategoryFactory, ProgrammeFactory, ProgrammeRoleFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache_and_roles(settings):
    """Rate limits and throttles live in the cache: each test starts with an empty one of its own
    (in memory, so tests without a database can run)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    # Hashing passwords properly is slow by design; tests only need it to work.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _two_factor_off(settings):
    """Two-factor sign-in is off unless a test turns it on (tests/test_auth.py does)."""
    settings.PROUD_REQUIRE_2FA = False


@pytest.fixture
def programme(db):
    return ProgrammeFactory()


@pytest.fixture
def category(programme):
    return CategoryFactory(programme=programme, name="Positive Choices", slug="positive-choices")


def user_with_role(programme, role: str, username: str | None = None):
    user = UserFactory(**({"username": username} if username else {}))
    ProgrammeRoleFactory(programme=programme, user=user, role=role)
    return user


@pytest.fixture
def organiser(programme):
    return user_with_role(programme, Role.ORGANISER, "organiser")


@pytest.fixture
def staff_user(programme):
    return user_with_role(programme, Role.STAFF, "staffer")


@pytest.fixture
def api():
    return APIClient()


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
