"""What a "Thêm vào tài liệu" button does, from any tab: the passage joins the user's pack
(vankien/services/packs.py), kept beside the index until the handout is exported, and a toast says so.
One PackBuilder per Library, shared by the tabs."""
from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import gradio as gr

from vankien.services.packs import PackBuilder

if TYPE_CHECKING:
    from index.library import Library

_BUILDERS: "weakref.WeakKeyDictionary[Library, PackBuilder]" = weakref.WeakKeyDictionary()


def pack_builder(service: Any) -> PackBuilder:
    library = service.library
    if library not in _BUILDERS:
        _BUILDERS[library] = PackBuilder(library)
    return _BUILDERS[library]


def user_of(request: gr.Request | None) -> str | None:
    return getattr(request, "username", None) if request is not None else None


def add_message(ok: bool, count: int) -> str:
    if not ok:
        return "Không thêm được: đoạn này không còn trong chỉ mục."
    return f"Đã thêm vào tài liệu ({count} đoạn). Xem ở thẻ «Chuẩn bị sinh hoạt chuyên đề»."


def add_to_pack(service: Any, key: str, request: gr.Request | None) -> None:
    """The "Thêm vào tài liệu" of a result card or an answer source: a toast says what happened."""
    entries, ok = pack_builder(service).add(user_of(request), key)
    (gr.Info if ok else gr.Warning)(add_message(ok, sum(e.ticked for e in entries)))
