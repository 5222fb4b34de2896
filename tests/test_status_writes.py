"""House rule 1 (docs/architecture.md): only services change a status. No raw status writes in
views, serializers, forms, admin, tasks or API modules, nor in a model's save(): a status change
there would skip the act's checks, its row lock and its audit row citing the clause.

The source is read with `ast`, so a write is caught whatever the spacing; the failure names the file
and line.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "supervision", "enforcement", "exemptions")
GUARDED_FIELDS = {
    "status",
    "verdict",
    "refused",
    "removed",
    "end",
    "registration_status",
    "suspended",
    "kind",
    "valid_to",
}
# The query methods whose keyword arguments write columns.
WRITING_METHODS = {"update", "create", "get_or_create", "update_or_create", "bulk_update"}
# Modules that parse input and present, never act (the thin layers of docs/architecture.md).
THIN_MODULE = re.compile(r"^(?:.*_)?(?:views|serializers|forms|tasks|api)\.py$|^admin(?:_.*)?\.py$")


def _thin_modules() -> list[Path]:
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts and THIN_MODULE.match(path.name):
                found.append(path)
    return found


def _model_modules() -> list[Path]:
    return [p for app in APPS for p in sorted((ROOT / app).rglob("models.py"))]


def _writes_in(node: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for every status/verdict/refused write below `node`."""
    found: list[tuple[int, str]] = []
    for sub in ast.walk(node):
        targets: list[ast.expr] = []
        if isinstance(sub, ast.Assign):
            targets = list(sub.targets)
        elif isinstance(sub, ast.AugAssign | ast.AnnAssign):
            targets = [sub.target]
        for target in targets:
            for t in ast.walk(target):
                if isinstance(t, ast.Attribute) and t.attr in GUARDED_FIELDS and isinstance(t.ctx, ast.Store):
                    found.append((sub.lineno, f".{t.attr} = …"))
        if not isinstance(sub, ast.Call):
            continue
        func = sub.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(sub.args) >= 2:
            name = sub.args[1]
            if isinstance(name, ast.Constant) and name.value in GUARDED_FIELDS:
                found.append((sub.lineno, f"setattr(…, {name.value!r}, …)"))
        if isinstance(func, ast.Attribute) and func.attr in WRITING_METHODS:
            for kw in sub.keywords:
                if kw.arg in GUARDED_FIELDS:
                    found.append((sub.lineno, f".{func.attr}({kw.arg}=…)"))
                if kw.arg == "defaults" and isinstance(kw.value, ast.Dict):
                    for key in kw.value.keys:
                        if isinstance(key, ast.Constant) and key.value in GUARDED_FIELDS:
                            found.append((sub.lineno, f".{func.attr}(defaults={{{key.value!r}: …}})"))
            if func.attr == "bulk_update":
                for arg in [*sub.args[1:], *(kw.value for kw in sub.keywords if kw.arg == "fields")]:
                    for c in ast.walk(arg):
                        if isinstance(c, ast.Constant) and c.value in GUARDED_FIELDS:
                            found.append((sub.lineno, f".bulk_update(fields=[{c.value!r}])"))
    return found


def _save_methods(tree: ast.AST) -> list[ast.FunctionDef]:
    return [
        fn
        for cls in ast.walk(tree)
        if isinstance(cls, ast.ClassDef)
        for fn in cls.body
        if isinstance(fn, ast.FunctionDef) and fn.name == "save"
    ]


def _violations() -> list[str]:
    out = []
    for path in _thin_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        out += [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in _writes_in(tree)]
    for path in _model_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for fn in _save_methods(tree):
            out += [f"{path.relative_to(ROOT)}:{line}: {what} in save()" for line, what in _writes_in(fn)]
    return out


def test_it_scans_the_thin_modules_of_every_app():
    names = {p.relative_to(ROOT).as_posix() for p in _thin_modules()}
    # the scan must not silently cover nothing: the main thin modules are in it
    for expected in (
        "supervision/spotchecks/views.py",
        "supervision/spotchecks/forms.py",
        "supervision/spotchecks/tasks.py",
        "supervision/spotchecks/api.py",
        "supervision/spotchecks/serializers.py",
        "supervision/registry/admin.py",
        "supervision/registry/api.py",
        "supervision/registry/serializers.py",
        "supervision/publication/views.py",
        "supervision/publication/tasks.py",
        "portal/admin.py",
        "portal/admin_audit.py",
        "portal/public/views.py",
        "portal/public/api.py",
    ):
        assert expected in names
    assert not any(n.endswith(("services.py", "selectors.py", "imports.py")) for n in names)


@pytest.mark.parametrize(
    "source, what",
    [
        ("report.status = 'approved'", ".status = …"),
        ("sample.refused = True", ".refused = …"),
        ("a.report.verdict, b = 'fail', 1", ".verdict = …"),
        ("setattr(obj, 'status', 'x')", "setattr(…, 'status', …)"),
        ("TestReport.objects.filter(pk=1).update(status='approved')", ".update(status=…)"),
        ("Objection.objects.create(sample=s, status='open')", ".create(status=…)"),
        (
            "X.objects.update_or_create(pk=1, defaults={'verdict': 'pass'})",
            ".update_or_create(defaults={'verdict': …})",
        ),
        ("X.objects.bulk_update(rows, ['status'])", ".bulk_update(fields=['status'])"),
    ],
)
def test_it_catches_each_kind_of_raw_status_write(source, what):
    assert [w for _, w in _writes_in(ast.parse(source))] == [what]


def test_it_lets_reads_and_comparisons_pass():
    source = "if report.status == 'approved':\n    x = obj.status\nResponse(data, status=201)\nqs.filter(status='open')"
    assert _writes_in(ast.parse(source)) == []


def test_it_finds_no_raw_status_write_outside_services():
    violations = _violations()
    assert violations == [], "status changes belong in a service (house rule 1):\n" + "\n".join(violations)


@pytest.mark.django_db
def test_it_lets_the_admin_edit_a_legal_state_field_only_through_a_service(rf, administrator):
    """A form field is a write too: wherever the admin offers a legal state field (an appointment's
    end and removal, a licence's validity, a status), its save must be the admin's own `save_model`
    calling a service — never the generic model save."""
    from django.contrib import admin as django_admin

    from portal.admin_audit import AuditedAdminMixin

    generic_saves = {django_admin.ModelAdmin.save_model, AuditedAdminMixin.save_model}
    request = rf.get("/admin/")
    request.user = administrator
    administrator.is_superuser = True
    offenders = []
    for model, model_admin in django_admin.site._registry.items():
        editable = set(model_admin.get_form(request).base_fields) - set(model_admin.get_readonly_fields(request))
        guarded = editable & GUARDED_FIELDS
        if guarded and type(model_admin).save_model in generic_saves:
            offenders.append(f"{model.__name__}: {sorted(guarded)}")
    assert offenders == [], "legal state fields saved without a service in the admin:\n" + "\n".join(offenders)
