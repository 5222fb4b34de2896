"""Demo data stage called by `manage.py seed_demo`: publish the closed quarters of the demo samples."""

from __future__ import annotations

import random
from typing import Any

from django.db.models.functions import ExtractQuarter, ExtractYear
from django.test.utils import override_settings
from django.utils import timezone

from supervision.publication.documents import issue_announcement_document
from supervision.publication.models import Announcement
from supervision.publication.services import publish_quarter, quarter_bounds
from supervision.spotchecks.selectors import final_samples


def seed(*, rng: random.Random | None = None, **kwargs: Any) -> list[Announcement]:
    """Publish, oldest first, every closed quarter in which a demo sample's verdict is final."""
    today = timezone.localdate()
    quarters = (
        final_samples(as_of=today)
        .annotate(y=ExtractYear("sampled_on"), q=ExtractQuarter("sampled_on"))
        .values_list("y", "q")
        .distinct()
        .order_by("y", "q")
    )
    published = []
    # Back-filling past quarters is not "a quarter just published": no 22 reports per quarter on
    # the worker's first start; each announcement's PDF is issued here instead.
    with override_settings(REPORTS_AFTER_PUBLICATION=False):
        for year, quarter in quarters:
            if quarter_bounds(year, quarter)[1] < today:
                published.append(publish_quarter(actor_or_label="system:demo-seed", year=year, quarter=quarter))
    for announcement in published:
        issue_announcement_document(actor=None, actor_label="system:demo-seed", announcement=announcement)
    return published
