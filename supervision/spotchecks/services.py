"""Spot checks as acts of law (国发〔1999〕24号 第十三、十四、十五条; docs/rules.md R1–R4, R11).

One function per act: keyword-only, `transaction.atomic(durable=True)` (an act is never part of another), the acting user checked for role and
region, an audit row citing the clause. Nothing else changes the status of a plan, task, sample,
report, objection or re-inspection.

Decisions the decision leaves open, fixed here (and tested):
- R1 "within 6 months": an earlier sample taken on or after the day exactly REPEAT_CHECK_MONTHS
  months before today blocks a new task, except on that very day: a check taken exactly six
  months ago no longer blocks (the six months have run). Month arithmetic clamps to the month's
  end (31 May − 3 months = 28/29 Feb).
- R1 counts samples actually drawn (a refusal drew nothing; its compulsory check must go ahead).
- R4 window: the notice day is day 0; an objection is accepted through day OBJECTION_DAYS (15)
  inclusive and refused from day 16; the verdict is final from day 16 (`selectors.final_samples`).
- R4 fee: a re-inspection that confirms the first verdict is paid by the applicant (the
  enterprise); one that overturns it is paid by the institution that did the first test.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from portal.access import user_can_see_region
from portal.audit import audit_record, snapshot
from portal.errors import located
from portal.models import AuditAction, User
from portal.permissions import ADMINISTRATORS, CUSTODIANS, PLANNERS, REVIEWERS, SAMPLERS
from supervision.registry.models import (
    Authority,
    Enterprise,
    Institution,
    InstitutionEventKind,
    Product,
    ProductCategory,
)
from supervision.spotchecks.models import (
    LEVEL_RANK,
    CustodyAction,
    FeePayer,
    Field,
    ItemResult,
    ItemVerdict,
    Notice,
    Objection,
    ObjectionStatus,
    PlaceKind,
    Plan,
    PlanLevel,
    Reinspection,
    ReportStatus,
    Sample,
    SampleCustody,
    Task,
    TestReport,
    Verdict,
)
from supervision.spotchecks.selectors import final_samples, objection_deadline, sample_failed_items, sample_verdict

CLAUSE_CATALOGUE = "第十四条"
CLAUSE_OBJECTION = "第十四条（异议复检）"


# Fields of a sampling record an inspector may fill in (R2); everything else is set by the act.
SAMPLE_FIELDS = (
    "place_kind",
    "place",
    "place_url",
    "product_name",
    "trademark",
    "model_spec",
    "batch",
    "production_date",
    "executed_standard",
    "grade",
    "sampling_base",
    "quantity_drawn",
    "quantity_retained",
    "unit_price",
    "sealed",
    "label_name",
    "label_address",
    "label_standard",
    "label_certificate",
    "label_production_date",
    "unit_signatory",
)

ITEM_VERDICT_WORDS = {
    "pass": ItemVerdict.PASS,
    "fail": ItemVerdict.FAIL,
    "na": ItemVerdict.NOT_APPLICABLE,
    "合格": ItemVerdict.PASS,
    "不合格": ItemVerdict.FAIL,
    "不适用": ItemVerdict.NOT_APPLICABLE,
    "/": ItemVerdict.NOT_APPLICABLE,
}

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
REPORT_NO_MAX_LENGTH = 60
# Notes the acts write on custody records: stored in Chinese (the record's language), shown in the
# reader's language by the timeline.
NOTE_SEALED_ON_SITE = gettext_noop("现场抽样并封样")
NOTE_SEAL_CHECKED = gettext_noop("复检前查验备样封样完好并拍照")

# full_clean() re-reads every foreign key to check it exists; the acts receive those records
# already loaded (and checked for region), so the existence queries are skipped. Uniqueness of a
# sample's code and task is guarded by the advisory lock and the task check in the act.
FK_CHECKED_TASK = [
    "plan",
    "region",
    "enterprise",
    "producer",
    "category",
    "product",
    "institution",
    "origin_sample",
    "cost_payer",
    "created_by",
]
FK_CHECKED_SAMPLE = ["task", "region", "recorded_by"]


# ---------------------------------------------------------------- guards


def _require_role(actor: User, roles: Sequence[str], message: str) -> None:
    if not actor.is_authenticated or not actor.has_role(*roles):
        raise PermissionDenied(message)


def _require_region(actor: User, region_code: str) -> None:
    if not user_can_see_region(actor, region_code):
        raise PermissionDenied(_("该记录不在您所属的行政区划内，无权操作。"))


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _at_day(day: dt.date) -> dt.datetime:
    """A moment on a given day for records that carry a time (custody); now if the day is today."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 0)))


def derive_report_verdict(verdicts: Iterable[str]) -> str:
    """Any failed item fails the sample; all passed or not applicable passes it; no items: no verdict."""
    seen = list(verdicts)
    if not seen:
        return ""
    if any(v == ItemVerdict.FAIL for v in seen):
        return Verdict.FAIL
    return Verdict.PASS


def institution_scope_error(institution: Institution, category: ProductCategory, on: dt.date) -> str | None:
    """Why an institution may not test a category on a day (第十三条), or None if it may."""
    status = institution.status_on(on)
    if status == InstitutionEventKind.CANCELLED:
        return _("检验机构“%(inst)s”的资质已被撤销，不得承担抽查检验任务（第十三条）。") % {"inst": institution.name}
    if status == InstitutionEventKind.SUSPENDED:
        return _("检验机构“%(inst)s”的资质已被暂停，不得承担抽查检验任务（第十三条）。") % {"inst": institution.name}
    if status == "expired":
        return _("检验机构“%(inst)s”的资质有效期为%(start)s至%(end)s，%(day)s不在有效期内（第十三条）。") % {
            "inst": institution.name,
            "start": institution.valid_from,
            "end": institution.valid_to,
            "day": on,
        }
    if not institution.categories.filter(pk=category.pk).exists():
        return _("检验机构“%(inst)s”的资质范围不包括“%(cat)s”，不能承担该类产品的检验（第十三条）。") % {
            "inst": institution.name,
            "cat": category.name,
        }
    missing = category.standards.exclude(pk__in=institution.standards.values("pk")).order_by("code").first()
    if missing is not None:
        return _(
            "检验机构“%(inst)s”的资质范围不包括“%(cat)s”现行适用的标准%(std)s，不能承担该类产品的检验（第十三条）。"
        ) % {
            "inst": institution.name,
            "cat": category.name,
            "std": missing.code,
        }
    return None


def _institution_relied_on(institution: Institution, category: ProductCategory, days: Iterable[dt.date]) -> None:
    """第十三条 at every act that relies on an institution's results, not only at assignment."""
    for day in dict.fromkeys(days):
        problem = institution_scope_error(institution, category, day)
        if problem:
            raise ValidationError({"institution": problem})


def _distinct_samplers(samplers: Iterable[User], *, field: str = "samplers") -> list[User]:
    unique: dict[int, User] = {}
    for s in samplers:
        if s is not None:
            unique[s.pk] = s
    people = list(unique.values())
    if len(people) < settings.MIN_SAMPLERS:
        raise ValidationError({field: _("抽样人员不得少于%(n)d名，且须为不同人员。") % {"n": settings.MIN_SAMPLERS}})
    missing = [str(s) for s in people if not s.enforcement_id]
    if missing:
        raise ValidationError(
            {field: _("抽样人员须持有执法证件，以下人员未登记执法证号：%(names)s。") % {"names": "、".join(missing)}}
        )
    return people


def _check_file(uploaded: Any, *, field: str, kinds: dict[bytes, str], label: str) -> None:
    if uploaded is None:
        return
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({field: _("文件过大（上限20MB）。")})
    head = uploaded.read(8)
    uploaded.seek(0)
    if not any(head.startswith(magic) for magic in kinds):
        raise ValidationError({field: _("文件格式不正确，只接受%(label)s文件。") % {"label": label}})
    content_type = getattr(uploaded, "content_type", None)
    if (
        isinstance(uploaded, UploadedFile)
        and content_type
        and content_type not in kinds.values()
        and content_type != "application/octet-stream"
    ):
        raise ValidationError({field: _("文件格式不正确，只接受%(label)s文件。") % {"label": label}})


PDF_KINDS = {b"%PDF": "application/pdf"}
IMAGE_KINDS = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}


# ---------------------------------------------------------------- plans and tasks (第十四条, 第十三条)

ALLOWED_LEVELS = {
    "province": {PlanLevel.NATIONAL, PlanLevel.PROVINCIAL},
    "city": {PlanLevel.CITY},
    "county": {PlanLevel.COUNTY},
}


@transaction.atomic(durable=True)
def plan_create(
    *,
    actor: User,
    title: str,
    level: str,
    year: int,
    quarter: int,
    field: str,
    categories: Iterable[ProductCategory],
    authority: Authority,
) -> Plan:
    # 国发〔1999〕24号 第十四条: spot checks follow the published catalogue, production and circulation alike.
    _require_role(actor, PLANNERS, _("只有审核人员或领导可以制定抽查计划。"))
    _require_region(actor, authority.region_id)
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("请填写计划名称。")
    if level not in PlanLevel.values:
        errors["level"] = _("抽查级别不正确。")
    elif level not in ALLOWED_LEVELS.get(authority.region.level, set()):
        errors["level"] = _("%(auth)s不能组织%(level)s抽查。") % {
            "auth": authority.name,
            "level": PlanLevel(level).label,
        }
    if not isinstance(year, int) or not (2000 <= year <= 2100):
        errors["year"] = _("年度不正确。")
    if quarter not in (1, 2, 3, 4):
        errors["quarter"] = _("季度应为1至4。")
    if field not in Field.values:
        errors["field"] = _("抽查领域不正确。")
    cats = list(categories)
    if not cats:
        errors["categories"] = _("请至少选择一个产品类别。")
    else:
        outside = [c.name for c in cats if not c.in_catalogue]
        if outside:
            errors["categories"] = _("以下类别未列入抽查目录，不能抽查：%(names)s（第十四条）。") % {
                "names": "、".join(outside)
            }
    if errors:
        raise ValidationError(errors)
    plan = Plan(
        title=title,
        level=level,
        year=year,
        quarter=quarter,
        field=field,
        authority=authority,
        region=authority.region,
        created_by=actor,
    )
    plan.full_clean(exclude=["authority", "region", "created_by"])
    plan.save()
    plan.categories.set(cats)
    audit_record(
        actor=actor,
        action=AuditAction.PLAN_CREATED,
        target=plan,
        after={**snapshot(plan), "categories": [c.pk for c in cats]},
    )
    return plan


def repeat_check_free_from(sampled_on: dt.date) -> dt.date:
    """The first day a product sampled on `sampled_on` may be sampled again by the same or a lower
    level (第十四条): the anniversary REPEAT_CHECK_MONTHS months later, clamped to the end of a
    shorter month (31 August + 6 months = 28 February, 29 in a leap year). The block and its message
    both read this one date."""
    free: dt.date = sampled_on + relativedelta(months=settings.REPEAT_CHECK_MONTHS)
    return free


def repeat_check_conflict(
    *,
    level: str,
    product: Product | None,
    producer: Enterprise,
    category: ProductCategory,
    today: dt.date,
    exclude_task: Task | None = None,
) -> Sample | None:
    """The earlier sample that makes a check of this product on `today` a repeat check (第十四条), if any.

    A product is `Task.product` when known; otherwise the producing enterprise and category. A
    sample blocks if drawn (not refused) by a check of the same or a higher level and `today` is
    before its `repeat_check_free_from` day.
    """
    same_or_higher = [lv for lv, rank in LEVEL_RANK.items() if rank >= LEVEL_RANK[PlanLevel(level)]]
    producer_match = Q(task__producer=producer) | Q(task__producer__isnull=True, task__enterprise=producer)
    if product is not None:
        same_product = Q(task__product=product) | (
            Q(task__product__isnull=True, task__category=category) & producer_match
        )
    else:
        same_product = Q(task__category=category) & producer_match
    # candidates by date, with a few days' margin for the month-end clamp; the exact test below
    earliest = today - relativedelta(months=settings.REPEAT_CHECK_MONTHS) - dt.timedelta(days=3)
    qs = Sample.objects.filter(
        same_product,
        refused=False,
        sampled_on__gte=earliest,
        sampled_on__lte=today,
        task__plan__level__in=same_or_higher,
    )
    if exclude_task is not None:
        qs = qs.exclude(task=exclude_task)
    for sample in qs.select_related("task__plan").order_by("-sampled_on", "-id"):
        if today < repeat_check_free_from(sample.sampled_on):
            return sample
    return None


def repeat_check_message(earlier: Sample) -> str:
    return _(
        "该产品已于%(day)s被%(level)s抽查（样品编号%(code)s，计划“%(plan)s”），"
        "%(months)d个月内同级或下级不得重复抽查，%(free)s起方可再次抽查（第十四条）。"
    ) % {
        "day": earlier.sampled_on,
        "level": earlier.task.plan.get_level_display(),
        "code": earlier.code,
        "plan": earlier.task.plan.title,
        "months": settings.REPEAT_CHECK_MONTHS,
        "free": repeat_check_free_from(earlier.sampled_on),
    }


def _new_task(
    *,
    actor: User,
    plan: Plan,
    enterprise: Enterprise,
    category: ProductCategory,
    institution: Institution,
    samplers: list[User],
    field: str,
    product: Product | None,
    producer: Enterprise | None,
    shop_name: str,
    shop_url: str,
    due_date: dt.date | None,
    compulsory: bool = False,
    origin_sample: Sample | None = None,
    cost: Decimal = Decimal("0"),
    cost_payer: Enterprise | None = None,
) -> Task:
    task = Task(
        plan=plan,
        region=enterprise.region,
        enterprise=enterprise,
        producer=producer,
        field=field,
        shop_name=shop_name,
        shop_url=shop_url,
        category=category,
        product=product,
        institution=institution,
        compulsory=compulsory,
        origin_sample=origin_sample,
        cost=cost,
        cost_payer=cost_payer,
        due_date=due_date,
        created_by=actor,
    )
    task.full_clean(exclude=FK_CHECKED_TASK)
    task.save()
    task.samplers.set(samplers)
    return task


@transaction.atomic(durable=True)
def task_create(
    *,
    actor: User,
    plan: Plan,
    enterprise: Enterprise,
    category: ProductCategory,
    institution: Institution,
    samplers: Iterable[User],
    field: str | None = None,
    product: Product | None = None,
    producer: Enterprise | None = None,
    shop_name: str = "",
    shop_url: str = "",
    due_date: dt.date | None = None,
    today: dt.date | None = None,
) -> Task:
    today = _today(today)
    _require_role(actor, PLANNERS, _("只有审核人员或领导可以下达抽查任务。"))
    _require_region(actor, plan.region_id)
    _require_region(actor, enterprise.region_id)
    errors: dict[str, str] = {}
    field = field or plan.field
    if field not in Field.values:
        errors["field"] = _("抽查领域不正确。")
    if not plan.region.contains(enterprise.region_id):
        errors["enterprise"] = _("受检单位不在本计划的行政区划（%(region)s）内。") % {"region": plan.region.name}
    if not plan.categories.filter(pk=category.pk).exists():
        errors["category"] = _("“%(cat)s”不在本计划的抽查产品类别中。") % {"cat": category.name}
    if product is not None and product.category_id != category.pk:
        errors["product"] = _("所选产品不属于“%(cat)s”类别。") % {"cat": category.name}
    if product is not None and product.enterprise_id != (producer or enterprise).pk:
        errors["product"] = _("所选产品不是%(ent)s生产的产品。") % {"ent": (producer or enterprise).name}
    if field in (Field.CIRCULATION, Field.ONLINE) and not shop_name.strip():
        errors["shop_name"] = _("流通领域和电子商务抽查须填写店铺/平台名称。")
    if field == Field.ONLINE and not shop_url.strip():
        errors["shop_url"] = _("电子商务抽查须填写网店地址。")
    if due_date is not None and due_date < today:
        errors["due_date"] = _("完成期限不能早于今天。")
    # 国发〔1999〕24号 第十三条: a task is assigned only within the institution's accreditation scope.
    scope_error = institution_scope_error(institution, category, today)
    if scope_error:
        errors["institution"] = scope_error
    try:
        people = _distinct_samplers(samplers)
        outside = [str(s) for s in people if s.region_id is None or not user_can_see_region(actor, s.region_id)]
        if outside:
            errors["samplers"] = _("以下抽样人员不在本辖区：%(names)s。") % {"names": "、".join(outside)}
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        people = []
    # 国发〔1999〕24号 第十四条: no repeat checks — a product checked by the same or a higher level within
    # REPEAT_CHECK_MONTHS months must not be sampled again.
    if "category" not in errors and "product" not in errors and plan.level in PlanLevel.values:
        earlier = repeat_check_conflict(
            level=plan.level, product=product, producer=producer or enterprise, category=category, today=today
        )
        if earlier is not None:
            errors["product"] = repeat_check_message(earlier)
    # 国发〔1999〕24号 第十六条: an exempt product is exempt from every other check while its exemption
    # is valid. The layer that knows exemptions registers its check here at start-up.
    if "product" not in errors and "category" not in errors:
        for blocker in TASK_BLOCKERS:
            reason = blocker(product=product, producer=producer or enterprise, category=category, day=today)
            if reason:
                errors["product"] = reason
                break
    if errors:
        raise ValidationError(errors)
    task = _new_task(
        actor=actor,
        plan=plan,
        enterprise=enterprise,
        category=category,
        institution=institution,
        samplers=people,
        field=field,
        product=product,
        producer=producer,
        shop_name=shop_name.strip(),
        shop_url=shop_url.strip(),
        due_date=due_date,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TASK_CREATED,
        target=task,
        after={**snapshot(task), "samplers": [s.pk for s in people]},
    )
    return task


# ---------------------------------------------------------------- sampling (R2) and refusal (第十五条)


def _next_sample_code(region_code: str, day: dt.date) -> str:
    """GD + yyyymmdd + region code + 4-digit sequence, e.g. GD20261126440106-0003."""
    prefix = f"GD{day:%Y%m%d}{region_code}-"
    # Two inspectors saving on the same day and region would read the same maximum: serialise
    # code allocation per prefix with a transaction-scoped advisory lock.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(prefix.encode())])
    last = Sample.objects.filter(code__startswith=prefix).order_by("-code").values_list("code", flat=True).first()
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def sampling_record_errors(task: Task, fields: dict[str, Any]) -> dict[str, str]:
    """What a sampling record (抽样单) must hold, and why each missing or wrong entry is refused (R2).

    Where the product's label lacks the batch/production date or the executed standard (the label
    check says so), the record may leave it empty: "not labelled" is then what the record states.
    """
    errors: dict[str, str] = {}
    text = {k: str(fields.get(k) or "").strip() for k in ("product_name", "place", "place_url", "unit_signatory")}
    if not text["product_name"]:
        errors["product_name"] = _("请填写产品名称。")
    if fields.get("place_kind") not in PlaceKind.values:
        errors["place_kind"] = _("请选择抽样地点类型（成品库、生产线、仓库、货架或网店）。")
    if task.field == Field.ONLINE:
        if not (text["place_url"] or task.shop_url):
            errors["place_url"] = _("网上抽样须填写网店链接。")
    elif not text["place"]:
        errors["place"] = _("请填写抽样的具体地点（如二号成品库甲区）。")
    if not fields.get("sealed"):
        errors["sealed"] = _("样品须当场封样，请确认已封样。")
    if not text["unit_signatory"]:
        errors["unit_signatory"] = _("请填写受检单位签字人。")
    has_batch = bool(str(fields.get("batch") or "").strip() or fields.get("production_date"))
    if not has_batch and fields.get("label_production_date"):
        errors["batch"] = _("请填写批号或生产日期（标签未标注时，取消勾选“标签：生产日期”）。")
    if not str(fields.get("executed_standard") or "").strip() and fields.get("label_standard"):
        errors["executed_standard"] = _("请填写执行标准（标签未标注时，取消勾选“标签：标准号”）。")
    drawn, retained = fields.get("quantity_drawn"), fields.get("quantity_retained")
    limit = task.category.sample_quantity
    if not drawn:
        errors["quantity_drawn"] = _("请填写抽样数量。")
    elif limit is not None and drawn > limit:
        # 第十四条: samples are limited to what the test needs
        errors["quantity_drawn"] = _("“%(cat)s”每批抽样不超过%(n)d个（检验所需数量，含备样），不得多抽。") % {
            "cat": task.category.name,
            "n": limit,
        }
    if retained is None:
        errors["quantity_retained"] = _("请填写备样数量（未留备样填0）。")
    elif drawn and retained > drawn:
        errors["quantity_retained"] = _("备样数量（%(r)s）不能超过抽样数量（%(d)s）。") % {"r": retained, "d": drawn}
    if fields.get("sampling_base") is not None and drawn and fields["sampling_base"] < drawn:
        errors["sampling_base"] = _("抽样基数不能少于抽样数量。")
    price = fields.get("unit_price")
    if price is not None and price < 0:
        errors["unit_price"] = _("单价不能为负数。")
    return errors


def _sampling_guards(actor: User, task: Task, sampled_on: dt.date) -> dict[str, str]:
    _require_role(actor, SAMPLERS, _("只有抽样/检验人员可以填写抽样单。"))
    _require_region(actor, task.region_id)
    # Two inspectors saving the same task at once would both pass the check below and one would
    # hit the one-sample-per-task constraint (a 500): lock the task row first.
    Task.objects.select_for_update().filter(pk=task.pk).first()
    errors: dict[str, str] = {}
    if Sample.objects.filter(task=task).exists():
        errors["task"] = _("该任务已填写抽样单，不能重复抽样。")
    if sampled_on is None:
        errors["sampled_on"] = _("请填写抽样日期。")
    elif sampled_on > timezone.localdate():
        errors["sampled_on"] = _("抽样日期不能晚于今天。")
    return errors


@transaction.atomic(durable=True)
def sample_record(*, actor: User, task: Task, samplers: Iterable[User], sampled_on: dt.date, **fields: Any) -> Sample:
    # 国发〔1999〕24号 第十四条 (R2 抽样): two samplers with enforcement IDs, what was drawn and kept.
    errors = _sampling_guards(actor, task, sampled_on)
    unknown = set(fields) - set(SAMPLE_FIELDS)
    if unknown:
        raise ValidationError({"__all__": _("未知的抽样单字段：%(f)s") % {"f": "、".join(sorted(unknown))}})
    try:
        people = _distinct_samplers(samplers)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        people = []
    errors.update(sampling_record_errors(task, fields))
    # 第十四条: the repeat-check ban is checked again on the day the sample is drawn: two tasks for the
    # same product may have been assigned the same day, and the first one sampled blocks the second.
    if sampled_on is not None and "task" not in errors and task.plan.level in PlanLevel.values:
        earlier = repeat_check_conflict(
            level=task.plan.level,
            product=task.product,
            producer=task.producer or task.enterprise,
            category=task.category,
            today=sampled_on,
            exclude_task=task,
        )
        if earlier is not None:
            errors["sampled_on"] = repeat_check_message(earlier)
    if errors:
        raise ValidationError(errors)
    sample = Sample(
        task=task,
        region=task.region,
        sampled_on=sampled_on,
        recorded_by=actor,
        code=_next_sample_code(task.region_id, sampled_on),
        **fields,
    )
    if task.field == Field.ONLINE and not sample.place_url:
        sample.place_url = task.shop_url
    sample.full_clean(exclude=FK_CHECKED_SAMPLE, validate_unique=False)
    sample.save()
    sample.samplers.set(people)
    SampleCustody.objects.create(
        sample=sample,
        action=CustodyAction.DRAWN,
        holder="、".join(str(s) for s in people),
        location=sample.place or task.shop_name or task.enterprise.address,
        at=_at_day(sampled_on),
        time_known=False,  # the sampling record gives the day, never the time
        note=NOTE_SEALED_ON_SITE if sample.sealed else "",
        actor=actor,
    )
    report = TestReport.objects.create(sample=sample, institution=task.institution, status=ReportStatus.DRAFT)
    audit_record(
        actor=actor,
        action=AuditAction.SAMPLE_RECORDED,
        target=sample,
        after={**snapshot(sample), "samplers": [s.pk for s in people], "report": report.pk},
    )
    return sample


@transaction.atomic(durable=True)
def sample_record_refusal(
    *,
    actor: User,
    task: Task,
    samplers: Iterable[User],
    sampled_on: dt.date,
    witnesses: str,
    note: str,
    cost: Decimal | int | str = 0,
    due_date: dt.date | None = None,
    institution: Institution | None = None,
) -> Sample:
    # 国发〔1999〕24号 第十五条: 拒绝监督抽查的，按不合格论处, and a compulsory check at the enterprise's cost.
    errors = _sampling_guards(actor, task, sampled_on)
    # 第十三条: the compulsory check goes to an institution in scope today (the task's, or another named)
    institution = institution or task.institution
    scope_error = institution_scope_error(institution, task.category, timezone.localdate())
    if scope_error:
        errors["institution"] = scope_error + _("请为强制监督抽查另选检验机构。")
    try:
        people = _distinct_samplers(samplers)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
        people = []
    if not (witnesses or "").strip():
        errors["witnesses"] = _("拒检须记录见证人（姓名、身份或单位）。")
    if not (note or "").strip():
        errors["note"] = _("请记录拒检经过。")
    try:
        cost_value = Decimal(str(cost))
        if cost_value < 0:
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["cost"] = _("费用应为不小于0的金额。")
        cost_value = Decimal("0")
    if errors:
        raise ValidationError(errors)
    sample = Sample(
        task=task,
        region=task.region,
        sampled_on=sampled_on,
        recorded_by=actor,
        code=_next_sample_code(task.region_id, sampled_on),
        refused=True,
        refusal_witnesses=witnesses.strip(),
        refusal_note=note.strip(),
        product_name=task.product.name if task.product else task.category.name,
        place=task.shop_name or task.enterprise.address,
    )
    sample.full_clean(exclude=FK_CHECKED_SAMPLE, validate_unique=False)
    sample.save()
    sample.samplers.set(people)
    audit_record(
        actor=actor,
        action=AuditAction.SAMPLE_REFUSAL,
        target=sample,
        after={**snapshot(sample), "samplers": [s.pk for s in people], "verdict": sample_verdict(sample)},
        reason=note.strip(),
    )
    compulsory = _new_task(
        actor=actor,
        plan=task.plan,
        enterprise=task.enterprise,
        category=task.category,
        institution=institution,
        samplers=list(task.samplers.all()) or people,
        field=task.field,
        product=task.product,
        producer=task.producer,
        shop_name=task.shop_name,
        shop_url=task.shop_url,
        due_date=due_date,
        compulsory=True,
        origin_sample=sample,
        cost=cost_value,
        cost_payer=task.enterprise,
    )
    audit_record(
        actor=actor,
        action=AuditAction.COMPULSORY_TASK_CREATED,
        target=compulsory,
        after={**snapshot(compulsory), "cost_payer": task.enterprise.name},
        reason=_("因%(code)s拒检，依法实施强制监督抽查，费用由%(ent)s承担。")
        % {"code": sample.code, "ent": task.enterprise.name},
    )
    return sample


@transaction.atomic(durable=True)
def custody_record(
    *,
    actor: User,
    sample: Sample,
    action: str,
    holder: str,
    at: dt.datetime,
    location: str = "",
    note: str = "",
    photo: Any = None,
) -> SampleCustody:
    # 国发〔1999〕24号 第十四条 (R2): the sample is traced from the unit to the lab and the retained half kept sealed.
    _require_role(actor, CUSTODIANS, _("只有抽样/检验人员或审核人员可以记录样品流转。"))
    _require_region(actor, sample.region_id)
    errors: dict[str, str] = {}
    if action not in CustodyAction.values:
        errors["action"] = _("流转环节不正确。")
    if not (holder or "").strip():
        errors["holder"] = _("请填写保管人或保管单位。")
    if at is None:
        errors["at"] = _("请填写时间。")
    elif at > timezone.now() + dt.timedelta(minutes=5):
        errors["at"] = _("流转时间不能晚于当前时间。")
    if sample.refused:
        errors["sample"] = _("拒检记录没有样品，不能记录流转。")
    if photo is not None:
        try:
            _check_file(photo, field="photo", kinds=IMAGE_KINDS, label="JPEG/PNG")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    row = SampleCustody(
        sample=sample,
        action=action,
        holder=holder.strip(),
        location=location.strip(),
        at=at,
        note=note.strip(),
        actor=actor,
    )
    if photo is not None:
        row.photo = photo
    row.full_clean(exclude=["sample", "actor"])
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.SAMPLE_CUSTODY,
        target=sample,
        after={"custody": row.pk, "action": action, "holder": row.holder, "at": at.isoformat()},
    )
    return row


# ---------------------------------------------------------------- test reports and review (R4)


# One row of test results, as the page, the API and the import all read it: the column, whether it
# is required, and its longest value (the model's max_length; a longer value is refused, never cut).
ITEM_COLUMNS: tuple[tuple[str, bool, int], ...] = (
    ("name", True, 80),
    ("clause", False, 30),
    ("requirement", False, 200),
    ("measured", True, 80),
    ("unit", False, 20),
    ("verdict", True, 0),
)
MAX_ITEM_SEQ = 32767


# A problem with a value: the message's catalogue id and its parameters, so that a record that keeps it
# (an import's errors) can show it later in its reader's language.
Problem = tuple[str, dict[str, Any]]
ITEM_REQUIRED = {
    "name": gettext_noop("请填写检验项目名称。"),
    "measured": gettext_noop("请填写实测值。"),
    "verdict": gettext_noop("请选择单项判定。"),
}
MSG_SEQ = gettext_noop("序号应为1至%(max)d之间的整数。")
MSG_TOO_LONG = gettext_noop("超过%(n)d个字符。")
MSG_VERDICT_WORD = gettext_noop("单项判定应为“合格”“不合格”或“不适用”。")


def message(problem: Problem) -> str:
    """A problem as a sentence in the active language."""
    msgid, params = problem
    return _(msgid) % params if params else _(msgid)


def item_problems(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Problem]]:
    """One item row: its clean values and, per bad column, the problem (R4, 第十四条). `clean_item`
    words them; the bulk import keeps them to word them in each reader's language."""
    problems: dict[str, Problem] = {}
    row: dict[str, Any] = {}
    seq_text = str(raw.get("seq") if raw.get("seq") is not None else "").strip()
    try:
        seq = int(seq_text)
        if not 1 <= seq <= MAX_ITEM_SEQ:
            raise ValueError
        row["seq"] = seq
    except ValueError:
        problems["seq"] = (MSG_SEQ, {"max": MAX_ITEM_SEQ})
    for column, required, max_length in ITEM_COLUMNS:
        value = str(raw.get(column) or "").strip()
        if required and not value:
            problems[column] = (ITEM_REQUIRED[column], {})
        elif max_length and len(value) > max_length:
            problems[column] = (MSG_TOO_LONG, {"n": max_length})
        row[column] = value
    if row["verdict"]:
        verdict = ITEM_VERDICT_WORDS.get(row["verdict"])
        if verdict is None:
            problems["verdict"] = (MSG_VERDICT_WORD, {})
        row["verdict"] = verdict
    return row, problems


def clean_item(raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """One item row: its clean values and the reason for each bad column (R4, 第十四条).

    The one row validator of the page, the API and the bulk import: the same row is refused
    for the same reason whichever way it arrives.
    """
    row, problems = item_problems(raw)
    return row, {column: message(problem) for column, problem in problems.items()}


def clean_item_rows(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The clean rows of a report, numbered as sent (a row without a number takes its position);
    every bad cell raises, located by row and column (`portal.errors.located`)."""
    rows: list[dict[str, Any]] = []
    problems: list[ValidationError] = []
    first_of: dict[int, int] = {}
    for index, raw in enumerate(items, start=1):
        raw = {**raw, "seq": raw.get("seq") or index}
        row, errors = clean_item(raw)
        for column, message in errors.items():
            problems.append(located(_("第%(n)d项：%(message)s") % {"n": index, "message": message}, index, column))
        seq = row.get("seq")
        if seq is not None:
            if seq in first_of:
                problems.append(
                    located(
                        _("第%(n)d项：序号%(seq)d与第%(first)d项重复。")
                        % {"n": index, "seq": seq, "first": first_of[seq]},
                        index,
                        "seq",
                    )
                )
            first_of.setdefault(seq, index)
        rows.append(row)
    if problems:
        raise ValidationError({"items": problems})
    return rows


def tested_on_problem(tested_on: dt.date, *, sampled_on: dt.date, today: dt.date) -> Problem | None:
    """Why a test completion date cannot be (the page, the API and the import ask the same)."""
    if tested_on > today:
        return (gettext_noop("检验完成日期不能晚于今天。"), {})
    if tested_on < sampled_on:
        return (gettext_noop("检验完成日期不能早于抽样日期（%(day)s）。"), {"day": sampled_on.isoformat()})
    return None


def tested_on_error(tested_on: dt.date, *, sampled_on: dt.date, today: dt.date) -> str | None:
    problem = tested_on_problem(tested_on, sampled_on=sampled_on, today=today)
    return message(problem) if problem else None


# R4: a report's items are entered and corrected only before submission or after it was returned.
EDITABLE_REPORT_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)


def _editable(report: TestReport) -> None:
    if report.status not in EDITABLE_REPORT_STATUSES:
        raise ValidationError(
            {"__all__": _("报告状态为“%(s)s”，只有草稿或已退回的报告可以修改。") % {"s": report.get_status_display()}}
        )


@transaction.atomic(durable=True)
def report_save_items(
    *,
    actor: User,
    report: TestReport,
    items: Iterable[dict[str, Any]],
    report_no: str = "",
    tested_on: dt.date | None = None,
    attachment: Any = None,
) -> TestReport:
    # 国发〔1999〕24号 第十四条 (R4): the verdict follows from the items against the standard's clauses.
    _require_role(actor, SAMPLERS, _("只有抽样/检验人员可以填写检验结果。"))
    report = TestReport.objects.select_for_update().select_related("sample").get(pk=report.pk)
    _require_region(actor, report.sample.region_id)
    _editable(report)
    errors: dict[str, Any] = {}
    rows: list[dict[str, Any]] = []
    try:
        rows = clean_item_rows(items)
    except ValidationError as exc:
        errors["items"] = exc.error_dict["items"]
    else:
        if not rows:
            errors["items"] = _("请至少填写一个检验项目。")
    if report_no and len(report_no.strip()) > REPORT_NO_MAX_LENGTH:
        errors["report_no"] = _("超过%(n)d个字符。") % {"n": REPORT_NO_MAX_LENGTH}
    if tested_on is not None:
        problem = tested_on_error(tested_on, sampled_on=report.sample.sampled_on, today=timezone.localdate())
        if problem:
            errors["tested_on"] = problem
    if attachment is not None:
        try:
            _check_file(attachment, field="attachment", kinds=PDF_KINDS, label="PDF")
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    before = {**snapshot(report), "items": list(report.items.values("seq", "name", "verdict"))}
    report.items.all().delete()
    ItemResult.objects.bulk_create([ItemResult(report=report, **row) for row in rows])
    report.verdict = derive_report_verdict(r["verdict"] for r in rows)
    if report_no:
        report.report_no = report_no.strip()
    if tested_on is not None:
        report.tested_on = tested_on
    if attachment is not None:
        report.attachment = attachment
    report.save()
    audit_record(
        actor=actor,
        action=AuditAction.RECORD_CHANGED,
        target=report,
        before=before,
        after={**snapshot(report), "items": [{k: r[k] for k in ("seq", "name", "verdict")} for r in rows]},
        clause=CLAUSE_CATALOGUE,
    )
    return report


@transaction.atomic(durable=True)
def report_submit(*, actor: User, report: TestReport) -> TestReport:
    # 国发〔1999〕24号 第十四条 (R4): the tester submits the report for review by another person.
    _require_role(actor, SAMPLERS, _("只有抽样/检验人员可以提交检验报告。"))
    report = (
        TestReport.objects.select_for_update(of=("self",))
        .select_related("sample__task__category", "institution")
        .get(pk=report.pk)
    )
    _require_region(actor, report.sample.region_id)
    _editable(report)
    if not report.items.exists():
        raise ValidationError({"items": _("报告没有检验项目，不能提交。")})
    _institution_relied_on(report.institution, report.sample.task.category, [report.tested_on or timezone.localdate()])
    before = snapshot(report)
    report.status = ReportStatus.SUBMITTED
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    report.return_reason = ""
    report.save()
    audit_record(
        actor=actor,
        action=AuditAction.REPORT_SUBMITTED,
        target=report,
        before=before,
        after=snapshot(report),
    )
    return report


def _submitted_for_review(actor: User, report: TestReport) -> TestReport:
    _require_role(actor, REVIEWERS, _("只有审核人员可以审核检验报告。"))
    report = (
        TestReport.objects.select_for_update(of=("self",))
        .select_related("sample__task__enterprise", "sample__task__category", "institution")
        .get(pk=report.pk)
    )
    _require_region(actor, report.sample.region_id)
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError(
            {"__all__": _("报告状态为“%(s)s”，只有待审核的报告可以审核。") % {"s": report.get_status_display()}}
        )
    if report.submitted_by_id == actor.pk:
        raise PermissionDenied(_("提交人不能审核自己提交的报告。"))
    return report


def _record_review(report: TestReport, *, actor: User, status: str, action: AuditAction, reason: str = "") -> None:
    """The reviewer's decision on a locked, submitted report, with its audit row (R4, 第十四条)."""
    before = snapshot(report)
    report.status = status
    if status == ReportStatus.RETURNED:
        report.return_reason = reason
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.save()
    audit_record(
        actor=actor,
        action=action,
        target=report,
        before=before,
        after=snapshot(report),
        clause=CLAUSE_CATALOGUE,
        reason=reason,
    )


@translation.override(settings.LANGUAGE_CODE)  # the notice served on the enterprise is always in Chinese
def notice_body(*, sample: Sample, verdict: str, failed_items: list[str], notified_on: dt.date) -> str:
    task = sample.task
    lines = [
        _("%(ent)s：") % {"ent": task.enterprise.name},
        _(
            "%(plan)s中，于%(day)s对贵单位的“%(product)s”（%(model)s，批号/生产日期：%(batch)s）进行了抽样，样品编号%(code)s。"
        )
        % {
            "plan": task.plan.title,
            "day": sample.sampled_on,
            "product": sample.product_name,
            "model": sample.model_spec or "—",
            "batch": sample.batch or "—",
            "code": sample.code,
        },
        _("经%(inst)s检验，检验结论为：%(verdict)s。")
        % {"inst": task.institution.name, "verdict": Verdict(verdict).label},
    ]
    if failed_items:
        lines.append(_("不合格项目：%(items)s。") % {"items": "、".join(failed_items)})
    lines.append(
        _(
            "如对检验结果有异议，可自收到本通知之日起%(days)d日内（截至%(deadline)s）书面提出复检申请；逾期未提出的，视为承认检验结果。"
        )
        % {"days": settings.OBJECTION_DAYS, "deadline": objection_deadline(notified_on)}
    )
    return "\n".join(str(x) for x in lines)


@transaction.atomic(durable=True)
def report_approve(*, actor: User, report: TestReport, today: dt.date | None = None) -> TestReport:
    # 国发〔1999〕24号 第十四条 (R4): a reviewer other than the submitter approves, the enterprise is
    # notified, and the notice day opens the objection window.
    today = _today(today)
    report = _submitted_for_review(actor, report)
    if not report.verdict:
        raise ValidationError({"items": _("报告没有检验结论，不能审核通过。")})
    # a report from an institution suspended or cancelled since (or when it tested) is not approved
    _institution_relied_on(report.institution, report.sample.task.category, [report.tested_on or today, today])
    _record_review(report, actor=actor, status=ReportStatus.APPROVED, action=AuditAction.REPORT_APPROVED)
    sample = report.sample
    failed = list(report.items.filter(verdict=ItemVerdict.FAIL).order_by("seq").values_list("name", flat=True))
    notice = Notice.objects.create(
        sample=sample,
        enterprise=sample.task.enterprise,
        notified_on=today,
        body=notice_body(sample=sample, verdict=report.verdict, failed_items=failed, notified_on=today),
    )
    audit_record(
        actor=actor,
        action=AuditAction.ENTERPRISE_NOTIFIED,
        target=sample,
        after={
            "notice": notice.pk,
            "notified_on": today.isoformat(),
            "verdict": report.verdict,
            "failed_items": failed,
            "objection_deadline": objection_deadline(today).isoformat(),
        },
    )
    return report


@transaction.atomic(durable=True)
def report_return(*, actor: User, report: TestReport, reason: str) -> TestReport:
    # 国发〔1999〕24号 第十四条 (R4): a reviewer returns a report with the reason, for correction and resubmission.
    report = _submitted_for_review(actor, report)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退回理由。")})
    _record_review(
        report, actor=actor, status=ReportStatus.RETURNED, action=AuditAction.REPORT_RETURNED, reason=reason.strip()
    )
    return report


# ---------------------------------------------------------------- objections and re-inspection (R4)


def latest_notice(sample: Sample) -> Notice | None:
    return Notice.objects.filter(sample=sample).order_by("-notified_on", "-id").first()


def backup_sample_missing(sample: Sample) -> bool:
    """R4: a re-inspection tests the retained (backup) sample, kept sealed; without one there is none."""
    return not sample.quantity_retained or not sample.sealed


@transaction.atomic(durable=True)
def objection_file(
    *,
    actor: User,
    sample: Sample,
    reason: str,
    filed_on: dt.date,
    receipt_no: str = "",
    today: dt.date | None = None,
) -> Objection:
    # 国发〔1999〕24号 第十四条 (R4 异议): within OBJECTION_DAYS days of the notice, while the verdict
    # is not final. An objection is recorded on the day it arrives; a paper objection received
    # earlier is recorded later only by an administrator, with its receipt (audited).
    today = _today(today)
    paper = bool((receipt_no or "").strip())
    _require_role(
        actor,
        (*REVIEWERS, *ADMINISTRATORS) if paper else REVIEWERS,
        _("只有审核人员可以登记异议（纸质异议由管理员凭收件回执登记）。"),
    )
    # Lock the sample so two clerks cannot both open an objection on it.
    sample = Sample.objects.select_for_update().get(pk=sample.pk)
    _require_region(actor, sample.region_id)
    errors: dict[str, str] = {}
    if not (reason or "").strip():
        errors["reason"] = _("请填写异议理由。")
    if sample.refused:
        raise ValidationError({"sample": _("拒检按不合格论处，没有检验结果，不适用异议复检（第十五条）。")})
    notice = latest_notice(sample)
    report = getattr(sample, "report", None)
    if notice is None or report is None or report.status != ReportStatus.APPROVED:
        raise ValidationError({"sample": _("检验结果尚未审核并通知企业，不能提出异议。")})
    if Reinspection.objects.filter(objection__sample=sample).exists():
        raise ValidationError({"sample": _("该样品已复检，复检结论为最终结论，不能再次提出异议。")})
    if Objection.objects.filter(sample=sample, status=ObjectionStatus.OPEN).exists():
        raise ValidationError({"sample": _("该样品已有正在处理的异议。")})
    if backup_sample_missing(sample):
        raise ValidationError(
            {
                "sample": _(
                    "该样品未留存封存的备样（备样数量%(n)s，封样：%(sealed)s），无法复检，异议不予受理；"
                    "请将此理由告知企业。"
                )
                % {"n": sample.quantity_retained or 0, "sealed": _("是") if sample.sealed else _("否")}
            }
        )
    deadline = objection_deadline(notice.notified_on)
    if filed_on is None:
        errors["filed_on"] = _("请填写提出日期。")
    elif filed_on > today:
        errors["filed_on"] = _("提出日期不能晚于今天。")
    elif filed_on < notice.notified_on:
        errors["filed_on"] = _("提出日期不能早于通知送达日期（%(day)s）。") % {"day": notice.notified_on}
    elif filed_on > deadline:
        errors["filed_on"] = _(
            "异议期限已过：结果于%(notified)s通知，应在%(days)d日内（截至%(deadline)s）提出，"
            "%(filed)s提出的异议不予受理。"
        ) % {"notified": notice.notified_on, "days": settings.OBJECTION_DAYS, "deadline": deadline, "filed": filed_on}
    elif filed_on < today and not (paper and actor.has_role(*ADMINISTRATORS)):
        errors["filed_on"] = _("异议在登记当日提出（%(today)s）；此前收到的纸质异议由管理员凭收件回执编号登记。") % {
            "today": today
        }
    if "filed_on" not in errors and final_samples(as_of=today).filter(pk=sample.pk).exists():
        # the window has passed with no objection: the verdict is final (and may be published); a
        # filing date inside the window does not reopen it
        raise ValidationError({"sample": _("该样品的检验结论已于异议期满后生效（可能已公告），不能再提出异议。")})
    if errors:
        raise ValidationError(errors)
    objection = Objection.objects.create(
        sample=sample, filed_on=filed_on, reason=reason.strip(), recorded_by=actor, receipt_no=receipt_no.strip()
    )
    audit_record(
        actor=actor,
        action=AuditAction.OBJECTION_FILED,
        target=sample,
        after={**snapshot(objection), "deadline": deadline.isoformat(), "paper": paper},
        reason=reason.strip(),
    )
    return objection


@transaction.atomic(durable=True)
def objection_withdraw(*, actor: User, objection: Objection, reason: str) -> Objection:
    # 国发〔1999〕24号 第十四条 (R4): the applicant withdraws; the first verdict stands once the window has passed.
    _require_role(actor, REVIEWERS, _("只有审核人员可以登记撤回异议。"))
    objection = Objection.objects.select_for_update().select_related("sample").get(pk=objection.pk)
    _require_region(actor, objection.sample.region_id)
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError({"__all__": _("只有处理中的异议可以撤回。")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写撤回理由。")})
    before = snapshot(objection)
    objection.status = ObjectionStatus.WITHDRAWN
    objection.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.OBJECTION_WITHDRAWN,
        target=objection.sample,
        before=before,
        after=snapshot(objection),
        reason=reason.strip(),
    )
    return objection


@transaction.atomic(durable=True)
def reinspection_record(
    *,
    actor: User,
    objection: Objection,
    institution: Institution,
    decided_on: dt.date,
    verdict: str,
    failed_items: str = "",
    report_no: str = "",
    fee: Decimal | int | str = 0,
    seal_photo: Any = None,
) -> Reinspection:
    # 国发〔1999〕24号 第十四条 (R4 复检): the retained sample is re-tested after its seals are checked;
    # the result replaces the first verdict and is final. Fee: the applicant bears it only if the
    # re-inspection confirms the first result.
    _require_role(actor, REVIEWERS, _("只有审核人员可以记录复检结果。"))
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("sample__task__category", "sample__task__enterprise", "sample__report__institution")
        .get(pk=objection.pk)
    )
    sample = objection.sample
    _require_region(actor, sample.region_id)
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError({"__all__": _("只有处理中的异议可以记录复检结果。")})
    if backup_sample_missing(sample):
        raise ValidationError({"__all__": _("该样品未留存封存的备样，无法复检；请告知企业异议因无备样不能复检。")})
    errors: dict[str, str] = {}
    if institution.pk == sample.report.institution_id:
        errors["institution"] = _("复检应由原检验机构以外的机构承担，请另选复检机构。")
    if verdict not in (Verdict.PASS, Verdict.FAIL):
        errors["verdict"] = _("复检结论应为“合格”或“不合格”。")
    if verdict == Verdict.FAIL and not (failed_items or "").strip():
        errors["failed_items"] = _("复检不合格须列明不合格项目。")
    elif verdict == Verdict.PASS and (failed_items or "").strip():
        errors["failed_items"] = _("复检结论为合格时不应填写不合格项目；如有不合格项目，结论应为不合格。")
    if decided_on is None:
        errors["decided_on"] = _("请填写复检日期。")
    elif decided_on < objection.filed_on:
        errors["decided_on"] = _("复检日期不能早于异议提出日期（%(day)s）。") % {"day": objection.filed_on}
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("复检日期不能晚于今天。")
    else:
        scope_error = institution_scope_error(institution, sample.task.category, decided_on)
        if scope_error:
            errors["institution"] = scope_error
    try:
        fee_value = Decimal(str(fee or 0))
        if fee_value < 0:
            raise ValueError
    except (ArithmeticError, ValueError):
        errors["fee"] = _("复检费用应为不小于0的金额。")
        fee_value = Decimal("0")
    seal_checked = SampleCustody.objects.filter(sample=sample, action=CustodyAction.SEAL_CHECKED).exclude(photo="")
    if seal_photo is not None:
        try:
            _check_file(seal_photo, field="seal_photo", kinds=IMAGE_KINDS, label="JPEG/PNG")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    elif not seal_checked.exists():
        errors["seal_photo"] = _("复检前须查验备样封样并拍照，请上传封样照片。")
    if errors:
        raise ValidationError(errors)
    first_verdict = sample.report.verdict
    if seal_photo is not None:
        custody = SampleCustody(
            sample=sample,
            action=CustodyAction.SEAL_CHECKED,
            holder=institution.name,
            location=institution.name,
            at=_at_day(decided_on) - dt.timedelta(minutes=1),
            time_known=False,  # the re-inspection gives its day only
            note=NOTE_SEAL_CHECKED,
            actor=actor,
        )
        custody.photo = seal_photo
        custody.save()
        audit_record(
            actor=actor,
            action=AuditAction.SAMPLE_CUSTODY,
            target=sample,
            after={"custody": custody.pk, "action": CustodyAction.SEAL_CHECKED, "holder": custody.holder},
            clause=CLAUSE_OBJECTION,
        )
    confirmed = verdict == first_verdict
    reinspection = Reinspection(
        objection=objection,
        institution=institution,
        decided_on=decided_on,
        verdict=verdict,
        failed_items=(failed_items or "").strip() if verdict == Verdict.FAIL else "",
        report_no=(report_no or "").strip(),
        fee=fee_value,
        # R4: the applicant bears the fee only if the re-inspection confirms the first result
        fee_payer=FeePayer.APPLICANT if confirmed else FeePayer.ORIGINAL_INSTITUTION,
        fee_payer_name=sample.task.enterprise.name if confirmed else sample.report.institution.name,
        recorded_by=actor,
    )
    if seal_photo is not None:
        reinspection.seal_photo = seal_photo
    reinspection.full_clean(exclude=["objection", "institution", "recorded_by"], validate_unique=False)
    reinspection.save()
    before = snapshot(objection)
    objection.status = ObjectionStatus.DECIDED
    objection.save(update_fields=["status"])
    payer = (
        {"kind": "applicant", "enterprise_id": sample.task.enterprise_id, "name": sample.task.enterprise.name}
        if confirmed
        else {
            "kind": "original_institution",
            "institution_id": sample.report.institution_id,
            "name": sample.report.institution.name,
        }
    )
    audit_record(
        actor=actor,
        action=AuditAction.REINSPECTION_RECORDED,
        target=sample,
        before={**before, "verdict": first_verdict},
        after={
            **snapshot(reinspection, exclude=("seal_photo",)),
            "objection_status": objection.status,
            "confirms_first_result": confirmed,
            "fee": str(fee_value),
            "fee_borne_by": payer,
            "failed_items_list": sample_failed_items(sample),
        },
    )
    for replaced in VERDICT_REPLACED:
        # a verdict already published (it cannot be, once objections close at finality; but if it
        # ever is) gets its correction notice in this same transaction
        replaced(actor=actor, sample=sample, reinspection=reinspection)
    return reinspection


# Called when a re-inspection replaces a sample's verdict: registered at start-up by the layers that
# hold a copy of the verdict (publication), so this one never imports them.
VERDICT_REPLACED: list[Callable[..., Any]] = []


def on_verdict_replaced(callback: Callable[..., Any]) -> None:
    if callback not in VERDICT_REPLACED:
        VERDICT_REPLACED.append(callback)


# Asked before a task is created: (product, producer, category, day) -> why the product may not be
# checked, or None. Registered at start-up by the layers above (exemptions, 第十六条), so this one
# never imports them.
TASK_BLOCKERS: list[Callable[..., str | None]] = []


def register_task_blocker(blocker: Callable[..., str | None]) -> None:
    if blocker not in TASK_BLOCKERS:
        TASK_BLOCKERS.append(blocker)
