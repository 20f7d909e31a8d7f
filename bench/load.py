"""Load generators, run as a second process: wrk (with a Lua script) or a Python client.

Both keep `connections` connections busy for `duration` seconds and report requests/s,
p50/p99 latency and errors (responses outside 2xx/3xx, and socket errors).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.targets import Request, Target

WRK_MARK = "BENCHJSON "


@dataclass
class LoadResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # responses outside 2xx/3xx
    socket_errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_version() -> str | None:
    path = shutil.which("wrk")
    if path is None:
        return None
    output = subprocess.run([path, "-v"], capture_output=True, text=True, check=False)
    first_line = (output.stdout or output.stderr).splitlines()[0]
    return " ".join(first_line.split()[:2])  # "wrk 4.1.0-3+b2" without the banner


def _lua_string(value: str) -> str:
    return f"[==[{value}]==]"


def _lua_headers(headers: dict[str, str]) -> str:
    # "[ [==[name]==] ]" with spaces: "[[" would open a Lua long string
    pairs = [f"[ {_lua_string(name)} ] = {_lua_string(value)}" for name, value in headers.items()]
    return "{" + ", ".join(pairs) + "}"


def lua_script(target: Target, run_id: str) -> str:
    """A wrk script rotating the target's requests (or minting emails) and printing JSON."""
    lines = ["local reqs = {}", "local counter = 0", "local threads = {}"]
    first = target.requests[0]
    if target.unique_emails:
        lines += [
            "function request()",
            "  counter = counter + 1",
            f"  local body = '{{\"email\": \"bench-{run_id}-' .. id .. '-' .. counter .."
            ' \'@example.org", "consent": true, "source": "bench"}\'',
            f"  return wrk.format({_lua_string(first.method)}, {_lua_string(first.path)}, "
            f"{_lua_headers(first.headers)}, body)",
            "end",
        ]
    else:
        for request in target.requests:
            body = _lua_string(request.body) if request.body else "nil"
            lines.append(
                f"table.insert(reqs, wrk.format({_lua_string(request.method)}, "
                f"{_lua_string(request.path)}, {_lua_headers(request.headers)}, {body}))"
            )
        lines += [
            "function request()",
            "  counter = counter + 1",
            "  return reqs[(counter % #reqs) + 1]",
            "end",
        ]
    lines += [
        "function setup(thread)",
        "  table.insert(threads, thread)",
        "  thread:set('id', #threads)",
        "end",
        "function done(summary, latency, requests)",
        "  local e = summary.errors",
        f'  io.write(string.format(\'{WRK_MARK}{{"requests": %d, "us": %d, "p50": %d, '
        '"p99": %d, "status": %d, "socket": %d}\\n\', summary.requests, summary.duration,'
        " latency:percentile(50), latency:percentile(99), e.status,"
        " e.connect + e.read + e.write + e.timeout))",
        "end",
    ]
    return "\n".join(lines) + "\n"


def run_wrk(
    base_url: str, target: Target, *, connections: int, duration: float, threads: int, run_id: str
) -> LoadResult:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(lua_script(target, run_id))
    try:
        command = [
            "wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
            "--timeout", "10s", "-s", script.name, base_url,
        ]  # fmt: skip
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith(WRK_MARK))
    data = json.loads(line.removeprefix(WRK_MARK))
    return LoadResult(
        requests=data["requests"],
        seconds=data["us"] / 1e6,
        p50_ms=data["p50"] / 1000,
        p99_ms=data["p99"] / 1000,
        errors=data["status"],
        socket_errors=data["socket"],
    )


def run_python(
    base_url: str, target: Target, *, connections: int, duration: float, run_id: str
) -> LoadResult:
    """The Python client, in its own process (`python -m bench.pyload`)."""
    spec = {
        "base_url": base_url,
        "requests": [asdict(r) for r in target.requests],
        "unique_emails": target.unique_emails,
        "connections": connections,
        "duration": duration,
        "run_id": run_id,
    }
    root = Path(__file__).resolve().parents[1]
    output = subprocess.run(
        [sys.executable, "-m", "bench.pyload"],
        input=json.dumps(spec),
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    ).stdout
    return LoadResult(**json.loads(output))


def run_load(
    tool: str, base_url: str, target: Target, *, connections: int, duration: float, run_id: str
) -> LoadResult:
    if tool == "wrk":
        threads = min(connections, os.cpu_count() or 1)
        return run_wrk(
            base_url, target, connections=connections, duration=duration, threads=threads,
            run_id=run_id,
        )  # fmt: skip
    return run_python(base_url, target, connections=connections, duration=duration, run_id=run_id)


__all__ = ["LoadResult", "Request", "run_load", "wrk_version"]
