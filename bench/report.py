"""The results table: machine description, one table per store, the scale comparison.

bench/results.json keeps the latest run for each library size; bench/RESULTS.md is rendered from
it, and its `## Notes` section (hand-written analysis) is carried over from the previous file.
"""

from __future__ import annotations

import json
import os
import platform
import sqlite3
from pathlib import Path
from typing import Any

NOTES_HEADING = "## Notes"
STORE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def machine() -> dict[str, Any]:
    """Cores, CPU model, memory, OS and Python of this machine."""
    cpu = ""
    meminfo = ""
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        meminfo = Path("/proc/meminfo").read_text().splitlines()[0].split(":")[1].strip()
    except (OSError, StopIteration):
        pass
    memory_gb = int(meminfo.split()[0]) / 1024 / 1024 if meminfo else 0
    return {
        "cores": os.cpu_count(),
        "cpu": cpu or platform.processor(),
        "memory_gb": round(memory_gb, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
    }


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


# The goals: a share of the ceiling's requests/s, or a p99 at scale on PostgreSQL.
RATIO_GOALS = {"article list": 0.60, "article detail": 0.60, "304 revalidation": 0.80}
P99_GOALS_MS = {"related articles": 50.0, "search": 50.0}
SCALE_GOAL = 1.5
RSS_GOAL_MB = 150


def _verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def goal(row: dict[str, Any], store: str, articles: int) -> str:
    """The goal of this row's target, and whether this measurement meets it."""
    target, measured = row["target"], not row.get("unavailable")
    if target in RATIO_GOALS:
        wanted = RATIO_GOALS[target]
        verdict = f": {_verdict(row['ratio'] >= wanted)}" if measured else ""
        return f">= {wanted:.0%}{verdict}"
    if target in P99_GOALS_MS:
        limit = P99_GOALS_MS[target]
        text = f"p99 < {limit:g} ms at 100,000 on PostgreSQL"
        if measured and store == "postgresql" and articles >= 100_000:
            text += f": {_verdict(row['careleaf']['p99_ms'] < limit)}"
        return text
    return ""


def _row(row: dict[str, Any], store: str, articles: int) -> str:
    name = f"{row['target']}" + (f" ({row['note']})" if row.get("note") else "")
    wanted = goal(row, store, articles)
    if row.get("unavailable"):
        return f"| {name} | {row['unavailable']} | | | | | | | {wanted} |"
    ours, ceiling = row["careleaf"], row["ceiling"]
    errors = ours["errors"] + ours["socket_errors"]
    ceiling_errors = ceiling["errors"] + ceiling["socket_errors"]
    error_text = f"{errors}" + (f" (ceiling {ceiling_errors})" if ceiling_errors else "")
    return (
        f"| {name} | {ours['rps']:.0f} | {ceiling['rps']:.0f} | **{row['ratio']:.0%}** "
        f"| {_ms(ours['p50_ms'])} / {_ms(ours['p99_ms'])} "
        f"| {_ms(ceiling['p50_ms'])} / {_ms(ceiling['p99_ms'])} "
        f"| {ours['requests']} | {error_text} | {wanted} |"
    )


def store_table(store: dict[str, Any], articles: int) -> list[str]:
    lines = [
        f"### {STORE_NAMES.get(store['store'], store['store'])}",
        "",
        f"Library generated in {store['generation_seconds']:.1f} s"
        + (f" ({'; '.join(store['generation_notes'])})" if store.get("generation_notes") else "")
        + ".",
        "",
        "| target | Careleaf req/s | ceiling req/s | ratio | Careleaf p50 / p99 ms "
        "| ceiling p50 / p99 ms | requests | errors | goal |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
        *(_row(row, store["store"], articles) for row in store["rows"]),
        "",
    ]
    for server in ("careleaf", "ceiling"):
        peaks = store.get(f"rss_{server}_mb") or []
        if peaks:
            verdict = ""
            if server == "careleaf" and articles >= 100_000:
                verdict = f"; goal <= {RSS_GOAL_MB} MB: {_verdict(max(peaks) <= RSS_GOAL_MB)}"
            lines.append(
                f"Peak RSS per worker, {server}: max {max(peaks):.0f} MB "
                f"(workers: {', '.join(f'{p:.0f}' for p in sorted(peaks))} MB{verdict})."
            )
    return [*lines, ""]


def run_section(run: dict[str, Any]) -> list[str]:
    settings, box = run["settings"], run["machine"]
    lines = [
        f"## {run['articles']:,} articles, {run['date']}",
        "",
        *([f"- Command: `{run['command']}`"] if run.get("command") else []),
        f"- Machine: {box['cores']} cores ({box['cpu']}), {box['memory_gb']} GB memory, "
        f"{box['os']}; Python {box['python']}, SQLite {box['sqlite']}"
        + (f", PostgreSQL {box['postgresql']}" if box.get("postgresql") else ""),
        f"- Servers: {settings['server']} for Careleaf and for the ceiling alike",
        f"- Load: {settings['load_tool']} on 127.0.0.1, {settings['connections']} connections, "
        f"{settings['warmup']:g} s warm-up then {settings['duration']:g} s per run, "
        f"{settings['rounds']} round(s) alternating ceiling and Careleaf per target "
        "(median when several)",
        *(f"- Note: {note}" for note in run.get("notes", [])),
        "",
    ]
    for store in run["stores"]:
        lines += store_table(store, run["articles"])
    return lines


def scale_section(runs: dict[str, dict[str, Any]]) -> list[str]:
    """Each target's cost at the largest library against 1,000 articles, per store."""
    sizes = sorted(int(size) for size in runs)
    if len(sizes) < 2 or 1000 not in sizes:
        return []
    small, large = runs["1000"], runs[str(sizes[-1])]
    # Side by side, both sizes share one ceiling measurement per target: dividing by it would
    # change nothing, so only figures of different runs get the drift correction.
    side_by_side = small["date"] == large["date"]
    if side_by_side:
        intro = (
            f"Cost = 1 / requests/s. Both sizes were served at once and loaded in turn in one run "
            f"({large['date']}), against one ceiling measurement per target, so the raw cost "
            "ratio is the comparison (dividing both by the same ceiling would change nothing); "
            f"target: at most {SCALE_GOAL}x."
        )
        header = "| store | target | cost x | p99 ms at 1,000 -> large | goal |"
        align = "| --- | --- | ---: | ---: | --- |"
    else:
        intro = (
            f"Cost = 1 / requests/s, from different runs ({small['date']} and {large['date']}): "
            "each size's ratio is against the ceiling of its own run, and the ceiling-normalised "
            "cost (ratio at 1,000 / ratio at the larger size) is held to the target of "
            f"{SCALE_GOAL}x, as it cancels machine drift between the runs; compare with care."
        )
        header = (
            "| store | target | cost x (raw) | cost x (vs ceiling) | p99 ms at 1,000 -> large "
            "| goal |"
        )
        align = "| --- | --- | ---: | ---: | ---: | --- |"
    lines = [f"## Scale: {sizes[-1]:,} against 1,000 articles", "", intro, "", header, align]
    small_stores = {store["store"]: store for store in small["stores"]}
    for store in large["stores"]:
        before = small_stores.get(store["store"])
        if before is None:
            continue
        previous = {row["target"]: row for row in before["rows"]}
        for row in store["rows"]:
            old = previous.get(row["target"])
            if row.get("unavailable") or not old or old.get("unavailable"):
                continue
            raw = old["careleaf"]["rps"] / max(row["careleaf"]["rps"], 1e-9)
            normalised = old["ratio"] / max(row["ratio"], 1e-9)
            held = raw if side_by_side else normalised
            costs = f"{raw:.2f}" if side_by_side else f"{raw:.2f} | {normalised:.2f}"
            lines.append(
                f"| {STORE_NAMES.get(store['store'])} | {row['target']} | {costs} "
                f"| {_ms(old['careleaf']['p99_ms'])} -> {_ms(row['careleaf']['p99_ms'])} "
                f"| <= {SCALE_GOAL}x: {_verdict(held <= SCALE_GOAL)} |"
            )
    return [*lines, ""]


def render(runs: dict[str, dict[str, Any]], notes: str) -> str:
    lines = [
        "# Careleaf benchmark results",
        "",
        "Written by `make bench` (see docs/deployment-and-scale.md, Benchmark). "
        "Ratio = Careleaf's requests/s / the "
        "ceiling's (a bare Flask app replaying the same bytes from memory, same gunicorn "
        "settings, same run). Errors = responses outside 2xx/3xx plus socket errors.",
        "",
    ]
    for size in sorted(runs, key=int):
        lines += run_section(runs[size])
    lines += scale_section(runs)
    return "\n".join(lines).rstrip() + "\n\n" + notes.strip() + "\n"


def existing_notes(path: Path) -> str:
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    index = text.find(NOTES_HEADING)
    return text[index:] if index >= 0 else f"{NOTES_HEADING}\n\n(none yet)\n"


def rerender(results_json: Path, results_md: Path) -> None:
    """Rewrite RESULTS.md from RESULTS.json (after editing the notes or the layout)."""
    runs = json.loads(results_json.read_text())
    results_md.write_text(render(runs, existing_notes(results_md)), encoding="utf-8")


def record(run: dict[str, Any], results_json: Path, results_md: Path) -> str:
    """Keep `run` as the latest for its size, rewrite RESULTS.md, and return the run's text."""
    runs = json.loads(results_json.read_text()) if results_json.exists() else {}
    runs[str(run["articles"])] = run
    results_json.write_text(json.dumps(runs, indent=1, sort_keys=True) + "\n")
    results_md.write_text(render(runs, existing_notes(results_md)), encoding="utf-8")
    return "\n".join(run_section(run))
