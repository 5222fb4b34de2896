"""Staff pages of reports to government: generate a report (queued, with a progress bar), list a
bureau's issued documents with their versions, download them. Thin: parse, check, call, render."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from portal.access import access_object, scope_to_region
from portal.models import User
from portal.permissions import REPORTERS
from portal.reports.tasks import generate_report_task, get_progress, set_progress
from portal.typing import AuthedHttpRequest
from supervision.documents.models import DocumentKind, IssuedDocument
from supervision.documents.selectors import documents_visible_to
from supervision.publication.services import previous_quarter
from supervision.registry.models import Authority


def _require_reporter(user: User) -> None:
    if not user.has_role(*REPORTERS):
        raise PermissionDenied(_("只有领导或管理员可以生成和查阅工作报告。"))


def _authorities(user: User) -> Any:
    return scope_to_region(Authority.objects.select_related("region"), user).order_by("region_id")


class ReportForm(forms.Form):
    authority = forms.ModelChoiceField(label=gettext_lazy("发文机关"), queryset=Authority.objects.none())
    period = forms.ChoiceField(
        label=gettext_lazy("报告类型"),
        choices=[("quarterly", gettext_lazy("季度报告")), ("yearly", gettext_lazy("年度报告"))],
    )
    year = forms.IntegerField(label=gettext_lazy("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=gettext_lazy("季度"), coerce=int, required=False, empty_value=None, choices=[("", "—")]
    )
    language = forms.ChoiceField(
        label=gettext_lazy("语言"), choices=[("zh-hans", gettext_lazy("中文")), ("en", gettext_lazy("英文"))]
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["authority"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = _authorities(user)
        quarter = self.fields["quarter"]
        assert isinstance(quarter, forms.ChoiceField)
        quarter.choices = [("", "—")] + [(str(q), _("第%(q)s季度") % {"q": q}) for q in range(1, 5)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == "quarterly" and not data.get("quarter"):
            self.add_error("quarter", _("季度报告须选择季度。"))
        if data.get("period") == "yearly":
            data["quarter"] = None
        return data


def _documents(user: User, authority: Authority | None) -> list[IssuedDocument]:
    qs = documents_visible_to(user)
    if authority is not None:
        qs = qs.filter(authority=authority)
    return list(qs.order_by("kind", "-period", "language", "-version", "-id")[:200])


def _page(request: AuthedHttpRequest, form: ReportForm, authority: Authority | None, status: int = 200) -> HttpResponse:
    task_id = request.GET.get("task", "")
    return render(
        request,
        "reports/home.html",
        {
            "form": form,
            "authority": authority,
            "authorities": _authorities(request.user),
            "documents": _documents(request.user, authority),
            "task_id": task_id if task_id and len(task_id) <= 64 else "",
            "report_kinds": (DocumentKind.QUARTERLY_REPORT, DocumentKind.YEARLY_REPORT),
        },
        status=status,
    )


def _own_authority(user: User) -> Authority | None:
    return Authority.objects.select_related("region").filter(region_id=user.region_id).first()


@login_required
@require_GET
def reports_home(request: AuthedHttpRequest) -> HttpResponse:
    _require_reporter(request.user)
    authority = _own_authority(request.user)
    if request.GET.get("authority", "").isdigit():
        authority = access_object(
            Authority.objects.select_related("region"), request.user, pk=int(request.GET["authority"])
        )
    year, quarter = previous_quarter(timezone.localdate())
    form = ReportForm(
        user=request.user,
        initial={
            "authority": authority.pk if authority else None,
            "period": "quarterly",
            "year": year,
            "quarter": quarter,
            "language": "zh-hans",
        },
    )
    return _page(request, form, authority)


@login_required
@require_POST
def generate_view(request: AuthedHttpRequest) -> HttpResponse:
    _require_reporter(request.user)
    form = ReportForm(request.POST, user=request.user)
    if not form.is_valid():
        return _page(request, form, _own_authority(request.user), status=400)
    authority: Authority = form.cleaned_data["authority"]
    kwargs = {
        "authority_id": authority.pk,
        "year": form.cleaned_data["year"],
        "quarter": form.cleaned_data["quarter"],
        "language": form.cleaned_data["language"],
        "actor_id": request.user.pk,
    }
    task_id = str(uuid.uuid4())
    set_progress(
        task_id, state="queued", percent=0, authority=authority.pk, year=kwargs["year"], quarter=kwargs["quarter"]
    )
    transaction.on_commit(lambda: generate_report_task.apply_async(kwargs=kwargs, task_id=task_id))
    return redirect(f"{reverse('reports:home')}?authority={authority.pk}&task={task_id}")


@login_required
@require_GET
def status_view(request: AuthedHttpRequest, task_id: str) -> JsonResponse:
    _require_reporter(request.user)
    progress = get_progress(task_id) or {"state": "unknown", "percent": 0}
    labels = {
        "queued": _("排队中"),
        "running": _("正在生成"),
        "done": _("已生成"),
        "failed": _("生成失败，原有版本未受影响"),
        "skipped": _("已有最新版本，未重复生成"),
        "unknown": _("未找到该任务"),
    }
    stages = {
        "building": _("正在汇总数据"),
        "rendering": _("正在排版"),
        "storing": _("正在保存"),
        "done": _("已生成"),
    }
    answer: dict[str, Any] = {**progress, "label": str(labels.get(progress.get("state", "unknown"), ""))}
    if progress.get("stage") in stages and progress.get("state") == "running":
        answer["label"] = str(stages[progress["stage"]])
    if progress.get("document"):
        document = documents_visible_to(request.user).filter(pk=progress["document"]).first()
        if document is not None:
            answer["url"] = reverse("reports:download", args=[document.pk])
            answer["verify_url"] = reverse("public-document", args=[document.code])
            answer["download_label"] = _("下载 PDF")
            answer["verify_label"] = _("核验页")
    return JsonResponse(answer)


@login_required
@require_GET
def download_view(request: AuthedHttpRequest, pk: int) -> FileResponse:
    _require_reporter(request.user)
    # a document of another region is not found, as on every staff page
    document = access_object(IssuedDocument.objects.all(), request.user, path="authority__region", pk=pk)
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.code}.pdf"'
    response["Content-Length"] = str(document.size)
    return response
