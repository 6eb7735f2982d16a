"""Generated answers through an OpenAI-compatible endpoint, stood in for by a local HTTP server."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from index.records import SearchHit
from ingest.records import DocumentHeader
from vankien.answers.generate import (LLMSettings, build_messages, check_citations, generate_answer,
                              settings_from_env)
from vankien.answers.qa import NO_ANSWER, score_sentences, select_answer


def _hit(doc_id: str, ordinal: int, text: str, number: str = "45-CT/TW") -> SearchHit:
    return SearchHit(doc_id=doc_id, ordinal=ordinal,
                     header=DocumentHeader("Chỉ thị", number, "2024-05-12", "Ban Bí thư", f"Chỉ thị {number}"),
                     heading_path=("II. NHIỆM VỤ",), pages=(2,), text=text, score=1.0, start=0,
                     end=len(text))


HITS = [
    _hit("ct45", 3, "Chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng. Nếu trùng ngày lễ thì sinh hoạt vào ngày làm việc liền sau."),
    _hit("kh27", 1, "Đảng viên đọc trước tài liệu sinh hoạt trên Sổ tay đảng viên điện tử.", "27-KH/TU"),
]
QUESTION = "Chi bộ sinh hoạt vào ngày nào hằng tháng?"


def _extractive():
    return select_answer(QUESTION, HITS, score_sentences(QUESTION, HITS, None), threshold=0.0)


class _Endpoint:
    """A stand-in chat-completions server: replies with `reply`, or fails the way it is told."""

    def __init__(self):
        self.reply = ""
        self.status = 200
        self.delay = 0.0
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append({"path": self.path, "body": json.loads(body),
                                       "auth": self.headers.get("Authorization", "")})
                time.sleep(outer.delay)
                payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": outer.reply}}]})
                try:
                    self.send_response(outer.status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(payload.encode("utf-8"))
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up first (the timeout test): nothing to report

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def endpoint():
    ep = _Endpoint()
    yield ep
    ep.close()


def test_nothing_is_configured_without_the_url():
    assert settings_from_env({}) is None
    assert settings_from_env({"VANKIEN_LLM_MODEL": "qwen"}) is None
    s = settings_from_env({"VANKIEN_LLM_URL": "http://may-chu:11434", "VANKIEN_LLM_MODEL": "qwen2.5",
                           "VANKIEN_LLM_KEY": "bí-mật"})
    assert s.endpoint == "http://may-chu:11434/v1/chat/completions" and s.key == "bí-mật"
    assert LLMSettings("http://x/v1/", "m").endpoint == "http://x/v1/chat/completions"


def test_unconfigured_returns_the_extractive_answer_unchanged():
    extractive = _extractive()
    assert generate_answer(QUESTION, extractive, settings=None) is extractive


def test_prompt_holds_only_the_numbered_passages():
    messages = build_messages(QUESTION, HITS)
    user = messages[-1]["content"]
    assert "[1] (Chỉ thị số 45-CT/TW" in user and "[2] (Kế hoạch" not in user  # type from the hit
    assert "ngày 3 hằng tháng" in user and QUESTION in user
    assert "Chỉ trả lời dựa trên các đoạn trích" in messages[0]["content"]


def test_check_citations_drops_passages_not_supplied():
    text, valid = check_citations("Ngày 3 hằng tháng [1][7]. Xem thêm [2] và [0].", 2)
    assert valid == [1, 2]
    assert "[7]" not in text and "[0]" not in text and "[1]" in text and "[2]" in text


def test_valid_citation_is_kept_and_invalid_removed(endpoint):
    endpoint.reply = "Chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng [1][5]."
    settings = LLMSettings(endpoint.url, "mo-hinh-thu", key="khoa")
    answer = generate_answer(QUESTION, _extractive(), settings, passages=HITS)
    assert answer.generated and answer.found
    assert answer.text == "Chi bộ sinh hoạt thường kỳ vào ngày 3 hằng tháng [1]."
    assert [(c.n, c.doc_id) for c in answer.citations] == [(1, "ct45")]
    assert answer.citations[0].sentence.startswith("Chi bộ sinh hoạt thường kỳ vào ngày 3")
    sent = endpoint.requests[0]
    assert sent["path"] == "/v1/chat/completions" and sent["body"]["model"] == "mo-hinh-thu"
    assert sent["auth"] == "Bearer khoa"


def test_citations_are_renumbered_in_order_of_use(endpoint):
    endpoint.reply = "Đọc tài liệu trên Sổ tay [2]; sinh hoạt ngày 3 hằng tháng [1]."
    answer = generate_answer(QUESTION, _extractive(), LLMSettings(endpoint.url, "m"), passages=HITS)
    assert answer.text == "Đọc tài liệu trên Sổ tay [1]; sinh hoạt ngày 3 hằng tháng [2]."
    assert [c.doc_id for c in answer.citations] == ["kh27", "ct45"]


@pytest.mark.parametrize("reply", ["Chi bộ sinh hoạt ngày 3 [4].", "Chi bộ sinh hoạt ngày 3.", NO_ANSWER])
def test_no_valid_citation_falls_back_to_extractive(endpoint, reply):
    endpoint.reply = reply
    extractive = _extractive()
    assert generate_answer(QUESTION, extractive, LLMSettings(endpoint.url, "m"), passages=HITS) is extractive


def test_endpoint_error_falls_back(endpoint):
    endpoint.status = 500
    endpoint.reply = "Ngày 3 [1]."
    extractive = _extractive()
    assert generate_answer(QUESTION, extractive, LLMSettings(endpoint.url, "m"), passages=HITS) is extractive


def test_endpoint_timeout_falls_back(endpoint):
    endpoint.delay = 1.5
    endpoint.reply = "Ngày 3 [1]."
    extractive = _extractive()
    settings = LLMSettings(endpoint.url, "m", timeout=0.3)
    assert generate_answer(QUESTION, extractive, settings, passages=HITS) is extractive


def test_unreachable_endpoint_falls_back():
    extractive = _extractive()
    settings = LLMSettings("http://127.0.0.1:9", "m", timeout=1)
    assert generate_answer(QUESTION, extractive, settings, passages=HITS) is extractive
