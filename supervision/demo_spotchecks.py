"""Demo data stage called by `manage.py seed_demo` (stub until its owner fills it in)."""

from __future__ import annotations


def seed(**kwargs) -> None:
    return None
