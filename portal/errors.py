"""Structured validation errors: a message that knows where it belongs (row 3's measured value).

A service raises `ValidationError({"items": [located(msg, 3, "measured"), …]})`. Pages put each
message beside its cell by its location, the API answers it nested
(`{"items": {"3": {"measured": [msg]}}}`), and nothing parses the wording of a message — a reworded
or translated message still lands in its place.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


def located(message: str, *location: int | str, code: str = "invalid") -> ValidationError:
    """A ValidationError for one place below a field: (row number, column name)."""
    error = ValidationError(message, code=code)
    error.location = tuple(location)  # type: ignore[attr-defined]
    return error


def location_of(error: ValidationError) -> tuple[int | str, ...]:
    return tuple(getattr(error, "location", ()))


def nested_messages(exc: ValidationError) -> dict[str, Any] | list[str]:
    """The errors as JSON: field → messages, or field → {row → {column → messages}} where located."""
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    out: dict[str, Any] = {}
    for field, errors in exc.error_dict.items():
        key = "non_field_errors" if field == "__all__" else field
        for error in errors:
            node: Any = out
            path = (key, *(str(p) for p in location_of(error)))
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node.setdefault(path[-1], []).extend(error.messages)
    return out
