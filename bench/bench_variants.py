"""Benchmark: the real excerpts printed otherwise (tests/fixtures/variants.py), on one core.

Every excerpt of samples/forms/corpus with an expected file in samples/expected/corpus (the
annotators' files for the shared corpus, and the hand-checked ones) is printed in each
variant: zero-width characters, other spaces, full-width digits, asterisks on the header
labels, HTML paragraphs, blank lines, indentation, Markdown pipes, tabs for pipes, operators
as words or ASCII. Each is run through `jixiao.pipeline.process_bytes` and scored with
`jixiao.evaluate`. Prints, per variant: rows expected, rows matched, recall, precision,
field accuracy, with the excerpts as published first. No assertions:
tests/test_printed_variants.py holds the ones that must read exactly as published.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jixiao.evaluate import SourceScore, overall, score_source  # noqa: E402
from jixiao.pipeline import process_bytes  # noqa: E402
from tests.fixtures.variants import VARIANTS, Variant, body_variant  # noqa: E402

FORMS, EXPECTED = ROOT / "samples" / "forms" / "corpus", ROOT / "samples" / "expected" / "corpus"


def _excerpts() -> list[tuple[str, str, dict[str, object]]]:
    """(name, text, expected) of every excerpt with an expected file."""
    found = []
    for path in sorted(FORMS.glob("*.txt")):
        expected = EXPECTED / f"{path.name}.json"
        if expected.exists():
            found.append(
                (path.name, path.read_text("utf-8"), json.loads(expected.read_text("utf-8")))
            )
    return found


def _score(
    variant: Variant | None, excerpts: list[tuple[str, str, dict[str, object]]]
) -> SourceScore:
    scores = []
    for name, text, expected in excerpts:
        printed = text if variant is None else body_variant(variant, text)
        result = process_bytes(printed.encode("utf-8"), name)
        scores.append(score_source(name, expected, result.model_dump(mode="json")))
    return overall(scores)


def _row(label: str, score: SourceScore) -> str:
    figures = (score.recall, score.precision, score.field_accuracy)
    shown = " ".join("     -" if f is None else f"{f:>6.3f}" for f in figures)
    return f"{label:<22} {score.expected:>6} {score.matched:>7} {shown}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--variants", help=f"comma-separated subset of: {', '.join(VARIANTS)}")
    args = parser.parse_args()
    names = args.variants.split(",") if args.variants else list(VARIANTS)
    if set(names) - set(VARIANTS):
        parser.error(f"unknown variant(s): {', '.join(sorted(set(names) - set(VARIANTS)))}")
    excerpts = _excerpts()
    started = time.perf_counter()
    print(f"{len(excerpts)} real excerpts with expected files, each printed {len(names) + 1} ways")
    print(f"{'variant':<22} {'rows':>6} {'matched':>7} {'recall':>6} {'prec':>6} {'fields':>6}")
    print(_row("as published", _score(None, excerpts)))
    for name in names:
        print(_row(name, _score(VARIANTS[name], excerpts)))
    seconds = time.perf_counter() - started
    print(f"{len(excerpts) * (len(names) + 1)} texts in {seconds:.1f} s on one core")


if __name__ == "__main__":
    main()
