"""Staff forms of the spot checks. They parse and present; every rule lives in supervision/spotchecks/services.py.

Services raise field-keyed `ValidationError`s; `attach_service_errors` puts each message beside its field so
the page re-renders with everything the user typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.access import scope_to_region
from portal.models import User
from portal.permissions import ADMINISTRATORS, SAMPLERS
from supervision.registry.models import Enterprise, Institution, Product, ProductCategory
from supervision.spotchecks import services
from supervision.spotchecks.models import CustodyAction, Field, ItemVerdict, Plan, PlanLevel, Sample, Verdict
from supervision.spotchecks.services import SAMPLE_FIELDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class StaffChoiceField(forms.ModelMultipleChoiceField[User]):
    """The samplers: one check box per inspector of the team, operated alike by mouse, keyboard
    (Tab, Space) and touch; no Ctrl+click list."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: User) -> str:
        label = obj.full_name or obj.username
        if obj.enforcement_id:
            return _("%(name)s（执法证号 %(id)s）") % {"name": label, "id": obj.enforcement_id}
        return _("%(name)s（未登记执法证号）") % {"name": label}


def inspectors_in_region(user: User) -> QuerySet[User]:
    return scope_to_region(User.objects.filter(roles__overlap=list(SAMPLERS), is_active=True), user).order_by(
        "full_name", "username"
    )


class PlanForm(forms.Form):
    title = forms.CharField(label=_("计划名称"), max_length=120)
    level = forms.ChoiceField(label=_("抽查级别"), choices=PlanLevel.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label=_("季度"),
        coerce=int,
        choices=[(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))],
    )
    field = forms.ChoiceField(label=_("抽查领域"), choices=Field.choices)
    categories = forms.ModelMultipleChoiceField(
        label=_("抽查产品类别"),
        queryset=ProductCategory.objects.filter(in_catalogue=True),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "重点产品（涉及人体健康和人身、财产安全、关系国计民生、消费者反映强烈）排在前面，并显示已抽查次数。"
        ),
    )

    def __init__(self, *args: Any, category_order: Sequence[ProductCategory] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if category_order is not None:
            ids = [c.pk for c in category_order]
            categories = cast("forms.ModelMultipleChoiceField[ProductCategory]", self.fields["categories"])
            categories.queryset = ProductCategory.objects.filter(pk__in=ids)
            labels = {c.pk: getattr(c, "choice_label", str(c)) for c in category_order}
            categories.choices = [(pk, labels[pk]) for pk in ids]


class TaskForm(forms.Form):
    plan: forms.ModelChoiceField[Plan] = forms.ModelChoiceField(label=_("抽查计划"), queryset=None)
    field = forms.ChoiceField(label=_("抽查领域"), choices=[("", _("同计划"))] + list(Field.choices), required=False)
    enterprise: forms.ModelChoiceField[Enterprise] = forms.ModelChoiceField(label=_("受检单位"), queryset=None)
    producer: forms.ModelChoiceField[Enterprise] = forms.ModelChoiceField(
        label=_("标称生产企业"), queryset=None, required=False, help_text=_("与受检单位不同时填写。")
    )
    shop_name = forms.CharField(label=_("店铺/平台名称"), max_length=120, required=False)
    shop_url = forms.URLField(label=_("网店地址"), required=False, assume_scheme="https")
    category = forms.ModelChoiceField(label=_("产品类别"), queryset=ProductCategory.objects.filter(in_catalogue=True))
    product: forms.ModelChoiceField[Product] = forms.ModelChoiceField(label=_("产品"), queryset=None, required=False)
    institution = forms.ModelChoiceField(label=_("承检机构"), queryset=Institution.objects.all())
    samplers = StaffChoiceField(label=_("抽样人员"), queryset=None, help_text=_("勾选至少两名持执法证的抽样人员。"))
    due_date = forms.DateField(label=_("完成期限"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, user: User, plans: QuerySet[Plan], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Plan]", self.fields["plan"]).queryset = plans
        enterprises = scope_to_region(Enterprise.objects.all(), user)
        cast("forms.ModelChoiceField[Enterprise]", self.fields["enterprise"]).queryset = enterprises
        cast("forms.ModelChoiceField[Enterprise]", self.fields["producer"]).queryset = Enterprise.objects.all()
        cast("forms.ModelChoiceField[Product]", self.fields["product"]).queryset = Product.objects.filter(
            enterprise__in=enterprises
        ).select_related("enterprise")
        cast(StaffChoiceField, self.fields["samplers"]).queryset = inspectors_in_region(user)


class SampleForm(forms.ModelForm[Sample]):
    """抽样单 (R2). The model's own checks are left to the service, the one home of the rule."""

    samplers = StaffChoiceField(
        label=_("抽样人员"),
        queryset=None,
        help_text=_("勾选至少两名持执法证的抽样人员；任务指派的人员已勾选。"),
    )
    place_url = forms.URLField(label=_("网店链接"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Sample
        # the fields of a sampling record are named once, by the act that records it
        fields = ["samplers", "sampled_on", *SAMPLE_FIELDS]
        widgets = {
            "sampled_on": DATE_INPUT,
            "production_date": DATE_INPUT,
            # a price is never negative (the service refuses one with its reason); the keypad shows decimals
            "unit_price": forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"}),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["samplers"]).queryset = inspectors_in_region(user)
        self.fields["sampled_on"].required = True

    def _post_clean(self) -> None:
        # Constraints and the rules of R2 are checked by sample_record, which names the field at fault.
        return None

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SAMPLE_FIELDS if name in self.cleaned_data}


class RefusalForm(forms.Form):
    """拒检 (第十五条): recorded with its witnesses."""

    samplers = StaffChoiceField(
        label=_("抽样人员"), queryset=None, help_text=_("勾选至少两名到场的持执法证的抽样人员。")
    )
    sampled_on = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    witnesses = forms.CharField(
        label=_("见证人"), widget=forms.Textarea(attrs={"rows": 2}), help_text=_("姓名及身份，每行一人。")
    )
    note = forms.CharField(label=_("拒检情况"), widget=forms.Textarea(attrs={"rows": 4}))
    cost = forms.DecimalField(
        label=_("强制监督抽查费用（元）"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        initial=0,
        help_text=_("由拒检企业承担（第十五条）。"),
    )
    due_date = forms.DateField(label=_("强制监督抽查完成期限"), required=False, widget=DATE_INPUT)
    institution = forms.ModelChoiceField(
        label=_("强制监督抽查的检验机构"),
        queryset=Institution.objects.order_by("name"),
        required=False,
        help_text=_("留空则由原任务的检验机构承担（须在资质范围和有效期内）。"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(StaffChoiceField, self.fields["samplers"]).queryset = inspectors_in_region(user)


class CustodyForm(forms.Form):
    action = forms.ChoiceField(label=_("环节"), choices=CustodyAction.choices)
    holder = forms.CharField(label=_("保管人/单位"), max_length=120)
    at = forms.DateTimeField(label=_("时间"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    location = forms.CharField(label=_("地点"), max_length=200, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)
    photo = forms.ImageField(label=_("照片"), required=False)


class ReportHeaderForm(forms.Form):
    report_no = forms.CharField(label=_("报告编号"), max_length=60, required=False)
    tested_on = forms.DateField(label=_("检验完成日期"), required=False, widget=DATE_INPUT)
    attachment = forms.FileField(
        label=_("签章报告（PDF）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_attachment(self) -> Any:
        f = self.cleaned_data.get("attachment")
        if f and not f.name.lower().endswith(".pdf"):
            raise ValidationError(_("请上传检验机构签章的 PDF 文件（.pdf）。"))
        return f


class ItemRowForm(forms.Form):
    """One row of results. It only parses: what a row needs is `services.clean_item`, the one row
    validator of the page, the API and the import; its errors come back beside their cells."""

    name = forms.CharField(label=_("检验项目"), required=False)
    clause = forms.CharField(label=_("标准条款"), required=False)
    requirement = forms.CharField(label=_("标准要求"), required=False)
    measured = forms.CharField(label=_("实测值"), required=False)
    unit = forms.CharField(label=_("单位"), required=False)
    verdict = forms.ChoiceField(label=_("单项判定"), choices=[("", "—")] + list(ItemVerdict.choices), required=False)

    CATALOGUE_CELLS = ("name", "clause", "requirement", "unit")

    def __init__(self, *args: Any, locked: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("autocomplete", "off")
        for column, required, max_length in services.ITEM_COLUMNS:
            if max_length:
                self.fields[column].widget.attrs["maxlength"] = max_length
            if required:
                self.fields[column].widget.attrs["aria-required"] = "true"
        if locked:
            # Catalogue cells are given; Tab skips them so the keyboard goes measured value → verdict → next row.
            for name in self.CATALOGUE_CELLS:
                self.fields[name].widget.attrs.update({"readonly": True, "tabindex": "-1"})


class BaseItemFormSet(forms.BaseFormSet[ItemRowForm]):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        kwargs = super().get_form_kwargs(index)
        kwargs["locked"] = index is not None and index < len(self.initial or [])
        return kwargs

    def items(self) -> list[dict[str, Any]]:
        """The rows to save: every catalogue row, and each added row the user typed into."""
        return [dict(self.forms[i].cleaned_data) for i in self.saved_form_indexes()]

    def saved_form_indexes(self) -> list[int]:
        return [i for i, row in enumerate(self.cleaned_data) if any(v not in (None, "") for v in row.values())]


# formset_factory returns a subclass of the formset it is given
ItemFormSet = cast(type[BaseItemFormSet], forms.formset_factory(ItemRowForm, formset=BaseItemFormSet, extra=0))


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("退回时必须填写理由。")},
    )


class ObjectionForm(forms.Form):
    filed_on = forms.DateField(label=_("企业提出异议日期"), widget=DATE_INPUT)
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 4}))
    receipt_no = forms.CharField(
        label=_("纸质异议收件回执编号"),
        max_length=60,
        required=False,
        help_text=_("仅管理员登记此前收到的纸质异议时填写；其余异议按登记当日提出。"),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not user.has_role(*ADMINISTRATORS):
            del self.fields["receipt_no"]


class ReexaminationForm(forms.Form):
    since = forms.DateField(label=_("检验日期自"), widget=DATE_INPUT)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("撤回说明"), widget=forms.Textarea(attrs={"rows": 2}))


class InstitutionChoiceField(forms.ModelChoiceField[Institution]):
    first_lab: Institution | None = None

    def label_from_instance(self, obj: Institution) -> str:
        if self.first_lab is not None and obj.pk == self.first_lab.pk:
            return _("%(name)s（原检验机构，不能承担复检）") % {"name": obj.name}
        return obj.name


class ReinspectionForm(forms.Form):
    """复检 (R4). No verdict is chosen for the reviewer: pass and fail are both offered, neither ticked.
    Every rule (another lab than the first, failed items for a fail, the seal photo) is the service's,
    and its refusal is shown beside the field it names."""

    institution = InstitutionChoiceField(
        label=_("复检机构"),
        queryset=Institution.objects.order_by("name"),
        help_text=_("由原检验机构以外、资质范围包括该类产品的机构承担。"),
    )
    decided_on = forms.DateField(label=_("复检日期"), widget=DATE_INPUT)
    verdict = forms.ChoiceField(
        label=_("复检结论"),
        choices=[(Verdict.PASS, Verdict.PASS.label), (Verdict.FAIL, Verdict.FAIL.label)],
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择复检结论（合格或不合格）。")},
    )
    failed_items = forms.CharField(
        label=_("不合格项目"),
        required=False,
        help_text=_("多个项目用分号（；）分隔。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    report_no = forms.CharField(label=_("复检报告编号"), max_length=60, required=False)
    fee = forms.DecimalField(label=_("复检费用（元）"), min_value=0, max_digits=10, decimal_places=2, initial=0)
    seal_photo = forms.ImageField(label=_("封样照片"), required=False, help_text=_("复检前先拍摄封样状态。"))

    def __init__(
        self,
        *args: Any,
        category: ProductCategory | None = None,
        first_lab: Institution | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = cast(InstitutionChoiceField, self.fields["institution"])
        field.first_lab = first_lab
        if category is not None:
            # institutions whose scope covers the category first; the others stay (the service says why not)
            field.queryset = Institution.objects.annotate(
                in_scope=Exists(
                    Institution.categories.through.objects.filter(institution=OuterRef("pk"), productcategory=category)
                )
            ).order_by("-in_scope", "name")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("检验结果文件"),
        help_text=_("CSV（UTF-8）或 Excel（.xlsx），按模板填写。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(
                _("只接受 .csv 或 .xlsx 文件（您选择的是“%(name)s”）。请按模板另存为 CSV 或 Excel 后重新选择文件。"),
                params={"name": f.name},
            )
        return f
