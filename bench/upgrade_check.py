"""Upgrade drill: the previous release's demo data migrates to this tree without loss, and the API
schema changes only where declared.

    .venv/bin/python bench/upgrade_check.py --from <commit of the previous release>

It exports that commit (`git archive`) to a temporary folder, migrates a database of its own with
the old code and loads its demo data, counts every table's rows, migrates the same database with
this tree's code, counts again, and prints both counts side by side (a table may only grow where a
migration says so); then it prints the differences between the two OpenAPI documents (paths,
operations, component fields). It never touches the test or the development database.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed in {cwd}: {' '.join(args)}\n{done.stdout}\n{done.stderr}")
    return done.stdout


def counts(dsn: str) -> dict[str, int]:
    with psycopg2.connect(dsn) as conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        tables = [t for (t,) in cur.fetchall()]
        out = {}
        for table in tables:
            cur.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 — names from pg_tables
            out[table] = cur.fetchone()[0]
        return out


def schema_summary(path: Path) -> dict[str, object]:
    doc = json.loads(path.read_text())
    ops = {f"{m.upper()} {p}" for p, item in doc["paths"].items() for m in item if m != "parameters"}
    fields = {
        f"{name}.{field}"
        for name, comp in doc.get("components", {}).get("schemas", {}).items()
        for field in (comp.get("properties") or {})
    }
    return {"operations": ops, "fields": fields}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="rev", required=True, help="commit of the previous release")
    parser.add_argument("--database", default="portal_upgrade_check")
    parser.add_argument(
        "--server", default=os.environ.get("UPGRADE_CHECK_SERVER", "postgres://postgres@127.0.0.1:5432")
    )
    args = parser.parse_args()
    admin_dsn = f"{args.server}/postgres"
    dsn = f"{args.server}/{args.database}"
    conn = psycopg2.connect(admin_dsn)
    conn.autocommit = True  # CREATE/DROP DATABASE run outside a transaction
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        cur.execute(f'CREATE DATABASE "{args.database}"')
    conn.close()
    env = {**os.environ, "DATABASE_URL": dsn, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "1"}
    env.setdefault("SECRET_KEY", "upgrade-check-only")
    with tempfile.TemporaryDirectory(prefix="upgrade-") as tmp:
        old = Path(tmp)
        archive = subprocess.run(["git", "archive", args.rev], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(old)], input=archive, check=True)
        run([PY, "manage.py", "compilemessages", "-v", "0"], old, env)
        run([PY, "manage.py", "migrate", "--no-input", "-v", "0"], old, env)
        run([PY, "manage.py", "seed_demo", "--once"], old, env)
        run([PY, "manage.py", "spectacular", "--format", "openapi-json", "--file", str(old / "schema.json")], old, env)
        before = counts(dsn)
        print(run([PY, "manage.py", "migrate", "--no-input"], ROOT, env))
        after = counts(dsn)
        run([PY, "manage.py", "spectacular", "--format", "openapi-json", "--file", str(old / "new.json")], ROOT, env)
        old_schema, new_schema = schema_summary(old / "schema.json"), schema_summary(old / "new.json")
    lost = {t: (n, after.get(t, 0)) for t, n in before.items() if after.get(t, 0) < n}
    print(f"{'table':48} {'before':>9} {'after':>9}")
    for table in sorted(set(before) | set(after)):
        b, a = before.get(table, 0), after.get(table, 0)
        mark = "  LOST" if table in lost else ("  new" if table not in before else ("  +" if a > b else ""))
        print(f"{table:48} {b:>9} {a:>9}{mark}")
    for key in ("operations", "fields"):
        gone = sorted(old_schema[key] - new_schema[key])  # type: ignore[operator]
        added = sorted(new_schema[key] - old_schema[key])  # type: ignore[operator]
        print(f"\nAPI {key}: {len(gone)} removed, {len(added)} added")
        for item in gone:
            print(f"  - {item}")
        for item in added:
            print(f"  + {item}")
    if lost:
        sys.exit(f"rows lost in: {', '.join(sorted(lost))}")
    print("\nno row lost")


if __name__ == "__main__":
    main()
