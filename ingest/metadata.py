"""Metadata read from the standard layout of Party documents (Hướng dẫn 36-HD/VPTW), State documents
(Nghị định 30/2020/NĐ-CP) and news items.

Header: issuing body top left ("TỈNH ỦY TIỀN GIANG"), the Party's name (or the State's motto) top
right, "Số 95-KH/TU" under the issuer, "Tiền Giang, ngày 28 tháng 4 năm 2023" under the motto, then
the type ("KẾ HOẠCH") and the subject line (trích yếu). Footer: "T/M BAN THƯỜNG VỤ", the position,
the name. Real files bring the two columns in every shape: flattened into one line, interleaved
line by line (PDF text layers), as a Markdown table ("| BỘ TÀI CHÍNH ------- | CỘNG HÒA ... |"),
with the place-date line wrapped, the number written "Số  38 - HD/BTCTW" or "57\\-NQ/TW". Lines are
cleaned and split into cells first; each cell is then a number, a place-date, a type line, a
motto (skipped) or, above the type, a candidate issuer line. The signing block names the body when
the header does not ("BAN CHẤP HÀNH TRUNG ƯƠNG" over a text signed "T/M BAN BÍ THƯ"). Every field
is optional: a field not found in the text stays "", nothing is guessed.
"""
from __future__ import annotations

import re

from vntext.docnumber import parse_leading_number
from ingest.headings import classify_line, is_closing_line, is_upper_title
from ingest.issuers import MOTTOS, fold, issuer_of, issuer_of_body, title_case_org
from ingest.news_meta import NAME_LINE, has_news_date, iso_date, looks_like_article, news_fields
from ingest.records import Metadata

DOC_TYPES = [
    "KẾ HOẠCH", "HƯỚNG DẪN", "CHỈ THỊ", "NGHỊ QUYẾT", "KẾT LUẬN", "QUY ĐỊNH", "QUYẾT ĐỊNH",
    "THÔNG BÁO", "BÁO CÁO", "CÔNG VĂN", "TỜ TRÌNH", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "QUY CHẾ", "THÔNG TRI",
    "NGHỊ ĐỊNH", "THÔNG TƯ", "BỘ LUẬT", "LUẬT", "PHÁP LỆNH", "HIẾN PHÁP", "BIÊN BẢN", "LỜI KÊU GỌI",
    "DIỄN VĂN", "TUYÊN BỐ", "ĐIỀU LỆ", "VĂN BẢN HỢP NHẤT", "THÔNG TƯ LIÊN TỊCH", "NGHỊ QUYẾT LIÊN TỊCH",
    "THÔNG BÁO KẾT LUẬN", "CHƯƠNG TRÌNH HÀNH ĐỘNG",
]
# Compound types that read as their head type ("THÔNG BÁO KẾT LUẬN" is a Thông báo).
_TYPE_ALIASES = {"THÔNG BÁO KẾT LUẬN": "THÔNG BÁO", "CHƯƠNG TRÌNH HÀNH ĐỘNG": "CHƯƠNG TRÌNH"}
_TYPE_LINE = re.compile(
    r"^(" + "|".join(sorted(DOC_TYPES, key=len, reverse=True)) + r")(?:\s+C[ỦU]A\s+(?P<of>.{3,80}?))?\s*$"
)
# A type line read by OCR with a tone mark lost or swapped ("KÉT LUẬN"): the whole cell, compared
# without tone marks, is a type.
_FOLDED_TYPES = {fold(t): t for t in DOC_TYPES}
# "CỦA BAN BÍ THƯ" on the line under the type: the body that issues it (the header may show only
# the generic "BAN CHẤP HÀNH TRUNG ƯƠNG").
_OF_LINE = re.compile(r"^C[ỦU]A\s+(?P<of>.{3,80}?)\s*$")  # OCR drops the hook: "CUA"
# A bulletin names itself where the type would be: "BẢN TIN SINH HOẠT CHI BỘ – Số 9/2024".
_BULLETIN_LINE = re.compile(r"^BẢN TIN\b(?P<name>.{0,80}?)(?:\s*[–—-]?\s*(?:Số|SỐ)\s+\d{1,3}(?:/\d{4})?)?\s*$")
_ISSUE_LINE = re.compile(r"^(?:Số|SỐ)\s+\d{1,3}(?:/\d{4})?$")
# Pieces of the mottos when a PDF breaks them over lines ("ĐẢNG CỘNG SẢN" / "VIỆT NAM"): never an issuer.
_MOTTO_PIECE = re.compile(
    r"^(?:ĐẢNG CỘNG SẢN|VIỆT NAM|CỘNG H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA|XÃ HỘI CHỦ NGHĨA VIỆT NAM|"
    r"ĐỘC LẬP|TỰ DO|HẠNH PHÚC|ĐỘC LẬP\s*-\s*TỰ DO\s*-\s*HẠNH PHÚC)$"
)
# An issuer line names an organisation: it holds one of these words.
_ORG_WORD = re.compile(
    r"(?:^|\s)(?:ỦY|UỶ|BAN|BỘ|ĐẢNG|CHI BỘ|VĂN PHÒNG|CHÍNH PHỦ|QUỐC HỘI|THỦ TƯỚNG|HỘI ĐỒNG|SỞ|CỤC|"
    r"TỔNG CỤC|TRƯỜNG|HỌC VIỆN|VIỆN|MẶT TRẬN|ĐOÀN|HỘI|TẬP ĐOÀN|TỔNG CÔNG TY|CÔNG TY|TÒA ÁN|"
    r"NGÂN HÀNG|CHỦ TỊCH|KIỂM TOÁN|TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|XÃ|PHƯỜNG)(?:\s|$)"
)
_DAY = r"\d\s?\d|\d"
# The place starts a word, never inside a number's symbol ("Số 31-CTr/TW Hà Nội, ngày ..." on one line).
_PLACE_DATE = re.compile(
    r"(?<![\w/-])(?P<place>[A-ZĐÀ-Ỹ][\wÀ-ỹĐđ .'-]{1,40}?)\s*,\s*ngày\s+(?P<d>" + _DAY + r")\s+tháng\s+(?P<m>" + _DAY
    + r")\s+năm\s+(?P<y>\d{4})"
)
# A place-date line cut before its year: the next line completes it.
_PLACE_DATE_CUT = re.compile(r"[A-ZĐÀ-Ỹ][\wÀ-ỹĐđ .'-]{1,40}?,\s*ngày\b[\d\s]*(?:tháng[\d\s]*)?(?:năm\s*)?$")
_NUMBER_CELL = re.compile(
    r"^(?:Số|SỐ|(?:Luật|LUẬT|Bộ luật|Pháp lệnh|PHÁP LỆNH|Nghị quyết|Nghị định|Quyết định)\s+(?:số|SỐ))\s*:?\s*(?P<n>.*)$"
)
# A Công văn's subject under its number: "V/v ...", or written out "về việc ..." (Party letters).
_VV_LINE = re.compile(r"^(?:(?:V/v|V/V|v/v)\s*[.:]?\s*\S|[Vv]ề việc\s+\S)")
_SEPARATOR = re.compile(r"^[\s\-_=*~.·•]+$")
_CELL_SPLIT = re.compile(r"\s*\|\s*|\t+|\s{3,}|\s*-{3,}\s*|\s*_{3,}\s*")
_CAPACITY_WORDS = re.compile(
    r"(?:^|\s)(?:BÍ THƯ|TRƯỞNG|CHỦ TỊCH|TƯỚNG|GIÁM ĐỐC|CHỦ NHIỆM|THƯỜNG TRỰC|ỦY VIÊN|THƯ KÝ|CHÁNH|"
    r"KIỂM SÁT|CHÁNH ÁN|TỔNG CỤC)(?:\s|$)"
)
# Last line of a news item: the author, and in brackets the outlet that published it.
# Words that open the body of a document: the subject (trích yếu) has ended before them.
_BODY_OPENING = re.compile(
    r"^(?:Căn cứ|Thực hiện|Kính gửi|Theo đề nghị|Xét đề nghị|Trên cơ sở|Nhằm|Để\s|Trong (?:những|thời gian|năm)|"
    r"Thời gian qua|Những năm qua|Hôm nay|Sau khi|Qua \d|Ngày \d|Vừa qua|Tại\s|QUYẾT ĐỊNH\s*:|QUYẾT NGHỊ\s*:|"
    r"NGHỊ QUYẾT\s*:|CHỈ THỊ\s*:)"
)
# The issuing authority printed on its own line under the subject of a State document.
_AUTHORITY_LINE = re.compile(
    r"^(?:CHÍNH PHỦ|THỦ TƯỚNG CHÍNH PHỦ|ỦY BAN|UỶ BAN|CHỦ TỊCH|BỘ TRƯỞNG|QUỐC HỘI|HỘI ĐỒNG NHÂN DÂN|"
    r"BAN CHẤP HÀNH|BAN THƯỜNG VỤ|BAN BÍ THƯ|BỘ CHÍNH TRỊ|TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|ĐẢNG ỦY|CHI BỘ|"
    r"TỔNG CỤC TRƯỞNG|CỤC TRƯỞNG|GIÁM ĐỐC)\b[^,.;:]{0,80}$"
)
# Bodies a signing block may name: the issuer when the header shows only the committee above them.
_SIGNING_BODIES = ("BAN BÍ THƯ", "BỘ CHÍNH TRỊ", "BAN CHẤP HÀNH TRUNG ƯƠNG")
# A letter cut from its word by a converter: "B Ộ LAO ĐỘNG", "V À X Ã HỘI".
_SPLIT_LETTERS = re.compile(r"\b([A-ZĐ]) ([À-ỸĂÂÊÔƠƯ])(?=\s|$)")
# A word's final consonants cut off by a converter in running text: "trung ươ n g" (two or more lone
# consonants: no Vietnamese word is one consonant, while one may be a list letter, "điểm c").
_SPLIT_TAIL = re.compile(r"(?<=[a-zà-ỹđ][a-zà-ỹđ])((?: [bcdđghklmnpqrstvx]){2,})(?=[\s,.;:]|$)")

def _sentence_case(line: str) -> str:
    """ "BẢN TIN SINH HOẠT CHI BỘ – Số 9/2024" -> "Bản tin sinh hoạt chi bộ số 9/2024"."""
    text = re.sub(r"\s*[–—-]\s*(?=số\b)", " ", " ".join(line.lower().split()))
    return text[:1].upper() + text[1:]


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


def _clean_line(line: str) -> str:
    """A header line without Markdown: "# KẾ HOẠCH", "**Số 12-KH/TU**", "57\\-NQ/TW", "|---|---|"."""
    line = re.sub(r"^\s*#{1,6}\s+", "", line)
    line = line.replace("**", "").replace("__", "").replace("\\", "")
    if re.fullmatch(r"[\s|:\-]+", line):  # a Markdown table's rule row
        return ""
    return line.strip()


def _cells(line: str) -> list[str]:
    """Split a flattened two-column header line into its cells."""
    line = MOTTOS.sub(lambda m: f" | {m.group(0)} | ", line)
    line = _PLACE_DATE.sub(_split_place_date, line)
    cells = [c.strip(" *") for c in _CELL_SPLIT.split(line) if c.strip(" *")]
    return [_SPLIT_LETTERS.sub(r"\1\2", c) if c.isupper() else c for c in cells]


def _join_wrapped(lines: list[str]) -> list[str]:
    """A place-date line wrapped over two lines ("Hà Nội, ngày 15 tháng 5" / "năm 2024") made one."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if i + 1 < len(lines) and _PLACE_DATE_CUT.search(line) and not _PLACE_DATE.search(line):
            joined = f"{line} {lines[i + 1]}"
            if _PLACE_DATE.search(joined):
                out.append(joined)
                i += 2
                continue
        out.append(line)
        i += 1
    return out


def _body_start(lines: list[str]) -> int:
    for i, line in enumerate(lines):
        if line.lstrip().startswith("#"):
            continue  # a Markdown title above the header, not the body's first heading
        if classify_line(line) is not None or line.startswith(("Thực hiện", "Căn cứ")):
            return i
    return len(lines)


def _is_issuer_cell(cell: str) -> bool:
    return (is_upper_title(cell) and len(cell) <= 100 and not _MOTTO_PIECE.match(cell)
            and bool(_ORG_WORD.search(cell)))


def _upper_or_short(line: str) -> bool | None:
    """True for an upper-case line, False for a mixed one, None when too short to tell ("VỀ")."""
    letters = [ch for ch in line if ch.isalpha()]
    if len(letters) < 3:
        return None
    return all(ch.isupper() for ch in letters)


def _subject(rest: list[str]) -> tuple[list[str], int]:
    """The trích yếu lines at the top of `rest`, and how many lines of `rest` they took."""
    subject: list[str] = []
    case = None
    taken = 0
    for i, line in enumerate(rest):
        line = line.strip(" *")
        if not line:  # a blank line: the subject goes on unless a sentence of the body follows
            following = next((x.strip(" *") for x in rest[i + 1:] if x.strip(" *")), "")
            if subject and (not following or _BODY_OPENING.match(following)
                            or following.endswith((".", ";", ":")) and not following.isupper()
                            or case is False and following[:1].isupper() and not following.isupper()):
                break  # a mixed-case subject goes on in lower case; a capital opens the body
            taken += 1
            continue
        if _SEPARATOR.match(line) or classify_line(line) is not None or _BODY_OPENING.match(line):
            break
        if len(line) > 300 or MOTTOS.fullmatch(line) or _PLACE_DATE.search(line):
            break
        if subject and len(line) > 120 and line.endswith((".", ";", ":")) and not line.isupper():
            break  # a paragraph of the body, written as sentences, not the next line of the subject
        kind = _upper_or_short(line)
        # "HỘI NGHỊ LẦN THỨ BA" / "BAN CHẤP HÀNH TRUNG ƯƠNG ĐẢNG KHÓA XIV" / "về ...": a conference's
        # text names the conference, then its subject in lower case
        conference = bool(subject) and subject[0].upper().startswith(("HỘI NGHỊ", "HOI NGHI"))
        if conference and case and kind is False and line.startswith("về "):
            case = False
        elif subject and kind is not None and case is not None and kind != case:
            break  # the subject ends where the preamble or a new upper-case title begins
        if subject and kind and _AUTHORITY_LINE.match(line) and not conference:
            break  # "THỦ TƯỚNG CHÍNH PHỦ" under the subject of a State document
        subject.append(line)
        taken += 1
        case = kind if case is None else case
        if len(subject) == 8:
            break
    return subject, taken


def _header(lines: list[str]) -> dict:
    found: dict = {}
    head = _join_wrapped([_clean_line(line) for line in lines[: min(_body_start(lines), 60)]])
    issuer_lines: list[str] = []
    type_index = None
    of = ""
    for i, line in enumerate(head):
        if not line or len(line) > 250:  # a blank line, or running text, not a header cell
            continue
        if type_index is not None and "title" in found:
            break  # a bulletin: what follows its name is its first article, not header
        for cell in _cells(line):
            if MOTTOS.fullmatch(cell) or _SEPARATOR.match(cell):
                continue
            m = _PLACE_DATE.fullmatch(cell.rstrip(". "))
            if m and "date" not in found:
                found["place"], found["date"] = m["place"].strip(), iso_date(m["d"], m["m"], m["y"])
                continue
            m = _NUMBER_CELL.match(cell)
            if m and "number" not in found and len(cell) <= 60:
                printed = m["n"] or next((x for x in head[i + 1:i + 3] if x.strip()), "")  # "Số" / "45-CT/TW"
                number = parse_leading_number(printed)
                if number:  # "Số 9/2024" is an issue of a bulletin, "Số: /QĐ-UBND" a blank
                    found["number"] = number
                continue
            if type_index is None and _VV_LINE.match(cell) and "vv" not in found:
                found["vv"] = (i, cell)  # "V/v ..." under the number: a Công văn's subject
                continue
            m = _TYPE_LINE.match(cell) or (_TYPE_LINE.match(_FOLDED_TYPES[fold(cell)])
                                            if is_upper_title(cell) and fold(cell) in _FOLDED_TYPES else None)
            if m and type_index is None and (not m["of"] or is_upper_title(m["of"])):
                found["doc_type"] = _TYPE_ALIASES.get(m.group(1), m.group(1)).capitalize()
                of = m["of"] or ""
                type_index = i
                continue
            m = _BULLETIN_LINE.match(cell)
            if type_index is None and m and (not m["name"].strip() or is_upper_title(m["name"])):
                found["doc_type"] = "Bản tin"
                title = cell
                following = next((x.strip() for x in head[i + 1:] if x.strip()), "")
                if _ISSUE_LINE.match(following):
                    title = f"{cell} {following}"  # the issue number on its own line
                found["title"] = _sentence_case(title)
                type_index = i
                break
            if type_index is None and _is_issuer_cell(cell):
                issuer_lines.append(cell)
    if issuer_lines:
        found["issuer"] = issuer_of(issuer_lines)  # the lower line is the issuing body itself
    vv = found.pop("vv", None)
    if type_index is None and vv is not None:
        index, cell = vv
        more, _ = _subject([c for line in head[index + 1:] for c in _cells(line)])
        found["doc_type"] = "Công văn"
        found["subject"] = _SPLIT_TAIL.sub(lambda m: m.group(1).replace(" ", ""),
                                           " ".join([cell] + [m for m in more if not _is_issuer_cell(m)]))
    if type_index is not None and "title" not in found:
        rest = head[type_index + 1:]
        m = _OF_LINE.match(rest[0].strip(" *")) if rest and not of else None
        if m and is_upper_title(m["of"]):
            of, rest = m["of"], rest[1:]
        body = issuer_of_body(of, issuer_lines[-1] if issuer_lines else "") if of else ""
        if body:
            found["issuer"] = body
        subject, taken = _subject(rest)
        found["subject"] = _SPLIT_TAIL.sub(lambda m: m.group(1).replace(" ", ""), " ".join(subject))
        after = [line for line in rest[taken:] if line][:2]
        authority = next((line for line in after if _AUTHORITY_LINE.match(line) and line.isupper()), "")
        if authority and issuer_lines and authority.startswith(issuer_lines[-1]) and authority != issuer_lines[-1]:
            found["issuer"] = title_case_org(authority)  # "ỦY BAN THƯỜNG VỤ" completed: "... QUỐC HỘI"
    return found


def _footer(lines: list[str]) -> dict:
    tail = lines[-40:]
    for i, line in enumerate(tail):
        clean = line.replace("*", "").strip()
        # the recipients' column and the signing column flattened into one line
        clean = re.sub(r"^N[ơo]i nh[ậâa]n\s*:?\s*(?=\S)", "", clean, flags=re.IGNORECASE) or clean
        if not (is_closing_line(clean) and not clean.lower().startswith("nơi nh")):
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
            if NAME_LINE.match(candidate) and not is_closing_line(nxt):
                name = candidate
                break
            if nxt.lower().startswith("nơi nhận") or nxt.startswith("-"):
                continue
            break
        return {"signer": name, "signer_capacity": " ".join(capacity), "signing": clean}
    return {}


def _signed_issuer(fields: dict) -> str:
    """Issuer named by the signing block where the header names only the committee above it.

    "BAN CHẤP HÀNH TRUNG ƯƠNG" over a text signed "T/M BAN BÍ THƯ" (or "T/L BAN BÍ THƯ") is a
    text of the Ban Bí thư; so for "T/M BỘ CHÍNH TRỊ". A header with no issuer at all takes the
    signing body as printed ("T/M BAN THƯỜNG VỤ" -> "Ban Thường vụ"). A local committee signed
    "T/M BAN THƯỜNG VỤ" keeps its header ("Tỉnh ủy Tiền Giang").
    """
    m = re.match(r"^(?:T/M|TM\.?|T/L|TL\.?)\s*(?P<body>.+)$", fields.get("signing", ""))
    if not m:
        return ""
    words = m["body"].split()
    body = next((b for b in _SIGNING_BODIES if m["body"].startswith(b)), "")
    issuer = fields.get("issuer", "")
    if body and (not issuer or issuer in ("Ban Chấp hành Trung ương", "Trung ương")):
        return title_case_org(body)
    if not issuer and words:
        for cut in range(len(words), 0, -1):  # "T/M BAN THƯỜNG VỤ PHÓ BÍ THƯ": the body before the post
            name = " ".join(words[:cut])
            if not _CAPACITY_WORDS.search(name) and _ORG_WORD.search(name):
                return title_case_org(name)
    return ""


def display_title(doc_type: str, number: str, subject: str) -> str:
    head = " ".join(x for x in (doc_type, number) if x)
    if head and subject:
        return f"{head} {subject}" if subject[:1].islower() else f"{head}: {subject}"
    return head or subject


def extract_metadata(text: str, hints: dict | None = None, fallback_title: str = "") -> Metadata:
    """Metadata of a normalised document. `hints` (title/date/author from an HTML page) win."""
    lines = [line for line in text.split("\n") if line.strip()]
    fields = _header(text.split("\n"))  # blank lines kept: a subject ends before a body paragraph
    fields.update({k: v for k, v in _footer(lines).items() if v})
    signed = _signed_issuer(fields)
    if signed:
        fields["issuer"] = signed
    header_found = any(fields.get(k) for k in ("doc_type", "number", "date"))
    is_news = not fields.get("doc_type") and not fields.get("number") and (
        bool((hints or {}).get("title")) or has_news_date(lines) or (not header_found and looks_like_article(lines))
    )
    if is_news:
        news = news_fields(lines)
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
