"""The public API as a user calls it: `import jixiao`, then read, run, open_dataset."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import jixiao
from tests.conftest import FORMS, ROOT, python_stdout

# the public names: removing or renaming one breaks users, so it must fail here first
PUBLIC = [
    "Dataset",
    "Form",
    "Indicator",
    "Problem",
    "RunOptions",
    "RunSummary",
    "Source",
    "SourceResult",
    "__version__",
    "open_dataset",
    "read",
    "run",
]
SEED = FORMS / "001_570424103c010556.txt"
PDF = FORMS / "pdf" / "seed_001_word_like.pdf"
XLSX = FORMS / "office" / "project_2026.xlsx"


def test_the_public_names_are_pinned() -> None:
    assert sorted(jixiao.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(jixiao, name) is not None, name
    assert set(PUBLIC) <= set(dir(jixiao))
    with pytest.raises(AttributeError):
        jixiao.process_file  # noqa: B018 (private names stay in their modules)


def test_public_callables_are_documented() -> None:
    for name in PUBLIC[:-1]:
        value = getattr(jixiao, name)
        if callable(value):
            assert (value.__doc__ or "").strip(), name


def _modules_after(code: str) -> set[str]:
    script = f"import sys; {code}; print(' '.join(sorted(sys.modules)))"
    return {name.split(".")[0] for name in python_stdout(script).split()}


HEAVY = {"pandas", "duckdb", "pyarrow", "pydantic", "pdfplumber", "pypdfium2", "openpyxl", "cv2"}


def test_import_jixiao_is_light() -> None:
    assert not _modules_after("import jixiao") & HEAVY


def test_reading_text_loads_no_table_pdf_or_office_library() -> None:
    loaded = _modules_after(f"import jixiao; jixiao.read({str(SEED)!r})")
    assert not loaded & (HEAVY - {"pydantic"})


def _json_of_run(out: Path, rel: str) -> dict[str, object]:
    return json.loads((out / "json" / f"{rel}.json").read_text("utf-8"))


@pytest.mark.parametrize(
    "rel", ["001_570424103c010556.txt", "pdf/seed_001_word_like.pdf", "office/project_2026.xlsx"]
)
def test_read_gives_what_a_run_writes(sample_run: Path, rel: str) -> None:
    path = FORMS / rel
    expected = _json_of_run(sample_run, rel)
    by_path = jixiao.read(path, name=rel)
    with open(path, "rb") as handle:
        by_file = jixiao.read(handle, name=rel)
    by_bytes = jixiao.read(path.read_bytes(), name=rel)
    for result in (by_path, by_file, by_bytes):
        assert result.model_dump(mode="json") == expected


def test_read_names_the_source_by_default() -> None:
    assert jixiao.read(SEED).source.path == SEED.name
    assert jixiao.read(str(SEED)).source.path == SEED.name
    with open(XLSX, "rb") as handle:
        assert jixiao.read(handle).source.path == XLSX.name
    assert jixiao.read(io.BytesIO(SEED.read_bytes())).source.path == "stream"
    assert jixiao.read(SEED.read_bytes()).source.path == "bytes"


def test_read_reports_a_bad_source_as_a_problem() -> None:
    result = jixiao.read(b"")
    assert not result.forms and [p.code for p in result.errors] == ["empty_file"]


def test_read_refuses_what_is_not_a_source(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        jixiao.read(tmp_path / "missing.txt")
    with pytest.raises(IsADirectoryError):
        jixiao.read(tmp_path)
    with pytest.raises(TypeError):
        jixiao.read(io.StringIO("text"))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        jixiao.read(SEED, pdf_engine="ghostscript")


def test_read_redacts_and_takes_a_vocabulary(tmp_path: Path) -> None:
    redacted = jixiao.read(SEED, redact=True).forms[0]
    assert "redacted" in redacted.flags and redacted.contacts.phone is None
    plain = jixiao.read(SEED).forms[0]
    assert "redacted" not in plain.flags and plain.contacts.phone
    vocab = tmp_path / "units.toml"
    vocab.write_text('[units]\n"篇" = ["篇章"]\n', "utf-8")
    text = SEED.read_text("utf-8").replace("篇", "篇章")
    unit = jixiao.read(text.encode(), vocab=vocab).forms[0].indicators[0].unit
    assert unit == "篇"
    assert jixiao.read(SEED).forms[0].indicators[0].unit == "篇"  # the default again


def test_a_form_reads_well_in_a_notebook() -> None:
    result = jixiao.read(SEED)
    form = result.forms[0]
    assert repr(form) == str(form)
    assert repr(form).startswith(f"<Form {form.form_id} department_target 2026 ")
    assert repr(result) == f"<SourceResult {SEED.name} (text): 1 form, 18 indicators, 0 problems>"
    html = form._repr_html_()
    assert html.count("<tr>") == len(form.indicators) + 1
    assert "<th>actual_text</th>" not in html  # a target form: no empty columns
    assert all(indicator.name in html for indicator in form.indicators)
    assert form.indicators[0].name in result._repr_html_()
    frame = form.to_pandas()
    assert list(frame["name"]) == [indicator.name for indicator in form.indicators]
    assert len(result.to_pandas()) == len(form.indicators)


def test_a_result_frame_has_the_indicator_table_columns(sample_run: Path) -> None:
    import pyarrow.parquet as pq

    result = jixiao.read(SEED, name=SEED.name)
    table = pq.read_table(sample_run / "indicators.parquet")
    columns = [c for c in table.column_names if not c.endswith("_key")]
    assert list(result.to_pandas().columns) == columns


def test_run_and_open_dataset(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = jixiao.run(FORMS / "years", out, quiet=True, jobs=1)
    assert isinstance(summary, jixiao.RunSummary)
    assert (summary.sources, summary.forms, summary.failed_sources) == (5, 5, 0)
    with jixiao.open_dataset(out) as data:
        assert data.views == ["forms", "indicators", "targets_vs_actuals", "problems"]
        assert len(data.forms) == 5 and len(data.indicators) == summary.indicators
        assert len(data.problems) == 0 and len(data.targets_vs_actuals) > 0
        years = data.sql("SELECT DISTINCT year FROM forms ORDER BY year")
        assert list(years["year"]) == [2022, 2023, 2025, 2026]
        assert repr(data) == f"<Dataset {out}: forms, indicators, targets_vs_actuals, problems>"
    again = jixiao.run([FORMS / "years"], out, quiet=True, jobs=1)
    assert again.skipped == 5


def test_a_partitioned_run_opens_as_one_table(tmp_path: Path) -> None:
    out = tmp_path / "out"
    jixiao.run(FORMS / "years", out, quiet=True, jobs=1, partition_by="year")
    assert not (out / "forms.parquet").exists()
    data = jixiao.open_dataset(out)
    assert len(data.forms) == 5
    assert data.sql("SELECT count(DISTINCT year) AS n FROM indicators")["n"][0] == 4


def test_run_refuses_what_the_command_line_refuses(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no such file or folder"):
        jixiao.run(tmp_path / "missing", tmp_path / "out")
    with pytest.raises(ValueError, match="no such vocabulary"):
        jixiao.run(SEED, tmp_path / "out", vocab=tmp_path / "none.toml")
    with pytest.raises(TypeError):
        jixiao.run(SEED, tmp_path / "out", file_memory=10)
    with pytest.raises(FileNotFoundError):
        jixiao.open_dataset(tmp_path)


def test_the_example_notebook_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "notebook.py"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "5 sources, 5 forms" in done.stdout
