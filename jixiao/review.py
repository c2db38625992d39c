"""`jixiao review OUT --set FORM_ID[#SEQ].FIELD=VALUE`: record a correction.

The correction is checked against the run's JSON (the form, the indicator and the field must
exist, the value must fit the field's type) and appended to OUT/corrections.jsonl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from jixiao.corrections import Correction, get_field, parse_value, set_field
from jixiao.models import Form, SourceResult

TARGET = re.compile(
    r"^(?P<form>[0-9a-f]{16}-\d+)(?:#(?P<seq>\d+))?\.(?P<field>[a-z_.0-9]+)=(?P<value>.*)$", re.S
)


@dataclass(frozen=True)
class Located:
    result: SourceResult
    form: Form


def find_form(out: Path, form_id: str) -> Located | None:
    """The form in OUT/json (its file starts with the sha256 prefix of the form_id)."""
    for path in sorted((out / "json").rglob("*.json")):
        result = SourceResult.model_validate_json(path.read_bytes())
        for form in result.forms:
            if form.form_id == form_id:
                return Located(result, form)
    return None


def make_correction(out: Path, assignment: str) -> Correction | str:
    """A checked Correction for FORM_ID[#SEQ].FIELD=VALUE, or a message saying what is wrong."""
    match = TARGET.match(assignment)
    if match is None:
        return f"expected FORM_ID[#SEQ].FIELD=VALUE, got {assignment!r}"
    form_id, field = match["form"], match["field"]
    seq = int(match["seq"]) if match["seq"] else None
    found = find_form(out, form_id)
    if found is None:
        return f"no form {form_id} in {out / 'json'}"
    if seq is not None and not any(i.seq == seq for i in found.form.indicators):
        return f"form {form_id} has no indicator {seq} (it has 1..{len(found.form.indicators)})"
    for value in parse_value(match["value"]):
        if set_field(found.form, seq, field, value) is not None:
            return Correction(
                form_id=form_id,
                seq=seq,
                field=field,
                value=value,
                source_path=found.result.source.path,
                sha256=found.result.source.sha256,
                old=_old_value(found.form, seq, field),
                at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            )
    where = f"indicator {seq} of {form_id}" if seq is not None else f"form {form_id}"
    return f"cannot set {field} of {where} to {match['value']!r} (no such field, or wrong type)"


def _old_value(form: Form, seq: int | None, field: str) -> object:
    if seq is None:
        return get_field(form.model_dump(), field)
    indicator = next(i for i in form.indicators if i.seq == seq)
    return get_field(indicator.model_dump(), field)
