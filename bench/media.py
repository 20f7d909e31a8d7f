"""`python -m bench.media`: upload and rendition cost of one 24-megapixel photo.

A photo-like JPEG (6000 x 4000, smooth gradients with sensor-like noise, EXIF with GPS) is
drawn with Pillow, then each run uploads it to a fresh, migrated SQLite store through the API
(`POST /api/v1/media`, Flask's test client: decoding, checks, orienting, re-encoding, the eight
renditions and the INSERTs of every file), in a child process of its own so that its peak RSS
is the upload's alone. The report: wall time of the request, the time of `normalize` (decode,
check, re-encode, renditions) measured alone, and the child's peak RSS (VmHWM, reset just
before) above what it held before the upload. The section goes into bench/RESULTS.md (in its
notes, which `make bench` keeps).
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from PIL import Image, ImageFilter

from bench.report import machine
from bench.stores import migrate

HERE = Path(__file__).resolve().parent
START, END = "<!-- media-bench -->", "<!-- /media-bench -->"
SIZE = (6000, 4000)


def photo(path: Path) -> int:
    """A 24-megapixel JPEG that compresses like a photo (not like a flat diagram)."""
    width, height = SIZE
    small = Image.linear_gradient("L").resize((width // 8, height // 8))
    red = small
    green = small.rotate(90).resize(red.size)
    blue = Image.effect_noise(red.size, 64).filter(ImageFilter.GaussianBlur(6))
    image = Image.merge("RGB", (red, green, blue)).resize(SIZE, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(SIZE, 48).convert("RGB")
    image = Image.blend(image, grain, 0.3)
    exif = Image.Exif()
    exif[0x0112] = 1  # orientation
    exif[0x010F] = "Bench camera"
    image.save(path, format="JPEG", quality=88, exif=exif.tobytes())
    return path.stat().st_size


def _status_mb(key: str) -> float:
    """VmRSS (now) or VmHWM (peak) of this process from /proc, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_peak() -> None:
    """Start VmHWM again from the current RSS (Linux: write 5 to clear_refs)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def child(image_path: Path, database_url: str) -> dict[str, Any]:
    """One upload in this process; its costs as JSON."""
    from api import create_app
    from api.core.auth import issue_token
    from api.extensions import db
    from api.media.images import normalize
    from api.users.models import Role
    from api.users.services import create_user

    data = image_path.read_bytes()
    app = create_app(
        {"DATABASE_URL": database_url, "RATELIMIT_ENABLED": False, "MEDIA_MAX_BYTES": 30_000_000}
    )
    with app.app_context(), db.transaction():
        user = create_user(
            None, {"name": "Bench", "email": "bench@example.org", "role": Role.EDITOR}
        )
        _, token = issue_token(user, "bench")
    client = app.test_client()
    _reset_peak()
    before = _status_mb("VmRSS")
    started = time.perf_counter()
    response = client.post(
        "/api/v1/media",
        data={"file": (io.BytesIO(data), "photo.jpg"), "alt": "A bench photo"},
        headers={"Authorization": f"Bearer {token}"},
        content_type="multipart/form-data",
    )
    upload_seconds = time.perf_counter() - started
    peak = _status_mb("VmHWM")
    if response.status_code != 201:
        raise SystemExit(f"upload failed: {response.status_code} {response.get_data(as_text=True)}")
    item = response.get_json()
    started = time.perf_counter()
    normalize(data, max_pixels=app.config["MEDIA_MAX_PIXELS"])
    normalize_seconds = time.perf_counter() - started
    return {
        "upload_seconds": upload_seconds,
        "normalize_seconds": normalize_seconds,
        "rss_before_mb": before,
        "rss_peak_mb": peak,
        "stored_bytes": sum(r["bytes"] for r in item["renditions"]),
        "files": len(item["renditions"]),
    }


def run(runs: int) -> dict[str, Any]:
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as directory:
        image_path = Path(directory) / "photo.jpg"
        size = photo(image_path)
        results = []
        for number in range(runs):
            url = f"sqlite:///{Path(directory) / f'media-{number}.db'}"
            migrate(url)
            output = subprocess.run(
                [sys.executable, "-m", "bench.media", "--child", str(image_path), url],
                check=True,
                capture_output=True,
                text=True,
                cwd=HERE.parent,
                env={**os.environ, "RATELIMIT_ENABLED": "false"},
            )
            results.append(json.loads(output.stdout.strip().splitlines()[-1]))
    return {"jpeg_bytes": size, "runs": results, "load": load}


def section(result: dict[str, Any], command: str) -> str:
    def median(key: str) -> float:
        return statistics.median(r[key] for r in result["runs"])

    info = machine()
    growth = median("rss_peak_mb") - median("rss_before_mb")
    first = result["runs"][0]
    return "\n".join(
        [
            START,
            "## Media upload: one 24-megapixel photo",
            "",
            f"- Command: `{command}`; {len(result['runs'])} run(s), medians; written by "
            "`python -m bench.media` (code in bench/media.py)",
            f"- Machine: {info.get('cores', '?')} cores ({info.get('cpu', '?')}), load average "
            f"{result['load']:.1f} when the run started; Python {info.get('python', '?')}",
            f"- Input: a 6000 x 4000 JPEG of {result['jpeg_bytes'] / 1e6:.1f} MB with EXIF",
            "",
            "| measure | value |",
            "| --- | ---: |",
            f"| upload request, end to end (`POST /api/v1/media`, SQLite) | "
            f"{median('upload_seconds'):.2f} s |",
            f"| of which decode + checks + re-encode + 8 renditions (`normalize`) | "
            f"{median('normalize_seconds'):.2f} s |",
            f"| peak RSS of the process during the upload, above its RSS before | "
            f"{growth:.0f} MB (peak {median('rss_peak_mb'):.0f} MB) |",
            f"| files stored | {first['files']} ({first['stored_bytes'] / 1e6:.1f} MB) |",
            "",
            "One upload holds one worker for this long and needs this much memory on top of "
            "the worker's own; size `MEDIA_MAX_PIXELS` and the worker count to the host.",
            END,
        ]
    )


def write(text: str, results: Path) -> None:
    current = results.read_text(encoding="utf-8")
    if START in current:
        before, _, rest = current.partition(START)
        _, _, after = rest.partition(END)
        current = before.rstrip() + "\n\n" + text + after
    else:
        current = current.rstrip() + "\n\n" + text + "\n"
    results.write_text(current, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.media", description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument(
        "--child", nargs=2, metavar=("IMAGE", "DATABASE_URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1])))
        return
    result = run(args.runs)
    text = section(result, "python -m bench.media " + " ".join(argv or sys.argv[1:]))
    write(text, args.results)
    print(text)


if __name__ == "__main__":
    main()
