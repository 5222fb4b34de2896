"""Publication of final results (R5): the quarterly announcement and corrections.

# 国发〔1999〕24号 第十四条、第二十一条: results of supervision spot checks are announced
# regularly to the public; an announcement is immutable, a correction is a new notice that
# references the one it corrects.

Decisions:
- A quarterly announcement of a region covers every sample sampled on or before the last day
  of the quarter whose verdict is FINAL at the moment of publication (`final_samples(as_of=today)`)
  and that no announcement has published yet. Results that become final only later (an
  objection still open at quarter close) are therefore published by the next quarter's
  announcement instead of being lost; a result is published in exactly one announcement.
- Idempotent: one quarterly announcement per region and quarter (a unique constraint); the
  second run finds it and publishes nothing. `sample_published_once` backs this up per row.
- Set-based for speed: one annotated query reads the final samples with their standing
  verdict and failed items (the set form of `sample_verdict` / `sample_failed_items`), the
  vectors come from the shared tokenizer (supervision.publication.search), rows go in with COPY, and the
  term counts with one upsert, all in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, cast

from django.conf import settings
from django.contrib.postgres.aggregates import JSONBAgg, StringAgg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, JSONObject
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.access import user_can_see_region
from portal.audit import audit_record, snapshot
from portal.jobs import enqueue
from portal.models import AuditAction, User
from portal.permissions import PUBLISHERS
from supervision.publication.models import (
    CORRECTION_TITLE,
    QUARTERLY_BODY,
    QUARTERLY_TITLE,
    Announcement,
    AnnouncementKind,
    PublishedResult,
    SearchTerm,
)
from supervision.publication.search import document_vector, failure_terms, is_counted
from supervision.publication.selectors import publishable_samples
from supervision.registry.models import Appointment, AppointmentRole, Region
from supervision.spotchecks.models import ItemResult, ItemVerdict, Reinspection, Sample, Verdict
from supervision.spotchecks.selectors import final_samples

PROVINCE_CODE = "440000"
# The posts an exposure names (第十五条、第二十一条: 企业及其主要负责人)
RESPONSIBLE_POSTS = (AppointmentRole.LEGAL_REPRESENTATIVE, AppointmentRole.PRINCIPAL)
SYSTEM_ACTOR = "system:celery-beat"

# The columns written for each published row, in COPY order.
COPY_COLUMNS: tuple[str, ...] = (
    "announcement_id",
    "sample_id",
    "corrects_id",
    "published_on",
    "sampled_on",
    "year",
    "quarter",
    "enterprise_id",
    "enterprise_name",
    "producer_name",
    "product_name",
    "category_id",
    "category_name",
    "focus",
    "trademark",
    "model_spec",
    "batch",
    "sampling_place",
    "field",
    "level",
    "verdict",
    "failed_items",
    "institution_id",
    "institution_name",
    "region_id",
    "city_code",
    "responsible_persons",
    "search",
)

# What a correction may change: the published facts, never the identity of the row.
CORRECTABLE_FIELDS: frozenset[str] = frozenset(
    {
        "enterprise_name",
        "producer_name",
        "product_name",
        "trademark",
        "model_spec",
        "batch",
        "sampling_place",
        "verdict",
        "failed_items",
        "institution_name",
    }
)


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    if not 1 <= quarter <= 4:
        raise ValidationError({"quarter": _("季度必须是 1 至 4。")})
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return first, last - dt.timedelta(days=1)


def previous_quarter(day: dt.date) -> tuple[int, int]:
    """The quarter that closed before `day` (the beat job runs on the first day of a quarter)."""
    quarter = (day.month - 1) // 3 + 1
    return (day.year - 1, 4) if quarter == 1 else (day.year, quarter - 1)


def city_code(region_code: str) -> str:
    return region_code[:4] + "00"


def _actor_args(actor_or_label: User | str) -> dict[str, Any]:
    if isinstance(actor_or_label, str):
        return {"actor": None, "actor_label": actor_or_label}
    return {"actor": actor_or_label}


def publishing_region(actor: User | None) -> Region:
    """The region an announcement is published for: the bureau of the official publishing it; the
    province for the scheduled job."""
    if actor is not None and actor.region is not None:
        return actor.region
    return Region.objects.get(code=PROVINCE_CODE)


def _check_publisher(actor: User, region_code: str) -> None:
    if not actor.has_role(*PUBLISHERS):
        raise PermissionDenied(_("只有领导或管理员可以发布结果公告。"))
    if not user_can_see_region(actor, region_code):
        raise PermissionDenied(_("只能发布或更正本辖区内的公告。"))


NOTHING_TO_PUBLISH = "nothing_to_publish"


def quarter_publication_errors(*, year: int, quarter: int, region: Region, today: dt.date) -> dict[str, Any]:
    """Why the quarter cannot be published for the region today ({} when it can): the form asks
    this before anything is queued, and `publish_quarter` asks it again under its lock."""
    if not 1 <= quarter <= 4:
        return {"quarter": _("季度必须是 1 至 4。")}
    _first, last_day = quarter_bounds(year, quarter)
    if today <= last_day:
        return {"quarter": _("该季度尚未结束，不能发布季度公告。")}
    if not publishable_samples(region=region, last_day=last_day, as_of=today).exists():
        message = _("%(region)s截至%(day)s没有结论已生效、尚未公告的结果，不发布空公告。") % {
            "region": region.name,
            "day": last_day.isoformat(),
        }
        return {"__all__": ValidationError(message, code=NOTHING_TO_PUBLISH)}
    return {}


def _unpublished_final_rows(*, region: Region, last_day: dt.date, as_of: dt.date) -> Iterator[dict[str, Any]]:
    """Final, unpublished samples of the region up to `last_day`, with their standing verdict and
    failed items: the set form of selectors.sample_verdict / sample_failed_items."""
    latest_reinspection = Reinspection.objects.filter(objection__sample=OuterRef("pk")).order_by("-decided_on", "-id")
    failed_report_items = (
        ItemResult.objects.filter(report__sample=OuterRef("pk"), verdict=ItemVerdict.FAIL)
        .order_by()
        .values("report__sample")
        .annotate(names=StringAgg("name", delimiter="；", order_by="seq"))
        .values("names")
    )
    prefix = region.prefix
    # Candidates first: the region's samples up to the quarter's end that no announcement holds.
    # A cheap anti-join on two narrow tables; the joins for the published columns then run on these
    # ids only, not on every sample ever published (measured: 3.6 s of 6 s on 400,000 old samples).
    candidates = Sample.objects.filter(sampled_on__lte=last_day).filter(
        ~Exists(PublishedResult.objects.filter(sample=OuterRef("pk")))
    )
    if prefix:
        candidates = candidates.filter(region__code__startswith=prefix)
    sql, params = candidates.order_by().values("id").query.sql_with_params()
    with connection.cursor() as cur:
        # JIT compiling the many-join read below took 1.1 s of its 2.6 s on 100,000 samples
        # (measured): the query is long but simple, and runs once; off for this transaction only.
        cur.execute("SET LOCAL jit = off")
        cur.execute("DROP TABLE IF EXISTS publication_candidates")
        cur.execute(f"CREATE TEMP TABLE publication_candidates ON COMMIT DROP AS {sql}", params)  # noqa: S608
        cur.execute("ANALYZE publication_candidates")
    in_post = (
        Appointment.objects.filter(
            enterprise=OuterRef("task__enterprise"),
            role__in=RESPONSIBLE_POSTS,
            start__lte=OuterRef("sampled_on"),
        )
        .filter(Q(end__isnull=True) | Q(end__gte=OuterRef("sampled_on")))
        .order_by()
        .values("enterprise")
        .annotate(j=JSONBAgg(JSONObject(role="role", name="person__name"), order_by=("role", "start")))
        .values("j")
    )
    qs = (
        final_samples(as_of=as_of)
        .annotate(
            persons=Subquery(in_post),
            re_verdict=Subquery(latest_reinspection.values("verdict")[:1]),
            re_failed=Subquery(latest_reinspection.values("failed_items")[:1]),
            report_failed=Subquery(failed_report_items),
        )
        .order_by("sampled_on", "id")
        .values(
            "id",
            "sampled_on",
            "region_id",
            "refused",
            "persons",
            "re_verdict",
            "re_failed",
            "report_failed",
            "batch",
            "production_date",
            "place",
            "trademark",
            "model_spec",
            enterprise_ref=F("task__enterprise_id"),
            enterprise_name=F("task__enterprise__name"),
            producer=F("task__producer__name"),
            name_on_sample=F("product_name"),
            product_ref_name=F("task__product__name"),
            product_trademark=F("task__product__trademark"),
            product_model=F("task__product__model_spec"),
            shop=F("task__shop_name"),
            category_ref=F("task__category_id"),
            category_name=F("task__category__name"),
            health_safety=F("task__category__health_safety"),
            livelihood=F("task__category__livelihood"),
            complaint_focus=F("task__category__complaint_focus"),
            task_field=F("task__field"),
            level=F("task__plan__level"),
            report_verdict=F("report__verdict"),
            institution_ref=Coalesce(F("report__institution_id"), F("task__institution_id")),
            institution_name_r=F("report__institution__name"),
            institution_name_t=F("task__institution__name"),
        )
    )
    yield from cast(  # .values() rows, typed by the plugin as a TypedDict
        "Iterator[dict[str, Any]]",
        qs.filter(id__in=RawSQL("SELECT id FROM publication_candidates", [])).iterator(chunk_size=5000),
    )


def _result_row(sample: dict[str, Any], *, announcement: Announcement, published_on: dt.date) -> dict[str, Any]:
    if sample["refused"]:
        verdict = Verdict.FAIL_REFUSED
        failed = _("拒绝接受监督抽查")
    elif sample["re_verdict"]:
        verdict = sample["re_verdict"]
        failed = "；".join(s.strip() for s in (sample["re_failed"] or "").replace(";", "；").split("；") if s.strip())
    else:
        verdict = sample["report_verdict"]
        failed = sample["report_failed"] or ""
    if verdict == Verdict.PASS:
        failed = ""
    batch = sample["batch"] or (sample["production_date"].isoformat() if sample["production_date"] else "")
    return {
        "announcement_id": announcement.pk,
        "sample_id": sample["id"],
        "corrects_id": None,
        "published_on": published_on,
        "sampled_on": sample["sampled_on"],
        "year": announcement.year,
        "quarter": announcement.quarter,
        "enterprise_id": sample["enterprise_ref"],
        "enterprise_name": sample["enterprise_name"] or "",
        "producer_name": sample["producer"] or "",
        "product_name": sample["name_on_sample"] or sample["product_ref_name"] or "",
        "category_id": sample["category_ref"],
        "category_name": sample["category_name"],
        "focus": bool(sample["health_safety"] or sample["livelihood"] or sample["complaint_focus"]),
        "trademark": sample["trademark"] or sample["product_trademark"] or "",
        "model_spec": sample["model_spec"] or sample["product_model"] or "",
        "batch": batch,
        "sampling_place": sample["place"] or sample["shop"] or "",
        "field": sample["task_field"],
        "level": sample["level"],
        "verdict": verdict,
        "failed_items": failed,
        "institution_id": sample["institution_ref"],
        "institution_name": sample["institution_name_r"] or sample["institution_name_t"] or "",
        "region_id": sample["region_id"],
        "city_code": city_code(sample["region_id"]),
        # a failure's exposure names who was in post on the sampling day, fixed now (第二十一条)
        "responsible_persons": [] if verdict == Verdict.PASS else (sample["persons"] or []),
    }


_COPY_SPECIAL = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_value(value: Any) -> str:
    """A value in COPY text format; most values need no escaping, so test before translating."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    text = value if isinstance(value, str) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_COPY_SPECIAL)
    return text


class _CopyStream:
    """What COPY reads from: rows are tokenised and formatted only when psycopg2 asks for the next
    chunk, so on two cores PostgreSQL inserts one chunk (heap, btrees, GIN pending list) while
    Python prepares the next, instead of the two taking turns over a whole batch."""

    def __init__(
        self,
        rows: list[dict[str, Any]],
        terms: Counter[str],
        prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
        chunk_rows: int = 500,
    ) -> None:
        self._rows = rows
        self._prepare = prepare
        self._at = 0
        self._terms = terms
        self._chunk_rows = chunk_rows

    def read(self, size: int = -1) -> str:
        chunk = self._rows[self._at : self._at + self._chunk_rows]
        self._at += len(chunk)
        lines = []
        terms = self._terms
        for row in chunk:
            if self._prepare is not None:
                row = self._prepare(row)
            literal, lexemes = document_vector(row)
            terms.update(lexemes)
            if "!fail" in lexemes:
                terms.update(failure_terms(lexemes))
            row["search"] = literal
            row.setdefault("responsible_persons", [])
            lines.append("\t".join([_copy_value(row[c]) for c in COPY_COLUMNS]))
        return "\n".join(lines) + "\n" if lines else ""

    readline = read


def write_published_rows(
    rows: Iterable[dict[str, Any]],
    *,
    batch_rows: int = 20_000,
    prepare: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> tuple[int, Counter[str]]:
    """COPY rows (dicts keyed by COPY_COLUMNS but `search`) into PublishedResult, computing each
    search vector with the shared tokenizer; returns the count and the lexeme row counts.
    `prepare` turns each item of `rows` into such a dict while the COPY runs (overlapped with it).

    `rows` may come from a server-side cursor on this connection: a batch is read from it first
    (no COPY may be in progress while it fetches), then streamed into COPY."""
    table = PublishedResult._meta.db_table
    sql = f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN"
    terms: Counter[str] = Counter()
    written = 0
    source = iter(rows)
    with connection.cursor() as cur:
        # GIN takes new entries into its pending list and merges it each time it passes the limit
        # (4 MB): many small merges during a big COPY. One merge after the commit (a Celery task,
        # about 1.6 s for 100,000 rows) is cheaper and keeps it out of the transaction; until it
        # has run, a search also scans the pending list: slower for a moment, never wrong.
        cur.execute("SET LOCAL gin_pending_list_limit = '1GB'")
        cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        while True:
            batch = list(islice(source, batch_rows))
            if not batch:
                break
            cur.copy_expert(sql, _CopyStream(batch, terms, prepare))
            written += len(batch)
    if written:
        transaction.on_commit(schedule_search_index_merge)
    return written, terms


# Registered by portal.reports (a higher layer, so named, never imported): an announcement's PDF,
# then the reports of the bureaus concerned (国发〔1999〕24号 第二十一条、第二十五条).
AFTER_PUBLICATION_TASK = "portal.reports.after_publication"


def schedule_documents(announcement: Announcement) -> None:
    """After the publication commits, hand its documents to the worker. A broker that is down
    loses no publication: the error is logged and the official can generate them from the page."""
    if settings.REPORTS_AFTER_PUBLICATION:
        transaction.on_commit(functools.partial(enqueue, AFTER_PUBLICATION_TASK, announcement.pk), robust=True)


SEARCH_INDEX = "published_search_gin"
MERGE_SEARCH_INDEX_TASK = "supervision.merge_search_index"


def merge_search_index() -> int:
    """Move the GIN pending list into the index proper; returns the pages merged."""
    with connection.cursor() as cur:
        cur.execute("SELECT gin_clean_pending_list(%s::regclass)", [SEARCH_INDEX])
        return int(cur.fetchone()[0])


def schedule_search_index_merge() -> None:
    """After a publication commits: merge the pending list in the worker, or here if the queue is down."""
    try:
        enqueue(MERGE_SEARCH_INDEX_TASK)
    except Exception:  # broker unavailable: merge now rather than leave the pending list growing
        merge_search_index()


def add_search_terms(terms: Counter[str]) -> None:
    """Add lexeme row counts; sorted so concurrent publications take row locks in one order."""
    if not terms:
        return
    items = sorted((t, n) for t, n in terms.items() if is_counted(t))
    table = SearchTerm._meta.db_table
    with connection.cursor() as cur:
        for start in range(0, len(items), 50_000):
            chunk = items[start : start + 50_000]
            cur.execute(
                f"INSERT INTO {table} (term, rows) SELECT * FROM unnest(%s::varchar[], %s::int[]) "  # noqa: S608
                f"ON CONFLICT (term) DO UPDATE SET rows = {table}.rows + EXCLUDED.rows",
                [[t for t, _n in chunk], [n for _t, n in chunk]],
            )


@transaction.atomic(durable=True)
def publish_quarter(
    *, actor_or_label: User | str, year: int, quarter: int, region: Region | None = None
) -> Announcement:
    """Publish every final, unpublished result up to the end of the quarter as ONE announcement.

    # 国发〔1999〕24号 第十四条、第二十一条
    """
    actor = actor_or_label if isinstance(actor_or_label, User) else None
    region = region or publishing_region(actor)
    if actor is not None:
        _check_publisher(actor, region.code)
    first_day, last_day = quarter_bounds(year, quarter)
    today = timezone.localdate()
    if today <= last_day:
        raise ValidationError({"quarter": _("该季度尚未结束，不能发布季度公告。")})
    # Claim the quarter: the unique constraint makes a concurrent second run wait here and then
    # find the announcement the first one created, so the quarter is published once.
    # An announcement is a public document: issued in Chinese whatever the publisher's page language.
    with translation.override(settings.LANGUAGE_CODE):
        title = _(QUARTERLY_TITLE) % {"region": region.name, "year": year, "quarter": quarter}
        body = _(QUARTERLY_BODY) % {"day": last_day.isoformat()}
    announcement, created = Announcement.objects.select_for_update().get_or_create(
        kind=AnnouncementKind.QUARTERLY,
        region=region,
        year=year,
        quarter=quarter,
        defaults={
            "number": f"{region.code}-{year}Q{quarter}",
            "title": title,
            "body": body,
            "published_by": actor_or_label if isinstance(actor_or_label, User) else None,
        },
    )
    if not created:
        return announcement
    # An empty announcement would head the public pages for good: refused (and rolled back).
    errors = quarter_publication_errors(year=year, quarter=quarter, region=region, today=today)
    if errors:
        raise ValidationError(errors)
    samples = _unpublished_final_rows(region=region, last_day=last_day, as_of=today)
    written, terms = write_published_rows(
        samples, prepare=functools.partial(_result_row, announcement=announcement, published_on=today)
    )
    add_search_terms(terms)
    announcement.row_count = written
    announcement.published_at = timezone.now()
    announcement.save(update_fields=["row_count", "published_at"])
    audit_record(
        action=AuditAction.ANNOUNCEMENT_PUBLISHED,
        target=announcement,
        after={"number": announcement.number, "year": year, "quarter": quarter, "row_count": written},
        reason=_("季度结果公告"),
        **_actor_args(actor_or_label),
    )
    schedule_documents(announcement)
    return announcement


@transaction.atomic
def publish_correction(*, actor: User, result: PublishedResult, changes: dict[str, Any], reason: str) -> Announcement:
    """A correction notice: a new announcement with a new row that corrects the old one;
    the old row stays published and is shown as corrected.

    # 国发〔1999〕24号 第十四条、第二十一条 (公告须准确；更正以新公告发布，不修改已发布内容)
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写更正理由。")})
    unknown = set(changes) - CORRECTABLE_FIELDS
    if unknown:
        raise ValidationError({"changes": _("不能更正这些字段：%(names)s") % {"names": "、".join(sorted(unknown))}})
    if "verdict" in changes and changes["verdict"] not in Verdict.values:
        raise ValidationError({"verdict": _("结论无效。")})
    # Lock the row being corrected: two officials correcting it at once would fork its history.
    original = PublishedResult.objects.select_for_update().get(pk=result.pk)
    _check_publisher(actor, original.region_id)
    if PublishedResult.objects.filter(corrects=original).exists():
        raise ValidationError({"result": _("该结果已被更正，请更正最新的版本。")})
    if not any(str(changes[k]) != str(getattr(original, k)) for k in changes):
        raise ValidationError({"changes": _("更正内容与原公告相同。")})
    return _issue_correction(actor=actor, original=original, changes=changes, reason=reason)


def _issue_correction(*, actor: User, original: PublishedResult, changes: dict[str, Any], reason: str) -> Announcement:
    """The correction notice itself: a new announcement and a new row; the original stays as published."""
    today = timezone.localdate()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    region = original.announcement.region
    with translation.override(settings.LANGUAGE_CODE):  # a public document, issued in Chinese
        title = _(CORRECTION_TITLE) % {"number": original.announcement.number}
    announcement = Announcement.objects.create(
        # one correction per row version (checked above under the row lock), so the number is unique
        number=f"{region.code}-{year}C{original.pk}",
        title=title,
        kind=AnnouncementKind.CORRECTION,
        year=year,
        quarter=quarter,
        region=region,
        corrects=original.announcement,
        body=reason,
        published_at=timezone.now(),
        published_by=actor,
        row_count=1,
    )
    row = {c: getattr(original, c) for c in COPY_COLUMNS if c != "search"}
    row.update(changes)
    if row.get("verdict") == Verdict.PASS:
        row["failed_items"] = ""
    row.update(announcement_id=announcement.pk, corrects_id=original.pk, published_on=today)
    written, terms = write_published_rows([row])
    add_search_terms(terms)
    audit_record(
        actor=actor,
        action=AuditAction.CORRECTION_PUBLISHED,
        target=announcement,
        before=snapshot(original, exclude=("search",)),
        after={**{k: row[k] for k in changes}, "corrects": original.pk},
        reason=reason,
    )
    schedule_documents(announcement)
    return announcement


@transaction.atomic
def correct_after_reinspection(*, actor: User, sample: Sample, reinspection: Reinspection) -> Announcement | None:
    """A re-inspection that changes a verdict already published issues its correction notice in the
    same transaction (R4, R5: nothing published is edited in place). Registered at start-up with
    `spotchecks.services.on_verdict_replaced`; the act that calls it has checked the actor."""
    # 国发〔1999〕24号 第十四条、第二十一条
    current = (
        PublishedResult.objects.select_for_update()
        .filter(sample=sample)
        .exclude(pk__in=PublishedResult.objects.filter(corrects__isnull=False).values("corrects"))
        .order_by("-id")
        .first()
    )
    if current is None:
        return None
    failed = "；".join(s.strip() for s in reinspection.failed_items.replace(";", "；").split("；") if s.strip())
    changes = {
        "verdict": reinspection.verdict,
        "failed_items": failed,
        "institution_name": reinspection.institution.name,
    }
    changes = {k: v for k, v in changes.items() if str(v) != str(getattr(current, k))}
    if "verdict" not in changes:
        return None
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("复检（报告编号%(no)s，%(day)s）改变了已公告的检验结论。") % {
            "no": reinspection.report_no or "—",
            "day": reinspection.decided_on,
        }
    return _issue_correction(actor=actor, original=current, changes=changes, reason=reason)
