"""`manage.py seed_demo --scale N`: bulk-generate N published results for benchmarks (stub)."""

from __future__ import annotations


def generate_published(n: int, **kwargs) -> None:
    raise NotImplementedError
