"""Write files atomically: to a temporary name in the same folder, then rename."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

_COUNTER = itertools.count()
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC


def _temporary_name(target: Path) -> str:
    """`.<name>.<pid>.<n>.tmp` beside `target` (by string: target.parent is a new Path)."""
    folder, name = os.path.split(os.fspath(target))
    return f"{folder or '.'}/.{name}.{os.getpid()}.{next(_COUNTER)}.tmp"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it onto `target` when the block ends."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = Path(_temporary_name(target))
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_bytes_atomic(target: Path, data: bytes) -> None:
    """`data` as the whole of `target`, its folder made when missing. Plain system calls (the
    folder made only when the first open finds it missing): a run's workers write one such
    file per source, and the path objects and checks of `atomic_path` doubled its cost."""
    tmp = _temporary_name(target)
    try:
        fd = os.open(tmp, _NEW_FILE, 0o666)
    except FileNotFoundError:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(tmp, _NEW_FILE, 0o666)
    try:
        with open(fd, "wb") as file:
            file.write(data)
        os.replace(tmp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_with(target: Path, writer: Callable[[Path], None]) -> None:
    with atomic_path(target) as tmp:
        writer(tmp)
