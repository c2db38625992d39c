from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
FORMS = SAMPLES / "forms"
EXPECTED = SAMPLES / "expected"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def sample_files() -> list[Path]:
    return sorted(p for p in FORMS.rglob("*") if p.is_file())


@pytest.fixture
def seed_001() -> bytes:
    return (FORMS / "001_570424103c010556.txt").read_bytes()


@pytest.fixture
def seed_004() -> bytes:
    return (FORMS / "004_a0dabc58212d71e8.txt").read_bytes()
