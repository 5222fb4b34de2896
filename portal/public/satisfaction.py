"""用户满意度 (国发〔1999〕24号 第十二条): a short public survey per product category, never per enterprise.

第十二条 forbids rankings and ratings of enterprises and products but asks for a user satisfaction
index "向消费者提供真实可靠的产品质量信息"; so answers are tied to a catalogue category only, and the
index is hidden until enough answers make it more than an anecdote.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Avg, Count, F
from django.utils.translation import gettext as _

from portal.models import User
from supervision.publication.models import SatisfactionResponse
from supervision.registry.models import ProductCategory

SATISFACTION_MIN_ANSWERS: int = getattr(settings, "SATISFACTION_MIN_ANSWERS", 10)
QUESTIONS = ("quality", "safety", "labelling")


def satisfaction_fingerprint(*, ip: str, user_agent: str, category: ProductCategory, day: dt.date) -> str:
    """One answer per person, category and day, without keeping anyone's IP address.

    A keyed hash (HMAC with the site secret): a plain hash of an IPv4 address could be reversed by
    trying all 2^32 of them.
    """
    message = "\x1f".join([ip, user_agent[:400], str(category.pk), day.isoformat()]).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def satisfaction_record(
    *,
    actor: User | None,
    category: ProductCategory,
    quality: int,
    safety: int,
    labelling: int,
    fingerprint: str,
) -> SatisfactionResponse:
    """Record one anonymous answer for a catalogue category (第十二条), at most one per fingerprint.

    No audit row: the answer is itself an append-only record of an anonymous member of the public
    and changes no supervised record; `actor` is kept for the service signature (None = public).
    """
    # 国发〔1999〕24号 第十二条: a satisfaction index per product category; the answer names no enterprise.
    if not category.in_catalogue:
        raise ValidationError(_("该产品类别不在抽查目录中，不能参加满意度调查。"))
    response = SatisfactionResponse(
        category=category, quality=quality, safety=safety, labelling=labelling, fingerprint=fingerprint
    )
    response.full_clean()
    with transaction.atomic():
        # Two submissions racing with the same fingerprint would both see "no answer yet"; a
        # transaction-scoped advisory lock on the fingerprint serialises them without a table lock.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [fingerprint])
        if SatisfactionResponse.objects.filter(fingerprint=fingerprint).exists():
            raise ValidationError(_("今天您已就该产品类别提交过问卷，每人每天每个类别只能提交一次。"))
        response.save()
    return response


def satisfaction_answered(fingerprint: str) -> bool:
    """Whether this person has answered for this category today (the fingerprint names all three)."""
    return SatisfactionResponse.objects.filter(fingerprint=fingerprint).exists()


@dataclass(frozen=True)
class SatisfactionIndex:
    answers: int
    minimum: int
    value: Decimal | None  # 0–100; None while hidden

    @property
    def shown(self) -> bool:
        return self.value is not None


def satisfaction_index(category: ProductCategory) -> SatisfactionIndex:
    """0–100 from the mean of all answers to the three questions: 1 → 0, 5 → 100, one decimal.

    Hidden below SATISFACTION_MIN_ANSWERS answers: a handful of answers says nothing about a category.
    """
    agg = SatisfactionResponse.objects.filter(category=category).aggregate(
        answers=Count("id"), mean=Avg((F("quality") + F("safety") + F("labelling")) / 3.0)
    )
    answers = agg["answers"] or 0
    if answers < SATISFACTION_MIN_ANSWERS or agg["mean"] is None:
        return SatisfactionIndex(answers=answers, minimum=SATISFACTION_MIN_ANSWERS, value=None)
    value = ((Decimal(str(agg["mean"])) - 1) * 25).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return SatisfactionIndex(answers=answers, minimum=SATISFACTION_MIN_ANSWERS, value=value)
