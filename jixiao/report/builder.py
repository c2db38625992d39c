"""Build OUT/report/: index.html (overview, all forms) and one page per source.

Reads OUT/json/**.json and the sources (roots recorded in OUT/run.json, or --sources).
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import shutil
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from jixiao.flags import FLAGS, REDACTED
from jixiao.models import SourceResult
from jixiao.output import read_run_info
from jixiao.output.atomic import write_bytes_atomic
from jixiao.postprocess import redact_form
from jixiao.problems import PROBLEM_CODES
from jixiao.report.model import (
    LOW_CONFIDENCE,
    bars,
    boxes_by_page,
    form_summary,
    overview,
    page_id,
    source_lines,
    source_rows,
)
from jixiao.report.sources import Renderer, render_pages, source_view

STATIC = Path(__file__).parent / "static"
PARALLEL_FROM = 8  # PDFs in the run before page images are rendered in worker processes
log = logging.getLogger(__name__)


def load_results(out: Path) -> list[SourceResult]:
    paths = sorted((out / "json").rglob("*.json"))
    return [SourceResult.model_validate_json(p.read_bytes()) for p in paths]


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("jixiao.report", "templates"),
        autoescape=select_autoescape(["j2", "html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["conf"] = lambda v: f"{v:.2f}"
    return env


def build_report(out: Path, sources: list[Path] | None = None, redact: bool = False) -> Path:
    """Write the report; return the path of index.html."""
    info = read_run_info(out)
    redact = redact or bool(info.get("redact"))
    roots = [p.resolve() for p in sources or []] + [Path(r) for r in info.get("roots", [])]
    target = out / "report"
    (target / "src").mkdir(parents=True, exist_ok=True)
    (target / "img").mkdir(exist_ok=True)
    _copy_static(target)
    env = environment()
    results = load_results(out)
    if redact:  # a report with --redact of a run without it
        results = [_redacted(r) for r in results]
    page = env.get_template("source.html.j2")
    summaries = []
    pdfs = sum(r.source.format == "pdf" for r in results)
    with _renderer(parallel=pdfs >= PARALLEL_FROM) as render:
        for number, result in enumerate(results, 1):
            view = source_view(result, roots, target / "img", redact, render)
            forms = source_rows(result, view.pages)
            context = _source_context(result, view, forms, number, len(results))
            _write(target / "src" / f"{page_id(number)}.html", page.render(**context))
            summaries.extend(form_summary(number, result))
    stats = overview(results)
    index = env.get_template("index.html.j2").render(
        stats=stats,
        charts={
            "confidence": bars(stats["confidence"]),
            "types": bars(stats["by_type"]),
        },
        forms=summaries,
        filters=_filters(summaries),
        low=LOW_CONFIDENCE,
        redact=redact,
        root=".",
    )
    _write(target / "index.html", index)
    return target / "index.html"


@contextmanager
def _renderer(parallel: bool) -> Iterator[Renderer]:
    """Render page images inline, or in worker processes while the pages are written."""
    if not parallel:
        yield render_pages
        return
    futures: list[Future[None]] = []
    # fork: no re-import of the caller's __main__ (spawn would need a main guard in scripts)
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(
        max_workers=max(1, (os.cpu_count() or 2) - 1), mp_context=context
    ) as pool:
        yield lambda path, sha256, img_dir, redact: futures.append(
            pool.submit(render_pages, path, sha256, img_dir, redact)
        )
        for future in futures:
            if future.exception() is not None:
                log.warning("a page image could not be rendered: %s", future.exception())


def _source_context(
    result: SourceResult, view: Any, forms: list[dict[str, Any]], number: int, total: int
) -> dict[str, Any]:
    all_rows = [row for form in forms for row in form["rows"]]
    return {
        "result": result,
        "view": view,
        "forms": forms,
        "boxes": boxes_by_page(forms),
        "unread_boxes": boxes_by_page(forms, "unread"),
        "lines": source_lines(view.lines, forms),
        "filters": _filters(all_rows),
        "prev": page_id(number - 1) if number > 1 else None,
        "next": page_id(number + 1) if number < total else None,
        "low": LOW_CONFIDENCE,
        "root": "..",
    }


def _redacted(result: SourceResult) -> SourceResult:
    forms = [f if REDACTED in f.flags else redact_form(f) for f in result.forms]
    return result.model_copy(update={"forms": forms})


def _filters(rows: list[dict[str, Any]]) -> dict[str, list[str]]:
    return {
        "types": sorted({str(r["type"]) for r in rows if r["type"]}),
        "years": sorted({str(r["year"]) for r in rows if r["year"]}),
        "flags": sorted({f for r in rows for f in r["flags"]}),
    }


def _copy_static(target: Path) -> None:
    static = target / "static"
    static.mkdir(exist_ok=True)
    for path in STATIC.iterdir():
        shutil.copyfile(path, static / path.name)
    meanings = {name: flag.meaning for name, flag in FLAGS.items()}
    meanings.update({code: p.meaning for code, p in PROBLEM_CODES.items()})
    script = "window.JIXIAO_FLAGS = " + json.dumps(meanings, ensure_ascii=False) + ";\n"
    _write(static / "flags.js", script)


def _write(path: Path, text: str) -> None:
    write_bytes_atomic(path, text.encode("utf-8"))
