"""Start the embedded services a fresh checkout needs, when no URL is configured.

    python -m portal.devservices up     # prints nothing on success; writes var/env
    python -m portal.devservices down

PostgreSQL: pgserver, data under var/pg (it runs the server as the system user `pgserver`).
Redis: Debian's redis-server on a spare port, data under var/redis.
Set DATABASE_URL / REDIS_URL to use your own services instead; then nothing is started.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
ENV_FILE = VAR / "env"
REDIS_PORT = int(os.environ.get("EMBEDDED_REDIS_PORT", "6390"))


def _pg_up() -> str:
    from pgserver.postgres_server import get_server

    server = get_server(str(VAR / "pg"), cleanup_mode=None)
    uri = server.get_uri()
    (VAR / "pg.uri").write_text(uri + "\n")
    return uri


def _pg_down() -> None:
    import pgserver

    pgbin = Path(pgserver.__file__).parent / "pginstall" / "bin"
    if (VAR / "pg" / "postmaster.pid").exists():
        subprocess.run(
            [
                "runuser",
                "-u",
                "pgserver",
                "--",
                str(pgbin / "pg_ctl"),
                "-D",
                str(VAR / "pg"),
                "-m",
                "fast",
                "-w",
                "stop",
            ],
            check=False,
        )


def _redis_ping(port: int) -> bool:
    return (
        subprocess.run(
            ["redis-cli", "-p", str(port), "ping"], capture_output=True, text=True, check=False
        ).stdout.strip()
        == "PONG"
    )


def _redis_up() -> str:
    if not shutil.which("redis-server"):
        sys.exit("redis-server is not installed (make installs Debian's redis-server)")
    url = f"redis://127.0.0.1:{REDIS_PORT}/0"
    if _redis_ping(REDIS_PORT):
        return url
    data = VAR / "redis"
    data.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            str(REDIS_PORT),
            "--pidfile",
            str(data / "redis.pid"),
            "--dir",
            str(data),
            "--logfile",
            str(data / "redis.log"),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
    )
    # A busy port still exits 0; only a ping tells us it is ours and up.
    for _ in range(50):
        if _redis_ping(REDIS_PORT):
            return url
        time.sleep(0.1)
    sys.exit(f"redis-server did not answer on port {REDIS_PORT}; see {data / 'redis.log'}")


def up() -> None:
    VAR.mkdir(exist_ok=True)
    lines = []
    if not os.environ.get("DATABASE_URL"):
        lines.append(f"DATABASE_URL={_pg_up()}")
    if not os.environ.get("REDIS_URL"):
        lines.append(f"REDIS_URL={_redis_up()}")
    ENV_FILE.write_text("".join(line + "\n" for line in lines))


def down() -> None:
    _pg_down()
    if _redis_ping(REDIS_PORT):
        subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], check=False)


if __name__ == "__main__":
    {"up": up, "down": down}[sys.argv[1] if len(sys.argv) > 1 else "up"]()
