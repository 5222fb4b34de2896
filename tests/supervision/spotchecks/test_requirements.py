"""The verdict suggested from a measured value and a numeric requirement: only a suggestion, never a guess."""

from __future__ import annotations

from decimal import Decimal

import pytest

from supervision.spotchecks.requirements import parse_requirement, suggest_verdict


@pytest.mark.parametrize(
    ("requirement", "unit", "measured", "expected"),
    [
        # upper bounds, inclusive and exclusive, in symbols and in words
        ("≤0.75", "mA", "0.75", "pass"),
        ("≤0.75", "mA", "0.76", "fail"),
        ("≤ 0.75", "mA", "1.2", "fail"),
        ("<=0.75", "", "0.5", "pass"),
        ("≦0.75", "", "0.8", "fail"),
        ("<0.75", "", "0.75", "fail"),
        ("<0.75", "", "0.7499", "pass"),
        ("不大于0.1", "Ω", "0.1", "pass"),
        ("不超过25", "km/h", "26", "fail"),
        ("小于5", "", "4.9", "pass"),
        ("低于5", "", "5", "fail"),
        # lower bounds
        ("≥55%", "%", "58", "pass"),
        ("≥55%", "%", "54.9", "fail"),
        (">=12.5", "MPa", "12.5", "pass"),
        (">12.5", "MPa", "12.5", "fail"),
        ("不小于42.5", "MPa", "43", "pass"),
        ("不低于60", "%", "59", "fail"),
        ("≥4级", "级", "4", "pass"),
        ("≥4级", "级", "3", "fail"),
        # a label before the condition, a note after it
        ("泄漏电流≤0.75", "mA", "1.2", "fail"),
        ("接地电阻≤0.1", "Ω", "0.05", "pass"),
        ("初凝≥45 min", "min", "120", "pass"),
        ("干态≤7 m", "m", "7.4", "fail"),
        ("传递到头模的力≤4900", "N", "4100", "pass"),
        ("≤75（B类）", "mg/kg", "80", "fail"),
        ("≥40.0（高浓度）", "%", "41.2", "pass"),
        ("≤+5%", "%", "+2.1", "pass"),
        ("≤+5%", "%", "5.1", "fail"),
        # ranges: ～ ~ - — 至, inclusive at both ends, negative numbers
        ("4.0～8.5", "", "8.5", "pass"),
        ("4.0～8.5", "", "8.6", "fail"),
        ("4.0~8.5", "", "3.9", "fail"),
        ("10-20", "", "15", "pass"),
        ("10 - 20", "", "20.01", "fail"),
        ("10—20", "", "10", "pass"),
        ("10至20", "℃", "21", "fail"),
        ("-10～-5", "℃", "-7", "pass"),
        ("-10～-5", "℃", "-4", "fail"),
        ("150～250 N", "", "200", "pass"),
        ("10±0.5", "mm", "10.4", "pass"),
        ("10±0.5", "mm", "9.4", "fail"),
        # 以下 / 以上 include the number itself
        ("0.75以下", "mA", "0.75", "pass"),
        ("45以上", "", "44", "fail"),
        # full-width forms
        ("≤０.７５", "mA", "０.８", "fail"),
        ("４.０～８.５", "", "５", "pass"),
        # units on the measured value, converted by prefix
        ("≤0.75 mA", "", "0.8 mA", "fail"),
        ("≤0.75 mA", "", "0.0007A", "pass"),
        ("≤0.75", "mA", "0.0008 A", "fail"),
        ("≤10", "mg/kg", "0.009 g/kg", "pass"),
        ("≤10", "mg/kg", "0.011 g/kg", "fail"),
        ("≤7", "m", "650 cm", "pass"),
        ("≤15 s", "", "0.5 min", "fail"),
        # below a detection limit meets an upper bound at or above it
        ("≤0.75", "mA", "<0.05", "pass"),
        ("≤0.75", "mA", "＜0.05", "pass"),
    ],
)
def test_it_suggests_a_verdict_from_a_numeric_requirement(requirement, unit, measured, expected):
    suggestion = suggest_verdict(requirement, measured, unit)
    assert suggestion is not None, (requirement, measured)
    assert suggestion.verdict == expected


@pytest.mark.parametrize(
    ("requirement", "unit", "measured"),
    [
        # requirements in words, or more than one condition: no suggestion
        ("符合要求", "", "符合"),
        ("不起火、不爆炸", "", "不起火"),
        ("温升不超过限值", "K", "38"),
        ("20℃时不大于标准值", "Ω/km", "12"),
        ("平均厚度不小于规定值", "mm", "0.7"),
        ("开阀≤15 s，闭阀≤60 s", "s", "10"),
        ("偏差不超过+5%/-10%", "W", "3"),
        ("150～250 N时断开", "N", "200"),
        ("禁用", "mg/kg", "未检出"),
        ("", "", "1"),
        # a measured value in words, or a range of grades
        ("≤0.75", "mA", "符合"),
        ("≤0.75", "mA", "未检出"),
        ("≥4级", "级", "4-5"),
        ("≤0.75", "mA", "—"),
        # units that cannot be compared
        ("≤0.75", "mA", "0.5 V"),
        ("≤10", "mg/kg", "1 %"),
        # below a detection limit says nothing against a lower bound, or above the limit
        ("≥0.5", "", "<0.05"),
        ("≤0.01", "", "<0.05"),
        # a range written backwards
        ("20～10", "", "15"),
    ],
)
def test_it_gives_no_suggestion_rather_than_a_guess(requirement, unit, measured):
    assert suggest_verdict(requirement, measured, unit) is None


def test_it_describes_the_requirement_in_symbols_with_its_unit():
    assert parse_requirement("泄漏电流≤0.75", "mA").describe() == "≤ 0.75 mA"
    assert parse_requirement("4.0～8.5").describe() == "4 ~ 8.5"
    assert parse_requirement(">12.50", "MPa").describe() == "> 12.5 MPa"
    assert parse_requirement("10±0.5", "mm").describe() == "9.5 ~ 10.5 mm"
    suggestion = suggest_verdict("≤0.75 mA", "0.0008 A")
    assert suggestion is not None
    assert suggestion.measured == Decimal("0.8") and suggestion.describe_measured() == "0.8 mA"
