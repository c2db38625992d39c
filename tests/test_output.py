"""The run's output: JSON per source, Parquet with explicit types, atomic writes, CLI."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from jixiao.cli import main
from jixiao.output.atomic import write_bytes_atomic
from jixiao.output.json_out import json_path
from tests.conftest import FORMS, python_stdout, sample_files


@pytest.fixture(scope="module")
def run_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["run", str(FORMS), "-o", str(out), "-q"]) == 0
    return out


def test_json_per_source_mirrors_relative_path(run_out: Path) -> None:
    names = sorted(
        p.relative_to(run_out / "json").as_posix() for p in (run_out / "json").rglob("*.json")
    )
    expected = sorted(p.relative_to(FORMS).as_posix() + ".json" for p in sample_files())
    assert names == expected
    assert "office/project_2026.xlsx.json" in names
    assert "pdf/seed_001_word_like.pdf.json" in names
    data = json.loads((run_out / "json" / "001_570424103c010556.txt.json").read_text("utf-8"))
    assert data["schema_version"] == "1"
    assert data["source"]["path"] == "001_570424103c010556.txt"


def test_parquet_column_types(run_out: Path) -> None:
    forms = pq.read_table(run_out / "forms.parquet").schema
    assert str(forms.field("year").type) == "int32"
    assert str(forms.field("fill_date").type) == "date32[day]"
    assert str(forms.field("budget_total").type) == "double"
    assert str(forms.field("flags").type) == "list<element: string>"
    indicators = pq.read_table(run_out / "indicators.parquet").schema
    assert str(indicators.field("seq").type) == "int32"
    assert str(indicators.field("value").type) == "double"
    assert str(indicators.field("bbox").type) == "list<element: double>"
    assert str(indicators.field("cell").type) == "string"
    assert str(indicators.field("flags").type) == "list<element: string>"
    errors = pq.read_table(run_out / "errors.parquet").schema
    assert errors.names == ["source_path", "code", "message", "page"]


def test_parquet_reads_back_with_pandas(run_out: Path) -> None:
    forms = pd.read_parquet(run_out / "forms.parquet")
    seeds = forms.set_index("source_path")
    assert seeds.loc["001_570424103c010556.txt", "year"] == 2026
    assert str(seeds.loc["001_570424103c010556.txt", "fill_date"])[:10] == "2025-12-15"
    assert seeds.loc["004_a0dabc58212d71e8.txt", "budget_total"] == pytest.approx(2677.7)
    indicators = pd.read_parquet(run_out / "indicators.parquet")
    seed_rows = indicators[indicators.source_path.str.startswith("00")]
    assert len(seed_rows) == 47
    office = indicators[indicators.source_path == "office/project_2026.xlsx"]
    assert list(office.cell)[:2] == ["sheet 项目1, row 11", "sheet 项目1, row 12"]
    assert seed_rows.value.dtype == "float64"
    assert seed_rows.seq.dtype == "int32"
    row = seed_rows[seed_rows.name == "预算成本"].iloc[0]
    assert (row.operator, row.value, row.unit) == ("<=", 1350.75, "万元")
    assert list(row["flags"]) == ["columns_shifted"]


def test_no_temporary_files_left(run_out: Path) -> None:
    assert not [p for p in run_out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_a_file_made_in_a_scratch_folder_lands_whole_in_a_folder_made_for_it(
    tmp_path: Path,
) -> None:
    """A worker's JSON is made in its own scratch folder and renamed into place: nothing is
    created beside its target but the file itself, and the scratch folder is left empty."""
    scratch, target = tmp_path / ".tmp" / "123", tmp_path / "json" / "d000" / "a.txt.json"
    scratch.mkdir(parents=True)
    write_bytes_atomic(target, b'{"a": 1}\n', str(scratch))
    write_bytes_atomic(target, b'{"a": 2}\n', str(scratch))  # a re-run replaces it
    assert target.read_bytes() == b'{"a": 2}\n'
    assert _files(tmp_path) == ["json/d000/a.txt.json"]


def _renames_failing(
    monkeypatch: pytest.MonkeyPatch, error: OSError, only_from: Path | None = None
) -> None:
    """os.replace raises `error` (for sources in `only_from`, else for all)."""
    replace = os.replace

    def failing(source: str, destination: Path) -> None:
        if only_from is None or Path(source).parent == only_from:
            raise error
        replace(source, destination)

    monkeypatch.setattr(os, "replace", failing)


def test_a_scratch_folder_on_another_file_system_writes_beside_the_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch, target = tmp_path / "scratch", tmp_path / "json" / "a.txt.json"
    scratch.mkdir()
    _renames_failing(monkeypatch, OSError(errno.EXDEV, "Invalid cross-device link"), scratch)
    write_bytes_atomic(target, b"{}\n", str(scratch))
    assert target.read_bytes() == b"{}\n"
    assert _files(tmp_path) == ["json/a.txt.json"]


def test_a_write_that_fails_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch, target = tmp_path / "scratch", tmp_path / "json" / "a.txt.json"
    scratch.mkdir()
    _renames_failing(monkeypatch, PermissionError(errno.EACCES, "Permission denied"))
    for folder in (str(scratch), None):
        with pytest.raises(PermissionError):
            write_bytes_atomic(target, b"{}\n", folder)
    assert _files(tmp_path) == []


@pytest.mark.parametrize("rel", ["../x.txt", "/etc/passwd"])
def test_json_path_stays_under_out(tmp_path: Path, rel: str) -> None:
    with pytest.raises(ValueError):
        json_path(tmp_path, rel)


@pytest.mark.parametrize(
    "rel", ["a.txt", "d/e/f.txt", "d//e.txt", "./d/e.txt", "d/./e.txt", "d/e/"]
)
def test_json_path_of_a_plain_path_is_the_one_pure_posix_path_gives(
    tmp_path: Path, rel: str
) -> None:
    from pathlib import PurePosixPath

    parts = PurePosixPath(rel)
    expected = tmp_path / "json" / Path(*parts.parts).with_name(parts.name + ".json")
    assert str(json_path(tmp_path, rel)) == str(expected)


def test_indicator_columns_are_the_model_dump_of_each_indicator() -> None:
    """The columns read from the indicators' attributes equal their model_dump, transposed
    (a date for a deadline), and share no list with the models."""
    from datetime import date

    from jixiao.output.rows import indicator_columns
    from jixiao.pipeline import process_bytes

    result = process_bytes(sample_files()[0].read_bytes(), "a.txt")
    indicators = [i for form in result.forms for i in form.indicators]
    columns = indicator_columns(result)
    for name in indicators[0].model_dump():
        expected = [i.model_dump()[name] for i in indicators]
        if name == "deadline":
            expected = [date.fromisoformat(v) if v else None for v in expected]
        assert columns[name] == expected, name
    assert all(a is not b for a, b in zip(columns["flags"], (i.flags for i in indicators)))
    assert columns["form_id"] == [f.form_id for f in result.forms for _ in f.indicators]


def test_a_dumped_result_is_its_model_dump_json_with_a_newline() -> None:
    from jixiao.output.json_out import dump_result
    from jixiao.pipeline import process_bytes

    for path in sample_files()[:5]:
        result = process_bytes(path.read_bytes(), path.name)
        assert dump_result(result) == (result.model_dump_json(indent=2) + "\n").encode("utf-8")


def test_cli_help_has_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "-h"])
    assert exit_info.value.code == 0
    assert "examples:" in capsys.readouterr().out


def test_cli_missing_input_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["run", str(tmp_path / "nope"), "-o", str(tmp_path / "out")]) == 2


def test_cli_prints_summary_and_output_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["run", str(FORMS / "004_a0dabc58212d71e8.txt"), "-o", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "1 sources, 1 forms, 29 indicators, 0 unread table lines, 0 problems" in out
    assert str(tmp_path.resolve()) in out


def test_schema_command_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "SourceResult"
    assert "Indicator" in schema["$defs"]


# pyarrow would import numpy as it loads and pandas at its first conversion; the CLI's run
# hides both from it (jixiao.output.arrow)
HEAVY = [
    "numpy",
    "pandas",
    "pdfplumber",
    "camelot",
    "cv2",
    "PIL",
    "rapidocr_onnxruntime",
    "rapidocr",
    "openpyxl",
    "docx",
    "xlrd",
    "lxml",
    "onnxruntime",
    "pypdfium2",
    "jieba",
    "duckdb",
    "jinja2",
]


def test_text_only_run_imports_no_heavy_library(tmp_path: Path) -> None:
    script = (
        "import sys; from jixiao.cli import main; "
        f"main(['run', {str(FORMS / '001_570424103c010556.txt')!r}, '-o', {str(tmp_path)!r}, '-q']); "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    assert python_stdout(script).strip() == "[]"


def test_a_sink_fed_column_chunks_writes_the_row_groups_of_one_fed_row_by_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sources' rows arrive as column chunks (their workers built them); chunks that cross a
    row-group boundary are split so the file is the one rows added one by one give."""
    import pyarrow as pa

    from jixiao.output import dataset

    monkeypatch.setattr(dataset, "ROW_GROUP", 5)
    schema = pa.schema([("name", pa.string()), ("value", pa.float64()), ("page", pa.int32())])
    rows = [{"name": f"n{i}", "value": i / 2, "page": i} for i in range(23)]
    by_row = dataset._FileSink(tmp_path / "rows.parquet", schema)
    for row in rows:
        by_row.add(row)
    by_row.close()
    by_chunk = dataset._FileSink(tmp_path / "chunks.parquet", schema)
    start = 0
    for size in (3, 0, 7, 1, 5, 7):  # no "page" column in the chunks: null
        chunk = rows[start : start + size]
        by_chunk.extend({"name": [r["name"] for r in chunk], "value": [r["value"] for r in chunk]})
        start += size
    by_chunk.close()
    expected = pq.read_table(tmp_path / "rows.parquet").set_column(
        2, "page", pa.array([None] * 23, pa.int32())
    )
    assert pq.read_table(tmp_path / "chunks.parquet").equals(expected)
    groups = [
        pq.ParquetFile(tmp_path / name).metadata for name in ("rows.parquet", "chunks.parquet")
    ]
    sizes = [[meta.row_group(i).num_rows for i in range(meta.num_row_groups)] for meta in groups]
    assert sizes[0] == sizes[1] == [5, 5, 5, 5, 3]


def test_tables_rebuilt_from_the_json_files_equal_those_the_workers_fed(
    run_out: Path, tmp_path: Path
) -> None:
    """A first run feeds the tables with the rows its workers built; a run that rebuilds them
    (tables gone, sources unchanged) reads every JSON file: the same tables."""
    import shutil

    out = tmp_path / "out"
    shutil.copytree(run_out, out)
    for table in ("forms.parquet", "indicators.parquet", "errors.parquet"):
        (out / table).unlink()
    assert main(["run", str(FORMS), "-o", str(out), "-q"]) == 0
    for table in ("forms", "indicators", "errors", "targets_vs_actuals"):
        built = pq.read_table(run_out / f"{table}.parquet")
        assert built.num_rows > 0 or table == "errors"
        assert pq.read_table(out / f"{table}.parquet").equals(built), table


def test_tables_are_built_on_the_system_allocator_and_the_default_comes_back(
    tmp_path: Path,
) -> None:
    """mimalloc (pyarrow's default pool) kept what the panel's passes freed; a run's tables
    are built on malloc, and the caller's pool is put back after, as after a failure."""
    import pyarrow as pa

    from jixiao.inputs import InputFile
    from jixiao.output.dataset import DatasetWriter, write_dataset
    from jixiao.pipeline import process_file

    before = pa.default_memory_pool().backend_name
    seen: list[str] = []
    source = sample_files()[0]
    result = process_file(InputFile(source, source.name))
    write_dataset(
        tmp_path, [result], None, lambda _: seen.append(pa.default_memory_pool().backend_name)
    )
    assert seen == ["system"]
    assert pa.default_memory_pool().backend_name == before
    writer = DatasetWriter(tmp_path / "abandoned", None)
    assert pa.default_memory_pool().backend_name == "system"
    writer.abandon()
    writer.abandon()
    assert pa.default_memory_pool().backend_name == before
