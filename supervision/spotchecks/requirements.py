"""A suggested item verdict from a measured value and a numeric requirement (an aid to entering R4 results).

Pure: no database, no translation. A requirement such as "≤0.75", "泄漏电流≤0.75 mA", "≥55%",
"4.0～8.5", "10-20", "150～250 N", "10±0.5", "不大于0.1 Ω" or "45以下" is read as bounds with a unit; a
measured value such as "1.2", "1.2 mA", "0.8mA" or "<0.05" (below a detection limit) is compared
with them, in the requirement's unit when the two units differ only by a prefix (mA and A, mg/kg and
g/kg). Anything else (a requirement in words, two conditions, a measured value in words) gives no
suggestion rather than a guess.

The suggestion never decides: the inspector's verdict is what the report holds (`clean_item` takes it
as typed), and a verdict that differs from the suggestion is only pointed out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

PASS = "pass"  # noqa: S105 - ItemVerdict.PASS; plain strings keep this module free of models
FAIL = "fail"

NUMBER = r"[+-]?\d+(?:\.\d+)?"
# A unit: letters (Latin, Greek µ/Ω), %, °, ·, a power digit after letters (dm², NFKC-folded to dm2),
# "/" between parts (mg/kg, km/h); or one of a few Chinese units.
UNIT_PART = r"(?:[A-Za-zμΩ°%·]+[23]?)"
UNIT = rf"(?:{UNIT_PART}(?:/{UNIT_PART})*|级|倍|次)"
LE_WORDS = ("≤", "<=", "≦", "不大于", "不超过", "不高于", "不多于")
GE_WORDS = ("≥", ">=", "≧", "不小于", "不低于", "不少于")
LT_WORDS = ("<", "小于", "低于", "少于")
GT_WORDS = (">", "大于", "高于", "多于")
# 以下/以内/以上 include the number itself in Chinese usage ("以上、以下、以内，包括本数").
SUFFIX_LE = ("以下", "以内")
SUFFIX_GE = ("以上",)
RANGE_SEPARATORS = r"(?:~|〜|—|–|至|到|-(?=\s*[+-]?\d))"


def _words(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


COMPARATOR = rf"(?P<op>{_words(LE_WORDS + GE_WORDS + LT_WORDS + GT_WORDS)})"
# a label before the condition ("泄漏电流", "初凝", "干态"): no digit, no comparator, no separator
PREFIX = r"(?P<prefix>[^\d<>≤≥≦≧=~〜,，;；]*?)"
ONE_SIDED = re.compile(rf"^{PREFIX}\s*{COMPARATOR}\s*(?P<n>{NUMBER})\s*(?P<unit>{UNIT})?$")
SUFFIXED = re.compile(
    rf"^{PREFIX}\s*(?P<n>{NUMBER})\s*(?P<unit>{UNIT})?\s*(?P<suffix>{_words(SUFFIX_LE + SUFFIX_GE)})$"
)
RANGE = re.compile(
    rf"^{PREFIX}\s*(?P<lo>{NUMBER})\s*(?P<lo_unit>{UNIT})?\s*{RANGE_SEPARATORS}\s*(?P<hi>{NUMBER})\s*(?P<unit>{UNIT})?$"
)
TOLERANCE = re.compile(rf"^{PREFIX}\s*(?P<n>{NUMBER})\s*±\s*(?P<tol>\d+(?:\.\d+)?)\s*(?P<unit>{UNIT})?$")
MEASURED = re.compile(rf"^(?P<op>{_words(LE_WORDS + LT_WORDS)})?\s*(?P<n>{NUMBER})\s*(?P<unit>{UNIT})?$")
TRAILING_NOTE = re.compile(r"\s*\([^()]*\)\s*$")  # "≤75（B类）", "≥40.0（高浓度）"

# Units that differ by a prefix only, as factors of one base unit per dimension.
UNIT_FACTORS: dict[str, tuple[str, Decimal]] = {}
for dimension, units in {
    "length": {"nm": "1e-9", "μm": "1e-6", "um": "1e-6", "mm": "1e-3", "cm": "1e-2", "m": "1", "km": "1e3"},
    "mass": {"μg": "1e-9", "ug": "1e-9", "mg": "1e-6", "g": "1e-3", "kg": "1", "t": "1e3"},
    "current": {"μA": "1e-6", "uA": "1e-6", "mA": "1e-3", "A": "1"},
    "voltage": {"mV": "1e-3", "V": "1", "kV": "1e3"},
    "power": {"mW": "1e-3", "W": "1", "kW": "1e3"},
    "resistance": {"mΩ": "1e-3", "Ω": "1", "kΩ": "1e3", "MΩ": "1e6"},
    "time": {"ms": "1e-3", "s": "1", "min": "60", "h": "3600"},
    "pressure": {"Pa": "1", "kPa": "1e3", "MPa": "1e6"},
    "force": {"N": "1", "kN": "1e3"},
    "volume": {"mL": "1e-3", "ml": "1e-3", "L": "1", "l": "1"},
    "frequency": {"Hz": "1", "kHz": "1e3", "MHz": "1e6"},
}.items():
    for name, factor in units.items():
        UNIT_FACTORS[name] = (dimension, Decimal(factor))


@dataclass(frozen=True)
class Bound:
    value: Decimal
    inclusive: bool


@dataclass(frozen=True)
class Requirement:
    """What a numeric requirement allows: a lower and/or an upper bound, in `unit` ("" if none)."""

    low: Bound | None
    high: Bound | None
    unit: str = ""

    def allows(self, value: Decimal) -> bool:
        if self.low is not None and (value < self.low.value or (value == self.low.value and not self.low.inclusive)):
            return False
        return not (
            self.high is not None
            and (value > self.high.value or (value == self.high.value and not self.high.inclusive))
        )

    def describe(self) -> str:
        """The requirement in symbols, the same in every language: "≤ 0.75 mA", "4.0 ~ 8.5"."""
        unit = f" {self.unit}" if self.unit else ""
        if self.low is not None and self.high is not None:
            return f"{_plain(self.low.value)} ~ {_plain(self.high.value)}{unit}"
        if self.high is not None:
            return f"{'≤' if self.high.inclusive else '<'} {_plain(self.high.value)}{unit}"
        assert self.low is not None
        return f"{'≥' if self.low.inclusive else '>'} {_plain(self.low.value)}{unit}"


@dataclass(frozen=True)
class Suggestion:
    verdict: str  # PASS or FAIL
    requirement: Requirement
    measured: Decimal  # in the requirement's unit

    def describe_measured(self) -> str:
        unit = f" {self.requirement.unit}" if self.requirement.unit else ""
        return f"{_plain(self.measured)}{unit}"


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text if "." not in text else text.rstrip("0").rstrip(".")


def _normal(text: str) -> str:
    # NFKC folds full-width forms (０.７５, ＜, ～, （）, ％) and µ/Ω signs to their plain letters
    text = unicodedata.normalize("NFKC", text or "").strip()
    return re.sub(r"\s+", " ", text)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def parse_requirement(requirement: str, unit: str = "") -> Requirement | None:
    """The bounds a requirement states, or None when it is not one numeric condition."""
    text = _normal(requirement)
    while TRAILING_NOTE.search(text):
        text = TRAILING_NOTE.sub("", text)
    default_unit = _normal(unit)
    if not text:
        return None
    match = ONE_SIDED.match(text)
    if match:
        n = _number(match["n"])
        if n is None:
            return None
        op = match["op"]
        found_unit = match["unit"] or default_unit
        if op in LE_WORDS:
            return Requirement(low=None, high=Bound(n, True), unit=found_unit)
        if op in GE_WORDS:
            return Requirement(low=Bound(n, True), high=None, unit=found_unit)
        if op in LT_WORDS:
            return Requirement(low=None, high=Bound(n, False), unit=found_unit)
        return Requirement(low=Bound(n, False), high=None, unit=found_unit)
    match = SUFFIXED.match(text)
    if match:
        n = _number(match["n"])
        if n is None:
            return None
        found_unit = match["unit"] or default_unit
        if match["suffix"] in SUFFIX_LE:
            return Requirement(low=None, high=Bound(n, True), unit=found_unit)
        return Requirement(low=Bound(n, True), high=None, unit=found_unit)
    match = TOLERANCE.match(text)
    if match:
        n, tol = _number(match["n"]), _number(match["tol"])
        if n is None or tol is None:
            return None
        return Requirement(low=Bound(n - tol, True), high=Bound(n + tol, True), unit=match["unit"] or default_unit)
    match = RANGE.match(text)
    if match:
        lo, hi = _number(match["lo"]), _number(match["hi"])
        if lo is None or hi is None or lo > hi:
            return None
        found_unit = match["unit"] or match["lo_unit"] or default_unit
        if match["lo_unit"] and match["unit"] and match["lo_unit"] != match["unit"]:
            return None
        return Requirement(low=Bound(lo, True), high=Bound(hi, True), unit=found_unit)
    return None


def _factor(unit: str) -> tuple[tuple[str, ...], Decimal] | None:
    """The dimensions and the factor of a unit, compound units (mg/kg) part by part."""
    parts = unit.split("/")
    dims: list[str] = []
    factor = Decimal(1)
    for i, part in enumerate(parts):
        found = UNIT_FACTORS.get(part)
        if found is None:
            return None
        dims.append(found[0])
        factor = factor * found[1] if i == 0 else factor / found[1]
    return tuple(dims), factor


def convert(value: Decimal, from_unit: str, to_unit: str) -> Decimal | None:
    """A value in another unit of the same dimension; None when the units cannot be compared."""
    if from_unit == to_unit or not from_unit or not to_unit:
        return value
    source, target = _factor(from_unit), _factor(to_unit)
    if source is None or target is None or source[0] != target[0]:
        return None
    return value * source[1] / target[1]


def suggest_verdict(requirement: str, measured: str, unit: str = "") -> Suggestion | None:
    """合格 or 不合格 as the requirement reads against the measured value, or None when either is not
    numeric or their units cannot be compared. `unit` is the item's unit column (the unit of both
    when neither names one)."""
    req = parse_requirement(requirement, unit)
    if req is None:
        return None
    match = MEASURED.match(_normal(measured))
    if match is None:
        return None
    value = _number(match["n"])
    if value is None:
        return None
    in_unit = convert(value, match["unit"] or _normal(unit), req.unit)
    if in_unit is None:
        return None
    if match["op"]:
        # "<0.05": below a limit of detection. It meets an upper bound at or above that limit; it
        # says nothing against a lower bound or a range, so no suggestion then.
        if req.low is not None or req.high is None:
            return None
        if in_unit <= req.high.value:
            return Suggestion(PASS, req, in_unit)
        return None
    return Suggestion(PASS if req.allows(in_unit) else FAIL, req, in_unit)
