"""Benchmark: scanned pages on one core, at 200 and 300 dpi, against RapidOCR alone.

For each dpi, the PDF fixtures' pages are rendered and degraded (±2° skew, noise, JPEG q60,
tests/fixtures/make_scans.py) into a temporary folder. A child process pinned to one CPU
then runs, after one warm-up page (model load and first-call costs are reported apart):
  - jixiao: the whole pipeline (`process_bytes`: decode, deskew, grid, OCR, parse, normalize);
  - baseline: RapidOCR alone on the same decoded pages (one call per page, same engine);
and reports seconds per page for both, their ratio, and the child's peak RSS
(resource.getrusage). No assertions: the numbers are for the closing notes.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(folder: Path, mode: str) -> dict[str, float]:
    os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    import numpy as np
    from PIL import Image, ImageSequence

    from jixiao.extract.ocr import _engine
    from jixiao.pipeline import process_bytes

    files = sorted(p for p in folder.iterdir() if p.suffix in (".jpg", ".tif"))
    started = time.perf_counter()
    if mode == "jixiao":
        process_bytes(files[0].read_bytes(), files[0].name)  # warm-up
    else:
        _engine()(np.asarray(Image.open(files[0]).convert("L")))
    first = time.perf_counter() - started
    pages = 0
    started = time.perf_counter()
    for path in files:
        if mode == "jixiao":
            result = process_bytes(path.read_bytes(), path.name)
            pages += result.source.pages or 1
        else:
            for frame in ImageSequence.Iterator(Image.open(path)):
                _engine()(np.asarray(frame.convert("L")))
                pages += 1
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"pages": pages, "s_per_page": seconds / pages, "first_s": first, "peak_mb": peak_mb}


def run_child(folder: Path, mode: str) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--child", str(folder), mode]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "MODE"))
    parser.add_argument("--dpi", type=int, nargs="*", default=[200, 300])
    parser.add_argument(
        "--names", nargs="*", default=["xiangtan_2023_landscape", "huangshi_2022_vertical_levels"]
    )
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), args.child[1])))
        return
    print(f"{'dpi':>4} {'tool':<9} {'pages':>5} {'s/page':>7} {'first':>6} {'peak MB':>8}")
    for dpi in args.dpi:
        with tempfile.TemporaryDirectory() as tmp:
            make = [sys.executable, str(ROOT / "tests/fixtures/make_scans.py"), tmp]
            make += ["--dpi", str(dpi), "--skew", "2", "--noise", "8", "--names", *args.names]
            subprocess.run(make, check=True)
            results = {
                mode: run_child(Path(tmp) / "forms", mode) for mode in ("jixiao", "rapidocr")
            }
        for mode, r in results.items():
            print(
                f"{dpi:>4} {mode:<9} {r['pages']:>5.0f} {r['s_per_page']:>7.2f} "
                f"{r['first_s']:>6.2f} {r['peak_mb']:>8.0f}"
            )
        ratio = results["jixiao"]["s_per_page"] / results["rapidocr"]["s_per_page"]
        print(f"{dpi:>4} jixiao / RapidOCR alone: {ratio:.2f}x")


if __name__ == "__main__":
    main()
