"""Staff forms of exemptions: they parse; the rules are in exemptions/services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from exemptions.models import RevocationGround

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ApplicationForm(forms.Form):
    applied_on = forms.DateField(label=_("申请日期"), widget=DATE_INPUT)
    market_share = forms.DecimalField(label=_("申报市场占有率（%）"), max_digits=5, decimal_places=2)
    enterprise_standard = forms.CharField(label=_("企业标准编号"), max_length=60)
    standard_comparison = forms.CharField(
        label=_("企业标准与国家标准的比较"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("说明企业标准达到或严于国家标准的指标。"),
    )
    evidence = MultipleFileField(
        label=_("证明材料"), required=False, help_text=_("PDF、JPEG或PNG，每份不超过10MB，可多选。")
    )
    evidence_description = forms.CharField(
        label=_("材料说明"), max_length=120, required=False, help_text=_("如“企业标准文本、市场占有率证明”。")
    )


class DesignateForm(forms.Form):
    valid_from = forms.DateField(label=_("免检期起"), widget=DATE_INPUT)


class RevokeForm(forms.Form):
    ground = forms.ChoiceField(label=_("质量问题类别"), choices=[("", "—"), *RevocationGround.choices])
    reason = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}))


class ProductLookupForm(forms.Form):
    q = forms.CharField(label=_("产品或企业名称"), max_length=60)
