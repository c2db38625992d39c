"""Level-1/level-2 names: canonical names from the taxonomy, carried down merged cells,
inferred when missing and corrected when the printed level-1 contradicts the level-2."""

from __future__ import annotations

from dataclasses import dataclass

from jixiao.flags import LEVEL1_CORRECTED, LEVEL1_INFERRED, LEVEL2_INFERRED, LEVEL_UNKNOWN
from jixiao.text import clean
from jixiao.vocab import Level2Entry, vocabulary

# level-1 groups that have exactly one level-2 in the generic tree
_ONLY_CHILD = {"满意度指标": "服务对象满意度指标"}


@dataclass(frozen=True, slots=True)
class Levels:
    level1: str | None
    level2: str | None
    flags: tuple[str, ...]


def _pick_level2(raw: str, level1: str | None) -> Level2Entry | None:
    candidates = vocabulary().level2_candidates(raw)
    for entry in candidates:
        if level1 in entry.parents:
            return entry
    return candidates[0] if candidates else None


class LevelTracker:
    """Walks the rows of one table, carrying level names down merged cells."""

    def __init__(self) -> None:
        self.level1: str | None = None
        self.level2: str | None = None

    def resolve(self, raw1: str | None, raw2: str | None) -> Levels:
        flags: list[str] = []
        if raw1 is not None:
            self.level1 = vocabulary().level1_of(raw1) or clean(raw1)
            self.level2 = None
            if vocabulary().level1_of(raw1) is None:
                flags.append(LEVEL_UNKNOWN)
        if raw2 is not None:
            entry = _pick_level2(raw2, self.level1)
            self.level2 = entry.name if entry else clean(raw2)
            if entry is None:
                flags.append(LEVEL_UNKNOWN)
            elif self.level1 not in entry.parents:
                flags.append(LEVEL1_CORRECTED if raw1 is not None else LEVEL1_INFERRED)
                self.level1 = entry.parents[0]
        elif self.level2 is None and self.level1 in _ONLY_CHILD:
            self.level2 = _ONLY_CHILD[self.level1]
            flags.append(LEVEL2_INFERRED)
        return Levels(self.level1, self.level2, tuple(flags))
