"""Reads for the spot-check pages and API (R1–R4). Every queryset is scoped to the user's region.

The standing verdict and finality come from `selectors.final_samples` below (one home for R4); here they
are only expressed as annotations so a list needs no query per row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.access import region_prefix, register_region_path, scope_to_region
from portal.models import AuditAction, AuditEvent, User, action_label
from portal.permissions import PLANNERS, SAMPLERS
from supervision.registry.models import Institution, InstitutionEventKind, Product, ProductCategory
from supervision.spotchecks.models import (
    CustodyAction,
    ImportBatch,
    ItemResult,
    ItemVerdict,
    Notice,
    Objection,
    ObjectionStatus,
    Plan,
    Reinspection,
    ReportStatus,
    Sample,
    SampleCustody,
    Task,
    TestReport,
    Verdict,
)

PLANNING_YEARS = 3


class PlanningCounts(TypedDict):
    """The annotations of `planning_categories`."""

    focus: bool
    checks_recent: int
    checks_year: int
    checks_last_year: int
    fails_recent: int


class StandingVerdict(TypedDict):
    """The annotations of `with_standing_verdict`."""

    standing_verdict: str | None
    is_final: bool
    notified_on: dt.date | None
    has_open_objection: bool


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    PlanningCategory: TypeAlias = WithAnnotations[ProductCategory, PlanningCounts]
    SampleWithVerdict: TypeAlias = WithAnnotations[Sample, StandingVerdict]

# The path from each spot-check record to the Region that scopes it (see portal.access).
REGION_PATHS: dict[type[models.Model], str] = {
    Plan: "region",
    Task: "region",
    Sample: "region",
    SampleCustody: "sample__region",
    TestReport: "sample__region",
    ItemResult: "report__sample__region",
    Notice: "sample__region",
    Objection: "sample__region",
    Reinspection: "objection__sample__region",
    ImportBatch: "region",
}


def product_samples_q(product: Product, path: str = "") -> Q:
    """The samples of a product: its tasks name it, or name none but its producer and category
    (a circulation task names the producer; a production task's enterprise is the producer)."""
    pre = f"{path}__" if path else ""
    producer = Q(**{f"{pre}task__producer": product.enterprise_id}) | Q(
        **{f"{pre}task__producer__isnull": True, f"{pre}task__enterprise": product.enterprise_id}
    )
    unnamed = Q(**{f"{pre}task__product__isnull": True, f"{pre}task__category": product.category_id}) & producer
    return Q(**{f"{pre}task__product": product}) | unnamed


def register_access() -> None:
    for model, path in REGION_PATHS.items():
        register_region_path(model, path)


# ---------------------------------------------------------------- verdicts and finality (R4)


def objection_deadline(notified_on: dt.date) -> dt.date:
    """The last day an objection may be filed: day OBJECTION_DAYS after notification (R4)."""
    return notified_on + dt.timedelta(days=settings.OBJECTION_DAYS)


def final_samples(*, as_of: dt.date) -> models.QuerySet[Sample]:
    """Samples whose verdict is final on `as_of` (R4). Finality is derived, never stored:

    - a refusal is judged a failure at once (第十五条 按不合格论处);
    - a re-inspection's verdict is final when recorded;
    - otherwise an approved, notified report is final once the objection window has passed
      (the day after its last day) with no objection still open.
    """
    open_objection = Objection.objects.filter(sample=OuterRef("pk"), status=ObjectionStatus.OPEN)
    reinspected = Reinspection.objects.filter(objection__sample=OuterRef("pk"), decided_on__lte=as_of)
    window_passed = Notice.objects.filter(
        sample=OuterRef("pk"), notified_on__lt=as_of - dt.timedelta(days=settings.OBJECTION_DAYS)
    )
    return Sample.objects.filter(
        Q(refused=True, sampled_on__lte=as_of)
        | Exists(reinspected)
        | (Q(report__status=ReportStatus.APPROVED) & Exists(window_passed) & ~Exists(open_objection))
    )


def sample_verdict(sample: Sample) -> str | None:
    """The verdict that stands for a sample: re-inspection, else the approved report, else refusal."""
    if sample.refused:
        return Verdict.FAIL_REFUSED
    reinspection = Reinspection.objects.filter(objection__sample=sample).order_by("-decided_on", "-id").first()
    if reinspection is not None:
        return reinspection.verdict
    report: TestReport | None = getattr(sample, "report", None)
    if report is not None and report.status == ReportStatus.APPROVED:
        return report.verdict
    return None


def sample_failed_items(sample: Sample) -> list[str]:
    """Names of the failed items behind the standing verdict."""
    reinspection = Reinspection.objects.filter(objection__sample=sample).order_by("-decided_on", "-id").first()
    if reinspection is not None:
        return [s for s in (x.strip() for x in reinspection.failed_items.replace("；", ";").split(";")) if s]
    report = getattr(sample, "report", None)
    if report is None:
        return []
    return list(report.items.filter(verdict=ItemVerdict.FAIL).order_by("seq").values_list("name", flat=True))


def planning_categories(*, user: User, year: int) -> models.QuerySet[PlanningCategory]:
    """Catalogue categories for planning (第十四条): focus categories first, each with how often it
    was checked in the user's region in `year` and the PLANNING_YEARS-1 years before.

    Annotations: `focus` (bool), `checks_recent` (samples drawn in the period), `checks_year`
    (in `year`), `checks_last_year`, `fails_recent` (final or not: failed reports and refusals).
    """
    prefix = region_prefix(user)
    in_region = Q() if prefix == "" else Q(tasks__region__code__startswith=prefix or "\x00")
    period = Q(
        tasks__sample__sampled_on__year__gte=year - PLANNING_YEARS + 1, tasks__sample__sampled_on__year__lte=year
    )
    return (
        ProductCategory.objects.filter(in_catalogue=True)
        .annotate(
            focus=Case(
                When(Q(health_safety=True) | Q(livelihood=True) | Q(complaint_focus=True), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            ),
            checks_recent=Count("tasks__sample", filter=in_region & period, distinct=True),
            checks_year=Count(
                "tasks__sample", filter=in_region & Q(tasks__sample__sampled_on__year=year), distinct=True
            ),
            checks_last_year=Count(
                "tasks__sample", filter=in_region & Q(tasks__sample__sampled_on__year=year - 1), distinct=True
            ),
            fails_recent=Count(
                "tasks__sample",
                filter=in_region
                & period
                & (Q(tasks__sample__refused=True) | Q(tasks__sample__report__verdict=Verdict.FAIL)),
                distinct=True,
            ),
        )
        .order_by("-focus", "checks_recent", "code")
    )


def tasks_for(user: User, *, pending_only: bool = True) -> models.QuerySet[Task]:
    """Tasks in the user's region; an inspector sees those they are a sampler of.

    `sampled` tells whether the sampling record exists; pending first, by due date.
    """
    qs = scope_to_region(Task.objects.all(), user)
    if user.has_role(*SAMPLERS) and not user.has_role(*PLANNERS):
        qs = qs.filter(samplers=user)
    qs = qs.annotate(sampled=Exists(Sample.objects.filter(task=OuterRef("pk"))))
    if pending_only:
        qs = qs.filter(sampled=False)
    return qs.select_related("plan", "enterprise", "category", "institution", "product", "producer").order_by(
        "sampled", F("due_date").asc(nulls_last=True), "-compulsory", "id"
    )


def awaiting_review(user: User) -> models.QuerySet[TestReport]:
    """Submitted reports in the user's region, oldest first (R4)."""
    return (
        scope_to_region(TestReport.objects.filter(status=ReportStatus.SUBMITTED), user, "sample__region")
        .select_related("sample__task__enterprise", "sample__task__category", "sample__task__plan", "institution")
        .select_related("submitted_by")
        .annotate(
            failed_count=Count("items", filter=Q(items__verdict=ItemVerdict.FAIL)),
            item_count=Count("items"),
        )
        .order_by("submitted_at", "id")
    )


def institutions_under_review(user: User, *, as_of: dt.date) -> list[tuple[Institution, str, dt.date]]:
    """Institutions whose qualification is suspended or cancelled on `as_of` and that tested reports
    in the user's region: (institution, status, since) for the re-examination list (第十三条)."""
    tested_here = scope_to_region(TestReport.objects.all(), user, "sample__region").values("institution")
    found = []
    for inst in Institution.objects.filter(pk__in=tested_here).prefetch_related("events").order_by("name"):
        status = inst.status_on(as_of)
        if status in (InstitutionEventKind.SUSPENDED, InstitutionEventKind.CANCELLED):
            since = max((e.on for e in inst.events.all() if e.on <= as_of and e.kind == status), default=as_of)
            found.append((inst, status, since))
    return found


def reports_to_reexamine(user: User, *, institution: Institution, since: dt.date) -> models.QuerySet[TestReport]:
    """第十三条: after falsification, the institution's reports tested (or sampled) since a date, in the
    user's region, for a reviewer to re-examine — newest first, with where each one stands."""
    tested_since = Q(tested_on__gte=since) | Q(tested_on__isnull=True, sample__sampled_on__gte=since)
    return (
        scope_to_region(TestReport.objects.filter(tested_since, institution=institution), user, "sample__region")
        .select_related("sample__task__enterprise", "sample__task__category")
        .order_by("-tested_on", "-id")
    )


def _latest_notice_day() -> Subquery:
    return Subquery(
        Notice.objects.filter(sample=OuterRef("pk")).order_by("-notified_on", "-id").values("notified_on")[:1]
    )


def _reinspection_verdict() -> Subquery:
    return Subquery(
        Reinspection.objects.filter(objection__sample=OuterRef("pk"))
        .order_by("-decided_on", "-id")
        .values("verdict")[:1]
    )


def with_standing_verdict(qs: models.QuerySet[Sample], *, as_of: dt.date) -> models.QuerySet[SampleWithVerdict]:
    """Annotate `standing_verdict` (as `selectors.sample_verdict`), `is_final` (as
    `selectors.final_samples`), `notified_on`, `has_open_objection`."""
    approved_verdict = Case(
        When(report__status=ReportStatus.APPROVED, then=F("report__verdict")),
        default=Value(None),
        output_field=models.CharField(),
    )
    return qs.annotate(
        standing_verdict=Case(
            When(refused=True, then=Value(Verdict.FAIL_REFUSED.value)),
            default=Coalesce(_reinspection_verdict(), approved_verdict),
            output_field=models.CharField(),
        ),
        is_final=Exists(final_samples(as_of=as_of).filter(pk=OuterRef("pk"))),
        notified_on=_latest_notice_day(),
        has_open_objection=Exists(Objection.objects.filter(sample=OuterRef("pk"), status=ObjectionStatus.OPEN)),
    )


def samples_for(user: User, *, as_of: dt.date) -> models.QuerySet[SampleWithVerdict]:
    """Every sample the user may see, with its standing verdict and finality."""
    qs = scope_to_region(Sample.objects.all(), user).select_related(
        "task__plan", "task__enterprise", "task__category", "task__institution", "report"
    )
    return with_standing_verdict(qs, as_of=as_of).order_by("-sampled_on", "-id")


def awaiting_objection_deadline(user: User, today: dt.date) -> models.QuerySet[SampleWithVerdict]:
    """Approved and notified samples whose verdict is not yet final on `today`: inside the window,
    or held by an open objection (R4). `deadline` is the last day an objection may be filed."""
    qs = samples_for(user, as_of=today).filter(refused=False, report__status=ReportStatus.APPROVED, is_final=False)
    qs = qs.filter(notified_on__isnull=False)
    return qs.annotate(
        deadline=Cast(F("notified_on") + dt.timedelta(days=settings.OBJECTION_DAYS), models.DateField()),
    ).order_by("notified_on", "id")


def final_results(user: User, today: dt.date) -> models.QuerySet[SampleWithVerdict]:
    """Samples whose verdict is final on `today`, newest first, with `standing_verdict`."""
    return samples_for(user, as_of=today).filter(is_final=True)


def imported_reports(batch: ImportBatch) -> models.QuerySet[TestReport]:
    """The reports a committed import wrote, as its audit rows name them (one per report), with their
    samples and where each report stands now (an import leaves them drafts, to be submitted)."""
    rows = AuditEvent.objects.filter(
        action=AuditAction.RESULTS_IMPORTED,
        target_type=ContentType.objects.get_for_model(TestReport),
        at__gte=batch.created_at,
        after__batch=batch.pk,
    ).values_list("target_id", flat=True)
    ids = [int(pk) for pk in rows if pk.isdigit()]
    return TestReport.objects.filter(pk__in=ids).select_related("sample__task__enterprise").order_by("sample__code")


# Clause citations as stored in the audit trail (Chinese); pages translate them for display.
AUDIT_CLAUSES = (
    gettext_noop("第十一条"),
    gettext_noop("第十三条"),
    gettext_noop("第十四条"),
    gettext_noop("第十五条"),
    gettext_noop("第十四条（异议复检）"),
    gettext_noop("第十四条、第二十一条"),
)


@dataclass
class TimelineEntry:
    """One thing that happened to a sample. `at` orders it (see `sample_timeline`); `time_known` says
    whether its time of day is a fact worth showing, or only its day `on` is."""

    at: dt.datetime
    kind: str  # "audit", "custody", "notice"
    label: str
    actor: str = ""
    clause: str = ""
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    on: dt.date | None = None
    time_known: bool = True
    recorded: dt.datetime | None = None
    sequence: int = 0  # the audit row that recorded it: ties of one moment in recording order
    rank: int = 0  # what an act wrote besides its own row comes after that row


def _moment(on: dt.date, recorded: dt.datetime) -> dt.datetime:
    """Where a day-only entry sits in its day: when it was recorded, if on that day; else (recorded
    later, back-dated) after everything else that day."""
    if timezone.localdate(recorded) == on:
        return recorded
    return timezone.make_aware(dt.datetime.combine(on, dt.time.max))


def sample_timeline(sample: Sample) -> list[TimelineEntry]:
    """The status history of a sample: audit events of the sample, its task, report and objections,
    custody rows and the notice to the enterprise.

    Ordered by when each thing happened; ties (one act writing several rows) by recording order. A
    custody row or a notice given a day only is placed by its day and by when it was recorded, and
    shows no time (none was asked for). The audit row of a custody act or of the notice is folded
    into that row rather than listed twice.
    """
    targets: list[tuple[type[models.Model], list[str]]] = [
        (Sample, [str(sample.pk)]),
        (Task, [str(sample.task_id)]),
        (TestReport, [str(pk) for pk in TestReport.objects.filter(sample=sample).values_list("pk", flat=True)]),
        (Objection, [str(pk) for pk in Objection.objects.filter(sample=sample).values_list("pk", flat=True)]),
    ]
    cond = Q(pk__in=[])
    for model, ids in targets:
        if ids:
            cond |= Q(target_type=ContentType.objects.get_for_model(model), target_id__in=ids)
    custody_rows = list(SampleCustody.objects.filter(sample=sample).select_related("actor"))
    notices = list(Notice.objects.filter(sample=sample))
    custody_ids = {row.pk for row in custody_rows}
    notice_ids = {n.pk for n in notices}
    custody_audit: dict[int, AuditEvent] = {}
    notice_audit: dict[int, AuditEvent] = {}
    sample_audit: AuditEvent | None = None
    entries: list[TimelineEntry] = []
    for ev in AuditEvent.objects.filter(cond).select_related("actor").order_by("at", "id"):
        after = ev.after if isinstance(ev.after, dict) else {}
        if ev.action == AuditAction.SAMPLE_RECORDED:
            sample_audit = ev  # the act that also wrote the "drawn" custody row
        if ev.action == AuditAction.SAMPLE_CUSTODY and after.get("custody") in custody_ids:
            custody_audit[after["custody"]] = ev
            continue
        if ev.action == AuditAction.ENTERPRISE_NOTIFIED and after.get("notice") in notice_ids:
            notice_audit[after["notice"]] = ev
            continue
        entries.append(
            TimelineEntry(
                at=ev.at,
                kind="audit",
                label=action_label(ev.action),
                actor=str(ev.actor) if ev.actor else ev.actor_label,
                clause=ev.clause,
                detail=ev.reason,
                data={"action": ev.action, "after": ev.after},
                on=timezone.localdate(ev.at),
                recorded=ev.at,
                sequence=ev.id,
            )
        )
    for row in custody_rows:
        day = timezone.localdate(row.at)
        # recorded by its own audit row, or (the "drawn" row) by the sampling record's
        own = custody_audit.get(row.pk)
        by_act = own or (sample_audit if row.action == CustodyAction.DRAWN else None)
        recorded = by_act.at if by_act is not None else (row.at if row.time_known else sample.recorded_at)
        entries.append(
            TimelineEntry(
                at=row.at if row.time_known else _moment(day, recorded),
                kind="custody",
                label=str(row.get_action_display()),
                actor=str(row.actor),
                # a note the act wrote is a catalogue phrase, shown in the reader's language
                detail=_("；").join(x for x in (row.holder, row.location, _(row.note) if row.note else "") if x),
                data={"photo": row.photo.url if row.photo else ""},
                on=day,
                time_known=row.time_known,
                recorded=recorded,
                sequence=by_act.id if by_act is not None else 0,
                rank=0 if own is not None else 1,
            )
        )
    for notice in notices:
        audit = notice_audit.get(notice.pk)
        recorded = audit.at if audit is not None else notice.created_at
        same_day = timezone.localdate(notice.created_at) == notice.notified_on
        entries.append(
            TimelineEntry(
                at=notice.created_at if same_day else _moment(notice.notified_on, recorded),
                kind="notice",
                label=_("结果通知送达"),
                actor=(str(audit.actor) if audit.actor else audit.actor_label) if audit is not None else "",
                clause=audit.clause if audit is not None else "",
                detail=notice.body,
                data={"deadline": objection_deadline(notice.notified_on).isoformat()},
                on=notice.notified_on,
                time_known=same_day,
                recorded=recorded,
                sequence=audit.id if audit is not None else 0,
            )
        )
    entries.sort(key=lambda e: (e.on, e.at, e.recorded or e.at, e.sequence, e.rank))
    return entries
