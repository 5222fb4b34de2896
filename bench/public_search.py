"""Benchmark of the public search (JSON API and HTML page) on 1,000,000 published results.

Usage (loopback only; uses its own database, never the test database):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_pub REDIS_URL=redis://127.0.0.1:6379/4 \
        .venv/bin/python bench/public_search.py --rows 1000000 --duration 10

It (1) loads N rows with portal.demo.scale.generate_published unless the table already has
them, (2) checks every query's hit count against a plain ILIKE scan and prints any difference,
(3) serves the site with gunicorn (DEBUG off, CONN_MAX_AGE on, rate limit off) and (4) drives it
with wrk from a second process rotating >= 50 Chinese queries (1- and 2-character words, enterprise
fragments, model numbers, filter combinations, second pages by cursor, no-hit queries), at 16 and
64 connections, with the response cache off and on (cache on: Zipf-skewed query choice).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

WORDS_1 = ["壶", "鞋", "灯", "纸", "锅", "枕", "被", "胎"]
WORDS_2 = [
    "水壶",
    "童装",
    "锂电",
    "插座",
    "头盔",
    "电缆",
    "钢筋",
    "轮胎",
    "床垫",
    "涂料",
    "甲醛",
    "纸巾",
    "玩具",
    "电饭",
    "灶具",
]
FRAGMENTS = ["广州", "深圳", "佛山华美", "东莞", "电器有限公司", "实业", "鑫源", "珠海", "汕头", "惠州", "中山", "江门"]
FAILED = ["泄漏电流", "甲醛含量", "冲击吸收性能", "过充电保护", "小零件", "总迁移量", "导体电阻", "熄火保护"]
NO_HIT = ["飞机", "火箭发动机", "量子计算机", "zzqx999"]
FILTERS = [
    {},
    {"region": "440100"},
    {"region": "440106"},
    {"field": "online"},
    {"level": "national"},
    {"year": "2025", "quarter": "3"},
    {"passes": "1"},
    {"region": "440300", "field": "circulation"},
]


def queries(models: list[str]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for w in WORDS_1 + WORDS_2 + FRAGMENTS + FAILED + NO_HIT:
        out.append({"q": w})
    for m in models:
        out.append({"q": m})
        out.append({"q": m.split("-")[0] + "-" + m.split("-")[1][:2]})
    rng = random.Random(7)
    for i, f in enumerate(FILTERS):
        for w in rng.sample(WORDS_2 + FRAGMENTS, 3):
            out.append({"q": w, **f})
        if i % 2 == 0:
            out.append(dict(f))
    return out


def django_setup() -> None:
    import django

    django.setup()


def ensure_rows(n: int) -> None:
    from portal.demo.scale import generate_published
    from supervision.models import PublishedResult

    have = PublishedResult.objects.order_by().count()
    if have >= n:
        print(f"reusing {have} published rows")
        return
    print(f"generating {n - have} rows ...")
    generate_published(n - have)


def sample_models(k: int) -> list[str]:
    from supervision.models import PublishedResult

    return list(PublishedResult.objects.filter(verdict="fail").values_list("model_spec", flat=True)[:k])


def check_counts(qs: list[dict[str, str]]) -> int:
    """Full-text hit count vs a plain ILIKE scan, for every free-text query without filters."""
    from supervision.publication.search import SearchFilters, _without_cursor, ilike_count, parse_query

    differences = 0
    checked = 0
    for params in qs:
        if set(params) != {"q"}:
            continue
        q = params["q"]
        fts = _without_cursor(SearchFilters(), False, parse_query(q)).count()
        ref = ilike_count(q)
        checked += 1
        if fts != ref:
            differences += 1
            print(f"  DIFFERENCE q={q!r}: search {fts} vs ILIKE {ref}")
    print(f"hit counts checked for {checked} queries: {differences} differences")
    return differences


def build_urls(base: str, qs: list[dict[str, str]], html: bool) -> list[str]:
    path = "/search/" if html else "/api/public/results/"
    urls = []
    for params in qs:
        url = f"{path}?{urllib.parse.urlencode(params)}"
        urls.append(url)
        if not html:
            with urllib.request.urlopen(base + url, timeout=30) as r:  # second page by cursor
                data = json.loads(r.read())
            if data.get("next_cursor"):
                urls.append(f"{path}?{urllib.parse.urlencode({**params, 'cursor': data['next_cursor']})}")
    if html:  # second pages for the HTML too, taken from the API's cursors
        api = build_urls(base, qs, html=False)
        urls += [u.replace("/api/public/results/", "/search/") for u in api if "cursor=" in u]
    return urls


def zipf(urls: list[str], n: int = 5000, s: float = 1.1) -> list[str]:
    rng = random.Random(11)
    weights = [1 / (i + 1) ** s for i in range(len(urls))]
    order = urls[:]
    rng.shuffle(order)
    return rng.choices(order, weights=weights, k=n)


def start_server(port: int, cache_seconds: int, workers: int, worker_class: str, threads: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DEBUG": "0",
        "CONN_MAX_AGE": "600",
        "PUBLIC_RATE_LIMIT": "off",
        "PUBLIC_RESPONSE_CACHE_SECONDS": str(cache_seconds),
        "LOG_LEVEL": "ERROR",
    }
    cmd = [
        str(ROOT / ".venv/bin/gunicorn"),
        "portal.wsgi",
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "-k",
        worker_class,
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--log-level",
        "error",
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/public/announcements/", timeout=2).read()
            return proc
        except OSError:
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("gunicorn did not start")


def stop_server(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def wrk(base: str, url_file: Path, connections: int, duration: int) -> dict[str, str]:
    env = {**os.environ, "BENCH_URLS": str(url_file)}
    cmd = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(ROOT / "bench/urls.lua"),
        base,
    ]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"50%\s+([\d.]+\w+)", out)
    p99 = re.search(r"99%\s+([\d.]+\w+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps.group(1) if rps else "?",
        "p50": p50.group(1) if p50 else "?",
        "p99": p99.group(1) if p99 else "?",
        "non2xx": errors.group(1) if errors else "0",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--port", type=int, default=8004)
    # 3 sync workers: on 2 cores shared with wrk and PostgreSQL, as fast as 4 x gthread(4) without the
    # cache and with a far lower p99 with it (measured, see docs/public-search.md)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class: sync or gthread")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--kinds", default="api,html", help="api, html or both")
    parser.add_argument("--cache", default="off,on", help="response cache off, on or both")
    parser.add_argument("--connections", default="16,64")
    parser.add_argument("--skip-check", action="store_true")
    args = parser.parse_args()
    django_setup()
    ensure_rows(args.rows)
    qs = queries(sample_models(6))
    print(f"{len(qs)} queries")
    if not args.skip_check:
        check_counts(qs)
    from django import db

    db.connections.close_all()
    base = f"http://127.0.0.1:{args.port}"
    tmp = ROOT / "var" / "bench"
    tmp.mkdir(parents=True, exist_ok=True)
    results = []
    modes = {"off": 0, "on": 60}
    print(f"gunicorn -w {args.workers} -k {args.worker_class} --threads {args.threads}")
    for cache_seconds in [modes[m] for m in args.cache.split(",")]:
        proc = start_server(args.port, cache_seconds, args.workers, args.worker_class, args.threads)
        try:
            for kind in args.kinds.split(","):
                urls = build_urls(base, qs, html=kind == "html")
                chosen = zipf(urls) if cache_seconds else urls
                url_file = tmp / f"urls-{kind}-{cache_seconds}.txt"
                url_file.write_text("\n".join(chosen) + "\n")
                if cache_seconds:  # a warm cache, as production's would be: every distinct URL once
                    for url in sorted(set(chosen)):  # (into the shared cache), then each worker's own
                        urllib.request.urlopen(base + url, timeout=30).read()
                    wrk(base, url_file, 8, 2)
                for c in [int(x) for x in args.connections.split(",")]:
                    r = wrk(base, url_file, c, args.duration)
                    label = f"{kind:4} cache={'on ' if cache_seconds else 'off'} c={c:<3}"
                    print(f"{label} {r['rps']:>9} req/s  p50 {r['p50']:>8}  p99 {r['p99']:>8}  non-2xx {r['non2xx']}")
                    results.append((label, r))
        finally:
            stop_server(proc)


if __name__ == "__main__":
    main()
