from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.batch import RunOptions, run
from tests import fuzz_profiles

FUZZ_PROFILE = fuzz_profiles.load_profile()

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FORMS = SAMPLES / "forms"
EXPECTED = SAMPLES / "expected"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_sessionstart(session: pytest.Session) -> None:
    """A compiled module older than its source would test the old code, and one not built
    yet the Python module (jixiao/compiled.py)."""
    from jixiao.compiled import stale

    old = stale()
    if old:
        names = ", ".join(str(path.relative_to(ROOT)) for path in old)
        pytest.exit(
            f"compiled modules older than their sources, or not built yet: {names}. Rebuild "
            "(`make setup`; `make test` does it) or remove every build (`make clean`).",
            returncode=3,
        )


def python_stdout(code: str, *args: str) -> str:
    """What `python -c code args...` prints, run in a fresh process from the checkout (a
    clean sys.modules, or a state no test may leave behind); it must succeed."""
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return done.stdout


def copy_samples(rels: list[str], folder: Path) -> Path:
    """Copy sample files and folders (paths under samples/forms) into `folder`; returns it."""
    for rel in rels:
        source = FORMS / rel
        if source.is_dir():
            shutil.copytree(source, folder / rel)
        else:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, folder / rel)
    return folder


def sample_files() -> list[Path]:
    return sorted(p for p in FORMS.rglob("*") if p.is_file())


@pytest.fixture
def seed_001() -> bytes:
    return (FORMS / "001_570424103c010556.txt").read_bytes()


@pytest.fixture
def seed_004() -> bytes:
    return (FORMS / "004_a0dabc58212d71e8.txt").read_bytes()


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`jixiao run samples/forms` and `jixiao report` once per session; returns OUT."""
    from jixiao.report import build_report

    out = tmp_path_factory.mktemp("sample_run")
    run([FORMS], RunOptions(out=out))
    build_report(out)
    return out


@pytest.fixture(scope="session")
def redacted_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The same with --redact (the report inherits it from OUT/run.json)."""
    from jixiao.report import build_report

    out = tmp_path_factory.mktemp("redacted_run")
    run([FORMS], RunOptions(out=out, redact=True))
    build_report(out)
    return out


UNREAD_PDF = "seed_001_word_like.pdf"


@pytest.fixture(scope="session")
def unread_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run and report of a pipe table with unread rows (tests/fixtures/unread/pipes.txt)
    and of a sample PDF whose JSON is given one unread row on page 1: no PDF fixture has a
    junk row (they are rendered by tests/fixtures/make_pdfs.py, outside the tests)."""
    import json

    from jixiao.report import build_report

    base = tmp_path_factory.mktemp("unread_run")
    inputs, out = base / "in", base / "out"
    inputs.mkdir()
    shutil.copy(FIXTURES / "unread" / "pipes.txt", inputs / "pipes.txt")
    shutil.copy(FORMS / "pdf" / UNREAD_PDF, inputs / UNREAD_PDF)
    run([inputs], RunOptions(out=out, quiet=True))
    path = out / "json" / f"{UNREAD_PDF}.json"
    data = json.loads(path.read_text("utf-8"))
    first = data["forms"][0]["indicators"][0]
    x0, y0, x1, y1 = first["bbox"]
    junk = {"text": "(cid:12)(cid:7)", "line": None, "page": first["page"], "cell": None,
            "bbox": [x0, y1 + 2, x1, y1 + 2 + (y1 - y0)]}  # fmt: skip
    data["forms"][0]["unread"] = [junk]
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    build_report(out)
    return out


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """How many fuzz cases ran (tests/test_fuzz.py), per property under `make fuzz`."""
    for line in fuzz_profiles.summary(verbose=FUZZ_PROFILE == "fuzz"):
        terminalreporter.write_line(line)
