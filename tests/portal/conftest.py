"""The public pages cache their statistics: every test of the portal starts from an empty cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The statistics are cached (keyed by the newest row id), the search form's choices for a minute
    # in the process: start every test from empty caches.
    from portal.public import views

    views._choices["at"] = -1e9
    cache.clear()
    yield
    cache.clear()
