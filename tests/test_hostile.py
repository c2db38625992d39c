"""The hostile-input corpus (tests/fixtures/make_hostile.py) in one `jixiao run`: every kind
gets its Problem code or its correct forms, good files beside bad ones lose nothing, the input
folder is unchanged, no temporary file remains, and a second run gives the same result."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from jixiao.extract.ocr import ocr_available
from jixiao.problems import PROBLEM_CODES
from tests.conftest import EXPECTED, ROOT
from tests.fixtures.make_hostile import build

# without the OCR extra every image source ends as ocr_unavailable
OCR_CODES = {"blank_page", "image_too_large", "unreadable_image"}


def _snapshot(root: Path) -> dict[str, str]:
    """Every entry under root (not following links): kind and content digest or link target."""
    out = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(folder, name)
            mode = path.lstat().st_mode
            rel = path.relative_to(root).as_posix()
            if stat.S_ISLNK(mode):
                out[rel] = "link:" + os.readlink(path)
            elif stat.S_ISREG(mode):
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                out[rel] = f"mode:{stat.S_IFMT(mode)}"
    return out


def _run(inputs: Path, out: Path, scratch: Path) -> int:
    """`jixiao run` as a user starts it, with TMPDIR pointed at an empty folder we can check."""
    env = dict(os.environ, TMPDIR=str(scratch))
    done = subprocess.run(
        [sys.executable, "-m", "jixiao", "run", str(inputs), "-o", str(out), "-q"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-3000:]
    return done.returncode


def _results(out: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for path in (out / "json").rglob("*.json"):
        rel = path.relative_to(out / "json").as_posix()[: -len(".json")]
        found[rel] = json.loads(path.read_text("utf-8"))
    return found


def _forms(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The forms without what depends on where the source came from."""
    forms = []
    for form in result["forms"]:
        form = {k: v for k, v in form.items() if k not in ("form_id", "source_path")}
        form["indicators"] = [
            {k: v for k, v in ind.items() if k not in ("line", "page", "cell", "bbox", "form_id")}
            for ind in form["indicators"]
        ]
        forms.append(form)
    return forms


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hostile")
    expected = build(root / "corpus")
    inputs = root / "corpus" / "input"
    before = _snapshot(root / "corpus")
    scratch = root / "tmp"
    scratch.mkdir()
    out = root / "out"
    status = _run(inputs, out, scratch)
    first = _results(out)
    manifest = (out / "manifest.jsonl").read_text("utf-8")
    _run(inputs, out, scratch)
    return {
        "expected": expected,
        "inputs": inputs,
        "root": root / "corpus",
        "before": before,
        "scratch": scratch,
        "out": out,
        "status": status,
        "first": first,
        "second": _results(out),
        "manifest": manifest,
    }


def test_the_corpus_has_at_least_30_kinds(hostile: dict[str, Any]) -> None:
    assert len(hostile["expected"]) >= 30
    assert hostile["status"] == 1  # some sources have problems


def test_every_kind_gets_its_code_or_its_forms(hostile: dict[str, Any]) -> None:
    results, wrong = hostile["first"], []
    for name, expect in hostile["expected"].items():
        result = results.get(name)
        if expect.get("absent"):
            if result is not None:
                wrong.append(f"{name}: listed, but a link inside the folder is left out")
            continue
        if result is None:
            wrong.append(f"{name}: no JSON")
            continue
        codes = [p["code"] for p in result["errors"]]
        assert all(code in PROBLEM_CODES for code in codes)
        if "code" in expect:
            want = expect["code"]
            if want in OCR_CODES and not ocr_available():
                want = "ocr_unavailable"
            if want not in codes or "internal_error" in codes:
                wrong.append(f"{name}: {codes}, expected {want}")
        else:
            indicators = sum(len(f["indicators"]) for f in result["forms"])
            if codes or len(result["forms"]) != expect["forms"]:
                wrong.append(f"{name}: {len(result['forms'])} forms, problems {codes}")
            elif "indicators" in expect and indicators != expect["indicators"]:
                wrong.append(f"{name}: {indicators} indicators, expected {expect['indicators']}")
    assert not wrong, "\n".join(wrong)
    assert set(results) == {n for n, e in hostile["expected"].items() if not e.get("absent")}


def test_good_files_lose_nothing(hostile: dict[str, Any]) -> None:
    """Good forms among bad files (and the same forms in other encodings and names) equal
    their hand-checked goldens."""
    results = hostile["first"]
    for name, expect in hostile["expected"].items():
        like = expect.get("like")
        if not like:
            continue
        golden = EXPECTED / f"{like}.json"
        reference = json.loads(golden.read_text("utf-8")) if golden.exists() else results[str(like)]
        assert _forms(results[name]) == _forms(reference), name


def test_input_folder_unchanged_and_no_temporary_files(hostile: dict[str, Any]) -> None:
    assert _snapshot(hostile["root"]) == hostile["before"]
    assert list(hostile["scratch"].iterdir()) == []
    out = hostile["out"]
    leftovers = [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name == ".tmp"]
    assert leftovers == []


def test_nothing_written_outside_out_json(hostile: dict[str, Any]) -> None:
    out = hostile["out"]
    for path in (out / "json").rglob("*"):
        assert path.resolve().is_relative_to((out / "json").resolve())
        assert not path.is_symlink()


def test_a_second_run_gives_the_same_result(hostile: dict[str, Any]) -> None:
    assert hostile["second"] == hostile["first"]
