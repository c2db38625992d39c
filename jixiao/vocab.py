"""Vocabularies loaded from the package's data files (jixiao/data/*.toml).

Every stage reads its domain words from here: indicator levels, operators, units, column
headers, metadata and footer labels. Lookups compare folded text (see jixiao.text.fold).
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from jixiao.records import Role
from jixiao.text import fold

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_ORDINAL = re.compile(
    r"^(?:[(（]?[一二三四五六七八九十]+[)）、,.．]|[(（][0-9]+[)）]|[0-9]+[、,.．](?![0-9]))"
)
_WEIGHT_SUFFIX = re.compile(r"[(（]\s*[0-9]+(?:\.[0-9]+)?\s*分?\s*[)）]$")


@lru_cache(maxsize=65536)
def level_key(text: str) -> str:
    """Comparison key for an indicator level name: folded, without ordinal, weight, 指标."""
    key = fold(text)
    key = _ORDINAL.sub("", key)
    key = _WEIGHT_SUFFIX.sub("", key)
    return key.replace("指标", "")


@dataclass(frozen=True, slots=True)
class Level2Entry:
    name: str
    parents: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    level1: dict[str, str]  # level_key -> canonical level-1
    level2: dict[str, tuple[Level2Entry, ...]]  # level_key -> candidates
    level2_by_name: dict[str, Level2Entry]
    operator_symbols: tuple[tuple[str, str], ...]  # (folded symbol, canonical), longest first
    operator_words: dict[str, str]  # folded word -> canonical ("unknown" for 定量)
    operator_suffixes: tuple[tuple[str, str], ...]  # (printed word after a value, canonical)
    units: dict[str, str]  # folded variant -> canonical
    unit_variants: tuple[str, ...]  # folded variants, longest first
    headers: dict[str, Role]
    fields: dict[str, str]
    task_columns: dict[str, str]
    budget: dict[str, str]
    footer: dict[str, str]
    title_markers: tuple[str, ...]
    form_type_markers: dict[str, tuple[str, ...]]
    qualitative: tuple[str, ...]  # longest first
    qualitative_end: re.Pattern[str]  # a qualitative result at the end of a text
    qualitative_any: re.Pattern[str]  # a qualitative result anywhere in a text
    level_names: tuple[str, ...]  # printed level names and variants, longest first
    org_suffixes: tuple[str, ...]  # endings of organisation names (局, 委员会, 学院), folded
    prose: dict[str, dict[str, tuple[str, ...]]]  # prose.toml: section -> key -> words

    def level1_of(self, text: str) -> str | None:
        return self.level1.get(level_key(text))

    def level2_candidates(self, text: str) -> tuple[Level2Entry, ...]:
        return self.level2.get(level_key(text), ())

    def is_level(self, text: str) -> bool:
        key = level_key(text)
        return bool(key) and (key in self.level1 or key in self.level2)


_EXTRA: list[Path] = []  # user vocabulary files (jixiao run --vocab), merged over the package's
_DERIVED: list[Callable[[], None]] = []  # cache_clear of caches built from the vocabulary

F = TypeVar("F", bound=Callable[..., Any])


def derived(function: F) -> F:
    """Mark an lru_cache'd function as built from the vocabulary (cleared on configure)."""
    _DERIVED.append(function.cache_clear)  # type: ignore[attr-defined]
    return function


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MEMOS: list[dict[Any, Any]] = []  # every memo table (memo_table), for clear_memos


def memo_table(table: dict[K, V], from_vocabulary: bool) -> dict[K, V]:
    """Register a module's memo table: the results of a function by its argument (a text,
    a header's roles; the recognizer's hottest functions, asked a few hundred times a text: a
    compiled lookup in a dict is a third of the cost of a call through lru_cache).
    `from_vocabulary`: its results are built from the vocabulary, and configure() empties it."""
    _MEMOS.append(table)
    if from_vocabulary:
        _DERIVED.append(table.clear)
    return table


def remember(table: dict[K, V], key: K, value: V, size: int) -> V:
    """Store a result in a memo table, emptied first when it holds `size` results (a bound
    on a worker's memory, as lru_cache's maxsize)."""
    if len(table) >= size:
        table.clear()
    table[key] = value
    return value


def clear_memos() -> None:
    """Empty every memo table (benchmarks of cold caches)."""
    for table in _MEMOS:
        table.clear()


def configure(extra: Iterable[Path] = ()) -> None:
    """Use the package vocabulary plus user files (same sections as jixiao/data/*.toml)."""
    paths = [Path(p) for p in extra]
    for path in paths:
        tomllib.loads(path.read_text(encoding="utf-8"))  # fail early on a bad file
    _EXTRA[:] = paths
    vocabulary.cache_clear()
    for clear in _DERIVED:
        clear()


def fingerprint() -> str:
    """SHA-256 over the package vocabulary files and the user's, for run manifests."""
    digest = hashlib.sha256()
    for name in sorted(
        p.name for p in resources.files("jixiao.data").iterdir() if p.name.endswith(".toml")
    ):
        digest.update(resources.files("jixiao.data").joinpath(name).read_bytes())
    for path in _EXTRA:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _merge(base: Any, extra: Any) -> Any:
    if isinstance(base, dict) and isinstance(extra, dict):
        merged = dict(base)
        for key, value in extra.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    if isinstance(base, list) and isinstance(extra, list):
        return base + [item for item in extra if item not in base]
    return extra


def _read_toml(name: str) -> dict[str, Any]:
    data = tomllib.loads(resources.files("jixiao.data").joinpath(name).read_text(encoding="utf-8"))
    for path in _EXTRA:
        user = tomllib.loads(path.read_text(encoding="utf-8"))
        data = _merge(data, {k: v for k, v in user.items() if k in data})
    return data


def _labels(table: dict[str, list[str]]) -> dict[str, str]:
    return {fold(label): key for key, labels in table.items() for label in labels}


def _levels(data: dict[str, Any]) -> tuple[dict[str, str], dict[str, tuple[Level2Entry, ...]]]:
    level1: dict[str, str] = {}
    for entry in data["level1"]:
        for key in _level_keys([entry["name"], *entry["variants"]]):
            level1.setdefault(key, entry["name"])
    level2: dict[str, list[Level2Entry]] = {}
    for entry in data["level2"]:
        item = Level2Entry(entry["name"], tuple(entry["parents"]))
        for key in _level_keys([entry["name"], *entry["variants"]]):
            bucket = level2.setdefault(key, [])
            if item not in bucket:
                bucket.append(item)
    return level1, {k: tuple(v) for k, v in level2.items()}


def _level_keys(variants: list[str]) -> list[str]:
    """Keys of a level's printed names; "值" may stand for "指标" (产出值, 数量值)."""
    keys = [level_key(v) for v in variants]
    return keys + [key + "值" for key in keys if key]


def _operators(data: dict[str, Any]) -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    symbols: list[tuple[str, str]] = []
    words: dict[str, str] = {}
    for canonical, spec in data["operators"].items():
        symbols.extend((fold(s), canonical) for s in spec["symbols"])
        words.update({fold(w): canonical for w in spec["words"]})
    symbols.sort(key=lambda pair: -len(pair[0]))
    return tuple(symbols), words


def _operator_suffixes(data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Words after a value that give its operator ("60%及以上"), longest first."""
    pairs = [
        (word, canonical)
        for canonical, spec in data["operators"].items()
        for word in spec.get("suffixes", [])
    ]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def _word_tables(data: dict[str, Any]) -> dict[str, dict[str, tuple[str, ...]]]:
    return {
        section: {key: tuple(words) for key, words in table.items()}
        for section, table in data.items()
    }


def _level_surfaces(data: dict[str, Any]) -> tuple[str, ...]:
    """Every level name as it may be printed, with and without 指标, longest first."""
    names: set[str] = set()
    for entry in [*data["level1"], *data["level2"]]:
        for variant in [entry["name"], *entry["variants"]]:
            names.add(variant)
            names.add(variant + "指标" if not variant.endswith("指标") else variant)
    return tuple(sorted(names, key=len, reverse=True))


def _qualitative_alternation(quality: dict[str, Any]) -> str:
    words = sorted(quality["words"], key=len, reverse=True)  # the longest word first
    return "|".join([*map(re.escape, words), *quality["patterns"]])


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The package vocabulary, loaded once per process."""
    levels = _read_toml("levels.toml")
    layout = _read_toml("layout.toml")
    level1, level2 = _levels(levels)
    quality = _read_toml("qualitative.toml")["qualitative"]
    operators = _read_toml("operators.toml")
    symbols, words = _operators(operators)
    units = _labels(_read_toml("units.toml")["units"])
    return Vocabulary(
        level1=level1,
        level2=level2,
        level2_by_name={e.name: e for es in level2.values() for e in es},
        operator_symbols=symbols,
        operator_words=words,
        operator_suffixes=_operator_suffixes(operators),
        units=units,
        unit_variants=tuple(sorted(units, key=len, reverse=True)),
        headers={k: Role(v) for k, v in _labels(layout["headers"]).items()},
        fields=_labels(layout["fields"]),
        task_columns=_labels(layout["tasks"]),
        budget=_labels(layout["budget"]),
        footer=_labels(layout["footer"]),
        title_markers=tuple(fold(m) for m in layout["titles"]["markers"]),
        qualitative=tuple(sorted(quality["words"], key=len, reverse=True)),
        qualitative_end=re.compile(f"(?:{_qualitative_alternation(quality)})$"),
        qualitative_any=re.compile(_qualitative_alternation(quality)),
        level_names=_level_surfaces(levels),
        org_suffixes=tuple(fold(s) for s in layout["organisations"]["suffixes"]),
        prose=_word_tables(_read_toml("prose.toml")),
        form_type_markers={
            kind: tuple(fold(m) for m in markers) for kind, markers in layout["form_types"].items()
        },
    )


_UNIT_SHAPE = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,4}|[a-zA-Z²³]{1,4})(?:/[\u4e00-\u9fff]{1,3}(?:/[\u4e00-\u9fff]{1,3})?)?$"
)


@derived
@lru_cache(maxsize=65536)
def plausible_unit(unit: str) -> bool:
    """A listed unit (folded), or a short word that could be one (厘米, 万平方米, 次/月,
    元/生/年); not a result word ("30明显改善" is a number and a result run together), not a
    phrase ("1-6期培训结束后及时考核" is no range in 期培训结束后及时考核)."""
    vocab = vocabulary()
    if unit in vocab.units or unit in ("%", "‰", "％"):
        return True
    return bool(_UNIT_SHAPE.match(unit)) and not vocab.qualitative_any.search(unit)


@derived
@lru_cache(maxsize=2)
def field_labels(letter_spaced: bool = False) -> re.Pattern[str]:
    """Any head label of four characters or more (项目名称, 年度绩效目标), the longest first:
    where glued text is cut into head fields, and what a name never opens with.
    `letter_spaced`: a label may also be printed with a space between every two characters."""
    labels = sorted((lab for lab in vocabulary().fields if len(lab) >= 4), key=len, reverse=True)
    forms = [re.escape(label) for label in labels]
    if letter_spaced:
        forms = ["[ \u3000]".join(map(re.escape, label)) for label in labels] + forms
    return re.compile("|".join(forms))
