"""What a web page, an input method or a template prints around a form without changing it:
the real excerpts (the seeds and samples/forms/corpus) give the forms they give as printed."""

from __future__ import annotations

import pytest

from jixiao.pipeline import process_bytes
from tests.conftest import FORMS
from tests.fixtures.variants import WEB_CHARACTERS, header_asterisks


def _forms_without_ids(data: bytes) -> list[dict[str, object]]:
    result = process_bytes(data, "excerpt.txt")
    return [f.model_dump(exclude={"form_id"}) for f in result.forms]


EXCERPTS = [
    "001_570424103c010556.txt",
    "004_a0dabc58212d71e8.txt",
    *(f"corpus/{p.name}" for p in sorted((FORMS / "corpus").glob("*.txt"))),
]


@pytest.mark.parametrize("damage", list(WEB_CHARACTERS))
@pytest.mark.parametrize("excerpt", EXCERPTS)
def test_web_and_input_method_characters_read_as_plain_ones(excerpt: str, damage: str) -> None:
    """Zero-width characters between any two, other spaces for spaces, full-width digits:
    the real excerpts give the forms they give as printed. Before plain_chars, zero-width
    spaces cost the shared corpus a sixth of its rows, and full-width digits its years and
    glued numbers."""
    text = (FORMS / excerpt).read_text(encoding="utf-8")
    damaged = WEB_CHARACTERS[damage](text)
    assert damaged != text
    assert _forms_without_ids(damaged.encode("utf-8")) == _forms_without_ids(text.encode("utf-8"))


def test_a_text_of_invisible_characters_is_empty() -> None:
    from jixiao.extract.text import decode_text
    from jixiao.problems import SourceError

    with pytest.raises(SourceError) as caught:
        decode_text("\u200b\ufeff\u00a0\u3000\n\u200b".encode())
    assert caught.value.code == "empty_file"


def test_plain_chars_keeps_what_is_plain() -> None:
    from jixiao.text import plain_chars

    assert (
        plain_chars("产出指标（数量）：≥９５．５％\u3000人\u200b次")
        == "产出指标（数量）：≥95.5% 人次"
    )
    plain = "一级指标 | 二级指标 | ≥95% | 100.5万元"
    assert plain_chars(plain) is plain


_FORM_FIELDS = ("form_type", "year", "department", "project")
_INDICATOR_FIELDS = (
    *("name", "level1", "level2", "operator", "value", "value_max", "unit"),
    *("weight", "actual_value", "score"),
)


def _read_values(data: bytes) -> list[tuple[object, ...]]:
    """What a form's rows and head read as values (free text may hold the mark)."""
    found: list[tuple[object, ...]] = []
    for form in process_bytes(data, "excerpt.txt").forms:
        found.append(tuple(getattr(form, f) for f in _FORM_FIELDS))
        found += [tuple(getattr(i, f) for f in _INDICATOR_FIELDS) for i in form.indicators]
    return found


@pytest.mark.parametrize("mark", ["*", "＊"])
@pytest.mark.parametrize("excerpt", EXCERPTS)
def test_required_field_asterisks_on_header_labels_change_no_value(excerpt: str, mark: str) -> None:
    """The asterisk sticks to the label it marks, never to the word before it: on a table
    of several projects, a split-off "*" kept its header from the project columns before it,
    and the forms lost their department and project."""
    text = (FORMS / excerpt).read_text(encoding="utf-8")
    marked = header_asterisks(text, mark)
    if marked == text:
        pytest.skip("no header line to mark")
    assert _read_values(marked.encode("utf-8")) == _read_values(text.encode("utf-8"))
