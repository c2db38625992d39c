"""Fuzzy matching of names the vocabulary does not list, with jieba and a domain dictionary.

jieba is imported only when a name is not in the vocabulary (it costs about a second to
load), so a run over forms that use listed names never pays for it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final

from jixiao.text import fold
from jixiao.vocab import derived, level_key, vocabulary

LEVEL_THRESHOLD: Final = 0.6  # Dice overlap of jieba tokens needed to accept a level name


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    # build the dictionary here: jieba's own initialize() writes a cache file to the temp
    # folder, and a run leaves nothing behind
    with tokenizer.get_dict_file() as dictionary:
        tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(dictionary)
    tokenizer.initialized = True
    for name in vocabulary().level_names:
        tokenizer.add_word(level_key(name), freq=2000)
    for word in ("服务对象", "社会公众", "可持续", "生态环境", "经济", "社会", "生态", "环境"):
        tokenizer.add_word(word, freq=2000)
    return tokenizer


@lru_cache(maxsize=65536)
def tokens(text: str) -> frozenset[str]:
    """Content tokens of a name (jieba with the domain dictionary), without 指标 and marks."""
    words = _jieba().lcut_for_search(fold(text).replace("指标", ""))
    return frozenset(w for w in words if w.strip() and not all(c in "()（）,.、:;" for c in w))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


@derived
@lru_cache(maxsize=4096)
def closest_level(text: str, level: int) -> str | None:
    """The canonical level-1 (level=1) or level-2 name closest to an unlisted printed name."""
    vocab = vocabulary()
    variants: dict[str, str] = (
        dict(vocab.level1) if level == 1 else {k: es[0].name for k, es in vocab.level2.items()}
    )
    wanted = tokens(text)
    best: dict[str, float] = {}
    for key, name in variants.items():
        best[name] = max(best.get(name, 0.0), _dice(wanted, tokens(key)))
    scored = sorted(((score, name) for name, score in best.items()), reverse=True)
    if not scored or scored[0][0] < LEVEL_THRESHOLD:
        return None
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None  # a tie is no match
    return scored[0][1]
