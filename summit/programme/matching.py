"""Matching research results (成果) with technology needs (企业点题): pure, deterministic.

Each document is {"id": int, "fields": [FieldTag codes], "text": str}. The score of a pair is
    TAG_WEIGHT * Jaccard(field tags) + TEXT_WEIGHT * cosine(TF-IDF)
over words that jieba cuts from the Chinese (and English) text. Each match carries its
reason: the shared field tags and the key terms both texts share, heaviest first.

jieba loads its dictionary (about a second) on the first call of tokenize(), never at import.
"""
from __future__ import annotations

import functools
import math
import re
import threading
from collections import Counter, defaultdict

TAG_WEIGHT = 0.4
TEXT_WEIGHT = 0.6
MIN_SCORE = 0.25  # below this a pair is no match worth showing

# Words too common in results and needs to say anything about a pair.
STOPWORDS = frozenset("""
的 了 和 与 及 或 在 是 为 对 等 将 把 被 由 从 向 以 于 其 之 中 上 下 内 外 可 能 也 都 并 而 且 但
我们 我司 公司 企业 团队 项目 成果 技术 需求 研究 研发 开发 应用 产品 进行 实现 通过 基于 具有 可以 能够
以及 开展 合作开发 要求 适用 方案 相关 一种 一个 方面 提供 希望 需要 寻求 合作 目前 已经 主要 包括 用于 作为 利用 采用 针对 提高 提升 问题
and the of for with to in on a an by is are be as at from or that this we our
""".split())

_ASCII_WORD = re.compile(r"[a-z][a-z0-9\-\+]*|\d+[a-z]+[a-z0-9]*")
_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_jieba = None
_jieba_lock = threading.Lock()


def _cutter():
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def tokenize(text: str) -> list[str]:
    """Words of a text: Chinese words of two or more characters, English words, lower case."""
    return list(_tokens(text or ""))


# A cache, not state: the same text always gives the same words (results and needs are
# matched again on every page that shows matches, and their texts rarely change).
@functools.lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    words: list[str] = []
    for word in _cutter().lcut(text.lower()):
        word = word.strip()
        if not word or word in STOPWORDS:
            continue
        if _HAS_CJK.search(word):
            if len(word) >= 2:
                words.append(word)
        elif _ASCII_WORD.fullmatch(word) and len(word) >= 2:
            words.append(word)
    return tuple(words)


def _vectors(token_lists: list[list[str]]) -> list[dict[str, float]]:
    """L2-normalised TF-IDF vectors (sublinear tf, smoothed idf) over this corpus."""
    n = len(token_lists)
    df: Counter = Counter()
    for tokens in token_lists:
        df.update(set(tokens))
    vectors = []
    for tokens in token_lists:
        counts = Counter(tokens)
        vec = {t: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[t])) + 1) for t, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def match(results: list[dict], needs: list[dict], top: int = 5,
          min_score: float = MIN_SCORE, term_count: int = 5) -> dict:
    """Best matches for every result and every need.

    Returns {"pairs": [pair, ...] (every pair at or above min_score, best first),
             "for_result": {result id: [pair, ...] (at most `top`)},
             "for_need": {need id: [pair, ...] (at most `top`)}}
    where pair = {"result_id", "need_id", "score", "text_score", "shared_fields", "shared_terms"}.
    """
    docs = list(results) + list(needs)
    vectors = _vectors([tokenize(d.get("text", "")) for d in docs])
    result_vecs, need_vecs = vectors[: len(results)], vectors[len(results):]

    # Inverted indexes over the needs so that only pairs sharing something are scored.
    by_term: dict[str, list[int]] = defaultdict(list)
    by_field: dict[str, list[int]] = defaultdict(list)
    for j, (need, vec) in enumerate(zip(needs, need_vecs)):
        for term in vec:
            by_term[term].append(j)
        for code in set(need.get("fields") or []):
            by_field[code].append(j)

    pairs = []
    for i, (result, rvec) in enumerate(zip(results, result_vecs)):
        rfields = set(result.get("fields") or [])
        dots: dict[int, float] = defaultdict(float)
        for term, weight in rvec.items():
            for j in by_term.get(term, ()):
                dots[j] += weight * need_vecs[j][term]
        candidates = set(dots)
        for code in rfields:
            candidates.update(by_field.get(code, ()))
        for j in candidates:
            need = needs[j]
            nfields = set(need.get("fields") or [])
            shared_fields = sorted(rfields & nfields)
            union = len(rfields | nfields)
            tag_score = len(shared_fields) / union if union else 0.0
            text_score = min(dots.get(j, 0.0), 1.0)
            score = TAG_WEIGHT * tag_score + TEXT_WEIGHT * text_score
            if score < min_score:
                continue
            nvec = need_vecs[j]
            shared = sorted(set(rvec) & set(nvec), key=lambda t: (-rvec[t] * nvec[t], t))
            pairs.append({
                "result_id": result["id"], "need_id": need["id"],
                "score": round(score, 4), "text_score": round(text_score, 4),
                "shared_fields": shared_fields, "shared_terms": shared[:term_count],
            })
    pairs.sort(key=lambda p: (-p["score"], p["result_id"], p["need_id"]))
    for_result: dict = defaultdict(list)
    for_need: dict = defaultdict(list)
    for pair in pairs:
        if len(for_result[pair["result_id"]]) < top:
            for_result[pair["result_id"]].append(pair)
        if len(for_need[pair["need_id"]]) < top:
            for_need[pair["need_id"]].append(pair)
    return {"pairs": pairs, "for_result": dict(for_result), "for_need": dict(for_need)}
