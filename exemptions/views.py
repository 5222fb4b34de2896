"""Staff pages of exemptions (第十六条): eligibility explained, applications with evidence, the
reviewer's confirmation of the standard, designation, revocation. Thin: parse, call, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from exemptions import selectors, services
from exemptions.forms import ApplicationForm, DesignateForm, ProductLookupForm, RevokeForm
from exemptions.models import Exemption, ExemptionApplication
from portal.access import scope_to_region, scoped
from portal.forms import attach_service_errors
from portal.permissions import EXEMPTION_CLERKS, EXEMPTION_DESIGNATORS, EXEMPTION_REVOKERS, REVIEWERS, is_staff_member
from portal.typing import AuthedHttpRequest
from supervision.registry.models import Product


def _staff(request: AuthedHttpRequest) -> None:
    if not is_staff_member(request.user):
        raise PermissionDenied(_("只有工作人员可以访问。"))


def _product(request: AuthedHttpRequest, pk: int) -> Product:
    return get_object_or_404(scoped(Product, request.user).select_related("enterprise", "category"), pk=pk)


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    _staff(request)
    form = ProductLookupForm(request.GET or None)
    found: list[Product] = []
    if form.is_valid():
        q = form.cleaned_data["q"]
        found = list(
            scoped(Product, request.user)
            .filter(Q(name__icontains=q) | Q(enterprise__name__icontains=q) | Q(trademark__icontains=q))
            .select_related("enterprise", "category")[:30]
        )
    today = timezone.localdate()
    designations = scope_to_region(
        Exemption.objects.select_related("product__enterprise", "authority").prefetch_related("events"), request.user
    ).order_by("-valid_from")[:50]
    return render(
        request,
        "exemptions/index.html",
        {
            "enabled": settings.EXEMPTIONS_ENABLED,
            "form": form,
            "found": found,
            "applications": selectors.applications_for(request.user)[:50],
            "designations": [(e, e.status_on(today)) for e in designations],
        },
    )


@login_required
def eligibility(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    product = _product(request, pk)
    result = selectors.eligibility(product, as_of=timezone.localdate())
    return render(
        request,
        "exemptions/eligibility.html",
        {
            "enabled": settings.EXEMPTIONS_ENABLED,
            "product": product,
            "result": result,
            "can_apply": request.user.has_role(*EXEMPTION_CLERKS),
        },
    )


@login_required
def application_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    product = _product(request, pk)
    form = ApplicationForm(request.POST or None, request.FILES or None, initial={"applied_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        description = data["evidence_description"]
        try:
            application = services.application_record(
                actor=request.user,
                product=product,
                applied_on=data["applied_on"],
                market_share=data["market_share"],
                enterprise_standard=data["enterprise_standard"],
                standard_comparison=data["standard_comparison"],
                evidence=[(f, description) for f in data["evidence"]],
            )
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("免检申请已登记。"))
            return redirect("exemptions:application", pk=application.pk)
    return render(request, "exemptions/application_form.html", {"form": form, "product": product})


def _application(request: AuthedHttpRequest, pk: int) -> ExemptionApplication:
    return get_object_or_404(selectors.applications_for(request.user).prefetch_related("evidence"), pk=pk)


@login_required
def application_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    application = _application(request, pk)
    today = timezone.localdate()
    designate_form = DesignateForm(request.POST or None, initial={"valid_from": today})
    if request.method == "POST":
        if request.POST.get("action") == "confirm":
            try:
                services.application_confirm_standard(actor=request.user, application=application)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("已确认企业标准达到或严于国家标准。"))
            return redirect("exemptions:application", pk=application.pk)
        if designate_form.is_valid():
            try:
                designated = services.exemption_designate(
                    actor=request.user, application=application, valid_from=designate_form.cleaned_data["valid_from"]
                )
            except ValidationError as exc:
                attach_service_errors(designate_form, exc)
            else:
                messages.success(request, _("已确定为免检产品，证书编号%(no)s。") % {"no": designated.certificate_no})
                return redirect("exemptions:application", pk=application.pk)
    exemption = Exemption.objects.filter(application=application).select_related("certificate").first()
    return render(
        request,
        "exemptions/application.html",
        {
            "enabled": settings.EXEMPTIONS_ENABLED,
            "application": application,
            "result": selectors.eligibility(application.product, as_of=today),
            "exemption": exemption,
            "status": exemption.status_on(today) if exemption else "",
            "designate_form": designate_form,
            "can_confirm": request.user.has_role(*REVIEWERS)
            and application.standard_confirmed_by_id is None
            and application.recorded_by_id != request.user.pk,
            "can_designate": request.user.has_role(*EXEMPTION_DESIGNATORS) and exemption is None,
            "can_revoke": exemption is not None and request.user.has_role(*EXEMPTION_REVOKERS),
        },
    )


@login_required
def revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    exemption = get_object_or_404(scope_to_region(Exemption.objects.select_related("product"), request.user), pk=pk)
    if not request.user.has_role(*EXEMPTION_REVOKERS):
        raise PermissionDenied(_("只有领导或执法人员可以取消免检资格。"))
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.exemption_revoke(
                actor=request.user,
                exemption=exemption,
                ground=form.cleaned_data["ground"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已取消免检资格，该产品即日起可以抽查。"))
            return redirect("exemptions:application", pk=exemption.application_id)
    return render(request, "exemptions/revoke.html", {"form": form, "exemption": exemption})
