"""Plain-text helpers for display: one line, at most so many characters."""
from __future__ import annotations


def shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a space in its second half (else mid-word)
    and ended with "…" when cut."""
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit - 1)
    return text[:cut if cut > limit // 2 else limit - 1].rstrip(" ,;:") + "…"
