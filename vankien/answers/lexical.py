"""Lexical side of answer scoring: folded syllables and pairs of a question and a sentence, their
rarity-weighted overlap, and the text around a sentence that counts as its context.

Pure functions over plain strings (vankien.answers.qa combines them with the dense score).
"""
from __future__ import annotations

import math
import re
from typing import Any, Sequence

from vntext.normalize import fold_diacritics, normalize_query
from vankien.answers.answer_types import synonym_units, without_question_phrase
from vankien.answers.sentences import Sentence

W_FOCUS = 2.0  # weight of the question's words next to its question word ("ai chủ trì")
RESTATES = 0.5  # share of a sentence's words found in the question above which it only restates it
MAX_JOINED = 300  # characters: a restating sentence joined with the next one still reads as one answer
NEIGHBOURS = 200  # characters before a sentence (half as many after) whose words count as context

# Question words and function words: dropped from the question's terms (compared before folding,
# so "thể" in "tập thể" is not mistaken for "thế"). Kept short on purpose; rarity does the rest.
STOPWORDS = frozenset("""
nào gì bao nhiêu mấy ai đâu sao thế như là có không được của và các những một trong cho với thì
mà ở vào đến từ khi hay hoặc đó này hãy nêu gồm bị do về theo tại cũng đã sẽ đang rằng nên vậy
bởi để phải chỉ ra cái chiếc điều
""".split()) - {"điều"}

FOLDED_STOPWORDS = frozenset(fold_diacritics(w) for w in STOPWORDS)
_WORD = re.compile(r"\w+")


def syllables(text: str) -> list[str]:
    """Lowercase NFC syllables ("Chi bộ" -> ["chi", "bộ"])."""
    return _WORD.findall(normalize_query(text).lower())


def folded_terms(text: str, drop_stopwords: bool = False) -> list[str]:
    words = syllables(text)
    if drop_stopwords:
        kept = [w for w in words if w not in STOPWORDS]
        words = kept or words
    return [fold_diacritics(w) for w in words]


def _pairs(words: Sequence[str]) -> set[str]:
    return {a + "_" + b for a, b in zip(words, words[1:])}


def question_terms(question: str) -> tuple[list[str], list[str]]:
    """(content syllables, syllable pairs) of a question, folded. Pairs come from the question as
    typed (stopwords included) minus pairs made only of stopwords."""
    words = syllables(without_question_phrase(question)) or syllables(question)
    content = list(dict.fromkeys(fold_diacritics(w) for w in words if w not in STOPWORDS))
    if not content:
        content = list(dict.fromkeys(fold_diacritics(w) for w in words))
    pairs = [fold_diacritics(a) + "_" + fold_diacritics(b) for a, b in zip(words, words[1:])
             if not (a in STOPWORDS and b in STOPWORDS)]
    return content, list(dict.fromkeys(pairs))


def missing_share(q_pairs: Sequence[str], hits: Sequence[Any]) -> float:
    """Share of the question's content word pairs ("phụ cấp") that no retrieved passage holds: a
    question about something the documents never mention."""
    content = [p for p in q_pairs if not any(w in FOLDED_STOPWORDS for w in p.split("_"))]
    if not content:
        return 0.0
    seen: set[str] = set()
    for h in hits:
        seen |= _pairs(folded_terms(h.text + " " + " ".join(h.heading_path)))
    return sum(p not in seen for p in content) / len(content)


def rarity(units: Sequence[set[str]]) -> dict[str, float]:
    """Inverse frequency of each term over the candidate sentences: rare terms weigh more."""
    df: dict[str, int] = {}
    for u in units:
        for t in u:
            df[t] = df.get(t, 0) + 1
    n = len(units)
    return {t: math.log(1.0 + (n + 1) / (c + 0.5)) for t, c in df.items()}


def lexical_score(q_terms: Sequence[str], q_pairs: Sequence[str], sent_units: set[str],
                  context_units: set[str], idf: dict[str, float], default_idf: float,
                  focus: set[str] = frozenset()) -> float:
    """Weighted share of the question's syllables and pairs found in the sentence (context words
    count half; words next to the question word count W_FOCUS times). In [0, 1]."""
    total = got = 0.0
    for t in list(q_terms) + list(q_pairs):
        w = idf.get(t, default_idf) * (1.0 if "_" not in t else 1.5)
        if focus and any(x in focus for x in t.split("_")):
            w *= W_FOCUS
        total += w
        if t in sent_units:
            got += w
        elif t in context_units:
            got += 0.5 * w
    return got / total if total else 0.0


def _units(text: str) -> set[str]:
    words = folded_terms(text)
    return set(words) | _pairs(words) | synonym_units(" ".join(words))


def restates(sentence: str, q_terms: set[str]) -> bool:
    """Whether most of what the sentence says is already in the question ("Ca phẫu thuật đầu tiên
    kéo dài 10 giờ." for "Các bác sĩ làm gì ở ca phẫu thuật đầu tiên?"): it announces the answer."""
    words = [w for w in folded_terms(sentence) if w not in FOLDED_STOPWORDS and not w.isdigit()]
    return bool(words) and sum(w in q_terms for w in words) / len(words) >= RESTATES


def join_restating(cands: list[tuple[int, Sentence]], hits: Sequence[Any],
                   q_terms: set[str]) -> list[tuple[int, Sentence]]:
    """A sentence that restates the question reads together with the sentence after it, which
    usually carries the answer ("Thế nhưng, một phép màu đã đến với gia đình nhỏ. Joseph bất ngờ
    tỉnh dậy …"); both stay candidates on their own too. Only within a line: table rows, list items
    and headings are not joined."""
    out = list(cands)
    for (i, a), (j, b) in zip(cands, cands[1:]):
        text = hits[i].text
        if i != j or a.display or b.display or a.context or b.context or text[a.end:b.start].strip(" ") \
                or b.end - a.start > MAX_JOINED or not restates(a.text, q_terms):
            continue
        out.append((i, Sentence(a.start, b.end, text[a.start:b.end])))
    return out


def neighbours(passage: str, sentence: Sentence, chars: int = NEIGHBOURS) -> str:
    """The text around a sentence in its passage, cut at word edges: a sentence that answers often
    leaves the question's other words to the one before it ("Sáng 13/5, Tỉnh ủy tổ chức Hội nghị
    sơ kết … Đồng chí X chủ trì hội nghị.")."""
    before = passage[max(0, sentence.start - chars):sentence.start]
    after = passage[sentence.end:sentence.end + chars // 2]
    before = before.split(" ", 1)[-1] if sentence.start > chars else before
    after = after.rsplit(" ", 1)[0] if sentence.end + chars // 2 < len(passage) else after
    return before + " " + after
