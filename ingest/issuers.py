"""Who issued a document, as its header or signing block prints it: organisation names in their
printed case ("TỈNH ỦY TIỀN GIANG" -> "Tỉnh ủy Tiền Giang"), committees with their place, State
ministries and departments. Pure functions over header lines (ingest/metadata.py reads the rest)."""
from __future__ import annotations

import re
import unicodedata

from ingest.headings import is_upper_title

# A scan read by OCR loses or swaps tone marks ("ĐÁNG CỘNG SẢN", "TÍNH ỦY"): the Party's name and the
# organisation units are also recognised without them.
MOTTOS = re.compile(
    r"Đ[AÁÀẢÃẠ]NG C[OÔỘ]NG S[AÁẢẠ]N VI[EÊỆ]T NAM|CỘNG H(?:ÒA|OÀ) XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc",
    re.IGNORECASE,
)

# Multi-word units of organisation names with their printed case; other words are place names.
_ORG_UNITS = [
    ("BAN CHẤP HÀNH TRUNG ƯƠNG", "Ban Chấp hành Trung ương"), ("BAN CHẤP HÀNH", "Ban Chấp hành"),
    ("BAN THƯỜNG VỤ", "Ban Thường vụ"), ("BAN BÍ THƯ", "Ban Bí thư"), ("BỘ CHÍNH TRỊ", "Bộ Chính trị"),
    ("THỦ TƯỚNG CHÍNH PHỦ", "Thủ tướng Chính phủ"), ("ỦY BAN THƯỜNG VỤ", "Ủy ban Thường vụ"),
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
    ("THỊ TRẤN", "thị trấn"), ("TỔ DÂN PHỐ", "tổ dân phố"), ("KHU PHỐ", "khu phố"), ("THÔN", "thôn"),
    ("ẤP", "ấp"), ("XÓM", "xóm"), ("BUÔN", "buôn"), ("KHỐI CÁC CƠ QUAN", "Khối các cơ quan"),
    ("KHỐI DOANH NGHIỆP", "Khối doanh nghiệp"), ("CƠ QUAN", "cơ quan"), ("XÃ", "xã"), ("HUYỆN", "huyện"), ("TỈNH", "tỉnh"), ("PHƯỜNG", "phường"),
    ("QUẬN", "quận"), ("GIAO THÔNG VẬN TẢI", "Giao thông vận tải"), ("Y TẾ", "Y tế"), ("CÔNG AN", "Công an"),
    ("QUỐC PHÒNG", "Quốc phòng"), ("TƯ PHÁP", "Tư pháp"), ("NỘI VỤ", "Nội vụ"), ("TÀI CHÍNH", "Tài chính"),
    ("BỘ", "Bộ"), ("BAN", "Ban"), ("VÀ", "và"),
]


def fold(text: str) -> str:
    """Upper case without tone marks: "TÍNH ỦY" and "TỈNH ỦY" both read "TINH UY"."""
    text = unicodedata.normalize("NFD", text.upper().replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(ch for ch in text if not unicodedata.combining(ch)))


_FOLDED_UNITS = [(fold(upper), len(upper.split()), printed) for upper, printed in _ORG_UNITS]


def _org_words(name: str) -> list[tuple[str, bool]]:
    """Printed words of an organisation name, each with True for a unit ("Tỉnh ủy"), False for a name.
    Units of several words are also matched without tone marks (OCR's "TÍNH ỦY" is a "Tỉnh ủy")."""
    words, out, i = name.split(), [], 0
    folded = [fold(w) for w in words] if name.isupper() else None
    while i < len(words):
        for (upper, printed), (key, n, _) in zip(_ORG_UNITS, _FOLDED_UNITS):
            # folded only for units of several words: "TĨNH" in "HÀ TĨNH" is a name, not a "tỉnh"
            if " ".join(words[i:i + n]).upper() == upper or folded and n > 1 and " ".join(folded[i:i + n]) == key:
                out.append((printed, True))
                i += n
                break
        else:
            out.append((words[i][:1].upper() + words[i][1:].lower(), False))
            i += 1
    return out


def title_case_org(name: str) -> str:
    """"TỈNH ỦY TIỀN GIANG" -> "Tỉnh ủy Tiền Giang"; "ĐẢNG ỦY XÃ DIÊN KHÁNH" -> "Đảng ủy xã Diên Khánh"."""
    ministry = _ministry(name) if name.isupper() else ""
    if ministry:
        return ministry
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
_DEPARTMENT = re.compile(
    r"^(?!BAN BÍ THƯ|BAN CHẤP HÀNH)(?:BAN|VĂN PHÒNG|ỦY BAN KIỂM TRA|UỶ BAN KIỂM TRA|ĐẢNG ĐOÀN|BAN CÁN SỰ ĐẢNG)\b"
)
# A ministry: "BỘ TÀI CHÍNH" -> "Bộ Tài chính", "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" -> "Bộ Lao động -
# Thương binh và Xã hội" (each branch of the name starts upper-case). Not "BỘ CHÍNH TRỊ".
_MINISTRY = re.compile(r"^BỘ\s+(?!CHÍNH TRỊ\b)(?P<name>[A-ZĐÀ-Ỹ].*)$")


def _ministry(name: str) -> str:
    """ "BỘ TÀI CHÍNH - BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI" -> "Bộ Tài chính - Bộ Lao động - ..."; "" if none."""
    parts = re.split(r"\s+-\s+(?=BỘ\s)", name.strip())
    out = []
    for part in parts:
        m = _MINISTRY.match(part)
        if not m:
            return ""
        branches = []
        for branch in re.split(r"(\s+-\s+|\s+VÀ\s+|,\s*)", m["name"]):
            if re.fullmatch(r"\s+-\s+|\s+VÀ\s+|,\s*", branch or " - "):
                branches.append(branch.lower().replace(" và ", " và "))
            else:
                low = branch.lower()
                branches.append(low[:1].upper() + low[1:])
        out.append("Bộ " + "".join(branches))
    return " - ".join(out)


def issuer_of(lines: list[str]) -> str:
    """Issuing body from the upper-case lines above the type, the lowest line first.

    A department with no place of its own is completed from the line above: "TỈNH ỦY SÔNG LAM" over
    "BAN TỔ CHỨC" gives "Ban Tổ chức Tỉnh ủy Sông Lam"; "BAN CHẤP HÀNH TRUNG ƯƠNG" over "BAN TỔ
    CHỨC" gives "Ban Tổ chức Trung ương"; a lower line that ends in its committee ("BAN THƯỜNG VỤ
    TỈNH ỦY") takes only the place ("Sông Lam"). A name wrapped before its place ("BAN CHẤP HÀNH
    ĐẢNG BỘ" / "TỈNH KHÁNH HÒA") is one line again.
    """
    words = _org_words(lines[-1])
    if len(lines) >= 2 and words and words[0][0] in _LEVELS and not _place_name(lines[-2]) \
            and not MOTTOS.search(lines[-2]) and not _DEPARTMENT.match(lines[-1]):
        lines = lines[:-2] + [f"{lines[-2]} {lines[-1]}"]
    lower = title_case_org(lines[-1])
    if len(lines) < 2 or not _DEPARTMENT.match(lines[-1].upper()) or _place_name(lines[-1]):
        return lower
    parent = lines[-2]
    if MOTTOS.search(parent) or not is_upper_title(parent):
        return lower
    place = _place_name(parent)
    if lower.endswith(_COMMITTEES):
        return f"{lower} {place}" if place else lower
    parent_tc = title_case_org(parent)
    if parent_tc.startswith("Ban Chấp hành "):
        parent_tc = parent_tc[len("Ban Chấp hành "):]  # "Ban Tổ chức Trung ương", not "... Ban Chấp hành ..."
    return f"{lower} {parent_tc}"


def issuer_of_body(of: str, header_issuer_line: str) -> str:
    """ "BAN BÍ THƯ" -> "Ban Bí thư"; "BAN CHẤP HÀNH ĐẢNG BỘ TỈNH" takes the header's place name.

    "" when the words after CỦA do not open with an organisation ("CỦA ĐỒNG CHÍ ..."); the term or
    occasion after the body ("... KHÓA XII TẠI ĐẠI HỘI ...") is not part of it.
    """
    of = re.sub(r"\s+(?:KHÓA|KHOÁ|TẠI|VỀ|TRÌNH|NHIỆM KỲ)\b.*$", "", of)
    words = _org_words(of)
    if not words or not words[0][1]:
        return ""
    body = title_case_org(of)
    # "CỦA BAN THƯỜNG VỤ TỈNH ỦY" under a header "TỈNH ỦY LÀO CAI": the committee's place completes it
    if body.endswith(_LEVELS + _COMMITTEES) and not _place_name(of) and header_issuer_line:
        place = _place_name(header_issuer_line)
        if place:
            body = f"{body} {place}"
    return body
