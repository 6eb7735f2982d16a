"""Metadata that parsing got wrong, corrected by an editor in the Văn bản tab.

The Library keeps corrections apart from what parsing read and applies them again on every
re-ingestion (index/library_write.py: Library.correct); this module turns the form's text into that
call and its outcome into a Vietnamese sentence.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from vankien.answers.citation import format_date

if TYPE_CHECKING:
    from index.library import Library

FIELDS = ("doc_type", "number", "date", "issuer", "title")
LABELS = {"doc_type": "loại văn bản", "number": "số hiệu", "date": "ngày", "issuer": "cơ quan ban hành",
          "title": "tên văn bản"}


@dataclass(frozen=True)
class MetadataForm:
    """What the form shows for one document: its fields as now listed (dates as d/m/yyyy)."""

    doc_id: str
    doc_type: str = ""
    number: str = ""
    date: str = ""
    issuer: str = ""
    title: str = ""
    found: bool = True


def form_of(library: Library, doc_id: str) -> MetadataForm:
    info = next((d for d in library.documents() if d.doc_id == doc_id), None) if doc_id else None
    if info is None:
        return MetadataForm(doc_id or "", found=False)
    date = format_date(info.date).removeprefix("ngày ") if info.date else ""
    return MetadataForm(doc_id, info.doc_type, info.number, date, info.issuer, info.title)


def correct(library: Library, form: MetadataForm) -> tuple[MetadataForm, str, bool]:
    """Save the fields that differ from what is listed. Returns (the form as now listed, a message,
    whether it went wrong)."""
    if not form.doc_id:
        return form, "Hãy chọn văn bản cần sửa.", True
    before = form_of(library, form.doc_id)
    if not before.found:
        return before, "Không tìm thấy văn bản này; có thể nó vừa được gỡ khỏi chỉ mục.", True
    changed = {f: " ".join(getattr(form, f).split()) for f in FIELDS
               if " ".join(getattr(form, f).split()) != getattr(before, f)}
    if not changed:
        return before, "Không có gì thay đổi.", False
    try:
        library.correct(form.doc_id, **changed)
    except ValueError as exc:  # a date that does not exist: the Library says which
        return form, f"Chưa lưu: {exc}.", True
    after = form_of(library, form.doc_id)
    names = ", ".join(LABELS[f] for f in changed)
    return after, f"Đã lưu sửa đổi ({names}). Sửa đổi được giữ cả khi nạp lại văn bản.", False
