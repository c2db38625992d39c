"""Per-source JSON: OUT/json/<relative path of the source, with its extension>.json."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from jixiao.output.atomic import write_bytes_atomic

if TYPE_CHECKING:
    from jixiao.models import SourceResult


def json_path(out: Path, rel_path: str) -> Path:
    """Where a source's JSON goes; refuses paths that would leave OUT/json."""
    if _plain(rel_path):  # what every listed source has: joined as it is, no PurePosixPath
        return out.joinpath("json", rel_path + ".json")
    rel = PurePosixPath(rel_path)
    if rel.is_absolute() or ".." in rel.parts:
        raise ValueError(f"source path {rel_path!r} escapes the output folder")
    return out / "json" / Path(*rel.parts).with_name(rel.name + ".json")


def _plain(rel_path: str) -> bool:
    """A relative path that PurePosixPath would keep as printed: no leading, doubled or
    trailing "/", no "." or ".." part (a worker writes one JSON per source, and the path
    objects of the general case cost as much as the file's creation)."""
    return all(part not in _NOT_PLAIN for part in rel_path.split("/"))


_NOT_PLAIN = frozenset({"", ".", ".."})


def dump_result(result: SourceResult) -> bytes:
    """The bytes of `result.model_dump_json(indent=2)` and a newline, straight from the
    serializer: model_dump_json decodes its UTF-8 into a str, which was encoded back."""
    return type(result).__pydantic_serializer__.to_json(result, indent=2) + b"\n"


def read_json(out: Path, rel_path: str) -> SourceResult:
    """The result a source's JSON holds (OSError when it cannot be read, ValueError when it
    is not a result)."""
    from jixiao.models import SourceResult

    return SourceResult.model_validate_json(json_path(out, rel_path).read_bytes())


def write_json(out: Path, result: SourceResult, scratch: str | None = None) -> Path:
    """Write the result's JSON file (through `scratch`: see write_bytes_atomic)."""
    path = json_path(out, result.source.path)
    write_bytes_atomic(path, dump_result(result), scratch)
    return path
