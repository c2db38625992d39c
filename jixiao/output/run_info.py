"""OUT/run.json: what the report needs to know about the run (input roots, --redact)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jixiao import __version__
from jixiao.output.atomic import write_bytes_atomic


def write_run_info(out: Path, inputs: list[Path], redact: bool) -> Path:
    """Absolute input roots: a folder is the root of its files, a file's folder is its root."""
    roots = [str((p if p.is_dir() else p.parent).resolve()) for p in inputs]
    info = {"jixiao": __version__, "roots": roots, "redact": redact}
    path = out / "run.json"
    data = (json.dumps(info, ensure_ascii=False, indent=2) + "\n").encode()
    if not path.is_file() or path.read_bytes() != data:  # a re-run as before writes nothing
        write_bytes_atomic(path, data)
    return path


def read_run_info(out: Path) -> dict[str, Any]:
    path = out / "run.json"
    if not path.is_file():
        return {"roots": [], "redact": False}
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data
