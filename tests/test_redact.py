"""--redact: contacts nulled, personal data masked everywhere under OUT; nothing changes without it."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from jixiao.models import Contacts, Form, SourceResult
from jixiao.pipeline import process_bytes
from jixiao.postprocess import PostOptions, finalize, redact_form
from jixiao.redact import EMAIL, ID_CARD, LANDLINE, MOBILE, mask_text
from tests.conftest import FORMS, sample_files


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("填表人: 周妮妮 联系电话: 13787572712", "填表人: [name] 联系电话: [phone]"),
        ("意见收集人:罗娟联系电话:0838-7211924附件", "意见收集人:[name]联系电话:[phone]附件"),
        ("项目负责人及电话谢凯13990260322(办公)", "项目负责人及电话[name][phone](办公)"),
        ("| *联系人: | 王媛 | 联系电话: |", "| *联系人: | [name] | 联系电话: |"),  # the next cell
        ("身份证11010519491231002X。", "身份证[id]。"),
        ("邮箱 zhang.san@example.gov.cn 联系", "邮箱 [email] 联系"),
        ("电话+86 13912345678", "电话[phone]"),
        # not personal data: amounts, years, a label with no name after it
        ("预算 13500.25 万元, 2023年, 1390", "预算 13500.25 万元, 2023年, 1390"),
        ("项目负责人:财务负责人:", "项目负责人:财务负责人:"),
        ("覆盖人口123456789012345678901人", "覆盖人口123456789012345678901人"),
    ],
)
def test_mask_text(text: str, expected: str) -> None:
    assert mask_text(text) == expected


def test_known_names_are_masked_anywhere() -> None:
    assert mask_text("由张三牵头负责", ["张三"]) == "由[name]牵头负责"


def test_redact_form_nulls_contacts_masks_free_text_and_flags() -> None:
    form = Form(
        form_id="0" * 16 + "-0",
        form_type="project_target",
        annual_goals=["联系人王小明,电话13812345678"],
        contacts=Contacts(
            filled_by="王小明", phone="13812345678", head="李四", fill_date="2025-01-02"
        ),
    )
    redacted = redact_form(form)
    assert redacted.contacts == Contacts(fill_date="2025-01-02")
    assert redacted.annual_goals == ["联系人[name],电话[phone]"]
    assert redacted.flags == ["redacted"]


@pytest.mark.parametrize("sample", sample_files(), ids=lambda p: p.name)
def test_without_redact_nothing_changes(sample: Path) -> None:
    result = process_bytes(sample.read_bytes(), sample.name)
    assert finalize(result, PostOptions()) == result


def _personal_data(out: Path) -> set[str]:
    """Names and phones the unredacted run found, and every phone/ID/e-mail in the samples."""
    found: set[str] = set()
    for path in (out / "json").rglob("*.json"):
        for form in SourceResult.model_validate_json(path.read_bytes()).forms:
            c = form.contacts
            found |= {v for v in (c.filled_by, c.head, c.phone) if v}
    for sample in FORMS.rglob("*.txt"):
        text = sample.read_text("utf-8", errors="replace")
        for pattern in (MOBILE, LANDLINE, ID_CARD, EMAIL):
            found |= {m.group(0) for m in pattern.finditer(text)}
    return found


def test_redacted_output_holds_no_personal_data(sample_run: Path, redacted_run: Path) -> None:
    secrets = _personal_data(sample_run)
    assert {"周妮妮", "黎希", "13787572712"} <= secrets  # the samples do carry personal data
    files = [p for p in redacted_run.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in files) and any(p.suffix == ".parquet" for p in files)
    for path in files:
        if path.suffix == ".parquet":
            text = pq.read_table(path).to_pandas().to_csv()
        else:
            text = path.read_bytes().decode("utf-8", errors="replace")
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{path.relative_to(redacted_run)} contains {leaked}"


def test_personal_data_is_blacked_out_on_page_images(redacted_run: Path) -> None:
    """Every known name and phone found in a PDF's text layer is black on its page image."""
    import pypdfium2
    from PIL import Image

    from jixiao.report.sources import RENDER_SCALE, image_name

    checked = 0
    for pdf_path in sorted((FORMS / "pdf").glob("*.pdf")):
        data = pdf_path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        pdf = pypdfium2.PdfDocument(data)
        for index in range(len(pdf)):
            page, textpage = pdf[index], pdf[index].get_textpage()
            image = Image.open(redacted_run / "report" / "img" / image_name(sha, index + 1, True))
            for secret in ("周妮妮", "黎希", "13787572712", "宋云花", "16607326331"):
                searcher = textpage.search(secret)
                while (found := searcher.get_next()) is not None:
                    for i in range(found[0], found[0] + found[1]):
                        left, bottom, right, top = textpage.get_charbox(i)
                        cx = (left + right) / 2 * RENDER_SCALE
                        cy = (page.get_height() - (top + bottom) / 2) * RENDER_SCALE
                        assert image.getpixel((int(cx), int(cy))) == 0, (pdf_path.name, secret)
                        checked += 1
    assert checked >= 10


def test_redacted_forms_are_flagged(redacted_run: Path) -> None:
    forms = pq.read_table(redacted_run / "forms.parquet").to_pylist()
    assert forms and all("redacted" in f["flags"] for f in forms)
    assert not any(f["filled_by"] or f["head"] or f["phone"] for f in forms)
    assert re.search(r"\[name\]", (redacted_run / "report" / "src" / "s00001.html").read_text())


def test_report_redact_masks_an_unredacted_run(tmp_path: Path) -> None:
    from jixiao.batch import RunOptions, run
    from jixiao.report import build_report

    run([FORMS / "001_570424103c010556.txt"], RunOptions(out=tmp_path))
    build_report(tmp_path, redact=True)
    for path in (tmp_path / "report").rglob("*.html"):
        text = path.read_text("utf-8")
        assert not [s for s in ("周妮妮", "黎希", "13787572712") if s in text], path
    assert "[name]" in (tmp_path / "report" / "src" / "s00001.html").read_text("utf-8")
