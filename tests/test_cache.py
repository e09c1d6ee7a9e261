"""The shared cache (the database table that holds rate limits and throttles across app processes)
keeps an entry per client address through a rush from many addresses (400 here): Django's default of 300
entries would cull a third of them whenever there were more, and an address's rate limit with them."""

import pytest
from django.core.cache.backends.db import DatabaseCache

from config import settings as production  # the tests' own cache is in memory (tests/conftest.py)

pytestmark = pytest.mark.django_db


def test_the_database_cache_keeps_an_entry_for_each_of_four_hundred_addresses():
    configured = production.CACHES["default"]
    assert configured["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    cache = DatabaseCache(configured["LOCATION"], {"OPTIONS": configured["OPTIONS"]})
    addresses = [f"198.18.{n // 250}.{n % 250}" for n in range(400)]
    for address in addresses:
        cache.set(f"rl:{address}", 1, 3600)

    assert [address for address in addresses if cache.get(f"rl:{address}") != 1] == []
