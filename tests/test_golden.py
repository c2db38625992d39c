"""Every sample against its hand-checked expected JSON, field by field.

JIXIAO_REGEN=1 rewrites the expected files; review the diff by hand before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from jixiao.output.json_out import dump_result
from jixiao.pipeline import process_bytes
from tests.conftest import EXPECTED, FORMS, sample_files

REGEN = os.environ.get("JIXIAO_REGEN") == "1"


def _expected_path(sample: Path) -> Path:
    return EXPECTED / (sample.relative_to(FORMS).as_posix() + ".json")


def _diff(expected: Any, actual: Any, path: str = "$") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = []
        for key in sorted(set(expected) | set(actual)):
            if key not in actual:
                out.append(f"{path}.{key}: missing")
            elif key not in expected:
                out.append(f"{path}.{key}: unexpected {actual[key]!r}")
            else:
                out.extend(_diff(expected[key], actual[key], f"{path}.{key}"))
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        out = (
            [f"{path}: {len(actual)} items, expected {len(expected)}"]
            if len(expected) != len(actual)
            else []
        )
        for i, (e, a) in enumerate(zip(expected, actual)):
            out.extend(_diff(e, a, f"{path}[{i}]"))
        return out
    return [] if expected == actual else [f"{path}: {actual!r}, expected {expected!r}"]


@pytest.mark.parametrize("sample", sample_files(), ids=lambda p: p.name)
def test_sample_matches_expected(sample: Path) -> None:
    rel = sample.relative_to(FORMS).as_posix()
    result = process_bytes(sample.read_bytes(), rel)
    expected_path = _expected_path(sample)
    if REGEN:
        expected_path.parent.mkdir(parents=True, exist_ok=True)
        expected_path.write_bytes(dump_result(result))
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    actual = json.loads(dump_result(result))
    differences = _diff(expected, actual)
    assert not differences, "\n".join(differences[:40])


def test_regeneration_is_off_in_ci() -> None:
    assert not (REGEN and os.environ.get("CI")), "JIXIAO_REGEN must not be set in CI"


def test_every_sample_has_an_expected_file() -> None:
    missing = [p.name for p in sample_files() if not _expected_path(p).exists()]
    assert not missing
