"""build_indicator sets an Indicator's fields without validating them again
(normalizers.indicators.trusted_indicator): for every indicator of every sample, the fields it
builds are already what Indicator.model_validate stores, so both give the same model and the
same JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import jixiao.normalizers
from jixiao.models import Indicator
from jixiao.normalizers.indicators import build_indicator, indicator_fields, trusted_indicator
from jixiao.normalizers.levels import Levels
from jixiao.pipeline import process_bytes
from jixiao.records import RawIndicator
from tests.conftest import FORMS, sample_files


def _assert_same(trusted: Indicator, validated: Indicator) -> None:
    assert trusted == validated
    assert list(trusted.__dict__) == list(validated.__dict__)
    for name, value in validated.__dict__.items():
        assert type(trusted.__dict__[name]) is type(value), name
    assert trusted.__pydantic_fields_set__ == validated.__pydantic_fields_set__
    assert trusted.__pydantic_extra__ is None and validated.__pydantic_extra__ is None
    assert trusted.__pydantic_private__ is None and validated.__pydantic_private__ is None
    assert trusted.model_dump_json() == validated.model_dump_json()
    assert trusted.model_dump() == validated.model_dump()


@pytest.mark.parametrize("sample", sample_files(), ids=lambda p: p.name)
def test_trusted_indicator_is_the_validated_one(
    sample: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[int] = []

    def both_ways(row: RawIndicator, levels: Levels, seq: int, year: int | None = None) -> Any:
        fields = indicator_fields(row, levels, seq, year)
        validated = Indicator.model_validate(fields)
        trusted = trusted_indicator(dict(fields))
        _assert_same(trusted, validated)
        _assert_same(build_indicator(row, levels, seq, year), validated)
        built.append(seq)
        return trusted

    monkeypatch.setattr(jixiao.normalizers, "build_indicator", both_ways)
    process_bytes(sample.read_bytes(), sample.relative_to(FORMS).as_posix())
    if sample.suffix == ".txt":
        assert built, "a text sample with no indicator checks nothing"


def test_trusted_indicator_copies_like_a_validated_one() -> None:
    fields = Indicator.model_validate({"seq": 1, "name": "x", "confidence": 1}).__dict__
    trusted = trusted_indicator(dict(fields))
    copied = trusted.model_copy(update={"flags": ["corrected"]})
    assert copied.flags == ["corrected"] and trusted.flags == []
    assert Indicator.model_validate_json(trusted.model_dump_json()) == trusted
