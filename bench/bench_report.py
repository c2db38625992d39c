"""Benchmark: `jixiao report` over 2,000 sources (the issue's budget: < 30 s, < 50 MB).

The samples are run once; their sources and JSON are copied into N sources with distinct
bytes (a PDF gets a comment appended after %%EOF, a text a trailing newline run), so every
PDF page is rendered again, as in a real archive. Prints seconds, MB, and the ratio to the
floor measured in the same run: loading and validating the same JSON files.
No assertions: the numbers are for the closing notes and for spotting regressions.
"""

from __future__ import annotations

import argparse
import hashlib
import tempfile
import time
from pathlib import Path

from jixiao.batch import RunOptions, run
from jixiao.models import SourceResult
from jixiao.output import write_json, write_run_info
from jixiao.report import build_report
from jixiao.report.builder import load_results

ROOT = Path(__file__).resolve().parent.parent
FORMS = ROOT / "samples" / "forms"


def make_archive(work: Path, count: int) -> Path:
    seed_out = work / "seed_out"
    run([FORMS], RunOptions(out=seed_out))
    seeds = load_results(seed_out)
    sources, out = work / "sources", work / "out"
    for i in range(count):
        seed = seeds[i % len(seeds)]
        data = (FORMS / seed.source.path).read_bytes()
        data += (b"\n%% copy " if seed.source.format == "pdf" else b"\n" * 2) + str(i).encode()
        rel = f"d{i // 500:03d}/{i:05d}_{Path(seed.source.path).name}"
        (sources / rel).parent.mkdir(parents=True, exist_ok=True)
        (sources / rel).write_bytes(data)
        sha = hashlib.sha256(data).hexdigest()
        forms = [
            f.model_copy(update={"form_id": f"{sha[:16]}-{n}"}) for n, f in enumerate(seed.forms)
        ]
        source = seed.source.model_copy(update={"path": rel, "sha256": sha})
        write_json(out, SourceResult(source=source, forms=forms, errors=seed.errors))
    write_run_info(out, [sources], redact=False)
    return out


def size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = make_archive(Path(tmp), args.sources)
        started = time.perf_counter()
        results = load_results(out)
        floor = time.perf_counter() - started
        started = time.perf_counter()
        build_report(out)
        seconds = time.perf_counter() - started
        report = out / "report"
        pdfs = sum(r.source.format == "pdf" for r in results)
        images = len(list((report / "img").iterdir()))
        print(f"report of {len(results)} sources ({pdfs} PDFs, {images} page images)")
        print(
            f"  build: {seconds:.1f} s (budget 30 s); loading the JSON alone: {floor:.2f} s "
            f"(ratio {seconds / floor:.1f}x)"
        )
        print(
            f"  size: {size_mb(report):.1f} MB (budget 50 MB); "
            f"images {size_mb(report / 'img'):.1f} MB, pages {size_mb(report / 'src'):.1f} MB, "
            f"index {(report / 'index.html').stat().st_size / 1e6:.1f} MB"
        )


if __name__ == "__main__":
    main()
