"""The listing of INPUT files and folders into sources (light: the standard library only,
so that a re-run with nothing to do imports no reader, parser or model)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    rel_path: str  # relative to its input root, "/" separators
    refused: str = ""  # why the listing did not follow this link (read nothing), or ""


def iter_inputs(inputs: list[Path]) -> Iterator[InputFile]:
    """Files named directly, and every entry under folders (recursive, sorted by path parts).

    Links under a folder are never followed: one whose target is inside the folder is left
    out (the target is read under its own path, so nothing is read twice and no link loops);
    one that leads outside, dangles or loops is listed with the reason (Problem
    `skipped_link`). A link named directly as an INPUT is followed. Entries that are not
    regular files (FIFOs, devices) are listed: reading them gives `unreadable_file` without
    opening them. A folder's listing is kept as strings, not Path objects, so that listing
    an archive of many thousand files stays small in memory.

    A source's path is relative to its INPUT. With several INPUTs, a path already listed
    from an earlier one (two folders both holding `a.txt`) is prefixed with the INPUT's
    position and name (`2~2023/a.txt`), so no source overwrites another's output.
    """
    seen: set[str] | None = set() if len(inputs) > 1 else None
    for position, item in enumerate(inputs, start=1):
        for found in _listed(item):
            if seen is not None:
                if found.rel_path in seen:
                    found = replace(found, rel_path=prefixed(position, item.name, found.rel_path))
                seen.add(found.rel_path)
            yield found


_PREFIXED = re.compile(r"^(\d+)~[^/]+/(.+)$")


def prefixed(position: int, name: str, rel_path: str) -> str:
    """The path of a source of the `position`-th INPUT (1-based) whose own path was taken."""
    return f"{position}~{name}/{rel_path}"


def unprefixed(rel_path: str) -> tuple[int, str] | None:
    """(position of the INPUT, path under it) of a prefixed path; None for any other."""
    match = _PREFIXED.match(rel_path)
    return (int(match[1]), match[2]) if match else None


def _listed(item: Path) -> Iterator[InputFile]:
    if item.is_dir():
        for rel, refused in _files_under(item):
            yield InputFile(item / rel, rel, refused)
    else:
        yield InputFile(item, item.name)


def _files_under(root: Path) -> list[tuple[str, str]]:
    real_root = os.path.realpath(root)
    found: list[tuple[str, str]] = []
    pending = [""]
    while pending:
        base = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(root, base)))
        except OSError:
            continue  # an unreadable folder: nothing listed under it
        for entry in entries:
            rel = f"{base}/{entry.name}" if base else entry.name
            if entry.is_symlink():
                refused = _refused_link(entry.path, real_root)
                if refused:
                    found.append((rel, refused))
            elif entry.is_dir(follow_symlinks=False):
                pending.append(rel)
            else:
                found.append((rel, ""))
    found.sort(key=lambda item: item[0].split("/"))
    return found


def _refused_link(path: str, real_root: str) -> str:
    """Why a link is listed as skipped, or "" when its target is inside the input folder."""
    name = os.path.basename(path)
    target = os.path.realpath(path)
    if os.path.islink(target):  # realpath stops where a loop starts
        return f"{name} is a link that loops; it was not followed."
    if not os.path.lexists(target):
        return f"{name} is a link to nothing (its target does not exist)."
    if os.path.commonpath([target, real_root]) != real_root:
        return f"{name} is a link leading outside the input folder; it was not followed."
    return ""
