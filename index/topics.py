"""Topics of passages: an editable list of topics, and a zero-shot labeller over the passage vectors.

A topic is a key, a label and a few sentences describing it (index/topics_default.json, copied to
`<index>/topics.json` when a user edits it). The description sentences are encoded as queries (E5:
"query: ...") and averaged into one topic vector. A passage's score for a topic is its cosine to
that vector less the mean of its cosines to all topics: the raw cosines of the small E5 model sit
in a narrow band (0.78-0.90) that moves with the passage's register, and centring takes that shift
out. A passage carries each topic whose score reaches the topic's threshold and lies within
`margin` of its best topic's score (at most MAX_TOPICS).

Measured on tests/data/topics_labelled.json (194 passages labelled by hand; scripts/eval_topics.py):
the centroid of query-encoded sentences beat the best single sentence and passage-encoded
sentences; per-topic thresholds at a precision target of 0.85 with margin 0.01 held 0.82 precision
and 0.39 recall on held-out halves (raw cosines with one threshold: 0.81 precision, 0.24 recall).

Pure functions over arrays; the encoder is only called to encode the description sentences.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
import numpy as np

from models.base import Encoder
from vntext.normalize import fold_lower, normalize_text

DEFAULT_FILE = Path(__file__).with_name("topics_default.json")
FILE_NAME = "topics.json"  # beside the index's generations, edited by the user
MAX_TOPICS = 3  # a passage about everything is labelled with nothing useful
DEFAULT_THRESHOLD = 0.035  # for a topic without its own measured threshold (a user's new topic)
DEFAULT_MARGIN = 0.01


@dataclass(frozen=True)
class Topic:
    key: str  # stable id stored per passage ("xay-dung-dang")
    label: str  # what the user reads
    description: tuple[str, ...]  # sentences the passages are compared with
    threshold: float | None = None  # None: the list's default_threshold


@dataclass(frozen=True)
class TopicList:
    topics: tuple[Topic, ...]
    default_threshold: float
    margin: float = 0.01  # a second or third topic only within this of the passage's best topic

    def keys(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.topics)

    def label(self, key: str) -> str:
        return next((t.label for t in self.topics if t.key == key), key)

    def thresholds(self) -> np.ndarray:
        return np.asarray([self.default_threshold if t.threshold is None else t.threshold for t in self.topics],
                          dtype=np.float32)

    def find(self, text: str) -> str | None:
        """The key a user means by `text`: a key, or a label or part of one, with or without
        diacritics ("kiem tra" finds kiem-tra-giam-sat); None when none or several match."""
        want = fold_lower(text).strip()
        if not want:
            return None
        exact = [t.key for t in self.topics if want in (t.key, fold_lower(t.label))]
        if exact:
            return exact[0]
        some = [t.key for t in self.topics if want in fold_lower(t.label) or want in t.key]
        return some[0] if len(some) == 1 else None

    def fingerprint(self) -> str:
        """Changes whenever a topic, a description sentence or a threshold changes."""
        data = [(t.key, t.label, t.description, t.threshold) for t in self.topics] + [self.default_threshold,
                                                                                       self.margin]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()[:16]


def parse_topics(data: dict, source: str = FILE_NAME) -> TopicList:
    """A TopicList from the JSON of a topics file; ValueError saying what to fix."""
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list) or not data["topics"]:
        raise ValueError(f"{source}: cần một đối tượng JSON có danh sách \"topics\" không rỗng")
    topics, seen = [], set()
    for i, t in enumerate(data["topics"], start=1):
        key = str(t.get("key", "")).strip() if isinstance(t, dict) else ""
        desc = t.get("description") if isinstance(t, dict) else None
        if isinstance(desc, str):
            desc = [desc]
        if not key or not isinstance(desc, list) or not any(str(s).strip() for s in desc):
            raise ValueError(f"{source}: chủ đề thứ {i} cần \"key\" và \"description\" (một hoặc vài câu)")
        if key in seen:
            raise ValueError(f"{source}: chủ đề {key!r} lặp lại; mỗi key chỉ một lần")
        seen.add(key)
        threshold = t.get("threshold")
        topics.append(Topic(key, normalize_text(str(t.get("label") or key)),
                            tuple(normalize_text(str(s)) for s in desc if str(s).strip()),
                            None if threshold is None else float(threshold)))
    return TopicList(tuple(topics), float(data.get("default_threshold", DEFAULT_THRESHOLD)),
                     float(data.get("margin", DEFAULT_MARGIN)))


def load_topics(home: Path | None = None) -> TopicList:
    """The index's own list (`home/topics.json`) when there is one, else the shipped default."""
    path = Path(home) / FILE_NAME if home is not None else None
    if path is None or not path.is_file():
        path = DEFAULT_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: JSON không hợp lệ ({exc}); sửa tệp hoặc xóa nó để dùng danh sách mặc định")
    return parse_topics(data, str(path))


def description_vectors(topics: TopicList, encoder: Encoder) -> np.ndarray:
    """float32 (topics, dim): per topic, the normalised mean of its sentences encoded as queries."""
    rows = []
    for t in topics.topics:
        mean = np.mean([encoder.encode_query(s) for s in t.description], axis=0)
        rows.append(mean / (np.linalg.norm(mean) or 1.0))
    return np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)


def topic_scores(vectors: np.ndarray, topic_vectors: np.ndarray) -> np.ndarray:
    """float32 (n, topics): cosine to each topic, less the passage's mean cosine over all topics."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if not len(vectors) or not len(topic_vectors):
        return np.zeros((len(vectors), len(topic_vectors)), dtype=np.float32)
    cos = vectors @ np.asarray(topic_vectors, dtype=np.float32).T
    return cos - cos.mean(axis=1, keepdims=True)


def assign(scores: np.ndarray, thresholds: np.ndarray, margin: float = DEFAULT_MARGIN,
           max_topics: int = MAX_TOPICS) -> list[tuple[int, ...]]:
    """Per passage, the topic columns at or above their threshold and within `margin` of the
    passage's best score, best first (at most max_topics)."""
    out = []
    for row in np.asarray(scores):
        best = row.max() if len(row) else 0.0
        cols = [int(c) for c in np.argsort(-row, kind="stable") if row[c] >= thresholds[c] and row[c] >= best - margin]
        out.append(tuple(cols[:max_topics]))
    return out


class TopicLabeller:
    """Labels passage vectors with a TopicList; the description sentences are encoded once."""

    def __init__(self, topics: TopicList, encoder: Encoder | None = None, described: np.ndarray | None = None):
        """`described`: the topics' description_vectors when already at hand (else encoded here)."""
        self.topics = topics
        self._described = described if described is not None else description_vectors(topics, encoder)

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        return topic_scores(vectors, self._described)

    def label(self, vectors: np.ndarray) -> list[tuple[tuple[str, float], ...]]:
        """Per passage: ((topic key, score), ...) best first; () when no topic reaches its threshold."""
        scores = self.scores(vectors)
        keys = self.topics.keys()
        return [tuple((keys[c], float(scores[i, c])) for c in cols)
                for i, cols in enumerate(assign(scores, self.topics.thresholds(), self.topics.margin))]
