"""Bad inputs each give their own Problem code, and the batch goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jixiao.cli import main
from jixiao.extract.ocr import ocr_available
from jixiao.pipeline import process_bytes
from tests.conftest import FIXTURES, FORMS

BAD = FIXTURES / "bad"
# an image-only page is read by OCR when the extra is installed: ruled lines, no text
SCAN_CODE = "no_table_found" if ocr_available() else "ocr_unavailable"
PHOTO_CODE = "no_table_found" if ocr_available() else "ocr_unavailable"
BLANK_CODE = "blank_page" if ocr_available() else "ocr_unavailable"
BOMB_CODE = "image_too_large" if ocr_available() else "ocr_unavailable"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("empty.txt", "empty_file"),
        ("whitespace_only.txt", "empty_file"),
        ("binary_noise.txt", "unsupported_format"),
        ("not_a_form.txt", "no_form_found"),
        ("truncated.pdf", "unreadable_pdf"),
        ("truncated_form.pdf", "unreadable_pdf"),
        ("encrypted.pdf", "encrypted_pdf"),
        ("no_tables.pdf", "no_table_found"),
        ("scan_only.pdf", SCAN_CODE),
        ("blank.png", BLANK_CODE),
        ("photo_no_table.jpg", PHOTO_CODE),
        ("bomb.png", BOMB_CODE),
        ("corrupt.xlsx", "corrupt_archive"),
        ("zip_bomb.xlsx", "archive_bomb"),
        ("password.xlsx", "encrypted_document"),
        ("no_table.html", "no_table_found"),
        ("legacy.doc", "unsupported_format"),
        ("form.ofd", "unsupported_format"),
    ],
)
def test_bad_input_gives_its_problem_code(name: str, code: str) -> None:
    result = process_bytes((BAD / name).read_bytes(), name)
    assert [p.code for p in result.errors] == [code]
    assert result.errors[0].message.endswith(".")
    assert result.forms == [] or not any(f.indicators for f in result.forms)


def test_batch_goes_on_past_bad_files(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for path in [*BAD.iterdir(), FORMS / "001_570424103c010556.txt"]:
        (inputs / path.name).write_bytes(path.read_bytes())
    out = tmp_path / "out"
    status = main(["run", str(inputs), "-o", str(out), "-q"])
    assert status == 1  # some sources failed
    good = json.loads((out / "json" / "001_570424103c010556.txt.json").read_text("utf-8"))
    assert len(good["forms"][0]["indicators"]) == 18
    codes = {
        p.name: json.loads(p.read_text("utf-8"))["errors"][0]["code"]
        for p in (out / "json").iterdir()
        if p.name != "001_570424103c010556.txt.json"
    }
    assert codes == {
        "binary_noise.txt.json": "unsupported_format",
        "empty.txt.json": "empty_file",
        "not_a_form.txt.json": "no_form_found",
        "truncated.pdf.json": "unreadable_pdf",
        "truncated_form.pdf.json": "unreadable_pdf",
        "encrypted.pdf.json": "encrypted_pdf",
        "no_tables.pdf.json": "no_table_found",
        "scan_only.pdf.json": SCAN_CODE,
        "blank.png.json": BLANK_CODE,
        "photo_no_table.jpg.json": PHOTO_CODE,
        "bomb.png.json": BOMB_CODE,
        "whitespace_only.txt.json": "empty_file",
        "corrupt.xlsx.json": "corrupt_archive",
        "zip_bomb.xlsx.json": "archive_bomb",
        "password.xlsx.json": "encrypted_document",
        "no_table.html.json": "no_table_found",
        "legacy.doc.json": "unsupported_format",
        "form.ofd.json": "unsupported_format",
    }
    assert not list(out.rglob("*.tmp"))


def test_unreadable_path_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub.txt").mkdir(parents=True)  # a directory named like a file is skipped
    (folder / "a.txt").write_bytes((FORMS / "004_a0dabc58212d71e8.txt").read_bytes())
    status = main(["run", str(folder), "-o", str(tmp_path / "out"), "-q"])
    assert status == 0
    assert [p.name for p in (tmp_path / "out" / "json").iterdir()] == ["a.txt.json"]


@pytest.mark.parametrize(
    "text",
    [
        "2024年项目支出绩效目标表\n项目名称 | 城区公厕保洁服务\n主管部门 | 某市城市管理局\n"
        "一级指标 | 二级指标 | 三级指标 | 指标值 | 说明 | 备注\n",
        "项目支出绩效自评表\n项目名称\t农村饮水工程\n"
        "一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析\n",
        "部门整体支出绩效目标表 部门名称 某县水务局 一级指标 二级指标 三级指标 指标值 备注",
    ],
)
def test_a_form_cut_after_its_header_row_holds_no_form(text: str) -> None:
    """Only a form's head and header row: no indicator (not one named 说明 with value 备注)."""
    result = process_bytes(text.encode("utf-8"), "head_only.txt")
    assert [p.code for p in result.errors] == ["no_form_found"]
    assert result.forms == []
