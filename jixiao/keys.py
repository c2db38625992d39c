"""Keys that hold across years: department_key, project_key, indicator_key.

Deterministic rules first (codes stripped, spacing and brackets folded, department aliases
from jixiao/data/aliases.toml plus `--aliases` files), then one pass over the whole run that
merges slightly different project and indicator names of the same department or project:
two names share a key when the Dice overlap of their jieba tokens (normalizers.matching.tokens)
is at least PROJECT_THRESHOLD / INDICATOR_THRESHOLD, never when both names occur in one form.
The earliest year's spelling (then the smallest) names the key, so keys are stable when a
later year is added.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from jixiao.normalizers.matching import tokens
from jixiao.text import fold

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PROJECT_THRESHOLD = 0.8  # Dice overlap of jieba tokens to merge two project names
INDICATOR_THRESHOLD = 0.7  # ... two indicator names of one project (or department form)
DEPARTMENT_FORM = "部门整体"  # project part of the key of department-wide forms

_CODE_PREFIX = re.compile(r"^(?:\[\d+\]|\d{2,}(?:[-.:]|(?=[\u4e00-\u9fff])))")
_CODE_ANY = re.compile(r"[\[(]\d{3,}[\])]")
_CODE_SUFFIX = re.compile(r"(?<=[\u4e00-\u9fff)])\d{3,}$")
_BRACKETS = str.maketrans({"(": "", ")": "", "[": "", "]": "", "<": "", ">": "", '"': "", "'": ""})
_SERIAL = re.compile(r"^(?:指标\d+[:.]?|\d+[.,:)]|[(]\d+[)])")
_YEAR = re.compile(r"(?:19|20)\d{2}年(?:度)?")
_NUMBER_UNIT = re.compile(r"\d+(?:\.\d+)?(?:%|万元|元|个|次|人|项|件|篇|天|户|家|场)?")
_PUNCT = re.compile(r"[,.;:!?、，。；：！？\"'()\[\]<>《》\-_/·%≥≤=+*]")


def _clean_name(text: str) -> str:
    name = fold(text)
    name = _CODE_PREFIX.sub("", name)
    name = _CODE_ANY.sub("", name)
    return _CODE_SUFFIX.sub("", name).translate(_BRACKETS)


@lru_cache(maxsize=8)
def _alias_map(files: tuple[Path, ...]) -> dict[str, str]:
    texts = [resources.files("jixiao.data").joinpath("aliases.toml").read_text(encoding="utf-8")]
    texts += [path.read_text(encoding="utf-8") for path in files]
    mapping: dict[str, str] = {}
    for text in texts:
        for canonical, variants in tomllib.loads(text).get("departments", {}).items():
            key = _clean_name(canonical)
            for variant in (canonical, *variants):
                mapping[_clean_name(variant)] = key
    return mapping


def check_aliases(files: Iterable[Path]) -> str | None:
    """The first problem with user alias files (unreadable, not TOML), or None."""
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            return f"{path}: {exc}"
        table = data.get("departments", {})
        if not isinstance(table, dict) or not all(
            isinstance(v, list) and all(isinstance(x, str) for x in v) for v in table.values()
        ):
            return f"{path}: [departments] must map names to lists of names"
    return None


def department_key(name: str | None, aliases: tuple[Path, ...] = ()) -> str | None:
    """The department name without codes, spacing and bracket variants, through the aliases."""
    if not name or not name.strip():
        return None
    cleaned = _clean_name(name)
    return _alias_map(aliases).get(cleaned, cleaned) or None


def project_name(name: str | None) -> str:
    """A project name folded for comparison: no codes, year prefixes, brackets or punctuation."""
    if not name:
        return DEPARTMENT_FORM
    cleaned = _clean_name(_YEAR.sub("", fold(name)))  # the year before a code's digits
    return _PUNCT.sub("", cleaned) or DEPARTMENT_FORM


@lru_cache(maxsize=1 << 16)
def indicator_name(name: str) -> str:
    """An indicator name folded for comparison: no serials, numbers, units or punctuation."""
    cleaned = _SERIAL.sub("", fold(name))
    cleaned = _NUMBER_UNIT.sub("", _YEAR.sub("", cleaned))
    return _PUNCT.sub("", cleaned) or fold(name)


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


@dataclass
class _Cluster:
    name: str
    forms: set[str]


class _Names:
    """The names of one group as they occur: each name's first year and its forms."""

    def __init__(self) -> None:
        self.first_year: dict[str, int] = {}
        self.forms: dict[str, set[str]] = {}

    def add(self, year: int, form_id: str, name: str) -> None:
        self.add_forms(year, (form_id,), name)

    def add_forms(self, year: int, forms: Iterable[str], name: str) -> None:
        """Occurrences of `name` in `forms`, the earliest of them in `year`."""
        if name in self.first_year:
            self.first_year[name] = min(year, self.first_year[name])
            self.forms[name].update(forms)
        else:
            self.first_year[name] = year
            self.forms[name] = set(forms)

    def cluster(self, threshold: float) -> dict[str, str]:
        """Map each name to its key name: names in order of first year (then spelling) join
        the closest open cluster, or start one.

        jieba tokens are computed only where a name could join another form's cluster, so a
        run whose projects have one form each never loads jieba."""
        clusters: list[_Cluster] = []
        result: dict[str, str] = {}
        first_year = self.first_year
        for name in sorted(first_year, key=lambda n: (first_year[n], n)):
            own_forms = self.forms[name]
            best: tuple[float, _Cluster] | None = None
            wanted: frozenset[str] | None = None
            for cluster in clusters:
                if not cluster.forms.isdisjoint(own_forms):  # one form: distinct names
                    continue
                if cluster.name == name:
                    score = 1.0
                else:
                    wanted = tokens(name) if wanted is None else wanted
                    score = _dice(wanted, tokens(cluster.name))
                if score >= threshold and (best is None or score > best[0]):
                    best = (score, cluster)
            if best is None:
                best = (1.0, _Cluster(name, set()))
                clusters.append(best[1])
            best[1].forms |= own_forms
            result[name] = best[1].name
        return result


def cluster_names(occurrences: Sequence[tuple[int, str, str]], threshold: float) -> dict[str, str]:
    """Map each name to its key name. occurrences = (year, form_id, name) of one group."""
    names = _Names()
    for year, form_id, name in occurrences:
        names.add(year, form_id, name)
    return names.cluster(threshold)


class IndicatorRef(NamedTuple):
    """What the key pass needs of one indicator row."""

    form_id: str
    year: int | None
    project_key: str
    level1: str | None
    level2: str | None
    name: str


def project_keys(
    rows: Iterable[tuple[str, int | None, str | None, str | None]],
) -> dict[str, str]:
    """form_id -> project_key, from (form_id, year, department_key, project) of every form."""
    groups: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for form_id, year, dept, project in rows:
        groups[dept or ""].append((year or 0, form_id, project_name(project)))
    keys: dict[str, str] = {}
    for dept, occurrences in groups.items():
        named = cluster_names(
            [o for o in occurrences if o[2] != DEPARTMENT_FORM], PROJECT_THRESHOLD
        )
        for _, form_id, name in occurrences:
            keys[form_id] = f"{dept}/{named.get(name, name)}"
    return keys


_Group = tuple[str, str, str]
# an IndicatorRef, or a plain tuple of its fields (what a pass over a table zips together)
RefRow = tuple[str, "int | None", str, "str | None", "str | None", str]


class IndicatorKeys:
    """indicator_key of indicator rows: `add_all` every ref of the run (or `add_names` every
    name of each group, with its forms), then `keys` of each (or `key` of each name).

    Holds per (project, level1, level2) group the first year and the forms of each folded
    name, nothing per row, so the rows themselves can be streamed twice."""

    def __init__(self) -> None:
        self._groups: dict[_Group, _Names] = defaultdict(_Names)
        self._named: dict[_Group, dict[str, str]] | None = None
        self._keys: dict[tuple[str, str, str], str] = {}  # one string per distinct key

    def add_all(self, refs: Iterable[RefRow]) -> None:
        folded = indicator_name
        for form_id, year, project_key, level1, level2, name in refs:
            group = (project_key, level1 or "", level2 or "")
            self.add_names(group, folded(name), year or 0, (form_id,))

    def add_names(self, group: _Group, name: str, year: int, forms: Iterable[str]) -> None:
        """Occurrences of the folded `name` in the (project_key, level1, level2) `group`, in
        `forms`, the earliest of them in `year` (what a table's rows give once grouped)."""
        if self._named is not None:
            raise RuntimeError("IndicatorKeys.add_names after the first keys")
        self._groups[group].add_forms(year, forms, name)

    def keys(self, refs: Iterable[RefRow]) -> list[str]:
        """The indicator_key of each ref (the names are clustered at the first call)."""
        folded = indicator_name
        return [
            self.key((project_key, level1 or "", level2 or ""), folded(name))
            for _, _, project_key, level1, level2, name in refs
        ]

    def key(self, group: _Group, name: str) -> str:
        """The indicator_key of the folded `name` in `group`, added before (the names are
        clustered at the first call)."""
        if self._named is None:
            self._named = {g: n.cluster(INDICATOR_THRESHOLD) for g, n in self._groups.items()}
            self._groups = defaultdict(_Names)
        parts = (group[1], group[2], self._named[group][name])
        key = self._keys.get(parts)
        if key is None:
            key = self._keys[parts] = "/".join(parts)
        return key


def indicator_keys(refs: Sequence[IndicatorRef]) -> list[str]:
    """indicator_key of each ref: "level1/level2/name", names merged within a project."""
    keys = IndicatorKeys()
    keys.add_all(refs)
    return keys.keys(refs)
