"""The Python load client, used when wrk is missing: `python -m bench.pyload < spec.json`.

Keep-alive http.client connections (reopened when the server closes them, as gunicorn's sync
workers do after each response), one thread per connection, spread over one process per core
so that the client's own GIL does not cap the measurement.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import sys
import threading
import time
from typing import Any
from urllib.parse import urlsplit


def _signup(run_id: str, worker: int, number: int) -> str:
    email = f"bench-{run_id}-{worker}-{number}@example.org"
    return json.dumps({"email": email, "consent": True, "source": "bench"})


def _connection_loop(spec: dict[str, Any], worker: int, deadline: float, out: dict) -> None:
    parts = urlsplit(spec["base_url"])
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    requests, latencies = spec["requests"], out["latencies"]
    number = 0
    while time.perf_counter() < deadline:
        request = requests[number % len(requests)]
        body = request["body"]
        if spec["unique_emails"]:
            body = _signup(spec["run_id"], worker, number)
        number += 1
        started = time.perf_counter()
        try:
            connection.request(
                request["method"], request["path"], body=body, headers=request["headers"]
            )
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            out["socket"] += 1
            connection.close()
            continue
        latencies.append(time.perf_counter() - started)
        if response.status >= 400:
            out["status"] += 1
        if response.getheader("Connection", "").lower() == "close":
            connection.close()
    connection.close()


def _process(spec: dict[str, Any], index: int, threads: int) -> dict[str, Any]:
    deadline = time.perf_counter() + spec["duration"]
    outs = [{"latencies": [], "status": 0, "socket": 0} for _ in range(threads)]
    workers = [
        threading.Thread(target=_connection_loop, args=(spec, index * 1000 + n, deadline, out))
        for n, out in enumerate(outs)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {
        "latencies": [latency for out in outs for latency in out["latencies"]],
        "status": sum(out["status"] for out in outs),
        "socket": sum(out["socket"] for out in outs),
    }


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(spec: dict[str, Any]) -> dict[str, Any]:
    processes = max(1, min(os.cpu_count() or 1, spec["connections"]))
    shares = [spec["connections"] // processes] * processes
    shares[0] += spec["connections"] - sum(shares)
    started = time.perf_counter()
    with multiprocessing.Pool(processes) as pool:
        parts = pool.starmap(_process, [(spec, i, share) for i, share in enumerate(shares)])
    seconds = time.perf_counter() - started
    latencies = [latency for part in parts for latency in part["latencies"]]
    return {
        "requests": len(latencies),
        "seconds": min(seconds, spec["duration"]) if latencies else seconds,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "errors": sum(part["status"] for part in parts),
        "socket_errors": sum(part["socket"] for part in parts),
    }


if __name__ == "__main__":
    print(json.dumps(run(json.load(sys.stdin))))
