"""Problem codes: the one home for every code a source can end with.

A bad source raises `SourceError(code, message)` inside extract/parsers; the pipeline turns
it into a `Problem`. Any other exception is a defect, recorded as `internal_error`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProblemCode:
    code: str
    meaning: str
    remedy: str


PROBLEM_CODES: dict[str, ProblemCode] = {
    p.code: p
    for p in (
        ProblemCode(
            "empty_file",
            "The file has no bytes, or only whitespace.",
            "Check that the file was copied completely.",
        ),
        ProblemCode(
            "decode_error",
            "The text could not be decoded in any supported encoding.",
            "Convert the file to UTF-8 or GB18030 and run again.",
        ),
        ProblemCode(
            "unsupported_format",
            "The file is not a format jixiao reads (binary data or an unknown format).",
            "Convert it to XLSX, DOCX, HTML, PDF or text; the message names a converter.",
        ),
        ProblemCode(
            "unreadable_file",
            "The file could not be opened or read (permissions, I/O error, not a regular file).",
            "Check the file's permissions and that it is a regular file.",
        ),
        ProblemCode(
            "skipped_link",
            "A symbolic link under an input folder leads outside that folder, loops, or leads "
            "to nothing; it was not followed (links inside the folder are left out: their "
            "targets are read under their own paths).",
            "Name the link's target as an INPUT of its own if it should be read.",
        ),
        ProblemCode(
            "unreadable_image",
            "An image (PNG, JPEG, TIFF) or an image inside a PDF is damaged or truncated.",
            "Fetch or rescan the image again; check that it opens in an image viewer.",
        ),
        ProblemCode(
            "no_form_found",
            "The file was read, but no performance-target form or indicator table was found.",
            "Check that the file holds a 绩效目标表 or 绩效自评表; see the report for its text.",
        ),
        ProblemCode(
            "encrypted_pdf",
            "The PDF is encrypted with a password, so its text cannot be read.",
            "Ask the publisher for an unprotected copy, or remove the password and run again.",
        ),
        ProblemCode(
            "unreadable_pdf",
            "The PDF is damaged or truncated (its structure could not be parsed).",
            "Download the file again; check that it opens in a PDF viewer.",
        ),
        ProblemCode(
            "ocr_unavailable",
            "An image (PNG, JPEG, TIFF) or a PDF page without a usable text layer (a scan) "
            "needs OCR, which is not installed.",
            "Install the OCR extra: pip install 'jixiao[ocr]', then run again.",
        ),
        ProblemCode(
            "corrupt_archive",
            "An office file (XLSX, DOCX) is a damaged zip container, or one of its parts is.",
            "Open and re-save the file in its office program, or fetch a fresh copy.",
        ),
        ProblemCode(
            "archive_bomb",
            "An office file or a PDF stream would expand to far more data than a form holds "
            "(a zip or deflate bomb).",
            "Check where the file came from; jixiao refuses to decompress it.",
        ),
        ProblemCode(
            "encrypted_document",
            "The office file is password-protected.",
            "Save an unprotected copy (with the password) and run again.",
        ),
        ProblemCode(
            "no_table_found",
            "The file was read, but holds no table: no ruled or aligned table on any PDF page or "
            "scanned page/photo (after OCR), no <table> in a web page.",
            "Check that the file holds a 绩效目标表; save the page or export the table that shows the form.",
        ),
        ProblemCode(
            "stale_correction",
            "A correction was recorded for an earlier version of this source (its sha256 "
            "changed) or its form/indicator is gone; it was not applied.",
            "Check the new output and record the correction again with `jixiao review`.",
        ),
        ProblemCode(
            "timeout",
            "Reading the file took longer than the per-file time limit; it was stopped.",
            "Raise --file-timeout, or report the file if it should be quick.",
        ),
        ProblemCode(
            "worker_crashed",
            "The worker process died while reading the file (a crash in a reader library).",
            "Report the file; the rest of the batch was not affected.",
        ),
        ProblemCode(
            "worker_lost",
            "The batch lost track of the file: no result came back from its worker, or its "
            "JSON output was missing or unreadable when the tables were built.",
            "Run the same command again: the file is redone.",
        ),
        ProblemCode(
            "too_large",
            "The file is over a size limit (512 MB; 5,000 PDF pages; a million merged cells "
            "in a sheet), or reading it needed more memory than the per-file memory limit.",
            "Raise --file-memory, or split the file.",
        ),
        ProblemCode(
            "blank_page",
            "A scanned page or image holds no ink (or no readable text); it was skipped.",
            "Nothing to do if the page is meant to be blank; otherwise rescan it.",
        ),
        ProblemCode(
            "image_too_large",
            "The image is larger than the safety limit (60 million pixels per page, a possible "
            "decompression bomb); it was not decoded.",
            "Rescan at 300 dpi or less, or split the image; check where the file came from.",
        ),
        ProblemCode(
            "internal_error",
            "jixiao failed on this file because of a defect in jixiao.",
            "Report the file and the message; re-run with --fail-fast for the traceback.",
        ),
    )
}


# codes the batch engines give a source whose worker was stopped or lost (retried on re-runs)
CONTAINED = ("timeout", "worker_crashed", "worker_lost", "too_large")
# codes of sources that must not be opened again (by the report): refused unread or stopped
REFUSED = (*CONTAINED, "archive_bomb", "image_too_large", "skipped_link")


class SourceError(Exception):
    """A bad source: carries a stable problem code and a message a person can act on."""

    def __init__(self, code: str, message: str, page: int | None = None) -> None:
        if code not in PROBLEM_CODES:
            raise ValueError(f"unknown problem code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.page = page
