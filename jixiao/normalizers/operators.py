"""Operators: every written form (≥, ≧, 不低于, 定性 ...) to the canonical codes."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from jixiao.text import fold
from jixiao.vocab import derived, vocabulary

UNKNOWN: Final = "unknown"  # 定量: quantitative, no direction


@derived
@lru_cache(maxsize=65536)
def operator_of_cell(text: str) -> str | None:
    """Canonical operator of a cell holding only an operator ("≥", "不低于", "定性")."""
    folded = fold(text)
    vocab = vocabulary()
    if folded in vocab.operator_words:
        return vocab.operator_words[folded]
    for symbol, canonical in vocab.operator_symbols:
        if folded == symbol:
            return canonical
    return None


@derived
@lru_cache(maxsize=65536)
def split_operator_prefix(text: str) -> tuple[str | None, str | None, str]:
    """Split a leading operator off a value: "≥95%" -> (">=", "≥", "95%")."""
    stripped = text.strip()
    folded = fold(stripped)
    vocab = vocabulary()
    for symbol, canonical in vocab.operator_symbols:
        if folded.startswith(symbol) and symbol:
            raw = _raw_prefix(stripped, len(symbol))
            return canonical, raw, stripped[len(raw) :].strip()
    for word, canonical in vocab.operator_words.items():
        if canonical not in ("qualitative", UNKNOWN) and folded.startswith(word):
            return canonical, stripped[: len(word)], stripped[len(word) :].strip()
    return None, None, stripped


def split_operator_suffix(text: str) -> tuple[str | None, str | None, str]:
    """Split a trailing operator word off a value: "60%及以上" -> (">=", "及以上", "60%")."""
    folded = fold(text)
    for word, canonical in vocabulary().operator_suffixes:
        key = fold(word)
        if folded.endswith(key) and len(folded) > len(key):
            raw = text.rstrip()[-len(word) :] if fold(text.rstrip()[-len(word) :]) == key else word
            return canonical, raw, re.sub(re.escape(raw) + r"\s*$", "", text.rstrip()).strip()
    return None, None, text


def _raw_prefix(text: str, folded_len: int) -> str:
    """The printed characters whose folded form is `folded_len` long."""
    for end in range(1, len(text) + 1):
        if len(fold(text[:end])) >= folded_len:
            return text[:end]
    return text
