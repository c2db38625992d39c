"""The command line: a thin layer over jixiao.pipeline. Logging is configured only here."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from jixiao import __version__

RUN_EXAMPLES = """\
examples:
  jixiao run samples -o out             every file under samples/, recursively
  jixiao run a.txt b.txt -o out         two files
  jixiao run archive/2022 -o out -q     no progress output
  jixiao run archive -o out -j 8        eight worker processes (default: one per core)
  jixiao run archive -o out             again: only new or changed sources are redone
  jixiao run archive -o out --partition-by year
                                        Hive-partitioned forms/ and indicators/ datasets
  jixiao run archive -o /shared/out --engine dask --scheduler tcp://HOST:8786

output:
  OUT/json/<relative path>.json         one SourceResult per source (see `jixiao schema`)
  OUT/forms.parquet                     one row per form
  OUT/indicators.parquet                one row per indicator
  OUT/errors.parquet                    one row per problem
  OUT/manifest.jsonl                    per source: sha256, version, config hash, status, timings

exit status: 0 when every source gave forms, 1 when any source had a problem, 2 on usage errors.
"""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jixiao",
        description="Turn Chinese budget performance-target forms (绩效目标表) into a clean dataset.",
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="show this help and exit")
    parser.add_argument("--version", action="version", version=f"jixiao {__version__}")
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
        default=2048,
        metavar="MB",
        help="memory limit per source (default: 2048; 0 = none)",
    )
    run.add_argument(
        "--force",
        action="store_true",
        help="redo every source, even those unchanged since the last run",
    )
    run.add_argument(
        "--partition-by",
        choices=("year", "department"),
        help="write forms and indicators as Hive-partitioned datasets",
    )
    run.add_argument(
        "--fail-fast",
        action="store_true",
        help="stop at the first internal error and show its traceback (for debugging jixiao)",
    )

    schema = commands.add_parser(
        "schema", help="print the JSON Schema of the per-source output", add_help=False
    )
    schema.add_argument("-h", "--help", action="help", help="show this help and exit")
    return parser


def _cmd_run(args: argparse.Namespace) -> int:
    from jixiao.pipeline import RunOptions, run

    missing = [str(p) for p in args.inputs if not p.exists()]
    if missing:
        print(f"jixiao: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    options = RunOptions(
        out=args.out,
        fail_fast=args.fail_fast,
        jobs=args.jobs,
        engine=args.engine,
        scheduler=args.scheduler,
        file_timeout=args.file_timeout or None,
        file_memory_mb=args.file_memory or None,
        force=args.force,
        partition_by=args.partition_by,
        quiet=args.quiet,
    )
    summary = run(args.inputs, options)
    if not args.quiet:
        print(summary.line())
        print(f"output: {args.out.resolve()}")
    return 1 if summary.failed_sources else 0


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _cmd_schema(_: argparse.Namespace) -> int:
    from jixiao.models import json_schema

    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


COMMANDS = {"run": _cmd_run, "schema": _cmd_schema}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.WARNING, format="jixiao: %(levelname)s: %(message)s")
    return COMMANDS[args.command](args)
