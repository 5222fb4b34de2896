"""Every act of the spot checks cites the clause it applies, in the form `# 国发〔1999〕24号 第X条`.

A reader (and an auditor) goes from the act to the decision; an act without its clause is a rule
whose source nobody can check.
"""

from __future__ import annotations

import ast
import inspect
import re

import pytest

from supervision.registry import services as registry_services
from supervision.spotchecks import services

CITATION = re.compile(r"#\s*国发〔1999〕24号 第[一二三四五六七八九十]+条")


def _atomic_acts(module) -> list[str]:
    tree = ast.parse(inspect.getsource(module))
    return [
        fn.name
        for fn in tree.body
        if isinstance(fn, ast.FunctionDef)
        and not fn.name.startswith("_")
        and any("atomic" in ast.unparse(d) for d in fn.decorator_list)
    ]


SPOTCHECK_ACTS = _atomic_acts(services)
# Registry acts that apply a clause (the others keep records: create or correct an enterprise, a person, a product).
REGISTRY_RULE_ACTS = [
    "appointment_end",
    "licence_issue",
    "licence_record_event",
    "institution_create",
    "institution_update",
]


def test_it_finds_the_acts():
    assert {"plan_create", "task_create", "sample_record_refusal", "report_approve", "reinspection_record"} <= set(
        SPOTCHECK_ACTS
    )
    assert set(REGISTRY_RULE_ACTS) <= set(_atomic_acts(registry_services))


@pytest.mark.parametrize(
    "module, name",
    [(services, n) for n in SPOTCHECK_ACTS] + [(registry_services, n) for n in REGISTRY_RULE_ACTS],
)
def test_it_cites_the_clause_in_every_act(module, name):
    source = inspect.getsource(getattr(module, name))
    assert CITATION.search(source), f"{module.__name__}.{name} cites no clause (# 国发〔1999〕24号 第X条)"
