"""What the encoder reads for a passage: the embedding recipe, recorded in every index's manifest.

"passage": the passage text alone (indexes built before issue 13).
"title+path+passage": the document's title and the passage's heading path above its text, so a
news paragraph or a law clause that never names its subject still carries it into its vector
(docs/quality.md, issue 13). An index built with another recipe asks to be rebuilt.
"""
from __future__ import annotations

from typing import Sequence

RECIPES = ("passage", "title+path+passage")
DEFAULT_RECIPE = "title+path+passage"
LEGACY_RECIPE = "passage"  # what a manifest without a recipe was built with


def embedded_text(text: str, title: str = "", heading_path: Sequence[str] = (),
                  recipe: str = DEFAULT_RECIPE) -> str:
    """The text the encoder embeds for one passage; parts the text already starts with are not repeated."""
    if recipe not in RECIPES:
        raise ValueError(f"công thức nhúng {recipe!r} không có; chọn một trong {', '.join(RECIPES)}")
    if recipe == "passage":
        return text
    head = text.lstrip()[:400]
    parts = [p.strip() for p in (title, " > ".join(h for h in heading_path if h.strip()))]
    parts = [p for p in parts if p and not head.startswith(p)]
    return "\n".join([*dict.fromkeys(parts), text])


def document_texts(doc, recipe: str = DEFAULT_RECIPE) -> list[str]:
    """embedded_text of every passage of an ingest.records.ParsedDocument."""
    title = (doc.metadata.title or "").strip()
    return [embedded_text(p.text, title, p.heading_path, recipe) for p in doc.passages]
