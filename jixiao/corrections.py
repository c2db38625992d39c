"""Corrections a person made: OUT/corrections.jsonl, applied on every later run.

A correction is keyed by the form_id, the indicator seq (None for a form field) and the
source's sha256. It applies only to the same bytes; when the source at the same path
changed, or the form/indicator is gone, it is stale and becomes a `stale_correction` problem.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the models are loaded where a correction is applied, not by every run
    from jixiao.models import Form

FILE_NAME = "corrections.jsonl"
# fields a person may not set: identities and computed values
FROZEN = {"seq", "form_id", "confidence", "flags", "indicators", "unread"}


@dataclass(frozen=True, slots=True)
class Correction:
    form_id: str
    seq: int | None  # None: a field of the form itself
    field: str  # dotted for nested form fields: "budget.total", "contacts.phone"
    value: Any
    source_path: str
    sha256: str
    old: Any = None
    at: str = ""

    def target(self) -> str:
        seq = "" if self.seq is None else f"#{self.seq}"
        return f"{self.form_id}{seq}.{self.field}"


def corrections_path(out: Path) -> Path:
    return out / FILE_NAME


def load(out: Path) -> list[Correction]:
    """Every correction in OUT/corrections.jsonl, in order (a later one wins)."""
    path = corrections_path(out)
    if not path.is_file():
        return []
    found = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            found.append(Correction(**json.loads(line)))
    return found


def append(out: Path, correction: Correction) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with corrections_path(out).open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(asdict(correction), ensure_ascii=False) + "\n")


def get_field(data: dict[str, Any], field: str) -> Any:
    for part in field.split(".")[:-1]:
        data = data.get(part) or {}
    return data.get(field.split(".")[-1])


def set_field(form: Form, seq: int | None, field: str, value: Any) -> Form | None:
    """`form` with one field set and validated; None when the target or value is invalid."""
    from pydantic import ValidationError

    from jixiao.models import Form, Indicator

    if field.split(".")[0] in FROZEN:
        return None
    data = form.model_dump()
    target: dict[str, Any] | None = data
    if seq is not None:
        target = next((i for i in data["indicators"] if i["seq"] == seq), None)
    model = Indicator if seq is not None else Form
    if target is None or field.split(".")[0] not in model.model_fields:
        return None
    *parents, last = field.split(".")
    for part in parents:
        if not isinstance(target.get(part), dict):
            return None
        target = target[part]
    target[last] = value
    try:
        return Form.model_validate(data)
    except ValidationError:
        return None


def parse_value(text: str) -> list[Any]:
    """Candidate values for a command-line VALUE: JSON first (95, null, ["a"]), then the text."""
    try:
        return [json.loads(text), text]
    except json.JSONDecodeError:
        return [text]
