"""The last step per source, after process_bytes: apply corrections, then redact.

`finalize(result, options)` is the one function the run loop calls per source.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from jixiao.corrections import Correction, set_field
from jixiao.flags import CORRECTED, REDACTED
from jixiao.models import Form, Problem, SourceResult
from jixiao.redact import mask_text

# string fields that are not free text (codes, canonical vocabularies, dates)
NOT_FREE_TEXT = {
    "form_id", "form_type", "level1", "level2", "operator", "unit", "fill_date", "deadline",
    "flags",
}  # fmt: skip


@dataclass
class PostOptions:
    redact: bool = False
    corrections: list[Correction] = field(default_factory=list)
    by_path: dict[str, list[Correction]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        grouped: dict[str, list[Correction]] = defaultdict(list)
        for correction in self.corrections:
            grouped[correction.source_path].append(correction)
        self.by_path = dict(grouped)


def finalize(result: SourceResult, options: PostOptions) -> SourceResult:
    """Corrections recorded for this source's bytes, then redaction when asked."""
    corrections = options.by_path.get(result.source.path, [])
    if corrections:
        result = apply_corrections(result, corrections)
    if options.redact:
        result = result.model_copy(update={"forms": [redact_form(f) for f in result.forms]})
    return result


def apply_corrections(result: SourceResult, corrections: list[Correction]) -> SourceResult:
    forms = {form.form_id: form for form in result.forms}
    stale = []
    for correction in corrections:
        form = forms.get(correction.form_id)
        fixed = None
        if form is not None and correction.sha256 == result.source.sha256:
            fixed = set_field(form, correction.seq, correction.field, correction.value)
        if fixed is None:
            stale.append(_stale(result, correction))
            continue
        forms[correction.form_id] = _flag_corrected(fixed, correction.seq)
    return result.model_copy(
        update={"forms": list(forms.values()), "errors": result.errors + stale}
    )


def _flag_corrected(form: Form, seq: int | None) -> Form:
    if seq is None:
        flags = form.flags if CORRECTED in form.flags else [*form.flags, CORRECTED]
        return form.model_copy(update={"flags": flags})
    indicators = [
        i.model_copy(update={"flags": [*i.flags, CORRECTED]})
        if i.seq == seq and CORRECTED not in i.flags
        else i
        for i in form.indicators
    ]
    return form.model_copy(update={"indicators": indicators})


def _stale(result: SourceResult, correction: Correction) -> Problem:
    if correction.sha256 != result.source.sha256:
        why = f"the source changed (sha256 {correction.sha256[:16]} then, {result.source.sha256[:16]} now)"
    else:
        why = "its form, indicator or field is gone, or the value no longer fits"
    message = (
        f"{result.source.path}: correction {correction.target()} = {correction.value!r} "
        f"was not applied: {why}; check it and record it again with `jixiao review`."
    )
    return Problem(code="stale_correction", message=message)


def redact_form(form: Form) -> Form:
    """Contacts nulled (fill_date kept); phones, IDs, e-mails and names masked in free text."""
    names = [n for n in (form.contacts.filled_by, form.contacts.head) if n]
    data = form.model_dump()
    data["contacts"].update(filled_by=None, head=None, phone=None)
    data = _mask(data, names)
    data["flags"] = [*form.flags, REDACTED] if REDACTED not in form.flags else form.flags
    return Form.model_validate(data)


def _mask(value: Any, names: list[str], key: str = "") -> Any:
    if isinstance(value, str):
        return value if key in NOT_FREE_TEXT else mask_text(value, names)
    if isinstance(value, list):
        return [_mask(v, names, key) for v in value]
    if isinstance(value, dict):
        return {k: _mask(v, names, k) for k, v in value.items()}
    return value
