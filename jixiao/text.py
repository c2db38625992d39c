"""Text helpers shared by every stage: cleaning printed text and folding it for comparison.

`clean` gives the text as printed (HTML removed, whitespace collapsed): it is what the
`*_raw` fields hold. `fold` gives a comparison key: full-width and half-width forms folded,
whitespace, asterisks and HTML removed. Never store a folded string in the output.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Final

_TAG: Final = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_BLOCK_TAG: Final = re.compile(r"</?(?:p|br|div|li|tr)\b[^<>]*>", re.IGNORECASE)
_SPACES: Final = re.compile(r"[\s\u3000\u00a0]+")
# characters NFKC leaves alone but which are the same thing in this domain
_EXTRA_FOLD: Final = str.maketrans(
    {
        "【": "[",
        "】": "]",
        "〔": "[",
        "〕": "]",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "—": "-",
        "–": "-",
        "－": "-",
        "、": ",",
        "；": ";",
        "。": ".",
        "〈": "<",
        "〉": ">",
    }
)
_FOLD_DROP: Final = re.compile(r"[\s*＊\u3000]+")


# characters that print as nothing, left by crawlers and word processors: zero-width spaces
# and joiners, soft hyphens, direction marks, a byte-order mark inside the text
_INVISIBLE_CHARS: Final = "\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_INVISIBLE: Final = re.compile(f"[{_INVISIBLE_CHARS}]")
# characters read as the plain ones they print as: spaces of other kinds (a no-break space
# from &nbsp;, the ideographic space that indents and aligns Chinese text: one space, as
# the head labels' "项目名称　委托业务项目" reads as "项目名称 委托业务项目"), full-width digits,
# percent sign and decimal point
_PLAIN: Final = str.maketrans(
    {
        **{chr(0xFF10 + digit): str(digit) for digit in range(10)},
        "％": "%",
        "．": ".",
        "\u00a0": " ",
        "\u3000": " ",
        **{chr(code): " " for code in (*range(0x2000, 0x200B), 0x202F, 0x205F)},
    }
)
_NOT_PLAIN: Final = re.compile(f"[{_INVISIBLE_CHARS}{''.join(map(chr, _PLAIN))}]")


def plain_chars(text: str) -> str:
    """`text` with invisible characters removed and other spaces, full-width digits, percent
    sign and point read as plain ones: every reader passes what it read through here, so
    that a form copied from a web page or typed with a full-width input method reads as any
    other (a zero-width space inside a number or a label hides both)."""
    if _NOT_PLAIN.search(text) is None:  # most texts hold none
        return text
    return _INVISIBLE.sub("", text).translate(_PLAIN)


def strip_html(text: str) -> str:
    """Remove HTML tags and decode entities; block tags become spaces."""
    if "<" not in text and "&" not in text:
        return text
    text = _BLOCK_TAG.sub(" ", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


@lru_cache(maxsize=65536)
def clean(text: str) -> str:
    """Text as printed: HTML stripped, whitespace runs collapsed to one space, trimmed."""
    if not text:
        return text
    return _SPACES.sub(" ", strip_html(text)).strip()


_PINYIN_GLOSS: Final = re.compile(
    r"(?<=[\u4e00-\u9fff])[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,8}[)）]"
)


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """_EXTRA_FOLD, then traditional to simplified characters, as one table: one pass over
    a text instead of two (each character mapped through both, so the result is the same)."""
    from jixiao.repairs import traditional_map

    table = traditional_map()
    return {key: chr(key).translate(_EXTRA_FOLD).translate(table) for key in {*_EXTRA_FOLD, *table}}


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern[str]:
    """Any character `_fold_table` maps: a search for one is ten times faster than the
    translation of a text that holds none."""
    return re.compile("[" + "".join(re.escape(chr(key)) for key in sorted(_fold_table())) + "]")


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Comparison key: NFKC (full-width to half-width), simplified characters, no whitespace,
    invisible characters, asterisks or pinyin glosses. The glosses go before the table: its
    punctuation entries touch no character a gloss is found by (ideographs, parentheses,
    pinyin letters)."""
    text = unicodedata.normalize("NFKC", strip_html(plain_chars(text)))
    if "(" in text:  # a gloss is in parentheses, half-width after NFKC: most texts hold none
        text = _PINYIN_GLOSS.sub("", text)
    if _foldable().search(text):  # one text in seven holds a character the table maps
        text = text.translate(_fold_table())
    return _without_dropped(text)


def _without_dropped(text: str) -> str:
    """`_FOLD_DROP.sub("", text)` by str methods (several times faster on a text that holds
    none): `str.split()` splits at what `\\s` matches, U+3000 included."""
    text = "".join(text.split())
    if "*" in text:
        text = text.replace("*", "")
    return text.replace("＊", "") if "＊" in text else text


@lru_cache(maxsize=65536)
def fold_with_positions(text: str) -> tuple[str, tuple[int, ...]]:
    """`fold(text)` character by character, with the index in `text` of each folded
    character (and `len(text)` at the end), so that a match in the folded text can be cut
    out of the printed one. Whitespace and asterisks are dropped, pinyin glosses too."""
    glossed = {i for m in _PINYIN_GLOSS.finditer(text) for i in range(m.start(), m.end())}
    table = _fold_table()
    chars: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if index in glossed:
            continue
        folded = unicodedata.normalize("NFKC", char).translate(table)
        for piece in _FOLD_DROP.sub("", folded):
            chars.append(piece)
            positions.append(index)
    positions.append(len(text))
    return "".join(chars), tuple(positions)


@lru_cache(maxsize=4096)
def fold_words_with_positions(text: str) -> tuple[str, tuple[int, ...]]:
    """`fold_with_positions` word by word: each run of whitespace kept as one space, so that
    a value still ends before the next label ("…项目 主管部门"), in simplified characters
    without pinyin glosses ("項(xiàng)目名稱" -> "项目名称")."""
    chars: list[str] = []
    positions: list[int] = []
    for word in re.finditer(r"\S+", text):
        folded, places = fold_with_positions(word.group())
        if not folded:
            continue
        if chars:
            chars.append(" ")
            positions.append(word.start())
        chars.append(folded)
        positions.extend(word.start() + place for place in places[:-1])
    positions.append(len(text))
    return "".join(chars), tuple(positions)


def nfc(text: str) -> str:
    if unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


_CJK: Final = re.compile(
    r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f（）：；，。、《》“”]"
)


def join_wrapped(text: str) -> str:
    """Join the lines of a wrapped cell (Alt+Enter in Excel, <br> in HTML, paragraphs in Word).

    A line break between two CJK characters (or CJK punctuation) is dropped, as the printed
    text reads as one word; elsewhere it becomes one space. Every reader uses this rule,
    and takes the cell's characters as plain_chars reads them.
    """
    text = plain_chars(text)
    if "\n" not in text and "\r" not in text:
        return text
    parts = [p.strip() for p in re.split(r"[\r\n]+", text)]
    parts = [p for p in parts if p]
    if not parts:
        return ""
    out = parts[0]
    for part in parts[1:]:
        glue = "" if _CJK.match(out[-1]) or _CJK.match(part[0]) else " "
        out = f"{out}{glue}{part}"
    return out
