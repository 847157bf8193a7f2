"""Chinese text analysis: normalisation, jieba segmentation with the domain dictionary, salient terms.

One `Analyzer` per process (see `get_analyzer`): building jieba's prefix dictionary costs about a second.
It uses its own `jieba.Tokenizer` so that the domain words do not leak into other users of jieba.
"""

from __future__ import annotations

import logging
import math
import re
import threading
import unicodedata
from functools import cached_property

import jieba

from . import lexicon

jieba.setLogLevel(logging.WARNING)

# Function words and the boilerplate of scenario and solution texts: they match everything, so they only
# add noise to BM25 and to "reasons". Kept short on purpose: BM25's idf already discounts common words.
STOPWORDS = frozenset(
    """
    的 了 和 与 及 或 等 对 在 为 是 将 把 被 从 向 以 于 其 并 且 也 都 就 而 之 中 上 下 内 外 各 该 此
    这 那 有 无 个 一 二 三 我们 我 你 他 它 其中 以及 或者 通过 基于 利用 采用 进行 实现 提供 开展 支持
    相关 可以 能够 需要 要求 具有 包括 用于 方面 一个 一批 一种 多种 各类 各种 有关 主要 问题 情况
    """.split()
)

# A token is kept when it has a CJK ideograph, a letter or a digit; punctuation and spaces are dropped.
_WORDLIKE = re.compile(r"[\w\u4e00-\u9fff]", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")

# User-dictionary frequency: high enough that jieba keeps domain terms whole ("预测性维护"), low enough
# that it does not glue them to neighbours.
_DOMAIN_FREQ = 2000


def normalise(text: str) -> str:
    """NFKC folds full-width letters and digits ("ＡＩ", "１２３４５") into their ASCII forms."""
    return unicodedata.normalize("NFKC", text or "").lower()


class Analyzer:
    """Segments text for indexing and querying, and ranks shared words for explanations."""

    def __init__(self) -> None:
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.initialize()
        self.domain_terms = frozenset(normalise(t) for t in lexicon.domain_terms())
        for term in self.domain_terms:
            self._tokenizer.add_word(term, freq=_DOMAIN_FREQ)
        # Region names become one canonical token ("成都市", "成都" -> "成都"): a search for "成都" finds
        # "成都市", and near-duplicate checks can ignore where a text comes from.
        self._region_alias = {normalise(k): normalise(v) for k, v in lexicon.region_aliases().items()}
        self.region_terms = frozenset(self._region_alias.values())
        names = sorted(self._region_alias, key=len, reverse=True)
        self._region_split = re.compile("(" + "|".join(re.escape(n) for n in names) + ")") if names else None

    def tokens(self, text: str) -> list[str]:
        """Search-mode tokens (`cut_for_search`): long words plus their dictionary sub-words.

        Single CJK characters are dropped unless the text is a single character: they match too much.
        """
        norm = normalise(text)
        pieces = self._region_split.split(norm) if self._region_split else [norm]
        out = []
        for piece in pieces:
            region = self._region_alias.get(piece)
            if region is not None:
                out.append(region)
                continue
            for token in self._tokenizer.cut_for_search(piece):
                token = token.strip()
                if not token or token in STOPWORDS or not _WORDLIKE.search(token):
                    continue
                if len(token) == 1 and _CJK.match(token) and len(norm.strip()) > 1:
                    continue
                out.append(token)
        return out

    def content_tokens(self, text: str) -> list[str]:
        """Tokens without region names: what the text is about, not where it comes from."""
        return [t for t in self.tokens(text) if t not in self.region_terms]

    @cached_property
    def _idf(self) -> dict[str, float]:
        # jieba ships a general-language idf table; it ranks "隐裂" above "检测" without any corpus of ours.
        from jieba.analyse import default_tfidf

        return default_tfidf.idf_freq

    def term_weight(self, term: str) -> float:
        """General salience of a word: jieba's idf, with a bonus for the platform's domain words."""
        idf = self._idf.get(term, 12.0)  # unknown words are usually specific (product and place names)
        bonus = 2.0 if term in self.domain_terms else 0.0
        return idf + bonus + math.log(len(term))

    def shared_terms(self, left: str, right: str, *, limit: int = 5) -> list[str]:
        """Salient words present in both texts, most specific first, without words inside longer ones."""
        shared = set(self.content_tokens(left)) & set(self.content_tokens(right))
        shared = {t for t in shared if len(t) > 1 or not _CJK.match(t)}
        ranked = sorted(shared, key=lambda t: (-self.term_weight(t), t))
        picked: list[str] = []
        for term in ranked:
            # "光伏组件" already tells the reader about "光伏" and "组件".
            if any(term in longer for longer in picked):
                continue
            picked = [p for p in picked if p not in term]
            picked.append(term)
            if len(picked) == limit:
                break
        return picked


_analyzer: Analyzer | None = None
_analyzer_lock = threading.Lock()


def get_analyzer() -> Analyzer:
    """The process-wide analyzer, built on first use (jieba must not be initialised from two threads)."""
    global _analyzer
    if _analyzer is None:
        with _analyzer_lock:
            if _analyzer is None:
                _analyzer = Analyzer()
    return _analyzer
