"""A metadata field as a user types it (a correction in the Văn bản tab, `vankien correct`), put in the
form parsing gives: numbers canonical, dates ISO. Pure."""
from __future__ import annotations

import re
from datetime import date as _date

from vntext.docnumber import normalize_doc_number


def normalize_field(field: str, value: str) -> str:
    """A corrected value in the form parsing gives: numbers canonical, dates ISO; "" stays ""."""
    value = " ".join((value or "").split())
    if not value:
        return ""
    if field == "number":
        return normalize_doc_number(value) or value
    if field == "date":
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        if m:
            value = f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"
        try:
            return _date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValueError(f"ngày {value!r} không hợp lệ; dùng YYYY-MM-DD hoặc ngày/tháng/năm") from None
    return value
