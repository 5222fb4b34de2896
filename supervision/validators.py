"""Validators for the registry's identifiers (统一社会信用代码, 居民身份证号码)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric, uscc


def validate_uscc(value: str) -> None:
    try:
        uscc.validate(value)
    except stdnum_exc.InvalidChecksum:
        raise ValidationError(
            _("统一社会信用代码“%(value)s”的校验位不正确，请核对第18位。"),
            code="uscc_checksum",
            params={"value": value},
        ) from None
    except stdnum_exc.ValidationError:
        raise ValidationError(
            _("“%(value)s”不是有效的统一社会信用代码（应为18位数字或大写字母）。"),
            code="uscc_invalid",
            params={"value": value},
        ) from None


def validate_ric(value: str) -> None:
    try:
        ric.validate(value)
    except stdnum_exc.InvalidChecksum:
        raise ValidationError(_("居民身份证号码的校验位不正确，请核对最后一位。"), code="ric_checksum") from None
    except stdnum_exc.ValidationError:
        raise ValidationError(
            _("不是有效的居民身份证号码（应为18位，含有效的出生日期和地区码）。"), code="ric_invalid"
        ) from None


def mask_ric(value: str) -> str:
    """Public form of an ID number: region prefix and check digit only (e.g. 440106**********12)."""
    if len(value) < 8:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 8) + value[-2:]
