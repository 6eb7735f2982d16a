"""What a list or person answer must show, beyond the kind of answer (answer_types.py).

    list_noun("Sinh hoạt chuyên đề tổ chức vào những tháng nào?")        -> "thang"
    enumerates("thang", "vào tháng cuối quý (tháng 3, 6, 9 và 12)")        -> True
    enumerates("thang", "vào tháng cuối quý")                              -> False
    with_antecedent(passage, sentence)  # "Mai đã đến từng nhà …" read with "Đồng chí Nguyễn Thị Mai, …"

A "những … nào" question asks for several things of one kind: a sentence that enumerates them
("tháng 3, 6, 9 và 12") answers it; one that merely names the kind ("tháng cuối quý") does not.
A person is often named in full once and by the given name after ("Đồng chí Nguyễn Thị Mai, 26
tuổi, … Ngay khi chi bộ phân công, Mai đã đến từng nhà …"): the answer then reads the sentence with
the one before it, which holds the full name, so it names the person. Pure functions.
"""
from __future__ import annotations

import re

from vntext.normalize import fold_diacritics, normalize_query
from vankien.answers.answer_types import _NAME
from vankien.answers.sentences import MAX_ANSWER_CHARS, Sentence

# "những tháng nào", "các văn bản nào", "nhung tháng nao": the noun right after những/các
_LIST_NOUN = re.compile(r"\b(?:nhung|cac)\s+(\w+)(?:\s+\w+){0,3}?\s+nao\b")
_ITEM = r"[\w./-]+"


def list_noun(question: str) -> str:
    """The folded noun a "những … nào" question enumerates ("" when none)."""
    m = _LIST_NOUN.search(fold_diacritics(normalize_query(question or "").lower()))
    return m.group(1) if m else ""


def enumerates(noun: str, text: str) -> bool:
    """Whether `text` lists several of `noun`: "tháng 3, 6, 9 và 12", "các tháng 3 và 9", or a
    list after the noun and a colon ("tháng: 3, 6, 9")."""
    if not noun:
        return False
    folded = fold_diacritics(normalize_query(text or "").lower())
    return bool(re.search(rf"\b{re.escape(noun)}\s*:?\s+{_ITEM}(?:\s*,\s*{_ITEM})*\s*(?:,|\s+va\s+|\s+hoac\s+)\s*{_ITEM}",
                          folded))


def with_antecedent(passage: str, sentence: Sentence, limit: int = MAX_ANSWER_CHARS) -> Sentence:
    """The sentence read from the start of the one before it, when it names a person only by a
    single word that ends a full name in that previous sentence (and both fit in `limit`)."""
    if sentence.display or sentence.context or _NAME.search(sentence.text):
        return sentence
    line_start = passage.rfind("\n", 0, sentence.start) + 1
    before = passage[line_start:sentence.start]
    if not before.strip():
        return sentence
    # the previous sentence of the same line: after the last ". " before this one
    dot = before.rstrip().rfind(". ", 0, len(before.rstrip()) - 1)
    cut = dot + 2 if dot >= 0 else 0
    prev_start = line_start + cut
    full = [m.group(0) for m in _NAME.finditer(passage[prev_start:sentence.start])]
    given = {name.split()[-1] for name in full}
    words = set(re.findall(r"\w+", sentence.text))
    if not given & words:
        return sentence
    end = sentence.end
    if end - prev_start > limit:  # a sentence joined with the next one: keep its first sentence only
        first = [m.end() for m in re.finditer(r"[.!?] ", sentence.text)]
        end = sentence.start + first[0] - 1 if first else end
    if end - prev_start > limit or not given & set(re.findall(r"\w+", passage[sentence.start:end])):
        return sentence
    return Sentence(prev_start, end, passage[prev_start:end])


# "Bao giờ tổ chức Đại hội …", "Khi nào ban hành …": the event a leading when-word asks the date of
_WHEN_FIRST = re.compile(r"^\s*(?:bao giờ|khi nào|ngày nào|lúc nào|năm nào|tháng nào|bao gio|khi nao|ngay nao)\s+")


def event_words(question: str, window: int = 2) -> tuple[str, ...]:
    """The folded compound words (underthesea) right after a leading when-word: the event whose
    date is asked ("Bao giờ tổ chức Đại hội …" -> ("to chuc", "dai hoi")). A date of another event
    ("Sáng 13/5, … tổ chức Hội nghị sơ kết") does not answer it. () when the question does not
    start with a when-word (then its words sit before the when-word and the ranker weighs them)."""
    lower = normalize_query(question or "").lower()
    m = _WHEN_FIRST.match(lower)
    if not m:
        return ()
    from underthesea import word_tokenize  # heavy import, only for such questions

    words = word_tokenize(lower[m.end():])[:window]
    return tuple(fold_diacritics(w) for w in words if " " in w.strip())


def tells_of(words: tuple[str, ...], text: str) -> bool:
    """Every one of `words` (folded compounds) is in `text`."""
    folded = " ".join(re.findall(r"\w+", fold_diacritics(text.lower())))
    return all(re.search(rf"\b{re.escape(w)}\b", folded) for w in words)
