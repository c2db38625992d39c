"""jixiao from Python: read one source, run a batch, open a run's tables.

`jixiao.read`, `jixiao.run` and `jixiao.open_dataset` are defined here and re-exported from
`jixiao`. Each imports what it needs when called, so `import jixiao` stays light: reading a
text source never loads pandas, DuckDB or the PDF, office and OCR libraries.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from jixiao.batch.options import RunSummary
    from jixiao.models import SourceResult

PathLike: TypeAlias = "str | os.PathLike[str]"
Readable: TypeAlias = "PathLike | bytes | bytearray | memoryview | IO[bytes]"


def read(
    source: Readable,
    *,
    vocab: PathLike | Iterable[PathLike] = (),
    redact: bool = False,
    name: str | None = None,
    pdf_engine: str = "pdfium",
) -> SourceResult:
    """Read one source: the same result as one source of `jixiao run`, without writing.

    The format comes from the content (text in any supported encoding, PDF, scan or
    photo, XLSX, XLS, DOCX, HTML, MHTML), never from the name. A bad source does not
    raise: its problems are in `result.errors`, as in a run's JSON.

    Args:
        source: a path (`str` or `os.PathLike`; a `str` is always a path, never the text
            itself), the source's bytes, or a binary file object (`open(p, "rb")`,
            `io.BytesIO`).
        vocab: user vocabulary files (TOML, the sections of `jixiao/data/*.toml`) merged
            over the package's, as `jixiao run --vocab`. The vocabulary is set for the
            whole process until a call with other files.
        redact: null contacts and mask phone numbers, ID numbers, e-mails and names, as
            `jixiao run --redact`.
        name: the `source.path` recorded in the result; by default the file's name, the
            file object's name, or `"bytes"`.
        pdf_engine: the library reading PDF text layers, `"pdfium"` or `"pdfplumber"`.

    Returns:
        SourceResult: the source, its forms (each with its indicators) and its problems
            (`errors`). In a notebook a form shows as a table of its indicators, and
            `result.to_pandas()` gives the indicator rows.

    Raises:
        FileNotFoundError: the path does not exist.
        IsADirectoryError: the path is a folder (use `jixiao.run` for folders).
        ValueError: an unknown `pdf_engine`.

    Unlike `jixiao run`, the source is read in this process, with no time or memory limit:
    run untrusted archives with `jixiao.run`.

    Example:
        ```python
        import jixiao

        result = jixiao.read("samples/forms/001_570424103c010556.txt")
        form = result.forms[0]
        print(form.year, form.department, len(form.indicators))
        ```
    """
    from jixiao.batch.task import Settings, configured
    from jixiao.extract.pdf_page import PDF_ENGINES
    from jixiao.postprocess import finalize

    if pdf_engine not in PDF_ENGINES:
        raise ValueError(f"pdf_engine must be one of {', '.join(PDF_ENGINES)}: {pdf_engine!r}")
    vocab_paths = tuple(str(path.resolve()) for path in _paths(vocab))
    post = configured(Settings(vocab=vocab_paths, redact=redact, pdf_engine=pdf_engine))
    return finalize(_result_of(source, name, pdf_engine), post)


def _result_of(source: Readable, name: str | None, pdf_engine: str) -> SourceResult:
    from jixiao.pipeline import InputFile, process_contained, process_file

    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.is_dir():
            raise IsADirectoryError(f"{path} is a folder: run folders with jixiao.run")
        if not path.exists():
            raise FileNotFoundError(f"no such file: {path}")
        return process_file(InputFile(path, name or path.name), pdf_engine=pdf_engine)
    if isinstance(source, (bytes, bytearray, memoryview)):
        return process_contained(bytes(source), name or "bytes", pdf_engine=pdf_engine)
    data = source.read()
    if not isinstance(data, bytes):
        raise TypeError("open the file in binary mode ('rb'): jixiao detects the encoding")
    return process_contained(data, name or _file_name(source), pdf_engine=pdf_engine)


def _file_name(handle: IO[bytes]) -> str:
    name = getattr(handle, "name", None)
    return Path(name).name if isinstance(name, str) and name else "stream"


def _paths(value: PathLike | Iterable[PathLike]) -> tuple[Path, ...]:
    """One path or several, as Paths."""
    if isinstance(value, (str, os.PathLike)):
        return (Path(value),)
    return tuple(Path(item) for item in value)


def run(inputs: PathLike | Iterable[PathLike], out: PathLike, **options: Any) -> RunSummary:
    """Run the batch job of `jixiao run INPUT... -o OUT` and return its summary.

    Every file under the inputs is read in worker processes (with the per-source time and
    memory limits), its JSON written to `OUT/json/`, and the Parquet tables and the
    analyst's panel built in OUT. A re-run into the same OUT redoes only new or changed
    sources. Open the tables with `jixiao.open_dataset(out)`.

    Args:
        inputs: a file or folder, or several.
        out: the output folder.
        **options: the options of `jixiao run`, by the field names of `RunOptions`:
            `vocab`, `aliases`, `redact`, `jobs`, `engine`, `scheduler`, `file_timeout`,
            `file_memory_mb`, `force`, `checksum`, `partition_by`, `quiet`, `pdf_engine`,
            `fail_fast`. `vocab` and `aliases` take one path or several.

    Returns:
        RunSummary: sources, forms, indicators, unread table lines, problems, failed and
            skipped sources, seconds; `summary.line()` is the line `jixiao run` prints.

    Raises:
        ValueError: an input, vocabulary or alias file is missing, or an alias file is bad
            (what the command line reports as a usage error).
        TypeError: an unknown option.
        jixiao.batch.lock.OutBusy: another run holds OUT.
        jixiao.output.errors.OutputError: OUT could not be written (disk full, read-only).

    Example:
        ```python
        import jixiao

        summary = jixiao.run("samples/forms/years", "out/years", quiet=True)
        print(summary.line())
        ```
    """
    from jixiao.batch import RunOptions
    from jixiao.batch import run as run_batch
    from jixiao.batch.options import usage_problem

    for key in ("vocab", "aliases"):
        if key in options:
            options[key] = _paths(options[key])
    paths = list(_paths(inputs))
    run_options = RunOptions(out=Path(out), **options)
    if problem := usage_problem(paths, run_options):
        raise ValueError(problem)
    return run_batch(paths, run_options)


def open_dataset(out: PathLike) -> Dataset:
    """The tables of a run in `out`, as pandas DataFrames and through SQL (DuckDB).

    Args:
        out: the output folder of `jixiao run` or `jixiao.run`.

    Returns:
        Dataset: DuckDB views over the run's Parquet files; close it when done, or use it
            in a `with` block.

    Raises:
        FileNotFoundError: `out` holds no run's tables.

    Example:
        ```python
        import jixiao

        data = jixiao.open_dataset("out/years")
        print(data.sql("SELECT year, count(*) AS forms FROM forms GROUP BY year ORDER BY year"))
        ```
    """
    return Dataset(Path(out))


class Dataset:
    """A run's tables: DuckDB views over the Parquet files in OUT, nothing copied.

    The views are `forms`, `indicators`, `targets_vs_actuals` and `problems` (the file
    `errors.parquet`), as in `jixiao query`; tables partitioned with `partition_by` are read
    as one. Each property and `sql()` returns a new pandas DataFrame read from the files
    as they are now (pandas is needed: `pip install 'jixiao[pandas]'`).
    """

    def __init__(self, out: Path) -> None:
        from jixiao.query import connect, has_tables

        if not has_tables(out):
            raise FileNotFoundError(f"no run's tables in {out} (run jixiao.run first)")
        self.out = out
        self._connection = connect(out)

    def sql(self, query: str) -> Any:
        """The result of a DuckDB SQL query over the views, as a pandas DataFrame."""
        from jixiao.display import pandas_module

        pandas_module()
        return self._connection.execute(query).df()

    @property
    def views(self) -> list[str]:
        """The views this run has, in the order of `jixiao query`."""
        from jixiao.query import VIEWS

        rows = self._connection.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal")
        present = {row[0] for row in rows.fetchall()}
        return [view for view in VIEWS if view in present]

    @property
    def forms(self) -> Any:
        """One row per form (`forms.parquet`)."""
        return self.sql("SELECT * FROM forms")

    @property
    def indicators(self) -> Any:
        """One row per indicator, with its form's year, department, project and type."""
        return self.sql("SELECT * FROM indicators")

    @property
    def targets_vs_actuals(self) -> Any:
        """The analyst's panel: one row per self-evaluation indicator with a target and an
        actual."""
        return self.sql("SELECT * FROM targets_vs_actuals")

    @property
    def problems(self) -> Any:
        """One row per problem of a source (`errors.parquet`)."""
        return self.sql("SELECT * FROM problems")

    def close(self) -> None:
        """Close the DuckDB connection (the files are not touched)."""
        self._connection.close()

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Dataset {self.out}: {', '.join(self.views)}>"
