"""What a question asks for, and where a sentence holds that kind of answer.

    expected_type("Chi bộ sinh hoạt vào ngày nào?")  -> "date"
    answer_spans("date", "Chi bộ sinh hoạt vào ngày 3 hằng tháng.")  -> [(17, 26), ...]

Kinds: date (ngày nào, khi nào, bao giờ), place (ở đâu, tại đâu), person (ai, người nào, cơ quan nào),
number (bao nhiêu, mấy: a number with its unit), duration (bao lâu), url (trang, địa chỉ, website
nào), list (những … nào, gồm những gì), yesno (có … không, đúng không) and "" (anything else). A
sentence that holds no answer of the asked kind scores lower (vankien.answers.qa); for the kinds
that cannot be answered otherwise (`needs_answer`) it cannot be the answer. yesno and "" accept
any sentence.

Question words are matched with their diacritics; a question typed without any diacritics is
matched on its folded form ("chi thi 45 do ai ky" -> person). Pure functions.
"""
from __future__ import annotations

import re

from vntext.normalize import fold_diacritics, normalize_query
from vankien.answers.sentences import find_urls

KINDS = ("date", "place", "person", "number", "duration", "url", "list", "yesno", "")
STRICT = frozenset(KINDS) - {"yesno", ""}

_UNIT_TIME = r"(?:giây|phút|giờ|tiếng|ngày|tuần|tháng|năm|quý|thế kỷ|nhiệm kỳ|kỳ|buổi)"
_NUM_WORD = r"(?:hai|ba|bốn|tư|sáu|bảy|tám|chín|mười|mươi|trăm|nghìn|ngàn|triệu|tỷ|tỉ|chục|nửa|vài|mấy)"

# (kind, pattern on the lower-cased question with diacritics, pattern on its folded form)
_QUESTION = [
    ("url", r"\b(trang (web|mạng|thông tin|tin|điện tử|nào)|website|web nào|địa chỉ (web|trang|mạng|truy cập|"
            r"nào|gì)|đường (dẫn|link)|link|url)\b",
     r"\b(trang (web|mang|thong tin|tin|dien tu|nao)|website|web nao|dia chi|duong (dan|link)|link|url)\b"),
    ("duration", r"\b(bao lâu|(bao nhiêu|mấy) (giây|phút|giờ|tiếng|ngày|tuần|tháng|năm|quý)( một lần)?|"
                 r"kéo dài (trong )?(bao|mấy))\b",
     r"\b(bao lau|(bao nhieu|may) (giay|phut|gio|tieng|ngay|tuan|thang|nam|quy)|keo dai (trong )?(bao|may))\b"),
    ("date", r"\b(khi nào|bao giờ|lúc nào|hôm nào|ngày nào|tháng nào|năm nào|quý nào|thời điểm nào|"
             r"ngày bao nhiêu|ngày mấy|thời gian nào|thời hạn|hạn chót|thời gian hoàn thành|từ ngày|đến ngày|"
             r"trước ngày)\b",
     r"\b(khi nao|bao gio|luc nao|hom nao|ngay nao|thang nao|nam nao|quy nao|thoi diem nao|ngay bao nhieu|"
     r"thoi han|han chot|thoi gian hoan thanh|truoc ngay)\b"),
    ("place", r"\b(ở đâu|tại đâu|nơi nào|chỗ nào|địa điểm nào|ở nơi nào|tỉnh nào|nước nào|xã nào|thôn nào)\b",
     r"\b(o dau|tai dau|noi nao|cho nao|dia diem nao)\b"),
    ("person", r"(^|\s)(ai|người nào|những ai|đồng chí nào|vị nào|cơ quan nào|đơn vị nào|tổ chức nào|"
               r"ban nào|nhân vật nào)(\s|\?|$)",
     r"(^|\s)(ai|nguoi nao|dong chi nao|co quan nao|don vi nao)(\s|\?|$)"),
    ("number", r"\b(bao nhiêu|mấy|số lượng|tỷ lệ|tỉ lệ)\b", r"\b(bao nhieu|so luong|ty le|ti le)\b"),
    ("list", r"\b((những|các)\s+(\w+\s+){0,3}nào|những gì|gồm (những )?(gì|ai|nào)|liệt kê|kể tên)\b",
     r"\b(nhung\s+(\w+\s+){0,3}nao|nhung gi|gom (nhung )?(gi|nao)|liet ke|ke ten)\b"),
    ("yesno", r"\b(có\b.*\b(không|chưa)|đúng không|phải không|được không|hay không|đúng hay sai)\s*\??\s*$",
     r"\b(co\b.*\b(khong|chua)|dung khong|phai khong|duoc khong|hay khong)\s*\??\s*$"),
]
_QUESTION = [(k, re.compile(a), re.compile(b)) for k, a, b in _QUESTION]


def has_diacritics(text: str) -> bool:
    return fold_diacritics(text) != text


def expected_type(question: str) -> str:
    """The kind of answer the question words ask for (see KINDS); "" when none."""
    lower = normalize_query(question or "").lower()
    folded = not has_diacritics(lower)
    text = fold_diacritics(lower) if folded else lower
    for kind, with_marks, without in _QUESTION:
        if (without if folded else with_marks).search(text):
            return kind
    return ""


_CALENDAR = re.compile(r"\b(?:ngay|thang|nam|quy) (?:nao|bao nhieu|may)\b|\b(?:thoi han|han chot|tu ngay|den ngay|"
                       r"truoc ngay|thoi gian hoan thanh|thoi diem nao)\b")


def needs_answer(question: str, hard: frozenset[str]) -> bool:
    """Whether only a sentence holding the kind of answer asked for may answer: the kinds in `hard`,
    and a date question that asks for a day, month or deadline ("ngày nào", "thời hạn") rather than
    "khi nào", which an event answers as well ("phẫu thuật lần ba")."""
    kind = expected_type(question)
    return kind in hard or (kind == "date" and bool(_CALENDAR.search(fold_diacritics(normalize_query(question).lower()))))


def without_question_phrase(question: str) -> str:
    """The question less the phrase that only says what kind of answer is wanted ("ở trang nào",
    "bao nhiêu", "ngày nào"): those words are not what the answer sentence is about."""
    lower = normalize_query(question or "").lower()
    folded = not has_diacritics(lower)
    text = fold_diacritics(lower) if folded else lower
    for kind, with_marks, without in _QUESTION:
        if kind in ("list", "yesno"):
            continue
        m = (without if folded else with_marks).search(text)
        if m:
            return (text[:m.start()] + " " + text[m.end():]).strip()
    return text


# ---------------------------------------------------------------- where a sentence holds the answer

_DATE = re.compile(
    r"\b\d{1,2}[/.-]\d{1,2}(?:[/.-]\d{2,4})?\b|\b\d{1,2}/\d{4}\b"
    r"|\b(?:ngày|hôm|sáng|chiều|tối|đêm|mùng|mồng)\s+\d{1,2}\b"
    r"|\btháng\s+(?:\d{1,2}|[ivx]+|giêng|chạp|một|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)\b"
    r"|\b(?:năm|đến|từ|trong|vào|cuối|đầu)\s+(?:19|20)\d{2}\b|\bquý\s+(?:[ivx]+|\d)\b"
    r"|\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ nhật)\b|\bhằng\s+(?:ngày|tuần|tháng|quý|năm)\b"
    r"|\b(?:đầu|cuối|giữa)\s+(?:năm|tháng|quý|tuần|kỳ)\b"
    r"|\b\d+\s+(?:ngày|tuần|tháng|năm)\s+(?:trước|sau)\b|\b(?:19|20)\d{2}\b|\bthế kỷ\s+\w+"
    r"|\b(?:khi|nếu|sau khi|trước khi|trường hợp|lúc|kể từ|trong thời gian|trong vòng|hiện nay|hằng năm)\b")
_DURATION = re.compile(
    rf"\b(?:\d+(?:[.,]\d+)?|một|{_NUM_WORD}|năm)\s+{_UNIT_TIME}\b|\bmỗi\s+(?:ngày|tuần|tháng|quý|năm|kỳ)\b"
    r"|\bhằng\s+(?:ngày|tuần|tháng|quý|năm)\b|\b\d+\s*(?:h|p)\b")
_DOCNUM = re.compile(r"\b\d{1,5}(?:/\d{4})?[-/][A-ZĐa-zđ]{1,8}(?:[/-][A-ZĐa-zđ0-9]{1,12})*\b")
_NUMBER = re.compile(rf"\d+(?:[.,]\d+)*(?:\s?%)?(?:\s+[^\W\d_]+){{0,2}}|\b{_NUM_WORD}\s+[^\W\d_]+", re.IGNORECASE)
_PLACE_NOUNS = (r"(?:hội trường|trụ sở|xã|phường|thị trấn|thị xã|huyện|quận|tỉnh|thành phố|thôn|bản|ấp|tổ dân phố|"
                r"nơi|khu|trường|nhà|điểm cầu|địa bàn|vùng|miền|nước|quốc gia|thủ đô|trung tâm|kho|bệnh viện|"
                r"đảng bộ|sân|cảng|sông|biển|đảo|núi|đường|phố|làng|xóm|châu|thị trường)")
_CAP = r"[A-ZĐÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ]"
_PLACE = re.compile(rf"\b(?:tại|ở)\s+(?:(?:các|những|một|\d+)\s+)?(?:{_PLACE_NOUNS}\b|[A-ZĐÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ])[^,;.]*"
                    rf"|\b(?:từ|đến|khắp|sang)\s+(?:(?:các|những|một|\d+)\s+)?{_PLACE_NOUNS}\b[^,;.]*|\bnơi\s+\w+(?:\s+\w+)?|"
                    rf"\b(?:Hà Nội|TP\.?\s?HCM|Thành phố Hồ Chí Minh|Việt Nam)\b"
                    # a proper name a few words after a preposition: "trên tạp chí Saint-Petersburg
                    # Panorama", "từ Greenland", "đến Tây bắc của Iceland"; a side: "phía Bắc"
                    rf"|\b(?:tại|ở|trên|từ|đến|sang|thuộc|gần|giữa|quanh|khắp|nằm)\s+(?:[a-zđà-ỹ]+\s+){{0,3}}?{_CAP}[\w-]*(?:\s+{_CAP}[\w-]*)*"
                    r"|\b(?:phía|miền|vùng)\s+(?:[Bb]ắc|[Nn]am|[Đđ]ông|[Tt]ây)\w*")
_NAME = re.compile(rf"{_CAP}[\w'-]*(?:\s+{_CAP}[\w'-]*)+")
_PERSON_NOUNS = re.compile(
    r"\b(?:đồng chí|ông|bà|anh|chị|cụ|người|nhà (?:khoa học|nghiên cứu|báo|văn|thơ|sử học)|chuyên gia|bác sĩ|"
    r"giáo sư|tiến sĩ|sinh viên|học sinh|giáo viên|bí thư|chủ tịch|lãnh đạo|cảnh sát|công an|chính phủ|"
    r"quốc hội|ủy ban|cơ quan|công ty|tập đoàn|gia đình|cha|mẹ|vợ|chồng|mình|họ|tôi|chúng tôi|ấy|"
    r"đơn vị|tổ chức|phòng|khoa|trường|bệnh viện|trung tâm|viện|nhà trường|hiệu trưởng|giảng viên)\b")
_LISTY = re.compile(r"[,;:]|\svà\s|\shoặc\s")


def _outside(spans: list[tuple[int, int]], avoid: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(s, e) for s, e in spans if not any(a <= s < b for a, b in avoid)]


def answer_spans(kind: str, sentence: str, context: str = "") -> list[tuple[int, int]]:
    """Char spans of `sentence` that hold an answer of `kind`; [(0, len)] for yesno and "".

    A number inside a document number ("45-CT/TW") or a date is not a count; a name at the very
    start of the sentence still counts (a name often opens the sentence that answers "ai")."""
    if kind in ("", "yesno"):
        return [(0, len(sentence))]
    lower = sentence.lower()
    if kind == "url":
        return find_urls(sentence)
    if kind == "date":
        docnums = [m.span() for m in _DOCNUM.finditer(sentence)]
        return _outside([m.span() for m in _DATE.finditer(lower)], docnums)
    if kind == "duration":
        return [m.span() for m in _DURATION.finditer(lower)]
    if kind == "number":
        avoid = [m.span() for m in _DOCNUM.finditer(sentence)] + [m.span() for m in _DATE.finditer(lower)]
        avoid += [m.span() for m in re.finditer(r"\bthứ\s+\S+(?:\s+\S+)?", lower)]  # ordinals
        return _outside([m.span() for m in _NUMBER.finditer(sentence)], avoid)
    if kind == "place":
        return [m.span() for m in _PLACE.finditer(sentence)]
    if kind == "person":
        return [m.span() for m in _NAME.finditer(sentence)] + [m.span() for m in _PERSON_NOUNS.finditer(lower)]
    if kind == "list":
        if context or _LISTY.search(sentence):
            return [(0, len(sentence))]
        return []
    return []


def type_match(kind: str, sentence: str, context: str = "") -> bool:
    """Whether the sentence holds an answer of the kind the question asks for."""
    return bool(answer_spans(kind, sentence, context))


# ---------------------------------------------------------------- the words that matter most

_WH = re.compile(r"\b(ai|đâu|nào|bao nhiêu|mấy|bao lâu|bao giờ|gì|không|sao|thế nào|"
                 r"dau|nao|bao nhieu|may|bao lau|bao gio|gi|khong)\b")
_WH_PARTS = frozenset("bao nhiêu lâu giờ thế nhieu lau gio the".split())
_STOP_UNIT = frozenset("""và hoặc là của được có trong cho với thì mà ở vào đến từ khi những các một nào gì do đã
phải va hoac la cua duoc co nhung cac mot nao gi da phai""".split())
# Phrases that say the same thing in these documents (folded): a sentence with one has them all.
SYNONYMS = (
    ("toi thieu", "it nhat", "khong it hon"),
    ("toi da", "nhieu nhat", "khong qua"),
    ("keo dai", "thoi gian", "thoi luong"),
    ("chi tieu", "phan dau", "muc tieu"),
)


def focus_words(question: str, window: int = 3) -> set[str]:
    """Folded syllables next to the question word ("ai chủ trì", "kéo dài tối thiểu bao lâu",
    "bao nhiêu chi bộ", "có được đưa tài liệu mật … không"): what the answer must be about."""
    lower = normalize_query(question or "").lower()
    text = lower if has_diacritics(lower) else fold_diacritics(lower)

    def content(words: list[str]) -> set[str]:
        return {fold_diacritics(w) for w in words
                if w not in _STOP_UNIT and not w.isdigit() and not _WH.fullmatch(w) and w not in _WH_PARTS}

    kind = expected_type(question)
    if kind == "url":  # "địa chỉ", "trang" only say an address is wanted: not what it is about
        m = next((without if not has_diacritics(lower) else marks).search(text)
                 for k, marks, without in _QUESTION if k == "url")
        if m:
            text = text[:m.start()] + " nào " + text[m.end():]
    if kind == "yesno":  # "có (được) <what is asked> không"
        m = re.search(r"\b(?:có|co)(?:\s+(?:được|phải|duoc|phai))?\s+", text)
        if m:
            return content(re.findall(r"\w+", text[m.end():])[:window + 1])
    m = _WH.search(text)
    if not m:
        return set()
    after = content(re.findall(r"\w+", text[m.end():])[:window])  # "ai chủ trì", "bao nhiêu chi bộ"
    return after or content(re.findall(r"\w+", text[:m.start()])[-window:])  # "kéo dài … bao lâu"


def asked_unit(question: str) -> tuple[tuple[str, ...], ...]:
    """What a count is of: "bao nhiêu chi bộ" -> (("chi", "bo"),); "bao nhiêu tập thể và cá nhân"
    -> (("tap", "the"), ("ca", "nhan")); "tỷ lệ … bao nhiêu" -> (("%",),)."""
    folded = fold_diacritics(normalize_query(question or "").lower())
    if re.search(r"\b(ty le|ti le|phan tram)\b", folded):
        return (("%",),)
    m = re.search(r"\b(?:bao nhieu|may)\s+(\w+(?:\s+\w+){0,5})", folded)
    if not m:
        return ()
    units = []
    for part in re.split(r"\s+(?:va|hoac)\s+", m.group(1))[:3]:
        words = tuple(w for w in part.split()[:2] if w not in _STOP_UNIT)
        if words:
            units.append(words)
    return tuple(units)


def has_unit(unit: tuple[str, ...], span_text: str) -> bool:
    if not unit:
        return False
    if unit == ("%",):
        return "%" in span_text
    # "bao nhiêu chi bộ" asks for a count: "100% chi bộ" is a share of them, not how many there are
    return "%" not in span_text and " ".join(unit) in fold_diacritics(span_text.lower())


def unit_share(units: tuple[tuple[str, ...], ...], span_texts: list[str]) -> float:
    """Share of the asked units that some typed span carries."""
    if not units:
        return 0.0
    return sum(any(has_unit(u, t) for t in span_texts) for u in units) / len(units)


def synonym_units(folded_text: str) -> set[str]:
    """The other phrasings of what a sentence says ("không ít hơn" -> "tối thiểu", "ít nhất")."""
    out: set[str] = set()
    for group in SYNONYMS:
        if any(re.search(rf"\b{p}\b", folded_text) for p in group):
            for phrase in group:
                words = phrase.split()
                out |= set(words) | {a + "_" + b for a, b in zip(words, words[1:])}
    return out
