"""The command line: a thin layer over jixiao.pipeline. Logging is configured only here."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from jixiao import __version__
from jixiao.compiled import describe
from jixiao.extract.pdf_page import PDF_ENGINES

RUN_EXAMPLES = """\
examples:
  jixiao run samples -o out             every file under samples/, recursively
  jixiao run a.txt b.txt -o out         two files
  jixiao run archive/2022 -o out -q     no progress output
  jixiao run in -o out --vocab my.toml  add local level names, units, column headers
  jixiao run 表格/ -o out               .xlsx .xls .docx .html .htm .mhtml read directly
  jixiao run in -o out --redact         null contacts; mask phones, IDs, e-mails, names
  jixiao run archive -o out -j 8        eight worker processes (default: one per core)
  jixiao run archive -o out             again: only new or changed sources are redone
  jixiao run archive -o out --partition-by year
                                        Hive-partitioned forms/ and indicators/ datasets
  jixiao run archive -o /shared/out --engine dask --scheduler tcp://HOST:8786
  jixiao run pdfs/ -o out --pdf-engine pdfplumber
                                        read PDF text with pdfminer (the reference)

formats are detected from the content, not the extension (a ".xls" that is a web page is
read as HTML); .doc, WPS and OFD files are reported with the tool that converts them.

output:
  OUT/json/<relative path>.json         one SourceResult per source (see `jixiao schema`)
  OUT/forms.parquet                     one row per form
  OUT/indicators.parquet                one row per indicator
  OUT/errors.parquet                    one row per problem
  OUT/targets_vs_actuals.parquet        one row per indicator with a target and an actual
  OUT/run.json                          input roots and options (read by `jixiao report`)
  OUT/corrections.jsonl                 corrections (`jixiao review`), applied on every run
  OUT/manifest.jsonl                    per source: sha256, version, config hash, status, timings

exit status:
  0    every source gave forms
  1    some source had a problem (listed, and in OUT/errors.parquet)
  2    usage error
  74   OUT could not be written (disk full, read-only, permission denied): fix it and run
       the same command again; finished sources are kept, no source is blamed
  75   another jixiao run is writing OUT (its pid, host and start time are named)
  130  interrupted (Ctrl-C); the same command finishes the rest
"""

EXIT_OUTPUT = 74  # sysexits EX_IOERR
EXIT_BUSY = 75  # sysexits EX_TEMPFAIL: try again later


ALIASES_HELP = "extra department aliases (TOML, layout of jixiao/data/aliases.toml)"


def _paths_option(parser: argparse.ArgumentParser, flag: str, metavar: str, text: str) -> None:
    """A repeatable option naming files or folders (--vocab, --aliases, --sources)."""
    parser.add_argument(
        flag,
        type=Path,
        action="append",
        default=[],
        metavar=metavar,
        help=f"{text}; may be repeated",
    )


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jixiao",
        description="Turn Chinese budget performance-target forms (绩效目标表) into a clean dataset.",
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="show this help and exit")
    parser.add_argument(
        "--version", action="version", version=f"jixiao {__version__} ({describe()})"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser(
        "run",
        help="read forms from files and folders into JSON and Parquet",
        description="Read every form in INPUT files and folders; write JSON per source and Parquet tables.",
        epilog=RUN_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    run.add_argument("-h", "--help", action="help", help="show this help and exit")
    run.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="files or folders")
    run.add_argument("-o", "--out", type=Path, required=True, metavar="OUT", help="output folder")
    run.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    _paths_option(
        run,
        "--vocab",
        "FILE",
        "extra vocabulary (TOML, same sections as jixiao/data/*.toml: level1, level2, "
        "operators, units, headers, fields, qualitative ...)",
    )
    _paths_option(run, "--aliases", "FILE", ALIASES_HELP)
    run.add_argument(
        "--redact",
        action="store_true",
        help="publication mode: null filled_by, head and phone; mask phone numbers, ID card "
        "numbers, e-mails and the form's names in every free-text field (form flag `redacted`)",
    )
    run.add_argument(
        "-j",
        "--jobs",
        type=_positive_int,
        metavar="N",
        help="worker processes (default: one per core)",
    )
    run.add_argument(
        "--engine",
        choices=("local", "dask"),
        default="local",
        help="where sources run (default: local)",
    )
    run.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="dask scheduler, e.g. tcp://HOST:8786 (default: a local cluster)",
    )
    run.add_argument(
        "--file-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="time limit per source (default: 300; 0 = none)",
    )
    run.add_argument(
        "--file-memory",
        type=int,
        default=4096,
        metavar="MB",
        help="memory limit per source, as address space (default: 4096; OCR reserves much more than it uses; 0 = none)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="redo every source, even those unchanged since the last run",
    )
    run.add_argument(
        "--checksum",
        action="store_true",
        help="on a re-run, compare every source's bytes (sha256) with the last run's; by "
        "default a source whose size and modification time are unchanged is not re-read",
    )
    run.add_argument(
        "--partition-by",
        choices=("year", "department"),
        help="write forms and indicators as Hive-partitioned datasets",
    )
    run.add_argument(
        "--pdf-engine",
        choices=PDF_ENGINES,
        default=PDF_ENGINES[0],
        help="library reading PDF text layers: pdfium (default, fast) or pdfplumber (pdfminer, "
        "the slower reference); a page whose text PDFium cannot map to Unicode is read by "
        "pdfplumber, and a page neither can read goes to OCR",
    )
    run.add_argument(
        "--fail-fast",
        action="store_true",
        help="stop at the first internal error and show its traceback (for debugging jixiao)",
    )

    evaluate = commands.add_parser(
        "eval",
        help="accuracy of a run's output against hand-checked expected files",
        description="Match predicted and expected indicators by name (exact after folding, then "
        "fuzzy) and report row recall, precision and per-field accuracy, overall and per source.",
        epilog="example:\n  jixiao run samples/forms -o out && jixiao eval out samples/expected\n\n"
        "An expected file has the shape of the JSON output with only the fields a person checked;\n"
        'a list value means "any of these is right".',
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    evaluate.add_argument("-h", "--help", action="help", help="show this help and exit")
    evaluate.add_argument(
        "pred_out", type=Path, metavar="PRED_OUT", help="output folder of `jixiao run`"
    )
    evaluate.add_argument(
        "expected", type=Path, metavar="EXPECTED_DIR", help="folder of expected JSON files"
    )
    evaluate.add_argument("--json", type=Path, metavar="FILE", help="also write the report as JSON")
    evaluate.add_argument("--misses", action="store_true", help="list every wrong field")

    _add_analysis_commands(commands)

    _add_report_and_review(commands)
    schema = commands.add_parser(
        "schema", help="print the JSON Schema of the per-source output", add_help=False
    )
    schema.add_argument("-h", "--help", action="help", help="show this help and exit")
    return parser


QUERY_EXAMPLES = """\
views: forms, indicators, targets_vs_actuals, problems (= errors.parquet)

examples:
  jixiao query out "SELECT form_type, count(*) FROM forms GROUP BY 1"
  jixiao query out "SELECT * FROM targets_vs_actuals WHERE NOT score_agrees" --csv bad.csv
"""


def _add_analysis_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    query = commands.add_parser(
        "query",
        help="run SQL (DuckDB) over a run's tables",
        description="Run one SQL statement over the Parquet tables of OUT and print the result.",
        epilog=QUERY_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    query.add_argument("out", type=Path, metavar="OUT", help="output folder of `jixiao run`")
    query.add_argument("sql", metavar="SQL", help="the query")
    query.add_argument("--csv", type=Path, metavar="FILE", help="write the result as CSV")
    query.add_argument("--parquet", type=Path, metavar="FILE", help="write it as Parquet")
    export = commands.add_parser(
        "export",
        help="write a run's tables as an Excel workbook",
        description="One sheet per table (forms, indicators, targets_vs_actuals, problems), "
        "frozen header, filters, numbers as numbers and dates as dates.",
    )
    export.add_argument("out", type=Path, metavar="OUT", help="output folder of `jixiao run`")
    export.add_argument("--to", choices=["xlsx"], default="xlsx", help="format (xlsx)")
    export.add_argument("--labels", choices=["en", "zh"], default="en", help="column labels")
    export.add_argument("-o", "--output", type=Path, metavar="FILE", help="default OUT/jixiao.xlsx")
    panel = commands.add_parser(
        "panel",
        help="recompute the keys and targets_vs_actuals of a run (e.g. with new aliases)",
        description="Add department_key, project_key, indicator_key to OUT's tables and "
        "write OUT/targets_vs_actuals.parquet (`jixiao run` does this already).",
    )
    panel.add_argument("out", type=Path, metavar="OUT", help="output folder of `jixiao run`")
    _paths_option(panel, "--aliases", "FILE", ALIASES_HELP)


def _cmd_query(args: argparse.Namespace) -> int:
    from jixiao.query import as_table, copy_to, query

    if not (args.out / "forms.parquet").exists():
        print(f"jixiao: no run output in {args.out}", file=sys.stderr)
        return 2
    try:
        if args.csv or args.parquet:
            for target, fmt in ((args.csv, "csv"), (args.parquet, "parquet")):
                if target:
                    copy_to(args.out, args.sql, target, fmt)
            return 0
        columns, rows = query(args.out, args.sql)
    except Exception as exc:  # duckdb's errors: a bad query is a usage error
        print(f"jixiao: query failed: {exc}", file=sys.stderr)
        return 2
    print(as_table(columns, rows))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from jixiao.query import export_xlsx

    if not (args.out / "forms.parquet").exists():
        print(f"jixiao: no run output in {args.out}", file=sys.stderr)
        return 2
    target = args.output or args.out / "jixiao.xlsx"
    sheets = export_xlsx(args.out, target, args.labels)
    print(f"{target}: sheets {', '.join(sheets)}")
    return 0


def _cmd_panel(args: argparse.Namespace) -> int:
    from jixiao.output.panel import add_panel

    bad = [str(p) for p in args.aliases if not p.is_file()]
    if bad or not (args.out / "forms.parquet").exists():
        print(f"jixiao: missing: {', '.join(bad) or args.out}", file=sys.stderr)
        return 2
    from jixiao.keys import check_aliases

    if problem := check_aliases(args.aliases):
        print(f"jixiao: bad alias file: {problem}", file=sys.stderr)
        return 2
    rows = add_panel(args.out, tuple(args.aliases))
    print(f"{args.out / 'targets_vs_actuals.parquet'}: {rows} rows")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from jixiao.batch import RunOptions, run  # none of these loads pyarrow (see load_for_run)
    from jixiao.batch.lock import OutBusy
    from jixiao.batch.options import usage_problem
    from jixiao.output.arrow import load_for_run
    from jixiao.output.errors import OutputError

    options = RunOptions(
        out=args.out,
        fail_fast=args.fail_fast,
        vocab=tuple(args.vocab),
        aliases=tuple(args.aliases),
        redact=args.redact,
        jobs=args.jobs,
        engine=args.engine,
        scheduler=args.scheduler,
        file_timeout=args.file_timeout or None,
        file_memory_mb=args.file_memory or None,
        force=args.force,
        checksum=args.checksum,
        partition_by=args.partition_by,
        quiet=args.quiet,
        pdf_engine=args.pdf_engine,
    )
    if problem := usage_problem(args.inputs, options):
        print(f"jixiao: {problem}", file=sys.stderr)
        return 2
    load_for_run()  # this process is jixiao's own: no numpy or pandas objects in it
    if options.engine == "dask":  # no INFO lines of its cluster's start and stop, unless set
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    try:
        summary = run(args.inputs, options)
    except OutBusy as busy:
        print(f"jixiao: {busy}; nothing was written", file=sys.stderr)
        return EXIT_BUSY
    except OutputError as error:
        print(
            f"jixiao: cannot write to {args.out}: {error}; finished sources are kept: "
            "fix it and run the same command again to finish the rest",
            file=sys.stderr,
        )
        return EXIT_OUTPUT
    if not args.quiet:
        print(summary.line())
        print(f"output: {args.out.resolve()}")
    return 1 if summary.failed_sources else 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _cmd_eval(args: argparse.Namespace) -> int:
    from jixiao.evaluate import as_json, as_table, evaluate

    for folder in (args.pred_out, args.expected):
        if not folder.is_dir():
            print(f"jixiao: not a folder: {folder}", file=sys.stderr)
            return 2
    scores = evaluate(args.pred_out, args.expected)
    print(as_table(scores))
    if args.misses:
        for score in scores:
            for miss in score.misses:
                print(f"{score.path}: {miss}")
    if args.json:
        args.json.write_text(json.dumps(as_json(scores), ensure_ascii=False, indent=2), "utf-8")
    return 0


def _add_report_and_review(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = commands.add_parser(
        "report",
        help="write a static HTML review report into OUT/report/",
        description="Write OUT/report/index.html: an overview and one page per source with the "
        "source (text lines or page images) beside its extracted rows. Opens from disk, offline.",
        add_help=False,
    )
    report.add_argument("-h", "--help", action="help", help="show this help and exit")
    report.add_argument("out", type=Path, metavar="OUT", help="output folder of `jixiao run`")
    _paths_option(
        report,
        "--sources",
        "DIR",
        "where the sources are (default: the input roots recorded in OUT/run.json)",
    )
    report.add_argument(
        "--redact",
        action="store_true",
        help="mask personal data in the rows and the source text, black it out on page images "
        "(always on when the run used --redact)",
    )
    review = commands.add_parser(
        "review",
        help="correct a field of a form or an indicator; applied on every later run",
        description="Record corrections in OUT/corrections.jsonl, keyed by form_id, indicator "
        "seq and the source's sha256. Every later `jixiao run -o OUT` applies them (flag "
        "`corrected`); when the source changed they are reported as `stale_correction`.",
        epilog="examples:\n"
        "  jixiao review out --set 570424103c010556-0#3.value=95\n"
        "  jixiao review out --set 570424103c010556-0#3.unit=%\n"
        "  jixiao review out --set 570424103c010556-0.year=2025\n"
        "  jixiao review out --set 570424103c010556-0.budget.total=null\n"
        "  jixiao review out --list",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        add_help=False,
    )
    review.add_argument("-h", "--help", action="help", help="show this help and exit")
    review.add_argument("out", type=Path, metavar="OUT", help="output folder of `jixiao run`")
    review.add_argument(
        "--set",
        dest="assignments",
        action="append",
        default=[],
        metavar="FORM_ID[#SEQ].FIELD=VALUE",
        help="VALUE is JSON when it parses (95, null), else text; may be repeated",
    )
    review.add_argument("--list", action="store_true", help="list the recorded corrections")


def _cmd_report(args: argparse.Namespace) -> int:
    from jixiao.report import build_report

    if not (args.out / "json").is_dir():
        print(f"jixiao: no run output in {args.out} (no json/ folder)", file=sys.stderr)
        return 2
    index = build_report(args.out, sources=list(args.sources), redact=args.redact)
    print(f"report: {index.resolve()}")
    return 0


def _cmd_review(args: argparse.Namespace) -> int:
    from jixiao.corrections import append, load
    from jixiao.review import make_correction

    status = 0
    for assignment in args.assignments:
        made = make_correction(args.out, assignment)
        if isinstance(made, str):
            print(f"jixiao: {made}", file=sys.stderr)
            status = 2
            continue
        append(args.out, made)
        print(f"recorded {made.target()}: {made.old!r} -> {made.value!r}")
    if args.list:
        for correction in load(args.out):
            print(f"{correction.source_path}\t{correction.target()}\t{correction.value!r}")
    if args.assignments and not status:
        print("applied on the next `jixiao run ... -o OUT`")
    return status


def _cmd_schema(_: argparse.Namespace) -> int:
    from jixiao.models import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


COMMANDS = {
    "run": _cmd_run,
    "eval": _cmd_eval,
    "report": _cmd_report,
    "review": _cmd_review,
    "schema": _cmd_schema,
    "query": _cmd_query,
    "export": _cmd_export,
    "panel": _cmd_panel,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.WARNING, format="jixiao: %(levelname)s: %(message)s")
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print(
            "jixiao: interrupted; finished sources are kept: run the same command again "
            "to finish the rest",
            file=sys.stderr,
        )
        return 130
