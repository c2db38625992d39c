"""Masking personal data in free text: phone numbers, ID card numbers, e-mails, names.

One home for the patterns, used by `--redact` in the run (jixiao.postprocess) and in the
report (source lines shown beside the rows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK_ID = "[id]"
MASK_PHONE = "[phone]"
MASK_EMAIL = "[email]"
MASK_NAME = "[name]"

ID_CARD = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")
LANDLINE = re.compile(r"(?<![\d-])0\d{2,3}-\d{7,8}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# a person named after a label, or in the cell after it: 填表人: 周妮妮, 意见收集人:罗娟联系电话...,
# 项目负责人及电话谢凯139..., *联系人: | 王媛 |
PERSON_LABELS = ("填表人", "填报人", "联系人", "负责人", "收集人", "审核人", "经办人", "签字")
NAMED = re.compile(
    "(?P<label>(?:" + "|".join(PERSON_LABELS) + r")(?:及电话|签字)?[:：]?\s*(?:[|｜\t]\s*)?)"
    r"(?P<name>[\u4e00-\u9fff·]{2,4}?)"
    r"(?=联系|电话|手机|办公|[\d\s,，;；:：()（）/、.。]|\[|$)"
)


def mask_text(text: str, names: Iterable[str] = ()) -> str:
    """`text` with ID numbers, phones, e-mails, the given names and labelled names masked."""
    text = EMAIL.sub(MASK_EMAIL, text)
    text = ID_CARD.sub(MASK_ID, text)
    text = MOBILE.sub(MASK_PHONE, text)
    text = LANDLINE.sub(MASK_PHONE, text)
    for name in names:
        if len(name) >= 2:
            text = text.replace(name, MASK_NAME)
    return NAMED.sub(lambda m: m.group("label") + MASK_NAME, text)


def sensitive_spans(text: str) -> set[str]:
    """The substrings of `text` that mask_text would mask (to black them out on page images)."""
    found = {m.group(0) for p in (EMAIL, ID_CARD, MOBILE, LANDLINE) for m in p.finditer(text)}
    return found | {m.group("name") for m in NAMED.finditer(text)}
