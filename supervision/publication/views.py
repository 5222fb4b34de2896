"""Staff pages of publication (R5): list announcements, publish a quarter (enqueued, with
progress), publish a correction. Thin: parse, check the role, call the service or task."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal.access import scope_to_region, user_can_see_region
from portal.forms import attach_service_errors
from portal.models import User
from portal.permissions import PUBLISHERS
from portal.typing import AuthedHttpRequest
from supervision.publication.models import Announcement, PublishedResult
from supervision.publication.selectors import quarter_preview
from supervision.publication.services import (
    CORRECTABLE_FIELDS,
    previous_quarter,
    publish_correction,
    publishing_region,
    quarter_bounds,
    quarter_publication_errors,
)
from supervision.publication.tasks import get_progress, publish_quarter_task, set_progress
from supervision.spotchecks.models import Verdict


def _require_publisher(user: User) -> None:
    if not user.has_role(*PUBLISHERS):
        raise PermissionDenied(_("只有领导或管理员可以发布结果公告。"))


def _quarter_label(q: int) -> str:
    return _("第%(q)s季度") % {"q": q}


class PublishQuarterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"),
        coerce=int,
        choices=[(q, lazy(_quarter_label, str)(q)) for q in range(1, 5)],  # labels in the page's language
    )


class CorrectionForm(forms.Form):
    enterprise_name = forms.CharField(label=gettext_lazy("受检单位"), max_length=120)
    product_name = forms.CharField(label=gettext_lazy("产品名称"), max_length=100)
    trademark = forms.CharField(label=gettext_lazy("商标"), max_length=60, required=False)
    model_spec = forms.CharField(label=gettext_lazy("规格型号"), max_length=80, required=False)
    batch = forms.CharField(label=gettext_lazy("批号/生产日期"), max_length=60, required=False)
    verdict = forms.ChoiceField(label=gettext_lazy("结论"), choices=Verdict.choices)
    failed_items = forms.CharField(
        label=gettext_lazy("不合格项目"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    institution_name = forms.CharField(label=gettext_lazy("检验机构"), max_length=120)
    reason = forms.CharField(label=gettext_lazy("更正理由"), widget=forms.Textarea(attrs={"rows": 3}))


def _latest_announcements(user: User) -> list[Announcement]:
    return list(Announcement.objects.select_related("region", "corrects").order_by("-published_at", "-id")[:50])


@login_required
@require_GET
def publication_home(request: AuthedHttpRequest) -> HttpResponse:
    task_id = request.GET.get("task", "")
    prev_year, prev_quarter = previous_quarter(timezone.localdate())
    form = PublishQuarterForm(initial={"year": prev_year, "quarter": prev_quarter})
    return render(
        request,
        "publication/publication.html",
        {
            "form": form,
            "announcements": _latest_announcements(request.user),
            "task_id": task_id if task_id and len(task_id) <= 64 else "",
            "can_publish": request.user.has_role(*PUBLISHERS),
            "region": publishing_region(request.user),
        },
    )


@login_required
@require_POST
def publish_quarter_view(request: AuthedHttpRequest) -> HttpResponse:
    _require_publisher(request.user)
    form = PublishQuarterForm(request.POST)
    region = publishing_region(request.user)
    if form.is_valid():
        errors = quarter_publication_errors(
            year=form.cleaned_data["year"],
            quarter=form.cleaned_data["quarter"],
            region=region,
            today=timezone.localdate(),
        )
        if errors:
            attach_service_errors(form, ValidationError(errors))
    if not form.is_valid():
        return render(
            request,
            "publication/publication.html",
            {
                "form": form,
                "announcements": _latest_announcements(request.user),
                "can_publish": True,
                "region": region,
            },
            status=400,
        )
    if request.POST.get("confirm") != "1":
        # An announcement is permanent: show what it would publish, and ask before queuing it.
        year, quarter = form.cleaned_data["year"], form.cleaned_data["quarter"]
        preview = quarter_preview(
            region=region,
            year=year,
            quarter=quarter,
            last_day=quarter_bounds(year, quarter)[1],
            as_of=timezone.localdate(),
        )
        return render(
            request,
            "publication/publication.html",
            {
                "form": form,
                "announcements": _latest_announcements(request.user),
                "can_publish": True,
                "region": region,
                "preview": preview,
            },
        )
    task_id = str(uuid.uuid4())
    kwargs = {
        "year": form.cleaned_data["year"],
        "quarter": form.cleaned_data["quarter"],
        "region_code": region.code,
        "actor_id": request.user.pk,
    }
    set_progress(task_id, state="queued", year=kwargs["year"], quarter=kwargs["quarter"])
    # The worker must see what this request committed: enqueue only after commit.
    transaction.on_commit(lambda: publish_quarter_task.apply_async(kwargs=kwargs, task_id=task_id))
    messages.info(request, _("已提交发布任务，完成后公告将出现在下方列表。"))
    return redirect(f"{reverse('publication:home')}?task={task_id}")


@login_required
@require_GET
def publication_status(request: HttpRequest, task_id: str) -> JsonResponse:
    progress = get_progress(task_id) or {"state": "unknown"}
    labels = {
        "queued": _("排队中"),
        "running": _("正在发布"),
        "done": _("已发布"),
        "failed": _("发布失败"),
        "skipped": _("没有可发布的结果，未发布公告"),
        "unknown": _("未找到该任务"),
    }
    progress = {**progress, "label": str(labels.get(progress.get("state", "unknown"), ""))}
    if progress.get("number"):
        progress["url"] = reverse("public-announcement", args=[progress["number"]])
    return JsonResponse(progress)


@login_required
def correction_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _require_publisher(request.user)
    # a result of another region is not this bureau's to correct: not found, as every staff page
    result = get_object_or_404(scope_to_region(PublishedResult.objects.all(), request.user), pk=pk)
    initial = {name: getattr(result, name) for name in CORRECTABLE_FIELDS if name in CorrectionForm.base_fields}
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        changes = {k: v for k, v in data.items() if str(v) != str(getattr(result, k))}
        try:
            announcement = publish_correction(actor=request.user, result=result, changes=changes, reason=reason)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已发布更正公告 %(number)s。") % {"number": announcement.number})
            return redirect("publication:home")
    return render(request, "publication/publication_correct.html", {"form": form, "result": result})


@login_required
@require_GET
def correction_lookup(request: AuthedHttpRequest) -> HttpResponse:
    """The staff page's "correct a result" box: from a result number to its correction form."""
    _require_publisher(request.user)
    pk = request.GET.get("result", "").strip()
    region_code = (
        PublishedResult.objects.filter(pk=int(pk)).values_list("region_id", flat=True).first()
        if pk.isdigit() and len(pk) < 19
        else None
    )
    if region_code is not None and user_can_see_region(request.user, region_code):
        return redirect("publication:correct", pk=int(pk))
    if region_code is not None:
        # it exists, but is another bureau's to correct: say so, and show nothing of it
        messages.error(
            request,
            _("编号为 %(pk)s 的公告结果属于其他行政区划，只能由该辖区的质量技术监督部门更正。") % {"pk": pk},
        )
    else:
        messages.error(request, _("未找到编号为 %(pk)s 的公告结果。") % {"pk": pk[:20]})
    return redirect("publication:home")
