"""Every test of this folder runs with the exemption scheme on and the default settings."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _scheme_on(settings):
    settings.EXEMPTIONS_ENABLED = True
    settings.EXEMPTION_STABILITY_MONTHS = 24
    settings.EXEMPTION_MIN_MARKET_SHARE = "10"
