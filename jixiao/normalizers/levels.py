"""Level-1/level-2 names: canonical names from the taxonomy, carried down merged cells,
inferred when missing and corrected when the printed level-1 contradicts the level-2."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from jixiao.flags import (
    LEVEL1_CORRECTED,
    LEVEL1_INFERRED,
    LEVEL2_INFERRED,
    LEVEL_FUZZY,
    LEVEL_UNKNOWN,
)
from jixiao.normalizers.matching import closest_level
from jixiao.text import clean
from jixiao.vocab import Level2Entry, level_key, vocabulary

# level-1 groups that have exactly one level-2 in the generic tree
_ONLY_CHILD: Final = {"满意度指标": "服务对象满意度指标"}


@dataclass(slots=True, init=False, unsafe_hash=True)
class Levels:
    level1: str | None
    level2: str | None
    flags: tuple[str, ...]
    level1_raw: str | None = None  # the printed cells, as read (a lone 成本指标 is a level-2)
    level2_raw: str | None = None

    def __init__(
        self,
        level1: str | None,
        level2: str | None,
        flags: tuple[str, ...],
        level1_raw: str | None = None,
        level2_raw: str | None = None,
    ) -> None:
        self.level1 = level1
        self.level2 = level2
        self.flags = flags
        self.level1_raw = level1_raw
        self.level2_raw = level2_raw


def _pick_level2(raw: str, level1: str | None) -> Level2Entry | None:
    candidates = vocabulary().level2_candidates(raw)
    for entry in candidates:
        if level1 in entry.parents:
            return entry
    return candidates[0] if candidates else None


def _names_both_levels(raw: str) -> bool:
    key = level_key(raw)
    vocab = vocabulary()
    return key in vocab.level1 and vocab.level1[key] in vocab.level2_by_name


def _fuzzy_level2(raw: str, flags: list[str]) -> Level2Entry | None:
    close = closest_level(raw, 2)
    if close is None:
        return None
    flags.append(LEVEL_FUZZY)
    return vocabulary().level2_by_name[close]


class LevelTracker:
    """Walks the rows of one table, carrying level names down merged cells."""

    def __init__(self) -> None:
        self.level1: str | None = None
        self.level2: str | None = None

    def resolve(self, raw1: str | None, raw2: str | None) -> Levels:
        if raw1 is not None and raw2 is None and self._level2_here(raw1):
            # 成本指标 printed alone inside 产出指标: a level-2 (one name at a time: mypyc
            # mistypes a tuple assignment to a name narrowed to None)
            raw2 = raw1
            raw1 = None
        elif raw1 is None and raw2 is not None and self._level1_here(raw2):
            raw1 = raw2  # 满意度指标 read in the level-2 column: a level-1
            raw2 = None
        flags: list[str] = []
        if raw1 is not None:
            level1 = self._level1_name(raw1, flags)
            if level1 != self.level1 or raw2 is not None:
                self.level2 = None  # the same level-1 again alone: a centred merged cell
            self.level1 = level1
        if raw2 is not None:
            entry = _pick_level2(raw2, self.level1) or _fuzzy_level2(raw2, flags)
            self.level2 = entry.name if entry else clean(raw2)
            if entry is None:
                flags.append(LEVEL_UNKNOWN)
            elif self.level1 not in entry.parents:
                flags.append(LEVEL1_CORRECTED if raw1 is not None else LEVEL1_INFERRED)
                self.level1 = entry.parents[0]
        elif self.level2 is None and self.level1 in _ONLY_CHILD:
            self.level2 = _ONLY_CHILD[self.level1]
            flags.append(LEVEL2_INFERRED)
        return Levels(self.level1, self.level2, tuple(flags), raw1, raw2)

    @staticmethod
    def _level1_name(raw: str, flags: list[str]) -> str:
        listed = vocabulary().level1_of(raw)
        if listed is not None:
            return listed
        close = closest_level(raw, 1)
        if close is not None:
            flags.append(LEVEL_FUZZY)
            return close
        flags.append(LEVEL_UNKNOWN)
        return clean(raw)

    def _level1_here(self, raw: str) -> bool:
        """A level-1 name read where a level-2 was expected, naming no level-2 under the
        current level-1."""
        if vocabulary().level1_of(raw) is None:
            return False
        return _pick_level2(raw, self.level1) is None

    def _level2_here(self, raw: str) -> bool:
        """A name that is both a level-1 and a level-2 (成本指标), printed alone where the
        current level-1 allows it as a level-2."""
        if self.level1 is None or not _names_both_levels(raw):
            return False
        entry = _pick_level2(raw, self.level1)
        return entry is not None and self.level1 in entry.parents and entry.name != self.level1
