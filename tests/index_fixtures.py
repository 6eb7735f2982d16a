"""Test data the index tests bring with them, so they run on a clean clone without ../shared or
model weights: a dozen Vietnamese passages written for these tests, and a small deterministic
encoder (hashed character n-grams, L2-normalised) whose vectors put passages sharing words close."""
from __future__ import annotations

import hashlib
import zlib
from typing import Sequence

import numpy as np

from vntext.normalize import normalize_query

PASSAGES = [
    "Chi bộ sinh hoạt thường kỳ mỗi tháng một lần vào ngày 3 hằng tháng.",
    "Nâng cao chất lượng sinh hoạt chi bộ là nhiệm vụ thường xuyên của cấp ủy cơ sở.",
    "Hội nghị tổng kết 35 năm công tác xây dựng Đảng ở cơ sở có hơn 400 đại biểu tham dự.",
    "Đảng viên cao tuổi được miễn sinh hoạt đảng nhưng vẫn tham gia sinh hoạt chi bộ khi có điều kiện.",
    "Thực hiện Chỉ thị số 50-CT/TW của Ban Bí thư, các chi bộ kiểm tra việc sửa đổi lề lối làm việc.",
    "Ủy ban kiểm tra các cấp chủ động giám sát thường xuyên, kịp thời nhắc nhở đảng viên.",
    "Kế hoạch số 95-KH/TU của Tỉnh ủy Tiền Giang về tổng kết công tác phát triển đảng viên.",
    "Bản tin sinh hoạt chi bộ số 9 giới thiệu chuyên đề học tập và làm theo tư tưởng Hồ Chí Minh.",
    "Đảng ủy xã tổ chức hội nghị chuyển đổi số, hướng dẫn đảng viên cài Sổ tay đảng viên điện tử.",
    "Các đảng bộ trực thuộc hoàn thành báo cáo tổng kết trước ngày 30 tháng 6 năm 2023.",
    "Công tác phát triển đảng viên mới trong thanh niên và công nhân được chú trọng.",
    "Không được vi phạm Điều lệ Đảng; chi bộ ở nơi cư trú theo dõi việc giữ mối liên hệ.",
]
PIDS = list(range(100, 100 + len(PASSAGES)))


class HashEncoder:
    """Encoder protocol (models.base.Encoder) without a model: signed hashed 3- and 4-grams of the
    normalised, lower-cased text. Deterministic across runs and machines (blake2b, not hash())."""

    name = "test:hashed-char-ngrams"

    def __init__(self, dim: int = 256):
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        t = f" {normalize_query(text).lower()} "
        for n in (3, 4):
            for i in range(len(t) - n + 1):
                h = int.from_bytes(hashlib.blake2b(t[i:i + n].encode("utf-8"), digest_size=8).digest(), "little")
                v[h % self.dim] += 1.0 if (h >> 40) & 1 else -1.0
        norm = float(np.linalg.norm(v))
        return v / norm if norm else v

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts]) if len(texts) else np.zeros((0, self.dim), np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self._vector(text)


class RandomEncoder:
    """Deterministic random vectors from the text's CRC-32, 384-dim like e5-small: for tests of the
    index's life cycle, duplicates and filters, where what the vectors mean does not matter. (Not
    Python's hash(): it differs from process to process, so a hybrid ranking did too.)"""

    name, dim = "fake", 384

    def encode_passages(self, texts):
        out = np.stack([np.random.default_rng(zlib.crc32(t.encode("utf-8"))).standard_normal(self.dim) for t in texts])
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)

    def encode_query(self, text):
        return self.encode_passages([text])[0]
