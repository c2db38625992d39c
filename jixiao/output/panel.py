"""The analyst's panel: key columns on forms/indicators.parquet and targets_vs_actuals.parquet.

Runs after the Parquet tables are written (it reads them back), so it needs nothing from the
run loop: `add_panel(out, aliases)`. Keys come from jixiao.keys (a pass over the whole run).
The tables are streamed in record batches, a few columns per pass, so memory holds what the
keys need and one batch, not the rows of the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jixiao.keys import IndicatorKeys, department_key, indicator_name, project_keys
from jixiao.normalizers.dates import deadline as deadline_of
from jixiao.output.atomic import write_with
from jixiao.output.background import in_background
from jixiao.output.dataset import ROW_GROUP
from jixiao.output.layout import PANEL_FILE
from jixiao.output.parquet import INDICATORS_SCHEMA
from jixiao.scoring import agrees, parse_rule, rule_score

STR, F64, I64 = pa.string(), pa.float64(), pa.int64()

PANEL_SCHEMA = pa.schema(
    [
        ("year", pa.int32()),
        ("department", STR),
        ("department_key", STR),
        ("project", STR),
        ("project_key", STR),
        ("indicator_key", STR),
        ("level1", STR),
        ("level2", STR),
        ("name", STR),
        ("operator", STR),
        ("unit", STR),
        ("target_value", F64),
        ("target_value_max", F64),
        ("target_text", STR),
        ("target_deadline", pa.date32()),
        ("target_from", STR),  # "self_eval" (年度指标值) or "target_form"
        ("target_form_id", STR),
        ("actual_value", F64),
        ("actual_text", STR),
        ("achievement", F64),
        ("achieved", pa.bool_()),
        ("achievement_text", STR),
        ("weight", F64),
        ("score", F64),
        ("scoring", STR),
        ("score_rule", STR),
        ("score_check", F64),
        ("score_agrees", pa.bool_()),
        ("form_id", STR),
        ("source_path", STR),
        ("seq", pa.int32()),
    ]
)

SELF_EVAL = ("department_self_eval", "project_self_eval")
# a rule is parsed once per distinct (printed scoring text, weight): forms repeat templates
_rule_of = lru_cache(maxsize=1 << 14)(parse_rule)


def _ratio(row: dict[str, Any]) -> tuple[float | None, bool | None]:
    """Achievement ratio in the indicator's direction, and whether the target was met."""
    op, target, actual = row["operator"], row["target_value"], row["actual_value"]
    if actual is None or target is None:
        return None, None
    if op in ("<=", "<"):
        met = actual <= target if op == "<=" else actual < target
        return (target / actual if actual else None), met
    if op == "range":
        high = row["target_value_max"]
        met = target <= actual <= high if high is not None else actual >= target
        return (actual / target if target else None), met
    ratio = actual / target if target else None
    met = actual == target if op == "=" else actual > target if op == ">" else actual >= target
    return ratio, met


def _actual_date(row: dict[str, Any]) -> date | None:
    text = deadline_of(row["actual_text"], row["year"])
    return date.fromisoformat(text) if text else None


def achievement(row: dict[str, Any]) -> tuple[float | None, bool | None, str | None]:
    """(ratio, met, text): deadlines compare dates, qualitative targets keep the actual text."""
    if row["target_deadline"] is not None:
        done = _actual_date(row)
        if done is None:
            return None, None, row["actual_text"]
        late = (done - row["target_deadline"]).days
        return None, late <= 0, "met" if late <= 0 else f"late by {late} days"
    if row["operator"] == "qualitative" or row["actual_value"] is None:
        return None, None, row["actual_text"]
    ratio, met = _ratio(row)
    return ratio, met, None


def score_check(row: dict[str, Any]) -> tuple[str | None, float | None, bool | None]:
    """(rule pattern, score the printed rule gives, whether the reported score agrees)."""
    rule = _rule_of(row["scoring"], row["weight"])
    if rule is None:
        return None, None, None
    done = _actual_date(row) if rule.pattern == "E5" else None
    computed = rule_score(rule, row["actual_value"], row["actual_text"], row["target_value"], done)
    if computed is not None:
        computed = round(computed, 4)
    return rule.pattern, computed, agrees(computed, row["score"])


def _target_deadline(ind: Mapping[str, Any]) -> date | None:
    """The Indicator.deadline (when the table has it), else read from a non-numeric target
    ("2026年12月31日前"; "效果明显" names no date)."""
    found = ind.get("deadline")
    if isinstance(found, date):
        return found
    if ind["value"] is not None:
        return None
    text = deadline_of(ind["value_text"], ind["year"])
    return date.fromisoformat(text) if text else None


Triple = tuple[Any, Any, Any]  # (project_key, year, indicator_key)
TRIPLE = ("project_key", "year", "indicator_key")


def _triple(ind: Mapping[str, Any]) -> Triple:
    return (ind["project_key"], ind["year"], ind["indicator_key"])


def _has_actual(ind: Mapping[str, Any]) -> bool:
    """A self-evaluation row that reports an actual: it gets a panel row (given a target)."""
    return ind["form_type"] in SELF_EVAL and (
        ind["actual_value"] is not None or bool(ind["actual_text"])
    )


def _targets(indicators: Iterable[dict[str, Any]]) -> dict[Triple, dict[str, Any]]:
    """Target-form indicators by (project_key, year, indicator_key), the first of each."""
    found: dict[Triple, dict[str, Any]] = {}
    for ind in indicators:
        if ind["form_type"] not in SELF_EVAL:
            found.setdefault(_triple(ind), ind)
    return found


def panel_row(ind: Mapping[str, Any], plan: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The panel row of a self-evaluation indicator with an actual, given the first
    target-form indicator of its triple (or None); None when neither holds a target."""
    own = ind["value"] is not None or bool(ind["value_text"])
    source = ind if own else plan
    if source is None:
        return None
    row = {k: ind.get(k) for k in PANEL_SCHEMA.names}
    row |= {
        "operator": source["operator"],
        "unit": source["unit"] or ind["unit"],
        "target_value": source["value"],
        "target_value_max": source["value_max"],
        "target_text": source["value_text"],
        "target_deadline": _target_deadline(source),
        "target_from": "self_eval" if own else "target_form",
        "target_form_id": plan["form_id"] if plan else None,
        "weight": ind["weight"] if ind["weight"] is not None else source["weight"],
        "scoring": ind["scoring"] or (plan["scoring"] if plan else None),
    }
    row["achievement"], row["achieved"], row["achievement_text"] = achievement(row)
    row["score_rule"], row["score_check"], row["score_agrees"] = score_check(row)
    return row


def panel_rows(indicators: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per self-evaluation indicator with an actual and a target."""
    planned = _targets(indicators)
    rows = (panel_row(i, planned.get(_triple(i))) for i in indicators if _has_actual(i))
    return [row for row in rows if row is not None]


# add_panel streams the tables in record batches of BATCH rows (the row groups dataset.py
# writes), each pass reading only the columns it needs.
BATCH = ROW_GROUP
CHUNK = 256  # self-evaluation rows turned into panel rows at a time (Python dicts)
FORM_COLUMNS = ("form_id", "year", "department", "project")
REF_COLUMNS = ("form_id", "year", "level1", "level2", "name")
FORM_KEYS = ("department_key", "project_key")
INDICATOR_KEYS = ("department_key", "project_key", "indicator_key")
# what panel_row reads of a target-form indicator (deadline only where the table has it)
PLAN_FIELDS = ("form_id", "year", "operator", "unit", "value", "value_max", "value_text",
               "weight", "scoring", "deadline")  # fmt: skip
PLAN_COLUMNS = ("form_type", *TRIPLE, *PLAN_FIELDS)
# ... and of a self-evaluation row
PANEL_COLUMNS = tuple(
    dict.fromkeys(
        [n for n in PANEL_SCHEMA.names if n in INDICATORS_SCHEMA.names or n in INDICATOR_KEYS]
        + ["form_type", "actual_value", "actual_text", *PLAN_FIELDS]
    )
)
_SELF_EVAL = pa.array(SELF_EVAL, STR)
# Values given to Arrow carry their type: pyarrow infers an untyped one's through pandas,
# which a run does not load otherwise (jixiao.output.arrow)
_EMPTY, _FALSE = pa.scalar("", STR), pa.scalar(False, pa.bool_())
_ZERO = pa.scalar(0, INDICATORS_SCHEMA.field("year").type)


def _open(path: Path) -> pq.ParquetFile:
    """`path` read a column chunk at a time as it is decoded (with use_threads=False: in
    this thread). pyarrow's default pre-buffers a row group's chunks on its I/O threads,
    whose allocator arenas then held several MB more of the main process's peak at 20,000
    text sources than at 2,000 (bench/bench_batch.py)."""
    return pq.ParquetFile(path, pre_buffer=False)


def _batches(path: Path, columns: Iterable[str]) -> Iterator[pa.RecordBatch]:
    """Record batches of `columns` (those the file has), none when the file is missing."""
    if not path.exists():
        return
    with _open(path) as file:
        names = [c for c in columns if c in file.schema_arrow.names]
        batches = file.iter_batches(batch_size=BATCH, columns=names, use_threads=False)
        yield from in_background(batches)  # the next decoded while this one is used
    pa.default_memory_pool().release_unused()  # after each pass, as after each row group


def _column(batch: pa.RecordBatch, name: str) -> list[Any]:
    return batch.column(name).to_pylist()  # type: ignore[no-any-return]


def _shared(value: Any, pool: dict[Any, Any]) -> Any:
    """One object per distinct string or int kept (form ids, years, levels repeat)."""
    return pool.setdefault(value, value) if type(value) in (str, int) else value


def _is_self_eval(batch: pa.RecordBatch) -> pa.Array:
    return pc.is_in(batch.column("form_type"), value_set=_SELF_EVAL)


def _actual_mask(batch: pa.RecordBatch) -> pa.Array:
    """_has_actual of every row, computed in Arrow."""
    text = pc.fill_null(pc.not_equal(batch.column("actual_text"), _EMPTY), _FALSE)
    return pc.and_(_is_self_eval(batch), pc.or_(pc.is_valid(batch.column("actual_value")), text))


def _form_keys(path: Path, aliases: tuple[Path, ...]) -> tuple[dict[str, Any], dict[str, str]]:
    """form_id -> department_key and form_id -> project_key, from one pass over the forms.

    The rows of one form that occur more than once (copies of a source) are taken once,
    where they last occur: project_keys gives the same keys, and what is held grows with
    the distinct forms, not with the rows."""
    forms: dict[tuple[str, int | None, str | None], None] = {}  # in order of last occurrence
    dept: dict[str, str | None] = {}
    by_name: dict[str | None, str | None] = {}  # department_key of each printed name
    pool: dict[Any, Any] = {}
    for batch in _batches(path, FORM_COLUMNS):
        columns = (_column(batch, n) for n in FORM_COLUMNS)
        for form_id, year, department, project in zip(*columns):
            if department not in by_name:
                by_name[department] = department_key(department, aliases)
            dept[form_id] = by_name[department]
            form = (form_id, _shared(year, pool), _shared(project, pool))
            forms.pop(form, None)
            forms[form] = None
    projects = project_keys((f, year, dept[f], project) for f, year, project in forms)
    return dept, projects


def _int(value: int) -> pa.Scalar:
    """An int64 scalar: an untyped one is inferred through pandas."""
    return pa.scalar(value, I64)


def _pair_codes(first: pa.Array, second: pa.Array, width: int) -> pa.Array:
    """One code per pair of codes: first * width + second (`width`: how many codes `second`
    can take)."""
    return pc.add(pc.multiply(first, _int(width)), second)


@dataclass(frozen=True)
class _Coded:
    """A column as codes: each row's index (int64) into the column's distinct values."""

    codes: pa.Array
    values: list[Any]

    @classmethod
    def of(cls, column: pa.Array, null: pa.Scalar) -> _Coded:
        """`column` coded, its nulls taken as `null`."""
        encoded = pc.dictionary_encode(pc.fill_null(column, null))
        return cls(encoded.indices.cast(I64), encoded.dictionary.to_pylist())

    def mapped(self, function: Callable[[Any], Any]) -> _Coded:
        """The column of `function` of each value, coded by its distinct results (`function`
        runs once per distinct value)."""
        ids: dict[Any, int] = {}
        per_value = [ids.setdefault(function(v), len(ids)) for v in self.values]
        return _Coded(pa.array(per_value, I64).take(self.codes), list(ids))

    def paired(self, other: _Coded) -> _Coded:
        """The column of this one's value (a tuple) extended by `other`'s, row by row, coded
        by the distinct pairs (in Arrow: Python sees each distinct pair once)."""
        width = len(other.values)
        pairs = pc.dictionary_encode(_pair_codes(self.codes, other.codes, width))
        values = [
            self.values[pair // width] + (other.values[pair % width],)
            for pair in pairs.dictionary.to_pylist()
        ]
        return _Coded(pairs.indices.cast(I64), values)

    def first(self, years: _Coded) -> list[Any]:
        """The least of `years` in the rows of each value."""
        least: list[Any] = [None] * len(self.values)
        width = len(years.values)
        for pair in pc.unique(_pair_codes(self.codes, years.codes, width)).to_pylist():
            code, year = divmod(pair, width)
            if least[code] is None or years.values[year] < least[code]:
                least[code] = years.values[year]
        return least

    def owners(self, forms: _Coded) -> Iterator[tuple[int, list[Any]]]:
        """(code, the distinct `forms` values in its rows) of each value of this column (in
        Arrow: sorted pairs of codes, cut into runs)."""
        width = len(forms.values)
        pairs = pc.unique(_pair_codes(self.codes, forms.codes, width)).sort()
        codes = pc.divide(pairs, _int(width))
        form_codes = pc.subtract(pairs, pc.multiply(codes, _int(width))).to_pylist()
        start = 0
        for run in pc.value_counts(codes).to_pylist():
            stop = start + run["counts"]
            yield run["values"], [forms.values[i] for i in form_codes[start:stop]]
            start = stop


def _indicator_names(batch: pa.RecordBatch, forms: _Coded, projects: Mapping[str, str]) -> _Coded:
    """The batch's rows coded by (project_key, level1, level2, folded name): IndicatorKeys'
    group and name of each row (levels null as "")."""
    groups = forms.mapped(lambda form_id: (projects.get(form_id, ""),))
    groups = groups.paired(_Coded.of(batch.column("level1"), _EMPTY))
    groups = groups.paired(_Coded.of(batch.column("level2"), _EMPTY))
    return groups.paired(_Coded.of(batch.column("name"), _EMPTY).mapped(indicator_name))


def _indicator_namer(path: Path, projects: Mapping[str, str]) -> IndicatorKeys:
    """IndicatorKeys fed with every indicator row of `path`, a batch at a time: each distinct
    name of a group once, with its forms and first year (the rows are grouped in Arrow:
    a Python loop over the rows took 0.44 s of the 20,000 text sources' panel,
    bench/bench_batch.py)."""
    shared = {f: f for f in projects}  # one string per form id in IndicatorKeys' sets
    namer = IndicatorKeys()
    for batch in _batches(path, REF_COLUMNS):
        forms = _form_ids(batch)
        forms = _Coded(forms.codes, [shared.get(f, f) for f in forms.values])
        names = _indicator_names(batch, forms, projects)
        years = names.first(_Coded.of(batch.column("year"), _ZERO))
        for code, owners in names.owners(forms):
            project_key, level1, level2, name = names.values[code]
            namer.add_names((project_key, level1, level2), name, years[code], owners)
    return namer


def _form_ids(batch: pa.RecordBatch) -> _Coded:
    return _Coded.of(batch.column("form_id"), _EMPTY)


def _indicator_keys(
    batch: pa.RecordBatch, forms: _Coded, namer: IndicatorKeys, projects: Mapping[str, str]
) -> pa.Array:
    """The indicator_key of every row of the batch (its form ids: `forms`), looked up once
    per distinct name."""
    names = _indicator_names(batch, forms, projects)
    keys = [namer.key((p, one, two), name) for p, one, two, name in names.values]
    return pa.array(keys, STR).take(names.codes)


KeysOf = Callable[[pa.RecordBatch], Iterable[pa.Array]]  # a batch's key columns


def _per_form(forms: _Coded, keys: Sequence[Mapping[str, Any]]) -> Iterator[pa.Array]:
    """Each of `keys` (form_id -> key) for every row of a batch whose form ids are `forms`,
    looked up once per form (a form's rows follow one another: a few hundred forms in a
    batch of 8,192 rows)."""
    for by_form in keys:
        yield pa.array([by_form.get(f) for f in forms.values], type=STR).take(forms.codes)


def _rewrite(path: Path, names: Sequence[str], keys_of: KeysOf) -> None:
    """Stream `path` into itself with the key columns `names` appended (replaced when
    present), batch by batch within each row group: row groups and column order stay.

    The next group is decoded in a thread of its own while this one's keys are computed and
    it is written: the Parquet reader lets go of the GIL, and at this point of a run the
    other cores are idle (add_panel on 20,000 text sources' tables: 1.98 s -> 1.45 s). Two
    groups at most are held at once (writing in a thread too gained nothing more, and held
    a third: 6 MB of the main process's peak, bench/bench_batch.py)."""

    def write(tmp: Path) -> None:
        with _open(path) as file, closing(_GroupWriter(tmp)) as writer:
            for batch in in_background(_group_batches(file)):
                writer.write(_with_keys(batch, names, keys_of))
                del batch
                # what the group took back to the system: the C library's heap grew by
                # 18 MB over the 58 groups of 20,000 text sources without it
                pa.default_memory_pool().release_unused()

    if path.exists() and pq.read_metadata(path).num_rows:
        write_with(path, write)


class _GroupWriter:
    """A Parquet file opened with the schema of the first table written to it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.writer: pq.ParquetWriter | None = None

    def write(self, table: pa.Table) -> None:
        if self.writer is None:
            self.writer = pq.ParquetWriter(self.path, table.schema, compression="zstd")
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def _group_batches(file: pq.ParquetFile) -> Iterator[pa.RecordBatch]:
    """Every row group as one batch (BATCH is the groups' size), read in this thread."""
    for group in range(file.num_row_groups):
        yield from file.iter_batches(batch_size=BATCH, row_groups=[group], use_threads=False)


def _with_keys(batch: pa.RecordBatch, names: Sequence[str], keys_of: KeysOf) -> pa.Table:
    """The batch as a table with its key columns."""
    table = pa.Table.from_batches([batch])
    table = table.drop_columns([n for n in names if n in table.column_names])
    for name, column in zip(names, keys_of(batch)):
        table = table.append_column(name, column)
    return table


def _wanted(path: Path, pool: dict[Any, Any]) -> set[Triple]:
    """The triples whose target some self-evaluation row with an actual may need."""
    wanted: set[Triple] = set()
    for batch in _batches(path, (*TRIPLE, "form_type", "actual_value", "actual_text")):
        chosen = batch.filter(_actual_mask(batch))
        columns = (_column(chosen, n) for n in TRIPLE)
        wanted.update(tuple(_shared(v, pool) for v in t) for t in zip(*columns))
    return wanted


def _plans(path: Path, wanted: set[Triple], pool: dict[Any, Any]) -> dict[Triple, dict[str, Any]]:
    """The first target-form indicator of each wanted triple: the fields panel_row reads."""
    found: dict[Triple, dict[str, Any]] = {}
    for batch in _batches(path, PLAN_COLUMNS):
        targets = batch.filter(pc.invert(_is_self_eval(batch)))
        picked: dict[Triple, int] = {}
        for i, triple in enumerate(zip(*(_column(targets, n) for n in TRIPLE))):
            if triple in wanted and triple not in found:
                picked.setdefault(triple, i)
        rows = targets.take(pa.array(list(picked.values()), pa.int64())).to_pylist()
        for triple, row in zip(picked, rows):
            found[triple] = {k: _shared(v, pool) for k, v in row.items() if k in PLAN_FIELDS}
    return found


def _panel_batches(path: Path, plans: Mapping[Triple, dict[str, Any]]) -> Iterator[pa.RecordBatch]:
    """The panel rows of `path`'s self-evaluation rows, built CHUNK rows at a time."""
    for batch in _batches(path, PANEL_COLUMNS):
        chosen = batch.filter(_actual_mask(batch))
        for start in range(0, chosen.num_rows, CHUNK):
            rows = chosen.slice(start, CHUNK).to_pylist()
            found = [panel_row(ind, plans.get(_triple(ind))) for ind in rows]
            if kept := [row for row in found if row is not None]:
                yield pa.RecordBatch.from_pylist(kept, schema=PANEL_SCHEMA)


def _write_panel(target: Path, batches: Iterable[pa.RecordBatch]) -> int:
    """Write the panel in row groups of about BATCH rows; the number of rows."""
    count = 0

    def write(tmp: Path) -> None:
        nonlocal count
        with pq.ParquetWriter(tmp, PANEL_SCHEMA, compression="zstd") as writer:
            pending: list[pa.RecordBatch] = []
            held = 0
            for batch in batches:
                pending.append(batch)
                count += batch.num_rows
                held += batch.num_rows
                if held >= BATCH:
                    writer.write_table(pa.Table.from_batches(pending))
                    pending, held = [], 0
            if pending:
                writer.write_table(pa.Table.from_batches(pending))

    write_with(target, write)
    return count


def add_panel(out: Path, aliases: tuple[Path, ...] = ()) -> int:
    """Add key columns to OUT's tables and write OUT/targets_vs_actuals.parquet; rows written.

    Each pass streams record batches of the columns it needs: forms (department and project
    keys), indicator names (IndicatorKeys), the rewrite of both tables with the key columns,
    then the panel (triples the self-evaluations need, their targets, the rows). What stays
    in memory is what the keys need (per form its keys; per project, level and folded name
    its first year and forms) and the wanted targets, never the tables' rows."""
    forms, indicators = out / "forms.parquet", out / "indicators.parquet"
    dept, projects = _form_keys(forms, aliases)
    namer = _indicator_namer(indicators, projects)

    def form_keys(batch: pa.RecordBatch) -> Iterator[pa.Array]:
        yield from _per_form(_form_ids(batch), (dept, projects))

    def indicator_keys(batch: pa.RecordBatch) -> Iterator[pa.Array]:
        forms = _form_ids(batch)  # coded once for the three key columns
        yield from _per_form(forms, (dept, projects))
        yield _indicator_keys(batch, forms, namer, projects)

    # the indicators first: Arrow's own allocator (mimalloc, which the Parquet writer's
    # encoders use whatever pool pyarrow is given) keeps what it is given back, and the
    # indicators' row groups then found the forms' 8,192 rows held: 7 MB more at their
    # peak (20,000 text sources, bench/bench_batch.py)
    _rewrite(indicators, INDICATOR_KEYS, indicator_keys)
    _rewrite(forms, FORM_KEYS, form_keys)
    pool: dict[Any, Any] = {}
    wanted = _wanted(indicators, pool)
    if not wanted:  # no self-evaluation row reports an actual
        return _write_panel(out / PANEL_FILE, ())
    plans = _plans(indicators, wanted, pool)
    return _write_panel(out / PANEL_FILE, _panel_batches(indicators, plans))
