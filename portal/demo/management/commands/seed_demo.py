"""`manage.py seed_demo`: the demo registry, spot checks and publications; logins; bulk scale data."""

from __future__ import annotations

import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.demo import registry as demo


class Command(BaseCommand):
    help = "载入演示数据（确定性随机种子 2026）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="已有演示数据时什么也不做。")
        parser.add_argument(
            "--print-logins", action="store_true", help="只打印演示账户（用户名、密码、角色、行政区划）。"
        )
        parser.add_argument(
            "--scale", type=int, metavar="N", help="只生成 N 条已公告结果（portal.demo.scale），用于压力测试。"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["scale"] is not None:
            from portal.demo import scale as demo_scale

            if options["scale"] < 1:
                raise CommandError("--scale 必须是正整数。")
            demo_scale.generate_published(options["scale"])
            return
        if options["print_logins"]:
            self._print_logins()
            return
        if demo.demo_present():
            if options["once"]:
                self.stdout.write("演示数据已存在，未做改动。")
                return
            raise CommandError("演示数据已存在；使用 --once 可在已有数据时跳过。")
        started = time.monotonic()
        demo.seed(rng=random.Random(demo.SEED))  # noqa: S311 — demo data, not security
        self.stdout.write(self.style.SUCCESS(f"演示数据已载入（{time.monotonic() - started:.1f} 秒）。"))

    def _print_logins(self) -> None:
        rows = [("用户名", "密码", "角色", "行政区划"), *demo.logins()]

        def width(text: str) -> int:
            return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

        widths = [max(width(row[i]) for row in rows) for i in range(4)]
        for n, row in enumerate(rows):
            self.stdout.write("  " + "  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)))
            if n == 0:
                self.stdout.write("  " + "  ".join("-" * w for w in widths))
