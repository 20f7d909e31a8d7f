"""`python -m bench.outbox`: how fast the outbox sends. Queues N mails (10,000) in a fresh store,
starts 1 (then 2) real worker processes (`flask --app wsgi outbox run`, MAIL_RATE_PER_MINUTE=0)
against a local aiosmtpd sink that accepts everything, and times the sink from its first to
its last message. The table goes into bench/RESULTS.md under "## Notes", between markers."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from api.core import clock
from api.core.db import make_engine
from api.outbox.models import OutboxMessage, OutboxStatus
from bench import stores
from bench.report import NOTES_HEADING, machine

HERE = Path(__file__).resolve().parent
BEGIN, END = "<!-- outbox-bench -->", "<!-- /outbox-bench -->"
QUEUE_BATCH = 1000


class CountingSink:
    """Accepts every mail; notes when the first and the last arrived."""

    def __init__(self, expected: int) -> None:
        self.expected, self.count = expected, 0
        self.first = self.last = 0.0
        self.done = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        now = time.perf_counter()
        self.first = self.first or now
        self.count += 1
        self.last = now
        if self.count >= self.expected:
            self.done.set()
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children_cpu() -> float:
    """CPU seconds (user + system) of the child processes that ended so far: the workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def queue(url: str, count: int) -> float:
    """Insert `count` pending mails, QUEUE_BATCH per transaction; returns the seconds taken."""
    engine = make_engine(url)
    now = clock.now()
    started = time.perf_counter()
    with engine.connect() as connection:
        for first in range(0, count, QUEUE_BATCH):
            rows = [
                {
                    "kind": "email",
                    "payload": {
                        "to": f"patient{n}@example.com",
                        "subject": "Spine health, November",
                        "text": "Hello.\n" + "A line of the newsletter.\n" * 60,
                    },
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "max_attempts": 8,
                    "next_attempt_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for n in range(first, min(first + QUEUE_BATCH, count))
            ]
            connection.execute(insert(OutboxMessage), rows)
            connection.commit()
    engine.dispose()
    return time.perf_counter() - started


def send(url: str, count: int, workers: int) -> dict[str, Any]:
    sink = CountingSink(count)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "outbox-bench",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "MAIL_RATE_PER_MINUTE": "0",
        "LOG_LEVEL": "WARNING",
    }
    command = [str(stores.ROOT / ".venv/bin/flask"), "--app", "wsgi", "outbox", "run"]
    cpu_before = _children_cpu()
    processes = [
        subprocess.Popen(command, cwd=stores.ROOT, env=env, stdout=subprocess.DEVNULL)
        for _ in range(workers)
    ]
    try:
        finished = sink.done.wait(timeout=1800)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        controller.stop()
    seconds = sink.last - sink.first
    return {
        "cpu_ms": round(1000 * (_children_cpu() - cpu_before) / max(sink.count, 1), 2),
        "load": round(os.getloadavg()[0], 1),
        "workers": workers,
        "received": sink.count,
        "finished": finished,
        "seconds": round(seconds, 2),
        "per_second": round((sink.count - 1) / seconds) if seconds else 0,
    }


def measure(url: str, count: int, workers: list[int]) -> list[dict[str, Any]]:
    results = []
    for number in workers:
        stores.create(url)
        queued = queue(url, count)
        result = send(url, count, number)
        result["queue_seconds"] = round(queued, 2)
        result["queued_per_second"] = round(count / queued)
        results.append(result)
    stores.drop(url)
    return results


def table(store: str, count: int, results: list[dict[str, Any]]) -> list[str]:
    lines = [
        f"#### {store}",
        "",
        "| workers | queued/s (insert) | sent | send time s | sent/s | worker CPU ms/mail "
        "| load avg | all arrived |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in results:
        lines.append(
            f"| {row['workers']} | {row['queued_per_second']} | {row['received']:,} / {count:,} "
            f"| {row['seconds']} | **{row['per_second']}** | {row['cpu_ms']} | {row['load']} "
            f"| {'yes' if row['finished'] else 'NO'} |"
        )
    return [*lines, ""]


def section(count: int, by_store: dict[str, list[dict[str, Any]]], command: str) -> str:
    info = machine()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        BEGIN,
        f"### Outbox sending: {count:,} mails, {stamp}",
        "",
        f"- Command: `{command}`",
        f"- Machine: {info['cores']} cores ({info['cpu']}), Python {info['python']}, "
        f"SQLite {info['sqlite']}",
        "- One SMTP connection per worker, one commit per message (each recorded the moment the "
        "sink accepts it), no rate limit; the sink (aiosmtpd) runs on the same cores. Time runs "
        "from the first mail the sink receives to the last (worker start-up excluded). Worker CPU "
        "per mail (user + system of the worker processes, start-up included) does not depend on "
        "what else the machine runs; sent/s does: the load average (1 min, at the end of the "
        "run) says how busy the machine was.",
        "",
    ]
    for store, results in by_store.items():
        lines += table(store, count, results)
    return "\n".join([*lines, END])


def write(results_md: Path, text: str) -> None:
    current = results_md.read_text(encoding="utf-8") if results_md.exists() else ""
    if BEGIN in current and END in current:
        head, _, rest = current.partition(BEGIN)
        current = head + text + rest.partition(END)[2]
    elif NOTES_HEADING in current:
        head, _, rest = current.partition(NOTES_HEADING)
        current = f"{head}{NOTES_HEADING}\n\n{text}\n{rest}"
    else:
        current = f"{current.rstrip()}\n\n{NOTES_HEADING}\n\n{text}\n"
    results_md.write_text(current, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.outbox", description=__doc__)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--workers", default="1,2", help="worker counts to measure (1,2)")
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument(
        "--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    args = parser.parse_args(argv)
    workers = [int(number) for number in args.workers.split(",")]
    urls = {
        "sqlite": f"sqlite:///{stores.OUT / 'bench-outbox.db'}",
        "postgresql": make_url(args.pg_url)
        .set(database=f"{stores.PG_DATABASE}_outbox")
        .render_as_string(hide_password=False),
    }
    by_store = {
        name: measure(urls[name], args.messages, workers) for name in args.stores.split(",")
    }
    command = "python -m bench.outbox " + " ".join(argv or [])
    text = section(args.messages, by_store, command.strip())
    write(args.results, text)
    print(text)


if __name__ == "__main__":
    main()
