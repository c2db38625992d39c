"""The layout-perturbation suite (tests/fixtures/perturb.py): every form x every damage kind x
SEEDS through `jixiao.pipeline.process_bytes`, scored with `jixiao.evaluate`, per kind.

FLOORS are what the parsers measure, rounded down to the next 0.05, so that a regression
fails; raise a kind's floor as the parsers improve (the
target is TARGET for recall and field accuracy on every kind). `python bench/bench_perturb.py`
prints the same table. Also tests the generator: deterministic bytes, every kind renders
the seed forms, valid expected files, the suite's size, the ambiguity rules.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.evaluate import FORM_FIELDS, INDICATOR_FIELDS
from jixiao.text import fold
from tests.fixtures.perturb import KINDS, Case, cases, main, render
from tests.fixtures.perturb_print import (
    ROLE_FIELDS,
    Cell,
    collapsed_drops,
    glued_drops,
    reordered_layouts,
    standard_layouts,
)
from tests.fixtures.perturb_score import Scored, by_kind, kind_table, kind_total, score_case, worst
from tests.fixtures.perturb_source import load_forms

# kind -> (recall, field accuracy) floors, measured with the row recognizer (issue 15)
FLOORS: dict[str, tuple[float, float]] = {
    "clean_pipes": (0.95, 0.95),
    "clean_tabs": (1.00, 0.95),
    "clean_cell_per_line": (0.95, 0.95),
    "header_dropped": (0.95, 0.95),
    "header_garbled": (0.95, 0.95),
    "header_split": (0.95, 0.95),
    "one_line": (0.95, 0.95),
    "glued": (0.95, 0.95),
    "separators_mixed": (0.95, 0.95),
    "cells_wrapped": (0.95, 0.95),
    "levels_first_row_only": (0.95, 0.95),
    "levels_after_group": (0.95, 0.95),
    "columns_reordered": (0.95, 0.95),
    "ocr_confusions": (0.95, 0.95),
    "page_markers": (0.95, 0.95),
    "web_characters": (0.95, 0.95),
    "side_by_side": (0.95, 0.95),
    "transposed": (0.95, 0.95),
    "values_before_names": (0.95, 0.95),
}
TARGET = 0.95
SEEDS = (0, 1)
SEED_FORMS = ("001_570424103c010556", "004_a0dabc58212d71e8")


@pytest.fixture(scope="module")
def all_cases() -> list[Case]:
    return list(cases(SEEDS))


@pytest.fixture(scope="module")
def scored(all_cases: list[Case]) -> dict[str, list[Scored]]:
    return by_kind(score_case(case) for case in all_cases)


def test_floors_per_kind(scored: dict[str, list[Scored]]) -> None:
    below = []
    for kind, (recall_floor, fields_floor) in FLOORS.items():
        total = kind_total(scored[kind])
        recall, fields = total.recall or 0.0, total.field_accuracy or 0.0
        if recall < recall_floor or fields < fields_floor:
            below.append(
                f"{kind}: recall {recall:.3f} (floor {recall_floor:.2f}), "
                f"field accuracy {fields:.3f} (floor {fields_floor:.2f})\n" + worst(scored[kind])
            )
    if below:
        pytest.fail(
            "perturbation scores below their floors\n"
            + kind_table(scored)
            + "\n\nworst renders of each kind below its floor:\n"
            + "\n".join(below),
            pytrace=False,
        )


def test_floors_cover_every_kind_and_stay_at_or_below_target() -> None:
    assert set(FLOORS) == set(KINDS)
    assert all(0.0 <= r <= 1.0 and 0.0 <= f <= 1.0 for r, f in FLOORS.values())
    assert TARGET == 0.95


def test_suite_size(all_cases: list[Case]) -> None:
    assert len(KINDS) >= 12
    assert len(all_cases) >= 1000
    assert {c.kind for c in all_cases} == set(KINDS)


def test_same_seed_gives_the_same_bytes() -> None:
    first, again = load_forms(), load_forms()
    for kind in KINDS:
        for form, twin in list(zip(first, again))[::7]:
            one, two = render(kind, form, 3, first), render(kind, twin, 3, again)
            assert one.text.encode() == two.text.encode(), (kind, form.key)
            assert one.expected("x") == two.expected("x"), (kind, form.key)


def test_seeds_vary_the_renders() -> None:
    forms = load_forms()
    for kind in KINDS:
        texts = {render(kind, form, seed, forms).text for form in forms[:6] for seed in range(4)}
        assert len(texts) > 6, kind  # more than one render per form


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_renders_the_seed_forms(kind: str) -> None:
    forms = load_forms()
    for key in SEED_FORMS:
        form = next(f for f in forms if f.key == key)
        result = render(kind, form, 0, forms)
        indicators = result.expected("x")["forms"][0]["indicators"]
        assert result.text.strip() and len(indicators) == len(form.rows)
        if kind == "cells_wrapped":
            continue  # a continuation line splits names over two lines
        folded = fold(result.text)
        for row in form.rows:
            assert fold(row.name) in folded, (kind, row.name)


def _names(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def test_expected_files_are_valid(all_cases: list[Case]) -> None:
    allowed_indicator = {"name", *INDICATOR_FIELDS}
    allowed_form = {*FORM_FIELDS, "indicators"}
    for case in all_cases:
        data = json.loads(json.dumps(case.expected(), ensure_ascii=False))
        assert data["source"] == {"path": case.rel_path}
        assert data["perturbation"]["kind"] == case.kind
        assert len(data["forms"]) == (2 if case.kind == "side_by_side" else 1)
        folded = fold(case.render.text)
        for form in data["forms"]:
            assert set(form) <= allowed_form, case.rel_path
            assert form["indicators"], case.rel_path
            for indicator in form["indicators"]:
                assert set(indicator) <= allowed_indicator, case.rel_path
                if case.kind != "cells_wrapped":
                    names = _names(indicator["name"])
                    assert any(fold(n) in folded for n in names), (case.rel_path, names)


def test_every_layout_prints_every_field_the_form_has() -> None:
    for form in load_forms():
        needed = {"level1", "level2", "operator", "value", "unit"}
        needed |= {"weight"} if form.has_weights else set()
        needed |= {"actual_value", "weight", "score"} if form.self_eval else set()
        for layout in standard_layouts(form) + reordered_layouts(form):
            printed = {f for role in layout for f in ROLE_FIELDS[role]}
            assert needed <= printed, (form.key, layout)


def test_cli_writes_forms_and_expected_files(tmp_path: Path) -> None:
    assert main([str(tmp_path), "--seed", "2", "--kinds", "clean_pipes,glued"]) == 0
    forms = sorted(p.relative_to(tmp_path / "forms") for p in (tmp_path / "forms").rglob("*.txt"))
    assert {p.parts[0] for p in forms} == {"clean_pipes", "glued"}
    assert len(forms) == 2 * len(load_forms())
    for rel in forms:
        expected = json.loads((tmp_path / "expected" / f"{rel}.json").read_text("utf-8"))
        assert expected["source"]["path"] == rel.as_posix()
    with pytest.raises(SystemExit):
        main([str(tmp_path), "--kinds", "no_such_kind"])


def _row(*cells: tuple[str, str]) -> tuple[Cell, ...]:
    return tuple(Cell(role, text) for role, text in cells)


def test_a_vanished_empty_cell_drops_itself_and_what_follows_it_by_position() -> None:
    row = _row(("name", "x"), ("target", "≥50个"), ("actual", ""), ("weight", "8"), ("score", "8"))
    assert collapsed_drops([row]) == {0: {"actual_value", "weight", "score"}}
    trailing = _row(("name", "x"), ("target", "≥50个"), ("weight", ""))
    assert collapsed_drops([trailing]) == {}
    levels = _row(("level1", ""), ("name", "x"), ("optype", ""), ("value", "5"), ("unit", "个"))
    assert collapsed_drops([levels]) == {}  # recognised by content: nothing moves


def test_glued_digits_drop_both_numbers() -> None:
    row = _row(("name", "x"), ("target", "≥50个"), ("actual", "50"), ("weight", "8"))
    stream = [(0, c) for c in row]
    assert glued_drops(stream) == {0: {"actual_value", "weight"}}
    assert glued_drops([(0, Cell("target", "≥95%")), (0, Cell("weight", "5"))]) == {}
