"""Staff pages of the spot checks (issue 4): thin views that parse input, call one service, and render.

Every queryset passes through `scope_to_region` (another region's record is a 404); every write checks a
role here and again in its service (a 403). Rules live in supervision/spotchecks/services.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.access import scope_to_region
from portal.errors import location_of
from portal.forms import attach_service_errors
from portal.models import User
from portal.permissions import ADMINISTRATORS, CUSTODIANS, PLANNERS, REVIEWERS, SAMPLERS
from portal.typing import AuthedHttpRequest
from supervision.registry.models import CatalogueItem, Institution
from supervision.spotchecks import imports, selectors, services
from supervision.spotchecks.filters import ReportFilter, SampleFilter, TaskFilter
from supervision.spotchecks.forms import (
    CustodyForm,
    ImportForm,
    ItemFormSet,
    ObjectionForm,
    PlanForm,
    ReexaminationForm,
    RefusalForm,
    ReinspectionForm,
    ReportHeaderForm,
    ReturnForm,
    SampleForm,
    TaskForm,
    WithdrawForm,
)
from supervision.spotchecks.models import (
    ImportBatch,
    ImportStatus,
    ItemVerdict,
    Objection,
    ObjectionStatus,
    Plan,
    PlanLevel,
    ReportStatus,
    Sample,
    Task,
    TestReport,
)
from supervision.spotchecks.requirements import Suggestion, suggest_verdict
from supervision.spotchecks.selectors import objection_deadline, sample_failed_items, sample_verdict

if TYPE_CHECKING:
    from supervision.spotchecks.selectors import PlanningCategory

T = TypeVar("T")

PAGE_SIZE = 25


def require_role(user: User, *roles: str) -> None:
    if not user.has_role(*roles):
        raise PermissionDenied(_("您没有执行此操作的权限。"))


def _act(form: BaseForm, act: Callable[[], T]) -> T | None:
    """Run one service act; its refusal (a ValidationError) goes beside the form's fields and gives None."""
    try:
        return act()
    except ValidationError as exc:
        attach_service_errors(form, exc)
        return None


def paginate(request: HttpRequest, qs: QuerySet[Any] | list[Any], per_page: int = PAGE_SIZE) -> tuple[Page[Any], str]:
    """A page of the list plus the query string (without `page`) that keeps filters and sorting."""
    page = Paginator(qs, per_page).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def filters_set(request: HttpRequest, filterset: Any) -> bool:
    """Whether any filter of the list is set (its folded filter control then opens)."""
    return any(request.GET.get(name) for name in filterset.form.fields)


def _tasks(user: User) -> QuerySet[Task]:
    return scope_to_region(Task.objects.all(), user).select_related(
        "plan", "enterprise", "category", "institution", "product", "sample"
    )


def _samples(user: User) -> QuerySet[Sample]:
    return scope_to_region(Sample.objects.all(), user).select_related(
        "task__enterprise", "task__category", "task__plan", "task__institution", "region"
    )


def _sample(user: User, code: str) -> Sample:
    return get_object_or_404(_samples(user), code=code)


def _report(sample: Sample) -> TestReport | None:
    try:
        return sample.report
    except TestReport.DoesNotExist:
        return None


# ---------------------------------------------------------------- plans (R1)


@login_required
def plan_list(request: AuthedHttpRequest) -> HttpResponse:
    plans = scope_to_region(Plan.objects.all(), request.user).select_related("authority").prefetch_related("categories")
    page, query = paginate(request, plans)
    return render(
        request,
        "spotchecks/plan_list.html",
        {"page": page, "query": query, "can_create": request.user.has_role(*PLANNERS)},
    )


def _planning_categories(user: User, year: int) -> list[PlanningCategory]:
    """Catalogue categories, focus first, each labelled with how often it was checked (第十四条)."""
    categories = list(selectors.planning_categories(user=user, year=year))
    for c in categories:
        flags = [
            str(label)
            for flag, label in (
                ("health_safety", _("健康安全")),
                ("livelihood", _("国计民生")),
                ("complaint_focus", _("消费者反映强烈")),
            )
            if getattr(c, flag)
        ]
        focus = _("【重点：%(flags)s】") % {"flags": "·".join(flags)} if flags else ""
        # choice_label is read by PlanForm
        c.choice_label = _("%(focus)s%(name)s（近三年抽查 %(recent)s 次，本年 %(year)s 次）") % {  # type: ignore[attr-defined]
            "focus": focus,
            "name": c.name,
            "recent": c.checks_recent,
            "year": c.checks_year,
        }
    return categories


@login_required
def plan_create(request: AuthedHttpRequest) -> HttpResponse:
    require_role(request.user, *PLANNERS)
    authority = getattr(request.user.region, "authority", None) if request.user.region else None
    raw_year = request.POST.get("year") or request.GET.get("year") or ""
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else timezone.localdate().year
    categories = _planning_categories(request.user, year)
    default_level = {"province": PlanLevel.PROVINCIAL, "city": PlanLevel.CITY, "county": PlanLevel.COUNTY}
    initial = {"year": year, "level": default_level.get(getattr(request.user.region, "level", ""), PlanLevel.CITY)}
    form = PlanForm(request.POST or None, category_order=categories, initial=initial)
    if request.method == "POST" and form.is_valid():
        if authority is None:
            form.add_error(None, _("您的账户未关联质量技术监督部门，不能制定计划。"))
            return render(request, "spotchecks/plan_form.html", {"form": form, "authority": authority}, status=400)
        plan = _act(form, lambda: services.plan_create(actor=request.user, authority=authority, **form.cleaned_data))
        if plan is not None:
            messages.success(request, _("抽查计划“%(title)s”已制定。") % {"title": plan.title})
            return redirect("supervision:plan-list")
    return render(request, "spotchecks/plan_form.html", {"form": form, "authority": authority})


# ---------------------------------------------------------------- tasks (R1, R11)


def _task_list(
    request: AuthedHttpRequest, qs: QuerySet[Task], *, mine: bool, extra: dict[str, Any] | None = None
) -> HttpResponse:
    filterset = TaskFilter(request.GET or None, queryset=qs)
    page, query = paginate(request, filterset.qs)
    return render(
        request,
        "spotchecks/task_list.html",
        {
            "filter": filterset,
            "filters_set": filters_set(request, filterset),
            "page": page,
            "query": query,
            "mine": mine,
            "can_create": request.user.has_role(*PLANNERS),
            "can_sample": request.user.has_role(*SAMPLERS),
            **(extra or {}),
        },
    )


@login_required
def task_list(request: AuthedHttpRequest) -> HttpResponse:
    return _task_list(request, _tasks(request.user), mine=False)


@login_required
def my_tasks(request: AuthedHttpRequest) -> HttpResponse:
    """The tasks the user samples: those still to sample (what the dashboard counts), or all of them."""
    show_all = request.GET.get("show") == "all"
    qs = selectors.tasks_for(request.user, pending_only=not show_all).select_related("sample")
    params = request.GET.copy()
    for key in ("show", "page"):
        params.pop(key, None)
    keep = params.urlencode()
    return _task_list(
        request,
        qs,
        mine=True,
        extra={
            "show_all": show_all,
            "open_count": selectors.tasks_for(request.user).count(),
            "all_count": selectors.tasks_for(request.user, pending_only=False).count(),
            "open_query": keep,
            "all_query": f"{keep}&show=all" if keep else "show=all",
        },
    )


@login_required
def task_create(request: AuthedHttpRequest) -> HttpResponse:
    require_role(request.user, *PLANNERS)
    plans = scope_to_region(Plan.objects.all(), request.user)
    initial = {"plan": request.GET.get("plan")}
    form = TaskForm(request.POST or None, user=request.user, plans=plans, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["field"] = data.get("field") or None
        task = _act(form, lambda: services.task_create(actor=request.user, **data))
        if task is not None:
            messages.success(request, _("抽查任务已下达：%(task)s。") % {"task": task})
            return redirect("supervision:task-list")
    return render(request, "spotchecks/task_form.html", {"form": form})


# ---------------------------------------------------------------- sampling (R2, R3)


def _open_task(user: User, task_id: int) -> Task:
    task = get_object_or_404(_tasks(user), pk=task_id)
    if Sample.objects.filter(task=task).exists():
        raise PermissionDenied(_("该任务已填写抽样单。"))
    return task


@login_required
def sample_record(request: AuthedHttpRequest, task_id: int) -> HttpResponse:
    task = get_object_or_404(_tasks(request.user), pk=task_id)
    existing = Sample.objects.filter(task=task).first()
    if existing is not None:
        return redirect("supervision:sample-detail", code=existing.code)
    require_role(request.user, *SAMPLERS)
    product = task.product
    initial: dict[str, Any] = {
        "samplers": list(task.samplers.values_list("pk", flat=True)),
        "sampled_on": timezone.localdate(),
        "place_url": task.shop_url,
    }
    if product is not None:
        initial.update(product_name=product.name, trademark=product.trademark, model_spec=product.model_spec)
    form = SampleForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        sample = _act(
            form,
            lambda: services.sample_record(
                actor=request.user,
                task=task,
                samplers=list(form.cleaned_data["samplers"]),
                sampled_on=form.cleaned_data["sampled_on"],
                **form.service_fields(),
            ),
        )
        if sample is not None:
            messages.success(request, _("抽样单已保存，样品编号 %(code)s。") % {"code": sample.code})
            return redirect("supervision:sample-detail", code=sample.code)
    return render(request, "spotchecks/sample_form.html", {"form": form, "task": task})


@login_required
def sample_refusal(request: AuthedHttpRequest, task_id: int) -> HttpResponse:
    require_role(request.user, *SAMPLERS)
    task = _open_task(request.user, task_id)
    initial = {"samplers": list(task.samplers.values_list("pk", flat=True)), "sampled_on": timezone.localdate()}
    form = RefusalForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        samplers, sampled_on = list(data.pop("samplers")), data.pop("sampled_on")
        sample = _act(
            form,
            lambda: services.sample_record_refusal(
                actor=request.user, task=task, samplers=samplers, sampled_on=sampled_on, **data
            ),
        )
        if sample is not None:
            messages.warning(
                request,
                _("已记录拒检：按不合格论处（第十五条），并已下达强制监督抽查任务，费用由企业承担。"),
            )
            return redirect("supervision:sample-detail", code=sample.code)
    return render(request, "spotchecks/refusal_form.html", {"form": form, "task": task})


def _qr_svg(request: HttpRequest, sample: Sample, scale: int = 3) -> str:
    url = request.build_absolute_uri(reverse("supervision:sample-detail", args=[sample.code]))
    qr = segno.make(f"{sample.code}\n{url}", error="m")
    return qr.svg_inline(
        scale=scale, title=_("样品 %(code)s 的二维码") % {"code": sample.code}, svgclass="qr", omitsize=True
    )


def suggestion_text(suggestion: Suggestion) -> str:
    return _("按标准要求推算：%(verdict)s（实测 %(measured)s，要求 %(requirement)s）") % {
        "verdict": ItemVerdict(suggestion.verdict).label,
        "measured": suggestion.describe_measured(),
        "requirement": suggestion.requirement.describe(),
    }


def _with_suggestions(items: list[Any]) -> list[Any]:
    """Each item with the verdict its numeric requirement suggests, and whether the verdict given differs."""
    for item in items:
        suggestion = suggest_verdict(item.requirement, item.measured, item.unit)
        item.suggestion_text = suggestion_text(suggestion) if suggestion else ""
        item.differs = (
            suggestion is not None and item.verdict != ItemVerdict.NOT_APPLICABLE and suggestion.verdict != item.verdict
        )
    return items


def _sample_context(request: AuthedHttpRequest, sample: Sample) -> dict[str, Any]:
    today = timezone.localdate()
    report = _report(sample)
    notice = sample.notices.order_by("-notified_on", "-id").first()
    deadline = objection_deadline(notice.notified_on) if notice else None
    objections = list(sample.objections.select_related("reinspection__institution").order_by("filed_on", "id"))
    open_objection = next((o for o in objections if o.status == ObjectionStatus.OPEN), None)
    is_final = selectors.final_results(request.user, today).filter(pk=sample.pk).exists()
    user = request.user
    return {
        "sample": sample,
        "task": sample.task,
        "report": report,
        "items": _with_suggestions(list(report.items.all())) if report else [],
        "verdict": sample_verdict(sample),
        "failed_items": sample_failed_items(sample),
        "notice": notice,
        "deadline": deadline,
        "window_open": deadline is not None and today <= deadline,
        "objections": objections,
        "open_objection": open_objection,
        "is_final": is_final,
        "timeline": selectors.sample_timeline(sample),
        "custody": sample.custody.select_related("actor").all(),
        "samplers": sample.samplers.all(),
        "compulsory_tasks": sample.compulsory_tasks.select_related("enterprise", "cost_payer"),
        "qr_svg": _qr_svg(request, sample),
        "custody_form": CustodyForm(initial={"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")}),
        "can_enter": user.has_role(*SAMPLERS)
        and not sample.refused
        and (report is None or report.status in services.EDITABLE_REPORT_STATUSES),
        "can_review": user.has_role(*REVIEWERS) and report is not None and report.status == ReportStatus.SUBMITTED,
        "can_object": user.has_role(*REVIEWERS)
        and notice is not None
        and not any(o.status != ObjectionStatus.WITHDRAWN for o in objections),
        "can_custody": user.has_role(*CUSTODIANS),
        "can_decide_objection": open_objection is not None and user.has_role(*REVIEWERS),
        "today": today,
    }


@login_required
def sample_detail(request: AuthedHttpRequest, code: str) -> HttpResponse:
    sample = _sample(request.user, code)
    return render(request, "spotchecks/sample_detail.html", _sample_context(request, sample))


@login_required
@require_GET
def report_pdf(request: AuthedHttpRequest, code: str) -> FileResponse:
    """The laboratory's signed report of a sample of the user's region (another region's: not found)."""
    report = _report(_sample(request.user, code))
    if report is None or not report.attachment:
        raise Http404(_("该样品没有上传签章报告。"))
    return FileResponse(
        report.attachment.open("rb"), content_type="application/pdf", filename=f"{code}.pdf", as_attachment=False
    )


@login_required
def sample_label(request: AuthedHttpRequest, code: str) -> HttpResponse:
    sample = _sample(request.user, code)
    return render(request, "spotchecks/sample_label.html", {"sample": sample, "qr_svg": _qr_svg(request, sample, 5)})


@login_required
@require_POST
def custody_add(request: AuthedHttpRequest, code: str) -> HttpResponse:
    require_role(request.user, *CUSTODIANS)
    sample = _sample(request.user, code)
    form = CustodyForm(request.POST, request.FILES)
    if (
        form.is_valid()
        and _act(form, lambda: services.custody_record(actor=request.user, sample=sample, **form.cleaned_data))
        is not None
    ):
        messages.success(request, _("样品流转记录已保存。"))
        return redirect(reverse("supervision:sample-detail", args=[sample.code]) + "#custody")
    context = _sample_context(request, sample)
    context["custody_form"] = form
    return render(request, "spotchecks/sample_detail.html", context, status=400)


# ---------------------------------------------------------------- test report entry and review (R4)


def _catalogue_rows(sample: Sample) -> list[dict[str, str]]:
    items = CatalogueItem.objects.filter(category=sample.task.category).order_by("seq", "id")
    return [
        {
            "name": i.name,
            "clause": i.clause,
            "requirement": i.requirement,
            "unit": i.unit,
            "measured": "",
            "verdict": "",
        }
        for i in items
    ]


@login_required
def report_entry(request: AuthedHttpRequest, code: str) -> HttpResponse:
    require_role(request.user, *SAMPLERS)
    sample = _sample(request.user, code)
    if sample.refused:
        raise PermissionDenied(_("拒检样品按不合格论处，无需录入检验结果。"))
    report = _report(sample)
    if report is None:
        raise PermissionDenied(_("该样品没有检验报告。"))
    if report.status not in services.EDITABLE_REPORT_STATUSES:
        messages.info(request, _("该报告已提交，不能再修改。"))
        return redirect("supervision:sample-detail", code=sample.code)
    saved = list(report.items.order_by("seq").values(*ITEM_KEYS))
    initial_rows = saved or _catalogue_rows(sample)
    header_initial = {"report_no": report.report_no, "tested_on": report.tested_on}
    if request.method == "POST":
        header = ReportHeaderForm(request.POST, request.FILES)
        formset = ItemFormSet(request.POST, prefix="items", initial=initial_rows)
        if header.is_valid() and formset.is_valid():
            submit = request.POST.get("action") == "submit"
            try:
                services.report_save_items(
                    actor=request.user,
                    report=report,
                    items=formset.items(),
                    report_no=header.cleaned_data["report_no"],
                    tested_on=header.cleaned_data["tested_on"],
                    attachment=header.cleaned_data["attachment"] or None,
                )
                if submit:
                    services.report_submit(actor=request.user, report=report)
            except ValidationError as exc:
                _attach_report_errors(header, formset, exc)
            else:
                if submit:
                    messages.success(request, _("检验报告已提交审核。"))
                    return redirect("supervision:sample-detail", code=sample.code)
                messages.success(request, _("已保存。"))
                return redirect("supervision:report-entry", code=sample.code)
    else:
        header = ReportHeaderForm(initial=header_initial)
        formset = ItemFormSet(prefix="items", initial=initial_rows)
    for form in formset:
        values = {name: str(form[name].value() or "") for name in ("requirement", "measured", "unit", "verdict")}
        suggestion = suggest_verdict(values["requirement"], values["measured"], values["unit"])
        form.suggestion_text = suggestion_text(suggestion) if suggestion else ""  # type: ignore[attr-defined]
        form.differs = bool(  # type: ignore[attr-defined]
            suggestion
            and values["verdict"] in (ItemVerdict.PASS, ItemVerdict.FAIL)
            and values["verdict"] != suggestion.verdict
        )
    return render(
        request,
        "spotchecks/report_form.html",
        {"sample": sample, "report": report, "header": header, "formset": formset},
    )


@login_required
@require_GET
def verdict_suggestion(request: AuthedHttpRequest) -> JsonResponse:
    """The verdict a numeric requirement suggests for a measured value, for the entry table as it is typed.
    Only a suggestion: the verdict the inspector picks is the one saved."""
    require_role(request.user, *SAMPLERS)
    suggestion = suggest_verdict(
        request.GET.get("requirement", "")[:200], request.GET.get("measured", "")[:80], request.GET.get("unit", "")[:20]
    )
    if suggestion is None:
        return JsonResponse({"verdict": None, "text": ""})
    return JsonResponse({"verdict": suggestion.verdict, "text": suggestion_text(suggestion)})


ITEM_KEYS = ("name", "clause", "requirement", "measured", "unit", "verdict")


def _attach_report_errors(header: ReportHeaderForm, formset: Any, exc: ValidationError) -> None:
    """Service errors beside their place: header fields beside themselves, a row's error beside the
    cell its location names (row n counting the rows sent), anything else above the table."""
    if not hasattr(exc, "error_dict"):
        header.add_error(None, exc.messages)
        return
    sent = formset.saved_form_indexes()
    for key, errors in exc.error_dict.items():
        if key != "items":
            header.add_error(key if key in header.fields else None, [m for e in errors for m in e.messages])
            continue
        for error in errors:
            location = location_of(error)
            if len(location) == 2 and isinstance(location[0], int) and 1 <= location[0] <= len(sent):
                row, column = location[0], location[1]  # row narrowed to int above
                form = formset.forms[sent[row - 1]]
                form.add_error(column if column in form.fields else None, error.messages)
            else:
                formset._non_form_errors = formset.error_class([*formset.non_form_errors(), *error.messages])


@login_required
def review_list(request: AuthedHttpRequest) -> HttpResponse:
    require_role(request.user, *REVIEWERS)
    filterset = ReportFilter(request.GET or None, queryset=selectors.awaiting_review(request.user))
    page, query = paginate(request, filterset.qs)
    under_review = selectors.institutions_under_review(request.user, as_of=timezone.localdate())
    return render(
        request,
        "spotchecks/review_list.html",
        {
            "filter": filterset,
            "filters_set": filters_set(request, filterset),
            "page": page,
            "query": query,
            "under_review": under_review,
        },
    )


@login_required
def institution_reexamination(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """第十三条: a suspended or cancelled institution's reports since a date, to re-examine."""
    require_role(request.user, *REVIEWERS)
    institution = get_object_or_404(Institution, pk=pk)
    today = timezone.localdate()
    under_review = {
        inst.pk: since for inst, _status, since in selectors.institutions_under_review(request.user, as_of=today)
    }
    form = ReexaminationForm(request.GET or None, initial={"since": under_review.get(institution.pk, today)})
    since = form.cleaned_data["since"] if form.is_valid() else under_review.get(institution.pk, today)
    reports = selectors.reports_to_reexamine(request.user, institution=institution, since=since)
    page, query = paginate(request, reports)
    return render(
        request,
        "spotchecks/institution_reexamination.html",
        {
            "institution": institution,
            "status": institution.status_on(today),
            "form": form,
            "since": since,
            "page": page,
            "query": query,
        },
    )


@login_required
def report_review(request: AuthedHttpRequest, code: str) -> HttpResponse:
    require_role(request.user, *REVIEWERS)
    sample = _sample(request.user, code)
    report = _report(sample)
    if report is None:
        raise PermissionDenied(_("该样品尚无检验报告。"))
    return_form = ReturnForm(request.POST if request.POST.get("action") == "return" else None)
    confirming = False
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve" and request.POST.get("confirm") != "1":
                # Approval serves a notice on the enterprise: show what will be sent, and ask first.
                confirming = True
            elif request.POST.get("action") == "approve":
                services.report_approve(actor=request.user, report=report)
                messages.success(request, _("已审核通过，已通知企业；异议期自通知之日起计算。"))
                return redirect("supervision:sample-detail", code=sample.code)
            if request.POST.get("action") == "return" and return_form.is_valid():
                services.report_return(actor=request.user, report=report, reason=return_form.cleaned_data["reason"])
                messages.success(request, _("已退回检验人员修改。"))
                return redirect("supervision:review-list")
        except ValidationError as exc:
            attach_service_errors(return_form, exc)
    context = _sample_context(request, sample)
    context["return_form"] = return_form
    context["confirming"] = confirming and report.status == ReportStatus.SUBMITTED
    if context["confirming"]:
        today = timezone.localdate()
        failed = [i.name for i in context["items"] if i.verdict == ItemVerdict.FAIL]
        context["notice_preview"] = (
            services.notice_body(sample=sample, verdict=report.verdict, failed_items=failed, notified_on=today)
            if report.verdict
            else ""
        )
        context["preview_deadline"] = objection_deadline(today)
    return render(request, "spotchecks/report_review.html", context, status=400 if return_form.errors else 200)


# ---------------------------------------------------------------- objections and re-inspection (R4)


@login_required
def objection_create(request: AuthedHttpRequest, code: str) -> HttpResponse:
    require_role(request.user, *REVIEWERS, *ADMINISTRATORS)
    sample = _sample(request.user, code)
    form = ObjectionForm(request.POST or None, initial={"filed_on": timezone.localdate()}, user=request.user)
    if (
        request.method == "POST"
        and form.is_valid()
        and _act(form, lambda: services.objection_file(actor=request.user, sample=sample, **form.cleaned_data))
        is not None
    ):
        messages.success(request, _("异议已登记，该样品结论在复检前不作为最终结论。"))
        return redirect("supervision:sample-detail", code=sample.code)
    notice = sample.notices.order_by("-notified_on", "-id").first()
    return render(
        request,
        "spotchecks/objection_form.html",
        {
            "form": form,
            "sample": sample,
            "notice": notice,
            "deadline": objection_deadline(notice.notified_on) if notice else None,
        },
    )


def _objection(user: User, pk: int) -> Objection:
    return get_object_or_404(
        scope_to_region(Objection.objects.select_related("sample__task__enterprise"), user, "sample__region"), pk=pk
    )


@login_required
def objection_withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *REVIEWERS)
    objection = _objection(request.user, pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        if _act(form, lambda: services.objection_withdraw(actor=request.user, objection=objection, reason=reason)):
            messages.success(request, _("企业已撤回异议。"))
            return redirect("supervision:sample-detail", code=objection.sample.code)
    return render(request, "spotchecks/objection_withdraw.html", {"form": form, "objection": objection})


@login_required
def reinspection_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *REVIEWERS)
    objection = _objection(request.user, pk)
    first_lab = getattr(_report(objection.sample), "institution", None)
    form = ReinspectionForm(
        request.POST or None,
        request.FILES or None,
        initial={"decided_on": timezone.localdate()},
        category=objection.sample.task.category,
        first_lab=first_lab,
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _act(
            form, lambda: services.reinspection_record(actor=request.user, objection=objection, **form.cleaned_data)
        )
        is not None
    ):
        messages.success(request, _("复检结论已记录，为最终结论。"))
        return redirect("supervision:sample-detail", code=objection.sample.code)
    return render(
        request,
        "spotchecks/reinspection_form.html",
        {"form": form, "objection": objection, "first_lab": first_lab},
    )


# ---------------------------------------------------------------- lists


def _sample_list(request: AuthedHttpRequest, qs: QuerySet[Sample], *, title: str, kind: str) -> HttpResponse:
    filterset = SampleFilter(request.GET or None, queryset=qs)
    page, query = paginate(request, filterset.qs)
    rows = [
        {
            "sample": sample,
            "verdict": sample.standing_verdict,
            "deadline": objection_deadline(sample.notified_on) if sample.notified_on else None,
            "open_objection": sample.has_open_objection,
        }
        for sample in page
    ]
    return render(
        request,
        "spotchecks/sample_list.html",
        {
            "filter": filterset,
            "filters_set": filters_set(request, filterset),
            "page": page,
            "rows": rows,
            "query": query,
            "title": title,
            "kind": kind,
        },
    )


@login_required
def to_enter_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.samples_for(request.user, as_of=timezone.localdate()).filter(
        refused=False, report__status__in=services.EDITABLE_REPORT_STATUSES
    )
    return _sample_list(request, qs, title=_("待录入/修改的检验结果"), kind="enter")


@login_required
def awaiting_deadline_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.awaiting_objection_deadline(request.user, timezone.localdate())
    return _sample_list(request, qs, title=_("异议期内的结果"), kind="window")


@login_required
def final_list(request: AuthedHttpRequest) -> HttpResponse:
    qs = selectors.final_results(request.user, timezone.localdate())
    return _sample_list(request, qs, title=_("最终结果"), kind="final")


# ---------------------------------------------------------------- bulk import of a lab's results


@login_required
def import_page(request: AuthedHttpRequest) -> HttpResponse:
    require_role(request.user, *SAMPLERS)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        batch = _act(
            form, lambda: imports.import_results_start(actor=request.user, uploaded_file=form.cleaned_data["file"])
        )
        if batch is not None:
            return redirect("supervision:import-batch", pk=batch.pk)
    batches = scope_to_region(ImportBatch.objects.filter(uploaded_by=request.user), request.user)[:10]
    return render(
        request,
        "spotchecks/import_page.html",
        {"form": form, "batches": batches},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def import_template(request: AuthedHttpRequest, fmt: str) -> HttpResponse:
    if fmt == "csv":
        content = imports.import_template_csv()
        response = HttpResponse(content, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="results-template.csv"'
        return response
    if fmt != "xlsx":
        raise Http404
    response = HttpResponse(imports.import_template_xlsx(), content_type=imports.XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="results-template.xlsx"'
    return response


def _batch(user: User, pk: int) -> ImportBatch:
    return get_object_or_404(scope_to_region(ImportBatch.objects.all(), user), pk=pk)


def _batch_state(batch: ImportBatch) -> dict[str, Any]:
    done = batch.status in (ImportStatus.COMMITTED, ImportStatus.FAILED)
    percent = 100 if done else (int(batch.processed_rows * 100 / batch.total_rows) if batch.total_rows else 0)
    return {
        "status": batch.status,
        "status_label": str(batch.get_status_display()),
        "total_rows": batch.total_rows,
        "processed_rows": batch.processed_rows,
        "percent": percent,
        "done": done,
        "error_count": imports.error_count(batch),  # the total, not the capped list (as the API)
    }


IMPORTED_SHOWN = 50


@login_required
def import_batch(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request.user, pk)
    state = _batch_state(batch)
    errors = [
        {
            **e,
            "message_shown": imports.error_message(e),
            "column_shown": imports.column_label(e.get("column") or ""),
        }
        for e in batch.errors or []
    ]
    reports = selectors.imported_reports(batch) if batch.status == ImportStatus.COMMITTED else None
    return render(
        request,
        "spotchecks/import_batch.html",
        {
            "batch": batch,
            "state": state,
            "errors": errors,
            # a file checked while the user waited (a small one) shows its result, not a progress bar
            "show_progress": not state["done"],
            "reports": list(reports[:IMPORTED_SHOWN]) if reports is not None else [],
            "report_count": reports.count() if reports is not None else 0,
            "drafts": reports.filter(status__in=services.EDITABLE_REPORT_STATUSES).count()
            if reports is not None
            else 0,
        },
    )


@login_required
@require_GET
def import_progress(request: AuthedHttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(_batch_state(_batch(request.user, pk)))
