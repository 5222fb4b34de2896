"""Validators for the registry's identifiers (统一社会信用代码, 居民身份证号码)."""

import datetime as dt

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


# GB/T 2260 province-level prefixes. The full county list is not checked: stdnum's table lags
# behind new districts (e.g. 440606 顺德区, 440309 龙华区), and an ID keeps the code in force when
# it was issued, so a code unknown today is no proof of a false number.
PROVINCE_PREFIXES = frozenset(
    [
        "11",
        "12",
        "13",
        "14",
        "15",
        "21",
        "22",
        "23",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "41",
        "42",
        "43",
        "44",
        "45",
        "46",
        "50",
        "51",
        "52",
        "53",
        "54",
        "61",
        "62",
        "63",
        "64",
        "65",
        "71",
        "81",
        "82",
        "83",
    ]
)


def validate_ric(value: str) -> None:
    try:
        number = ric.compact(value)
        if len(number) != 18:
            raise stdnum_exc.InvalidLength()
        if not number[:-1].isdigit():
            raise stdnum_exc.InvalidFormat()
        if number[-1] != ric.calc_check_digit(number):
            raise stdnum_exc.InvalidChecksum()
        born = ric.get_birth_date(number)
        if born.year < 1900 or born > dt.date.today() or number[:2] not in PROVINCE_PREFIXES:
            raise stdnum_exc.InvalidComponent()
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
