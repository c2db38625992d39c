"""The recognizer's costs, templates and glue words, read once from jixiao/data/rows.toml."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from jixiao.records import Role

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@dataclass(slots=True, init=False, unsafe_hash=True)
class BoundaryCost:
    cut: float
    merge: float

    def __init__(self, cut: float, merge: float) -> None:
        self.cut = cut
        self.merge = merge


@dataclass(init=False, unsafe_hash=True)
class Settings:
    glue_words: tuple[str, ...]
    boundary: dict[str, BoundaryCost]
    glued_factor: float
    decode: dict[str, float]
    templates: tuple[tuple[Role, ...], ...]

    def __init__(
        self,
        glue_words: tuple[str, ...],
        boundary: dict[str, BoundaryCost],
        glued_factor: float,
        decode: dict[str, float],
        templates: tuple[tuple[Role, ...], ...],
    ) -> None:
        self.glue_words = glue_words
        self.boundary = boundary
        self.glued_factor = glued_factor
        self.decode = decode
        self.templates = templates

    def cost(self, name: str) -> float:
        return self.decode[name]


@lru_cache(maxsize=1)
def settings() -> Settings:
    text = resources.files("jixiao.data").joinpath("rows.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    boundary = {
        name: BoundaryCost(float(spec["cut"]), float(spec["merge"]))
        for name, spec in data["boundary"].items()
        if isinstance(spec, dict)
    }
    return Settings(
        glue_words=tuple(data["glue_words"]),
        boundary=boundary,
        glued_factor=float(data["boundary"]["glued_factor"]),
        decode={k: float(v) for k, v in data["decode"].items()},
        templates=tuple(tuple(Role(r) for r in order) for order in data["templates"]["orders"]),
    )
