"""`jixiao eval`: accuracy of a run's output against hand-checked expected files.

An expected file has the shape of the pipeline's JSON output with only the fields a person
checked; a list value means "any of these is right". Indicators are matched to predicted
ones by name: exact after folding first, then fuzzy (difflib ratio >= FUZZY_THRESHOLD).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from jixiao.text import fold

INDICATOR_FIELDS = (
    "level1",
    "level2",
    "operator",
    "value",
    "value_text",
    "unit",
    "weight",
    "actual_value",
    "score",
)
FORM_FIELDS = ("form_type", "year", "department", "project")
FUZZY_THRESHOLD = 0.6


@dataclass
class FieldTally:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass
class SourceScore:
    path: str
    expected: int = 0
    predicted: int = 0
    matched: int = 0
    fields: dict[str, FieldTally] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)  # human-readable differences

    @property
    def recall(self) -> float | None:
        return self.matched / self.expected if self.expected else None

    @property
    def precision(self) -> float | None:
        return self.matched / self.predicted if self.predicted else None

    def tally(self, name: str, ok: bool) -> None:
        entry = self.fields.setdefault(name, FieldTally())
        entry.total += 1
        entry.correct += ok

    @property
    def field_accuracy(self) -> float | None:
        correct = sum(t.correct for t in self.fields.values())
        total = sum(t.total for t in self.fields.values())
        return correct / total if total else None


def same(expected: Any, actual: Any) -> bool:
    """Equality as a person means it: lists are alternatives, numbers within 1e-6, text folded."""
    if isinstance(expected, list):
        return any(same(option, actual) for option in expected)
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(actual, (int, float)) and math.isclose(
            expected, actual, rel_tol=1e-6, abs_tol=1e-6
        )
    if isinstance(expected, str) and isinstance(actual, str):
        return fold(expected) == fold(actual)
    return bool(expected == actual)


def _names(value: Any) -> list[str]:
    return [fold(v) for v in value] if isinstance(value, list) else [fold(str(value))]


def match_indicators(
    expected: list[dict[str, Any]], predicted: list[dict[str, Any]]
) -> list[tuple[int, int]]:
    """Pairs (expected index, predicted index): exact folded names first, then fuzzy."""
    pairs: list[tuple[int, int]] = []
    free = set(range(len(predicted)))
    pred_names = [fold(p.get("name") or "") for p in predicted]
    pending = []
    for i, item in enumerate(expected):
        names = _names(item.get("name", ""))
        hit = next((j for j in sorted(free) if pred_names[j] in names), None)
        if hit is None:
            pending.append(i)
        else:
            pairs.append((i, hit))
            free.discard(hit)
    candidates = sorted(
        (
            (
                max(
                    SequenceMatcher(None, n, pred_names[j]).ratio()
                    for n in _names(expected[i].get("name", ""))
                ),
                i,
                j,
            )
            for i in pending
            for j in free
        ),
        reverse=True,
    )
    used: set[int] = set()
    for ratio, i, j in candidates:
        if ratio < FUZZY_THRESHOLD:
            break
        if i in used or j not in free:
            continue
        pairs.append((i, j))
        used.add(i)
        free.discard(j)
    return sorted(pairs)


def _flatten(forms: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [ind for form in forms for ind in form.get("indicators", [])]


def score_source(
    path: str, expected: dict[str, Any], predicted: dict[str, Any] | None
) -> SourceScore:
    score = SourceScore(path)
    exp_forms = expected.get("forms", [])
    pred_forms = predicted.get("forms", []) if predicted else []
    exp_rows, pred_rows = _flatten(exp_forms), _flatten(pred_forms)
    score.expected, score.predicted = len(exp_rows), len(pred_rows)
    for i, j in match_indicators(exp_rows, pred_rows):
        score.matched += 1
        for name in INDICATOR_FIELDS:
            if name in exp_rows[i]:
                ok = same(exp_rows[i][name], pred_rows[j].get(name))
                score.tally(name, ok)
                if not ok:
                    score.misses.append(
                        f"{exp_rows[i].get('name')!s}: {name} = {pred_rows[j].get(name)!r}, expected {exp_rows[i][name]!r}"
                    )
    for k, exp_form in enumerate(exp_forms):
        pred_form = pred_forms[k] if k < len(pred_forms) else {}
        for name in FORM_FIELDS:
            if name in exp_form:
                ok = same(exp_form[name], pred_form.get(name))
                score.tally(f"form.{name}", ok)
                if not ok:
                    score.misses.append(
                        f"form {k}: {name} = {pred_form.get(name)!r}, expected {exp_form[name]!r}"
                    )
    return score


def _load_by_source(folder: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            continue
        source = data.get("source", {}) if isinstance(data, dict) else {}
        if isinstance(source, dict) and "path" in source:
            found[source["path"]] = data
    return found


def evaluate(pred_out: Path, expected_dir: Path) -> list[SourceScore]:
    """Scores for every expected file whose source appears (or should appear) in pred_out."""
    json_dir = pred_out / "json" if (pred_out / "json").is_dir() else pred_out
    predicted = _load_by_source(json_dir)
    expected = _load_by_source(expected_dir)
    return [
        score_source(path, exp, _predicted_for(path, predicted))
        for path, exp in sorted(expected.items())
    ]


def _predicted_for(path: str, predicted: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The output for an expected file's source: the same path, else the one output whose
    path ends with it (an expected file written for the file alone, run inside a folder)."""
    if path in predicted:
        return predicted[path]
    ending = [p for p in predicted if p.endswith("/" + path)]
    return predicted[ending[0]] if len(ending) == 1 else None


def overall(scores: list[SourceScore]) -> SourceScore:
    total = SourceScore("overall")
    for s in scores:
        total.expected += s.expected
        total.predicted += s.predicted
        total.matched += s.matched
        for name, tally in s.fields.items():
            entry = total.fields.setdefault(name, FieldTally())
            entry.correct += tally.correct
            entry.total += tally.total
    return total


def as_json(scores: list[SourceScore]) -> dict[str, Any]:
    def one(s: SourceScore) -> dict[str, Any]:
        return {
            "source": s.path,
            "expected": s.expected,
            "predicted": s.predicted,
            "matched": s.matched,
            "recall": s.recall,
            "precision": s.precision,
            "field_accuracy": s.field_accuracy,
            "fields": {
                k: {"correct": t.correct, "total": t.total, "accuracy": t.accuracy}
                for k, t in sorted(s.fields.items())
            },
            "misses": s.misses,
        }

    return {"overall": one(overall(scores)), "sources": [one(s) for s in scores]}


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def as_table(scores: list[SourceScore]) -> str:
    columns = INDICATOR_FIELDS
    head = f"{'source':<48} {'rows':>9} {'recall':>7} {'prec':>6} {'fields':>6} " + " ".join(
        f"{c[:6]:>6}" for c in columns
    )
    lines = [head, "-" * len(head)]
    for s in [*scores, overall(scores)]:
        cells = " ".join(
            f"{_pct(s.fields[c].accuracy) if c in s.fields else '-':>6}" for c in columns
        )
        lines.append(
            f"{s.path[-48:]:<48} {s.matched:>4}/{s.expected:<4} {_pct(s.recall):>7} {_pct(s.precision):>6} {_pct(s.field_accuracy):>6} {cells}"
        )
    return "\n".join(lines)
