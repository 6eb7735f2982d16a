"""What the Hỏi đáp, Chuẩn bị sinh hoạt chuyên đề and link views ask of the index.

AnswerService wraps one Library (the same one the search service uses) and holds no per-user
state; the chosen passages, order and note of a pack live in the browser session (gr.State).
Methods return records (vankien.answers.qa.Answer, vankien.answers.pack.Pack,
vankien.answers.links.DocumentLinks); vankien/ui/answer_views.py turns them into escaped HTML.
"""
from __future__ import annotations

import subprocess
import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from vankien.answers import links as links_mod
from vankien.answers.generate import generate_answer, settings_from_env
from vankien.answers.handout_docx import (Letterhead, export_docx, export_pdf, handout_filename, load_letterhead,
                                          save_letterhead)
from vankien.answers.pack import Handout, Pack, build_pack, export_markdown, make_handout
from vankien.answers.qa import Answer, answer_question
from vankien.answers.similar import Similar, similar_documents, similar_passages

if TYPE_CHECKING:
    from index.library import Library


@dataclass(frozen=True)
class Exported:
    """The handout's files: DOCX and Markdown always, PDF when LibreOffice rendered it."""
    docx: Path
    markdown: Path
    pdf: Path | None


class AnswerService:
    def __init__(self, library: Library, export_dir: Path | None = None):
        self.library = library
        self.export_dir = Path(export_dir) if export_dir else None
        self._lock = threading.Lock()
        self._graph: links_mod.LinkGraph | None = None
        self._graph_key: tuple = ()

    @classmethod
    def open(cls, home: Path) -> "AnswerService":
        from index.library import Library

        return cls(Library.open(Path(home)))

    # ---- Hỏi đáp

    def ask(self, question: str, k: int = 15, use_llm: bool = True) -> Answer:
        answer = answer_question(self.library, question, k=k)
        settings = settings_from_env() if use_llm else None
        if settings is not None and answer.passages:
            answer = generate_answer(answer.question, answer, settings)
        return answer

    # ---- Chuẩn bị sinh hoạt chuyên đề

    def pack(self, theme: str, k: int = 20) -> Pack:
        return build_pack(self.library, theme, k=k)

    def handout(self, pack: Pack, keep: Sequence[str] | None = None, note: str = "",
                title: str = "") -> Handout:
        return make_handout(pack, keep=keep, note=note, title=title)

    def letterhead(self) -> Letterhead:
        """The chi bộ's name and place for handouts, as last saved beside the index."""
        return load_letterhead(self.library.home)

    def save_letterhead(self, letterhead: Letterhead) -> None:
        save_letterhead(self.library.home, letterhead)

    def export(self, handout: Handout, day: date | None = None) -> Exported:
        """Write DOCX, Markdown and (when LibreOffice is installed) PDF into a fresh folder, named
        from the theme and the date."""
        day = day or date.today()
        base = Path(tempfile.mkdtemp(prefix="vankien-pack-", dir=self.export_dir))
        docx_path = export_docx(handout, base / handout_filename(handout.theme, day), self.letterhead(), day)
        md_path = base / handout_filename(handout.theme, day, ".md")
        md_path.write_text(export_markdown(handout), encoding="utf-8")
        try:
            pdf_path = export_pdf(docx_path)
        except (OSError, subprocess.SubprocessError):
            pdf_path = None  # the DOCX is the handout; the PDF is a convenience
        return Exported(docx_path, md_path, pdf_path)

    # ---- links

    def graph(self) -> links_mod.LinkGraph:
        docs = self.library.documents()
        key = tuple((d.doc_id, d.ingested_at) for d in docs)
        with self._lock:
            if self._graph is None or key != self._graph_key:
                self._graph = links_mod.LinkGraph.build(self.library)
                self._graph_key = key
            return self._graph

    def find(self, doc: str):
        return links_mod.find_document(self.library, doc)

    def refs(self, doc: str) -> links_mod.DocumentLinks | None:
        info = self.find(doc)
        return self.graph().for_document(info.doc_id) if info else None

    def titles(self) -> dict[str, str]:
        return self.graph().titles()

    def info(self, doc_id: str):
        return self.graph().docs.get(doc_id)

    def coverage(self, target: str) -> tuple[str, list[links_mod.Coverage]]:
        return links_mod.coverage(self.library, target)

    # ---- similar

    def similar(self, doc: str, k: int = 5) -> tuple[list[Similar], str]:
        """Nearest documents to DOC, or nearest passages to DOC#ORDINAL; (results, label)."""
        ordinal = None
        if "#" in doc and doc.rsplit("#", 1)[1].strip().isdigit():
            doc, ordinal_text = doc.rsplit("#", 1)
            ordinal = int(ordinal_text)
        info = self.find(doc)
        if info is None:
            raise ValueError(f"Không tìm thấy văn bản «{doc}» trong chỉ mục")
        if ordinal is None:
            return similar_documents(self.library, info.doc_id, k=k), info.title
        return similar_passages(self.library, info.doc_id, ordinal, k=k), f"{info.title}, đoạn {ordinal}"
