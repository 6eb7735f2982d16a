"""Generated answers, optional: a short Vietnamese answer composed by a language model the user
runs on their own network (Ollama, llama.cpp server, vLLM: any OpenAI-compatible
`/v1/chat/completions`), from the retrieved passages only.

Nothing is sent anywhere unless VANKIEN_LLM_URL is set (with VANKIEN_LLM_MODEL, and
VANKIEN_LLM_KEY when the server wants a bearer token). The model sees numbered passages and must
cite them as [1], [2]; citations to passages it was not given are removed, and an answer left with
no valid citation, or an endpoint that fails or times out, gives the extractive answer instead.
"""
from __future__ import annotations

import json
import logging
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Sequence

from vankien.answers.qa import Answer, Citation, citation_for

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "Bạn là trợ lý tra cứu văn kiện Đảng. Chỉ trả lời dựa trên các đoạn trích được đánh số dưới đây, "
    "không dùng kiến thức bên ngoài. Trả lời ngắn gọn bằng tiếng Việt (tối đa 3 câu). Sau mỗi ý, ghi "
    "số đoạn trích làm căn cứ trong ngoặc vuông, ví dụ [1] hoặc [2][3]. Nếu các đoạn trích không "
    "chứa câu trả lời, trả lời đúng một câu: \"Không tìm thấy nội dung trả lời trong các văn bản đã có\"."
)
_CITE = re.compile(r"\[(\d{1,3})\]")


@dataclass(frozen=True)
class LLMSettings:
    url: str  # base URL, e.g. "http://10.0.0.5:11434" or ".../v1"; /v1/chat/completions is added
    model: str
    key: str = ""
    timeout: float = 60.0
    max_passages: int = 5

    @property
    def endpoint(self) -> str:
        base = self.url.rstrip("/")
        if base.endswith("/chat/completions"):
            return base
        if not base.endswith("/v1"):
            base += "/v1"
        return base + "/chat/completions"


def settings_from_env(env: dict | None = None) -> LLMSettings | None:
    """The configured endpoint, or None when VANKIEN_LLM_URL is unset (then nothing is sent)."""
    env = os.environ if env is None else env
    url = (env.get("VANKIEN_LLM_URL") or "").strip()
    if not url:
        return None
    timeout = float(env.get("VANKIEN_LLM_TIMEOUT") or 60)
    return LLMSettings(url=url, model=(env.get("VANKIEN_LLM_MODEL") or "").strip(),
                       key=(env.get("VANKIEN_LLM_KEY") or "").strip(), timeout=timeout)


def build_messages(question: str, passages: Sequence[Any]) -> list[dict]:
    """System + user messages: the question and the passages numbered [1]..[n] with their source."""
    lines = []
    for n, hit in enumerate(passages, 1):
        source = citation_for(n, hit, (0, 0)).citation
        lines.append(f"[{n}] ({source})\n{hit.text.strip()}")
    user = "Các đoạn trích:\n\n" + "\n\n".join(lines) + f"\n\nCâu hỏi: {question}\nTrả lời:"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def call_chat(settings: LLMSettings, messages: list[dict]) -> str:
    """POST to the chat-completions endpoint; the reply's text. Raises on HTTP/network/format errors."""
    body = {"model": settings.model, "messages": messages, "temperature": 0.1, "stream": False}
    headers = {"Content-Type": "application/json"}
    if settings.key:
        headers["Authorization"] = f"Bearer {settings.key}"
    req = urllib.request.Request(settings.endpoint, data=json.dumps(body).encode("utf-8"),
                                 headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=settings.timeout) as resp:
        payload = json.loads(resp.read().decode("utf-8"))
    return str(payload["choices"][0]["message"]["content"])


def check_citations(text: str, n_passages: int) -> tuple[str, list[int]]:
    """Remove [n] markers that name no supplied passage; (cleaned text, valid numbers in order)."""
    valid: list[int] = []

    def keep(m: re.Match) -> str:
        n = int(m.group(1))
        if 1 <= n <= n_passages:
            if n not in valid:
                valid.append(n)
            return m.group(0)
        return ""

    cleaned = _CITE.sub(keep, text)
    cleaned = re.sub(r"[ \t]+([.,;:])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    return cleaned, valid


def generate_answer(question: str, extractive: Answer, settings: LLMSettings | None = None,
                    passages: Sequence[Any] | None = None) -> Answer:
    """A generated Answer citing the supplied passages, or `extractive` unchanged when not
    configured, when the endpoint fails, or when no valid citation remains."""
    settings = settings if settings is not None else settings_from_env()
    passages = list(passages if passages is not None else extractive.passages)[
        : settings.max_passages if settings else 0]
    if settings is None or not passages:
        return extractive
    try:
        reply = call_chat(settings, build_messages(question, passages))
    except (urllib.error.URLError, OSError, TimeoutError, ValueError, KeyError, IndexError,
            TypeError) as exc:
        log.warning("Máy chủ mô hình ngôn ngữ không trả lời (%s): dùng câu trả lời trích xuất.", exc)
        return extractive
    text, valid = check_citations(reply, len(passages))
    if not valid:
        return extractive
    # Renumber so the answer's markers are [1]..[m] in order of first use.
    renumber = {old: new for new, old in enumerate(valid, 1)}
    text = _CITE.sub(lambda m: f"[{renumber[int(m.group(1))]}]", text)
    citations: list[Citation] = []
    for old in valid:
        hit = passages[old - 1]
        span = _span_in(hit, extractive)
        citations.append(citation_for(renumber[old], hit, span))
    return Answer(question=question, text=text, found=True, citations=tuple(citations),
                  score=extractive.score, generated=True, passages=tuple(passages))


def _span_in(hit: Any, extractive: Answer) -> tuple[int, int]:
    """The extractive answer's sentence when it lies in this passage, else the whole passage."""
    for c in extractive.citations:
        if c.doc_id == hit.doc_id and c.ordinal == hit.ordinal:
            return c.span_start, c.span_end
    return 0, len(hit.text)

