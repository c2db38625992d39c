"""The report in a real browser: headless Chromium (Debian's package) loads the pages, runs
report.js, and we read the DOM it dumps. A screenshot is kept in tests/artifacts/."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from jixiao.models import SourceResult
from tests.conftest import ROOT
from tests.test_report import Dom, dom

ARTIFACTS = ROOT / "tests" / "artifacts"
BROWSER = next(
    (b for b in (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")) if b),
    None,
)
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no chromium binary (apt-get install chromium; .ci/run installs it)"
)


def _chromium(tmp_path: Path, *args: str) -> str:
    assert BROWSER is not None
    command = [
        BROWSER, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1500,1000", *args,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def _page(out: Path, suffix: str) -> tuple[Path, SourceResult]:
    """The report page and result of the first source whose path ends with `suffix`."""
    paths = sorted((out / "json").rglob("*.json"))
    for number, path in enumerate(paths, 1):
        result = SourceResult.model_validate_json(path.read_bytes())
        if result.source.path.endswith(suffix):
            return out / "report" / "src" / f"s{number:05d}.html", result
    raise AssertionError(suffix)


def _visible_rows(html: str) -> list[str]:
    return [
        m.group(1)
        for m in re.finditer(r'<tr class="row[^"]*" id="([^"]+)"([^>]*)>', html)
        if "hidden" not in m.group(2)
    ]


@pytest.mark.parametrize("suffix", ["001_570424103c010556.txt", "seed_001_word_like.pdf"])
def test_every_row_is_shown_and_a_filter_hides_rows(
    sample_run: Path, tmp_path: Path, suffix: str
) -> None:
    page, result = _page(sample_run, suffix)
    all_ids = [f"r{i}-{x.seq}" for i, f in enumerate(result.forms) for x in f.indicators]
    shifted = [
        f"r{i}-{x.seq}"
        for i, f in enumerate(result.forms)
        for x in f.indicators
        if "columns_shifted" in x.flags
    ]
    html = _chromium(tmp_path, "--dump-dom", page.as_uri())
    assert _visible_rows(html) == all_ids
    assert f'data-visible-rows="{len(all_ids)}"' in html
    html = _chromium(tmp_path, "--dump-dom", page.as_uri() + "#filter=flag:columns_shifted")
    assert _visible_rows(html) == shifted
    assert len(shifted) < len(all_ids)
    if result.source.format == "pdf":  # the overlays of hidden rows are hidden too
        hidden_boxes = re.findall(r'<div class="box[^"]*" id="Br[^"]+"[^>]* hidden', html)
        assert len(hidden_boxes) == len(all_ids) - len(shifted)
    html = _chromium(tmp_path, "--dump-dom", page.as_uri() + "#filter=conf:0.95")
    low = [
        f"r{i}-{x.seq}"
        for i, f in enumerate(result.forms)
        for x in f.indicators
        if x.confidence < 0.95
    ]
    assert _visible_rows(html) == low


def test_flag_meanings_are_on_hover(sample_run: Path, tmp_path: Path) -> None:
    page, _ = _page(sample_run, "001_570424103c010556.txt")
    parser = Dom()
    parser.feed(_chromium(tmp_path, "--dump-dom", page.as_uri()))
    flags = parser.find("span", "flag")
    assert flags and all(f.get("title") for f in flags)


def test_bbox_overlays_sit_on_the_page_image(sample_run: Path, tmp_path: Path) -> None:
    page, result = _page(sample_run, "seed_001_word_like.pdf")
    html = _chromium(tmp_path, "--dump-dom", page.as_uri() + "#selftest")
    boxes = re.search(r'data-boxes="(\d+)"', html)
    inside = re.search(r'data-boxes-inside="(\d+)"', html)
    assert boxes and inside
    n = sum(1 for f in result.forms for x in f.indicators if x.bbox)
    assert int(boxes.group(1)) == n > 0
    assert int(inside.group(1)) == n


def test_screenshot_artefact(sample_run: Path, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for name, suffix in [
        ("report_pdf.png", "seed_001_word_like.pdf"),
        ("report_text.png", "001_570424103c010556.txt"),
    ]:
        page, _ = _page(sample_run, suffix)
        target = ARTIFACTS / name
        target.unlink(missing_ok=True)
        _chromium(tmp_path, f"--screenshot={target}", page.as_uri())
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    _chromium(
        tmp_path,
        f"--screenshot={ARTIFACTS / 'report_index.png'}",
        (sample_run / "report" / "index.html").as_uri(),
    )
    assert dom(sample_run / "report" / "index.html").find("svg")


def test_not_read_block_is_linked_and_stays_when_a_filter_hides_every_row(
    unread_run: Path, tmp_path: Path
) -> None:
    page, result = _page(unread_run, "pipes.txt")
    html = _chromium(tmp_path, "--dump-dom", page.as_uri() + "#filter=flag:no_such_flag")
    assert _visible_rows(html) == []
    block = re.search(r'<section class="unread"[^>]*>.*?</section>', html, re.S)
    assert block and " hidden" not in block.group(0).split(">", 1)[0]
    parser = Dom()
    parser.feed(block.group(0))
    items = [a for a in parser.find("li") if a.get("id", "").startswith("u")]
    assert [a["id"] for a in items] == [
        f"u0-{n}" for n in range(1, len(result.forms[0].unread) + 1)
    ]
    assert all("linked" in a.get("class", "").split() for a in items)  # report.js wired them
    target = ARTIFACTS / "report_unread.png"
    ARTIFACTS.mkdir(exist_ok=True)
    target.unlink(missing_ok=True)
    _chromium(tmp_path, f"--screenshot={target}", page.as_uri())
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
