"""Crawler and OCR damage the domain can undo. Each repair reports whether it fired, so the
normalizers can flag the indicator (see jixiao.flags)."""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from importlib import resources

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（]([a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹ]{1,8})[)）]")
PINYIN_GLOSS = _PINYIN  # a gloss after a character: "指標(biāo)"
_QUESTION_RUN = re.compile(r"\?{2,}|？{2,}")
_SPACED_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?:\s+(\d{1,4}))+(?![\d.])")
# any decimal digit, as `\d` in the run pattern; a text without one is no number either
# (the recognizer's kinds and costs ask too)
DIGIT = re.compile(r"\d")
_NOISE_FLOAT = re.compile(r"^-?\d+\.\d{9,}$")


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, str]]:
    text = resources.files("jixiao.data").joinpath("repairs.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=1)
def traditional_map() -> dict[int, str]:
    """Traditional to simplified characters: the generated table (data/traditional.txt)
    and the hand entries of repairs.toml."""
    text = resources.files("jixiao.data").joinpath("traditional.txt").read_text(encoding="utf-8")
    pairs = {line[0]: line[1] for line in text.splitlines() if len(line) == 2 and line[0] != "#"}
    return str.maketrans({**pairs, **_table()["traditional"]})


def operator_confusions() -> dict[str, str]:
    return _table()["operator_confusions"]


@lru_cache(maxsize=1)
def _digit_confusions() -> tuple[dict[str, str], re.Pattern[str], re.Pattern[str]]:
    """The OCR confusions (a character for the digit it was misread from), a run to repair,
    and any one of the misread characters."""
    table = _table()["ocr_digit_confusions"]
    wrong = re.escape("".join(table))
    # a run of digits and confusables holding a real digit, not part of a Latin word
    run = re.compile(rf"(?<![A-Za-z])(?=[\d{wrong}.,]*\d)[\d{wrong}.,]+(?![A-Za-z])")
    return table, run, re.compile(f"[{wrong}]")


_ROUND = frozenset("Oo")  # read for 0 beside any digit ("3O%"); the others only before one


def fix_ocr_digits(text: str) -> tuple[str, bool]:
    """OCR letters inside a number: "1O0%" -> "100%", "l5" -> "15", "≥3O%" -> "≥30%"."""
    table, run, misread = _digit_confusions()
    if not misread.search(text) or not DIGIT.search(text):
        return text, False  # a run needs a digit and a letter to repair (most texts: neither)
    repaired = run.sub(lambda m: _repair_run(m.group(0), table), text)
    return repaired, repaired != text


def _repair_run(run: str, table: dict[str, str]) -> str:
    chars = list(run)
    for k, char in enumerate(run):
        if char not in table:
            continue
        after = run[k + 1 : k + 2]
        before = run[k - 1 : k]
        digit_after = after.isdigit() or (char in _ROUND and after in _ROUND)
        if digit_after or (char in _ROUND and (before.isdigit() or chars[k - 1 : k] == ["0"])):
            chars[k] = table[char]
    return "".join(chars)


def strip_pinyin(text: str) -> tuple[str, bool]:
    """Remove pinyin glosses a crawler inserted: "指標(biāo)" -> "指標"."""
    repaired = _PINYIN.sub("", text)
    return repaired, repaired != text


def collapse_question_runs(text: str) -> tuple[str, bool]:
    """Runs of "?" left where full-width spaces could not be encoded become one space."""
    repaired = _QUESTION_RUN.sub(" ", text).strip()
    return repaired, repaired != text.strip()


def join_spaced_number(text: str) -> tuple[str, bool]:
    """Digits split by OCR spaces: "968.191 8" -> "968.1918"."""
    repaired = _SPACED_NUMBER.sub(lambda m: re.sub(r"\s+", "", m.group(0)), text)
    return repaired, repaired != text


def ocr_two_for_ge(printed: str, value: float, unit: str | None) -> float | None:
    """ "292%" is "≥92%" read by OCR: a percentage over 200 whose leading 2 stands for ≥."""
    digits = re.sub(r"\D", "", printed.split(".")[0])
    if unit != "%" or not digits.startswith("2") or len(digits) < 3 or value <= 200:
        return None
    if digits[1] == "0":  # "20100%": no number is printed "0100"; a weight and a target run on
        return None
    rest = value - 2 * 10 ** (len(digits) - 1)
    return rest if 0 < rest <= 100 else None


def excel_float(printed: str, value: float) -> float | None:
    """0.0900000762939453 -> 0.09: binary float noise from a spreadsheet export."""
    if not _NOISE_FLOAT.match(printed.strip()):
        return None
    for digits in range(1, 7):
        rounded = round(value, digits)
        if abs(rounded - value) < 1e-6:
            return rounded
    return None
