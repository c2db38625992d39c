"""The listing of INPUT files and folders into sources (light: the standard library only,
so that a re-run with nothing to do imports no reader, parser or model)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    rel_path: str  # relative to its input root, "/" separators
    refused: str = ""  # why the listing did not follow this link (read nothing), or ""


@dataclass(frozen=True, slots=True)
class ListedFile:
    """An InputFile as plain strings, its path absolute: what a batch run plans with. No
    Path per source: pathlib interns every part of every path, and the interpreter's table
    of interned strings never shrinks (a megabyte or two kept over 20,000 sources)."""

    path: str
    rel_path: str
    refused: str = ""


def iter_inputs(inputs: list[Path]) -> Iterator[InputFile]:
    """Files named directly, and every entry under folders (recursive, sorted by path parts).

    Links under a folder are never followed: one whose target is inside the folder is left
    out (the target is read under its own path, so nothing is read twice and no link loops);
    one that leads outside, dangles or loops is listed with the reason (Problem
    `skipped_link`). A link named directly as an INPUT is followed. Entries that are not
    regular files (FIFOs, devices) are listed: reading them gives `unreadable_file` without
    opening them. The listing is a stream: a folder's entries are held (as names) only while
    it is walked, so that listing an archive of many thousand files stays small in memory.

    A source's path is relative to its INPUT. With several INPUTs, a path already listed
    from an earlier one (two folders both holding `a.txt`) is prefixed with the INPUT's
    position and name (`2~2023/a.txt`), so no source overwrites another's output.
    """
    for item, under, rel_path, refused in _found(inputs):
        yield InputFile(item / under if under else item, rel_path, refused)


def iter_listed(inputs: list[Path]) -> Iterator[ListedFile]:
    """iter_inputs as ListedFile records."""
    root, prefix = None, ""
    for item, under, rel_path, refused in _found(inputs):
        if item is not root:  # once per INPUT
            root = item
            absolute = str(item.absolute())
            prefix = absolute if absolute.endswith("/") else absolute + "/"
        yield ListedFile(prefix + under if under else prefix[:-1], rel_path, refused)


def _found(inputs: list[Path]) -> Iterator[tuple[Path, str, str, str]]:
    """(INPUT, path under it or "" for a file INPUT, the source's path, why refused or "")."""
    seen: set[str] | None = set() if len(inputs) > 1 else None
    for position, item in enumerate(inputs, start=1):
        for under, rel_path, refused in _listed(item):
            if seen is not None:
                if rel_path in seen:
                    rel_path = prefixed(position, item.name, rel_path)
                seen.add(rel_path)
            yield item, under, rel_path, refused


_PREFIXED = re.compile(r"^(\d+)~[^/]+/(.+)$")


def prefixed(position: int, name: str, rel_path: str) -> str:
    """The path of a source of the `position`-th INPUT (1-based) whose own path was taken."""
    return f"{position}~{name}/{rel_path}"


def unprefixed(rel_path: str) -> tuple[int, str] | None:
    """(position of the INPUT, path under it) of a prefixed path; None for any other."""
    match = _PREFIXED.match(rel_path)
    return (int(match[1]), match[2]) if match else None


def _listed(item: Path) -> Iterator[tuple[str, str, str]]:
    """(path under `item`, the source's own path, why refused) of each file it lists."""
    if item.is_dir():
        for rel, refused in _files_under(item):
            yield rel, rel, refused
    else:
        yield "", item.name, ""


def _files_under(root: Path) -> Iterator[tuple[str, str]]:
    """(path under `root`, why refused or "") of every file, in order of path parts: each
    folder's entries sorted by name and walked depth first, so that only the folders on
    the way down are held (their names), not the listing of the whole tree."""
    real_root = os.path.realpath(root)
    stack = [("", _sorted_entries(root, ""))]
    while stack:
        base, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        name, kind = entry
        rel = f"{base}/{name}" if base else name
        if kind == _LINK:
            refused = _refused_link(os.path.join(root, rel), real_root)
            if refused:
                yield rel, refused
        elif kind == _FOLDER:
            stack.append((rel, _sorted_entries(root, rel)))
        else:
            yield rel, ""


_LINK, _FOLDER, _OTHER = 0, 1, 2


def _sorted_entries(root: Path, base: str) -> Iterator[tuple[str, int]]:
    """(name, kind) of a folder's entries sorted by name; none for an unreadable folder."""
    try:
        with os.scandir(os.path.join(root, base)) as found:
            entries = list(found)
    except OSError:
        return iter(())  # an unreadable folder: nothing listed under it
    return iter(sorted((entry.name, _kind(entry)) for entry in entries))


def _kind(entry: os.DirEntry[str]) -> int:
    if entry.is_symlink():
        return _LINK
    return _FOLDER if entry.is_dir(follow_symlinks=False) else _OTHER


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
