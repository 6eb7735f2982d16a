"""Put back the diacritics of a question typed without them, from the passages retrieved for it.

    reaccent("ban tin dang tai dia chi nao", ["Bản tin được đăng tại trang …"])
    -> "ban tin đăng tại dia chi nao"   (only words the passages spell are restored)

Why: a folded question is compared with folded sentences, and E5 scores such pairs far lower than
the same words with their marks (corpus/ URL question: rescaled cosine 0.25 typed without accents,
0.55 with them), so a right answer fell under the no-answer threshold. The passages that answer the
question spell its words; choosing each word's spelling from them (the pair with its neighbour
first: "dang tai" -> "đăng tại", not "đảng tại") gives back the question as it would have been typed.
A word the passages never spell stays as typed. Pure function.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterable

from vntext.normalize import fold_diacritics, normalize_query

_WORD = re.compile(r"\w+")
# The question words are spelt from here first: the passages rarely ask, and their commonest "bao" is
# "báo" (báo cáo), which would turn "bao nhieu" into "báo nhieu".
QUESTION_PHRASES = ("bao nhiêu bao lâu bao giờ ở đâu tại đâu là gì làm gì những gì khi nào ngày nào năm nào "
                    "tháng nào địa chỉ nào trang nào văn bản nào như thế nào ra sao tại sao vì sao là ai do ai "
                    "có không được không phải không là bao nhiêu những nào mấy")
_PHRASE_WEIGHT = 1000
DOMINANT = 2 / 3  # a word without a spelt pair takes the passages' spelling only when most spell it so


def _spellings(texts: Iterable[str]) -> tuple[dict[str, Counter], dict[tuple[str, str], Counter]]:
    words: dict[str, Counter] = {}
    pairs: dict[tuple[str, str], Counter] = {}
    for text, weight in [(QUESTION_PHRASES, _PHRASE_WEIGHT)] + [(t, 1) for t in texts]:
        tokens = [w.lower() for w in _WORD.findall(normalize_query(text))]
        folded = [fold_diacritics(w) for w in tokens]
        for w, f in zip(tokens, folded):
            words.setdefault(f, Counter())[w] += weight
        for k in range(len(tokens) - 1):
            pairs.setdefault((folded[k], folded[k + 1]), Counter())[(tokens[k], tokens[k + 1])] += weight
    return words, pairs


def reaccent(question: str, texts: Iterable[str]) -> str:
    """`question` with each word typed without diacritics spelled as `texts` spell it (see the
    module docstring); unchanged when it already has diacritics."""
    if fold_diacritics(question) != question:
        return question
    words, pairs = _spellings(texts)
    matches = list(_WORD.finditer(question))
    low = [m.group(0).lower() for m in matches]
    chosen: list[str | None] = [None] * len(low)
    for k in range(len(low) - 1):  # a pair the passages spell decides both of its words
        counts = pairs.get((low[k], low[k + 1]))
        if counts:
            a, b = counts.most_common(1)[0][0]
            chosen[k] = chosen[k] or a
            chosen[k + 1] = b
    out, last = [], 0
    for m, word, spelt in zip(matches, low, chosen):
        if spelt is None and word in words:
            best, n = words[word].most_common(1)[0]
            spelt = best if n >= DOMINANT * sum(words[word].values()) else None
        spelt = spelt or m.group(0)
        if m.group(0)[:1].isupper():
            spelt = spelt[:1].upper() + spelt[1:]
        out.append(question[last:m.start()] + spelt)
        last = m.end()
    return "".join(out) + question[last:]
