"""Metadata read from the standard layout of Party documents (Hướng dẫn 36-HD/VPTW) and news items.

Header: issuing body top left ("TỈNH ỦY TIỀN GIANG"), the Party's name top right, "Số 95-KH/TU"
under the issuer, "Tiền Giang, ngày 28 tháng 4 năm 2023" under the Party's name, then the type
("KẾ HOẠCH") and the subject line (trích yếu). Footer: "T/M BAN THƯỜNG VỤ", the position, the name.
Two-column headers often arrive flattened into one line; they are split at the known right-column
phrases. Every field is optional: a field not found in the text stays "", nothing is guessed.
"""
from __future__ import annotations

import re
from datetime import date

from vntext.docnumber import normalize_doc_number
from ingest.headings import classify_line, is_closing_line, is_upper_title
from ingest.records import Metadata

DOC_TYPES = [
    "KẾ HOẠCH", "HƯỚNG DẪN", "CHỈ THỊ", "NGHỊ QUYẾT", "KẾT LUẬN", "QUY ĐỊNH", "QUYẾT ĐỊNH",
    "THÔNG BÁO", "BÁO CÁO", "CÔNG VĂN", "TỜ TRÌNH", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "QUY CHẾ", "THÔNG TRI",
    "NGHỊ ĐỊNH", "THÔNG TƯ", "BỘ LUẬT", "LUẬT", "PHÁP LỆNH", "HIẾN PHÁP", "BIÊN BẢN", "LỜI KÊU GỌI",
    "DIỄN VĂN", "TUYÊN BỐ", "ĐIỀU LỆ", "VĂN BẢN HỢP NHẤT", "THÔNG TƯ LIÊN TỊCH", "NGHỊ QUYẾT LIÊN TỊCH",
]
_TYPE_LINE = re.compile(
    r"^(" + "|".join(sorted(DOC_TYPES, key=len, reverse=True)) + r")(?:\s+CỦA\s+(?P<of>.{3,80}?))?\s*$"
)
# "CỦA BAN BÍ THƯ" on the line under the type: the body that issues it (the header may show only
# the generic "BAN CHẤP HÀNH TRUNG ƯƠNG").
_OF_LINE = re.compile(r"^CỦA\s+(?P<of>.{3,80}?)\s*$")
# A bulletin names itself where the type would be: "BẢN TIN SINH HOẠT CHI BỘ – Số 9/2024".
_BULLETIN_LINE = re.compile(r"^BẢN TIN\b(?P<name>.{0,80}?)(?:\s*[–—-]?\s*(?:Số|SỐ)\s+\d{1,3}(?:/\d{4})?)?\s*$")
_ISSUE_LINE = re.compile(r"^(?:Số|SỐ)\s+\d{1,3}(?:/\d{4})?$")
_MOTTOS = re.compile(
    r"ĐẢNG CỘNG SẢN VIỆT NAM|CỘNG H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc",
    re.IGNORECASE,
)
_PLACE_DATE = re.compile(
    r"(?P<place>[A-ZĐÀ-Ỹ][\wÀ-ỹĐđ .'-]{1,40}?)\s*,\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})"
)
_NUMBER = re.compile(r"(?<!\S)(?:Số|SỐ|(?:Luật|LUẬT|Bộ luật|Pháp lệnh)\s+số)\s*:?\s*(?P<n>\d[^\s,;]*(?:\s*/\s*[^\s,;]+)?)")
_NEWS_DATE = re.compile(
    r"(?:(?:Thứ\s+\w+|Chủ\s+nhật)\s*,?\s*)?(?:ngày\s+)?(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(r"^[\s\-_=*~.·•]+$")
_CELL_SPLIT = re.compile(r"\s*\|\s*|\t+|\s{3,}")
_CAPACITY_WORDS = re.compile(
    r"(?:^|\s)(?:BÍ THƯ|TRƯỞNG|CHỦ TỊCH|TƯỚNG|GIÁM ĐỐC|CHỦ NHIỆM|THƯỜNG TRỰC|ỦY VIÊN|THƯ KÝ|CHÁNH|"
    r"KIỂM SÁT|CHÁNH ÁN|TỔNG CỤC)(?:\s|$)"
)
# Last line of a news item: the author, and in brackets the outlet that published it.
_BYLINE = re.compile(r"^(?P<name>[^()]+?)\s*(?:\((?P<outlet>[^()]{3,120})\))?\s*$")
_NAME = re.compile(r"^[A-ZĐÀ-Ỹ][a-zà-ỹđ]*(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]*){1,5}$")

# Multi-word units of organisation names with their printed case; other words are place names.
_ORG_UNITS = [
    ("BAN CHẤP HÀNH TRUNG ƯƠNG", "Ban Chấp hành Trung ương"), ("BAN CHẤP HÀNH", "Ban Chấp hành"),
    ("BAN THƯỜNG VỤ", "Ban Thường vụ"), ("BAN BÍ THƯ", "Ban Bí thư"), ("BỘ CHÍNH TRỊ", "Bộ Chính trị"),
    ("BAN TUYÊN GIÁO VÀ DÂN VẬN", "Ban Tuyên giáo và Dân vận"), ("BAN TUYÊN GIÁO", "Ban Tuyên giáo"),
    ("BAN TỔ CHỨC", "Ban Tổ chức"), ("BAN DÂN VẬN", "Ban Dân vận"), ("BAN NỘI CHÍNH", "Ban Nội chính"),
    ("BAN KINH TẾ", "Ban Kinh tế"), ("BAN ĐỐI NGOẠI", "Ban Đối ngoại"), ("BAN XÂY DỰNG ĐẢNG", "Ban Xây dựng Đảng"),
    ("BAN CHỈ ĐẠO", "Ban Chỉ đạo"), ("ỦY BAN KIỂM TRA", "Ủy ban Kiểm tra"), ("VĂN PHÒNG", "Văn phòng"),
    ("ỦY BAN THƯỜNG VỤ QUỐC HỘI", "Ủy ban Thường vụ Quốc hội"), ("ỦY BAN NHÂN DÂN", "Ủy ban nhân dân"),
    ("HỘI ĐỒNG NHÂN DÂN", "Hội đồng nhân dân"), ("MẶT TRẬN TỔ QUỐC", "Mặt trận Tổ quốc"),
    ("TỈNH ỦY", "Tỉnh ủy"), ("THÀNH ỦY", "Thành ủy"), ("HUYỆN ỦY", "Huyện ủy"), ("QUẬN ỦY", "Quận ủy"),
    ("THỊ ỦY", "Thị ủy"), ("ĐẢNG ỦY", "Đảng ủy"), ("ĐẢNG BỘ", "Đảng bộ"), ("CHI BỘ", "Chi bộ"),
    ("ĐẢNG ĐOÀN", "Đảng đoàn"), ("BAN CÁN SỰ ĐẢNG", "Ban cán sự đảng"), ("TRUNG ƯƠNG", "Trung ương"),
    ("CHÍNH PHỦ", "Chính phủ"), ("QUỐC HỘI", "Quốc hội"), ("THÀNH PHỐ", "thành phố"), ("THỊ XÃ", "thị xã"),
    ("THỊ TRẤN", "thị trấn"), ("XÃ", "xã"), ("HUYỆN", "huyện"), ("TỈNH", "tỉnh"), ("PHƯỜNG", "phường"),
    ("QUẬN", "quận"), ("GIAO THÔNG VẬN TẢI", "Giao thông vận tải"), ("Y TẾ", "Y tế"), ("CÔNG AN", "Công an"),
    ("QUỐC PHÒNG", "Quốc phòng"), ("TƯ PHÁP", "Tư pháp"), ("NỘI VỤ", "Nội vụ"), ("TÀI CHÍNH", "Tài chính"),
    ("BỘ", "Bộ"), ("BAN", "Ban"), ("VÀ", "và"),
]


def _org_words(name: str) -> list[tuple[str, bool]]:
    """Printed words of an organisation name, each with True for a unit ("Tỉnh ủy"), False for a name."""
    words, out, i = name.split(), [], 0
    while i < len(words):
        for upper, printed in _ORG_UNITS:
            n = len(upper.split())
            if " ".join(words[i:i + n]).upper() == upper:
                out.append((printed, True))
                i += n
                break
        else:
            out.append((words[i][:1].upper() + words[i][1:].lower(), False))
            i += 1
    return out


def title_case_org(name: str) -> str:
    """"TỈNH ỦY TIỀN GIANG" -> "Tỉnh ủy Tiền Giang"; "ĐẢNG ỦY XÃ DIÊN KHÁNH" -> "Đảng ủy xã Diên Khánh"."""
    text = " ".join(word for word, _ in _org_words(name))
    return text[:1].upper() + text[1:]


def _place_name(name: str) -> str:
    """The place in an organisation name: "TỈNH ỦY SÔNG LAM" -> "Sông Lam"; "" when it names none."""
    words = _org_words(name)
    start = next((i for i, (_, unit) in enumerate(words) if not unit), len(words))
    return " ".join(word for word, _ in words[start:])


# A committee ("Tỉnh ủy") or a level of administration ("tỉnh") that a place name completes.
_COMMITTEES = ("Tỉnh ủy", "Thành ủy", "Huyện ủy", "Quận ủy", "Thị ủy", "Đảng ủy")
_LEVELS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "thị trấn", "xã", "phường")
# A department that prints its parent committee on the line above ("TỈNH ỦY SÔNG LAM" / "BAN TỔ CHỨC").
_DEPARTMENT = re.compile(r"^(?:BAN|VĂN PHÒNG|ỦY BAN KIỂM TRA|UỶ BAN KIỂM TRA|ĐẢNG ĐOÀN|BAN CÁN SỰ ĐẢNG)\b")


def _issuer(lines: list[str]) -> str:
    """Issuing body from the upper-case lines above the type, the lowest line first.

    A department with no place of its own is completed from the line above: "TỈNH ỦY SÔNG LAM" over
    "BAN TỔ CHỨC" gives "Ban Tổ chức Tỉnh ủy Sông Lam"; "BAN CHẤP HÀNH TRUNG ƯƠNG" over "BAN TỔ
    CHỨC" gives "Ban Tổ chức Trung ương"; a lower line that ends in its committee ("BAN THƯỜNG VỤ
    TỈNH ỦY") takes only the place ("Sông Lam").
    """
    lower = title_case_org(lines[-1])
    if len(lines) < 2 or not _DEPARTMENT.match(lines[-1].upper()) or _place_name(lines[-1]):
        return lower
    parent = lines[-2]
    if _MOTTOS.search(parent) or not is_upper_title(parent):
        return lower
    place = _place_name(parent)
    if lower.endswith(_COMMITTEES):
        return f"{lower} {place}" if place else lower
    parent_tc = title_case_org(parent)
    if parent_tc.startswith("Ban Chấp hành "):
        parent_tc = parent_tc[len("Ban Chấp hành "):]  # "Ban Tổ chức Trung ương", not "... Ban Chấp hành ..."
    return f"{lower} {parent_tc}"


def _of_body(of: str, header_issuer_line: str) -> str:
    """ "BAN BÍ THƯ" -> "Ban Bí thư"; "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH" takes the header's place name.

    "" when the words after CỦA do not open with an organisation ("CỦA ĐỒNG CHÍ ..."); the term or
    occasion after the body ("... KHÓA XII TẠI ĐẠI HỘI ...") is not part of it.
    """
    of = re.sub(r"\s+(?:KHÓA|KHOÁ|TẠI|VỀ|TRÌNH|NHIỆM KỲ)\b.*$", "", of)
    words = _org_words(of)
    if not words or not words[0][1]:
        return ""
    body = title_case_org(of)
    if body.endswith(_LEVELS) and not _place_name(of) and header_issuer_line:
        place = _place_name(header_issuer_line)
        if place:
            body = f"{body} {place}"
    return body


def _sentence_case(line: str) -> str:
    """ "BẢN TIN SINH HOẠT CHI BỘ – Số 9/2024" -> "Bản tin sinh hoạt chi bộ số 9/2024"."""
    text = re.sub(r"\s*[–—-]\s*(?=số\b)", " ", " ".join(line.lower().split()))
    return text[:1].upper() + text[1:]


def _iso(d: str, m: str, y: str) -> str:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return ""


def _split_place_date(m: re.Match) -> str:
    """Cell break around a place and date; upper-case words run into the place are the left cell.

    "ĐẢNG ỦY XÃ HÒA AN Hòa An, ngày 28 tháng 8 năm 2024" (two columns flattened into one line)
    -> "ĐẢNG ỦY XÃ HÒA AN | Hòa An, ngày ..." ("TP. Hồ Chí Minh" keeps its one upper-case word).
    """
    words = m["place"].split()
    run = 0
    while run < len(words) - 1 and words[run].isupper():  # leave the place at least one word
        run += 1
    text = m.group(0)
    if run >= 2:
        cut = text.index(words[run], len(" ".join(words[:run])))
        return f" | {text[:cut].strip()} | {text[cut:]} | "
    return f" | {text} | "


def _cells(line: str) -> list[str]:
    """Split a flattened two-column header line into its cells."""
    line = line.replace("**", "")
    line = _MOTTOS.sub(lambda m: f" | {m.group(0)} | ", line)
    line = _PLACE_DATE.sub(_split_place_date, line)
    return [c.strip(" *") for c in _CELL_SPLIT.split(line) if c.strip(" *")]


def _body_start(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if classify_line(line) is not None or line.startswith(("Thực hiện", "Căn cứ")):
            return i
    return len(lines)


def _header(lines: list[str]) -> dict:
    found: dict = {}
    head = lines[: min(_body_start(lines), 30)]
    issuer_lines: list[str] = []
    type_index = None
    of = ""
    for i, line in enumerate(head):
        if len(line) > 200:  # running text, not a header cell
            continue
        if type_index is not None and "title" in found:
            break  # a bulletin: what follows its name is its first article, not header
        for cell in _cells(line):
            if _MOTTOS.fullmatch(cell) or _SEPARATOR.match(cell):
                continue
            m = _PLACE_DATE.fullmatch(cell.rstrip(". "))
            if m and "date" not in found:
                found["place"], found["date"] = m["place"].strip(), _iso(m["d"], m["m"], m["y"])
                continue
            m = _NUMBER.match(cell)
            if m and "number" not in found and len(cell) <= 48:
                number = normalize_doc_number(m["n"])
                if any(ch.isalpha() for ch in number):  # "Số 9/2024" is an issue of a bulletin
                    found["number"] = number
                continue
            m = _TYPE_LINE.match(cell)
            if m and type_index is None and (not m["of"] or is_upper_title(m["of"])):
                found["doc_type"] = m.group(1).capitalize()
                of = m["of"] or ""
                type_index = i
                continue
            m = _BULLETIN_LINE.match(cell)
            if type_index is None and m and (not m["name"].strip() or is_upper_title(m["name"])):
                found["doc_type"] = "Bản tin"
                title = cell
                if i + 1 < len(head) and _ISSUE_LINE.match(head[i + 1].strip()):
                    title = f"{cell} {head[i + 1].strip()}"  # the issue number on its own line
                found["title"] = _sentence_case(title)
                type_index = i
                break
            if type_index is None and is_upper_title(cell) and len(cell) <= 80:
                issuer_lines.append(cell)
    if issuer_lines:
        found["issuer"] = _issuer(issuer_lines)  # the lower line is the issuing body itself
    if type_index is not None and "title" not in found:
        rest = head[type_index + 1:]
        m = _OF_LINE.match(rest[0].strip(" *")) if rest and not of else None
        if m and is_upper_title(m["of"]):
            of, rest = m["of"], rest[1:]
        body = _of_body(of, issuer_lines[-1] if issuer_lines else "") if of else ""
        if body:
            found["issuer"] = body
        subject: list[str] = []
        for line in rest:
            if not line.strip() or _SEPARATOR.match(line) or classify_line(line) is not None:
                break
            if len(line) > 250 or (subject and is_upper_title(subject[0]) != is_upper_title(line)):
                break  # the subject ends where the preamble or a new upper-case title begins
            subject.append(line.strip(" *"))
            if len(subject) == 4:
                break
        found["subject"] = " ".join(subject)
    return found


def _footer(lines: list[str]) -> dict:
    tail = lines[-40:]
    for i, line in enumerate(tail):
        clean = line.replace("*", "").strip()
        if not (is_closing_line(clean) and not clean.lower().startswith("nơi nhận")):
            continue
        capacity, name = [clean], ""
        for nxt in tail[i + 1:]:
            nxt = nxt.replace("*", "").strip()
            if not nxt or re.match(r"^\(?(?:đã ký|Đã ký|ký)", nxt):
                continue
            if is_upper_title(nxt) and _CAPACITY_WORDS.search(nxt):
                capacity.append(nxt)
                continue
            candidate = title_case_org(nxt) if is_upper_title(nxt) and len(nxt.split()) <= 5 else nxt
            if _NAME.match(candidate) and not is_closing_line(nxt):
                name = candidate
                break
            if nxt.lower().startswith("nơi nhận") or nxt.startswith("-"):
                continue
            break
        return {"signer": name, "signer_capacity": " ".join(capacity)}
    return {}


def _news(lines: list[str]) -> dict:
    found: dict = {}
    for line in lines[:6]:
        m = _NEWS_DATE.match(line.strip())
        if m and _iso(m["d"], m["m"], m["y"]):
            found["date"] = _iso(m["d"], m["m"], m["y"])
            break
    if lines and not _NEWS_DATE.match(lines[0]):
        found["title"] = lines[0].strip(" *#")
    tail = [line for line in lines[-4:] if line.strip()]
    byline = _BYLINE.match(tail[-1].strip()) if tail else None
    if byline and _NAME.match(byline["name"]) and len(byline["name"].split()) <= 5:
        found["author"] = byline["name"]
        if byline["outlet"]:  # "Minh Châu (Cổng Thông tin điện tử Đảng bộ tỉnh Sông Lam)"
            found["issuer"] = byline["outlet"].strip()
    if any(re.match(r"^BẢN TIN\b", line) for line in lines[:5]):
        found["doc_type"] = "Bản tin"
    else:
        found["doc_type"] = "Tin bài"
    return found


def _has_news_date(lines: list[str]) -> bool:
    return any((m := _NEWS_DATE.match(line.strip())) and _iso(m["d"], m["m"], m["y"]) for line in lines[:6])


def display_title(doc_type: str, number: str, subject: str) -> str:
    head = " ".join(x for x in (doc_type, number) if x)
    if head and subject:
        return f"{head} {subject}" if subject[:1].islower() else f"{head}: {subject}"
    return head or subject


def extract_metadata(text: str, hints: dict | None = None, fallback_title: str = "") -> Metadata:
    """Metadata of a normalised document. `hints` (title/date/author from an HTML page) win."""
    lines = [line for line in text.split("\n") if line.strip()]
    fields = _header(lines)
    fields.update({k: v for k, v in _footer(lines).items() if v})
    is_news = not fields.get("doc_type") and not fields.get("number") and (
        bool((hints or {}).get("title")) or _has_news_date(lines)
    )
    if is_news:
        news = _news(lines)
        fields = {k: v for k, v in fields.items() if k in ("signer", "signer_capacity")} | news
    for key, value in (hints or {}).items():
        if value:
            fields[key] = value
    if is_news or fields.get("title"):  # a headline, or a bulletin's own name
        title = fields.get("title", "")
    else:
        title = display_title(fields.get("doc_type", ""), fields.get("number", ""), fields.get("subject", ""))
    hinted = (hints or {}).get("title", "")
    fields["title"] = hinted or title or fallback_title
    known = set(Metadata.__dataclass_fields__)
    return Metadata(**{k: v for k, v in fields.items() if k in known and v})
