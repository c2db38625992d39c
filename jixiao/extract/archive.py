"""Open office zip containers safely: corrupt, encrypted and bomb-like archives are refused
before anything is decompressed."""

from __future__ import annotations

import io
import zipfile

from jixiao.problems import SourceError

MAX_TOTAL_BYTES = 200 * 1024 * 1024  # uncompressed size of all members together
MAX_MEMBER_BYTES = 100 * 1024 * 1024
MAX_RATIO = 500  # uncompressed / compressed above RATIO_FLOOR; deflate tops out near 1030
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 10_000


def open_zip(data: bytes, rel_path: str) -> zipfile.ZipFile:
    """The archive, after checking its directory; raises SourceError for bad archives."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise SourceError(
            "corrupt_archive",
            f"{rel_path} is a damaged zip container (office file); it could not be opened: {exc}.",
        ) from exc
    check_members(infos, rel_path)
    return archive


def check_members(infos: list[zipfile.ZipInfo], rel_path: str) -> None:
    if len(infos) > MAX_MEMBERS:
        raise SourceError("archive_bomb", f"{rel_path} holds {len(infos)} zip members; refused.")
    if any(info.flag_bits & 0x1 for info in infos):
        raise SourceError(
            "encrypted_document",
            f"{rel_path} is password-protected; save an unprotected copy and run again.",
        )
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        too_big = info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES
        if too_big or (info.file_size > RATIO_FLOOR and ratio > MAX_RATIO):
            raise SourceError(
                "archive_bomb",
                f"{rel_path} would expand to {info.file_size} bytes in {info.filename} "
                f"(ratio {ratio:.0f}:1); refused as a possible zip bomb.",
            )


def read_member(archive: zipfile.ZipFile, name: str, rel_path: str) -> bytes:
    try:
        return archive.read(name)
    except (zipfile.BadZipFile, KeyError, EOFError, OSError) as exc:
        raise SourceError(
            "corrupt_archive", f"{rel_path}: member {name} could not be read ({exc})."
        ) from exc
