"""`vankien eval` end to end on a tiny BEIR folder: real Vietnamese text, the real encoder."""
import json

import pytest

from vankien.cli.main import main

DOCS = [
    ("d1", "Đăng ký kết hôn", "Hai bên nam nữ nộp tờ khai đăng ký kết hôn tại Ủy ban nhân dân cấp xã nơi cư trú. "
     "Công chức tư pháp - hộ tịch ghi vào sổ hộ tịch và trao giấy chứng nhận kết hôn."),
    ("d2", "Phòng chống sốt xuất huyết", "Muỗi vằn truyền virus Dengue. Người dân cần diệt lăng quăng, "
     "đậy kín dụng cụ chứa nước và ngủ màn kể cả ban ngày."),
    ("d3", "Chỉ thị về công tác cán bộ", "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy rà soát quy hoạch cán bộ "
     "nhiệm kỳ 2025 - 2030, bảo đảm tỷ lệ cán bộ trẻ và cán bộ nữ."),
    ("d4", "Giá lúa gạo", "Giá lúa tại Đồng bằng sông Cửu Long tăng nhẹ trong vụ đông xuân, "
     "thương lái thu mua lúa tươi tại ruộng."),
    ("d5", "Bảo hiểm y tế học sinh", "Học sinh, sinh viên tham gia bảo hiểm y tế bắt buộc; ngân sách nhà nước "
     "hỗ trợ ba mươi phần trăm mức đóng."),
]
QUERIES = [
    ("q1", "thủ tục đăng ký kết hôn ở đâu?", "d1"),
    ("q2", "muỗi vằn truyền bệnh gì?", "d2"),
    ("q3", "quy hoạch cán bộ nhiệm kỳ 2025 - 2030", "d3"),
    ("q4", "giá lúa đồng bằng sông Cửu Long", "d4"),
    ("q5", "học sinh có phải mua bảo hiểm y tế không?", "d5"),
]


@pytest.fixture(scope="module")
def beir_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("beir")
    with open(folder / "corpus.jsonl", "w", encoding="utf-8") as f:
        for i, t, x in DOCS:
            f.write(json.dumps({"id": i, "title": t, "text": x}, ensure_ascii=False) + "\n")
    with open(folder / "queries.jsonl", "w", encoding="utf-8") as f:
        for i, t, _ in QUERIES:
            f.write(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n")
        f.write(json.dumps({"id": "q-no-qrels", "text": "câu hỏi không có đánh giá"}, ensure_ascii=False) + "\n")
    (folder / "qrels.tsv").write_text("query-id\tcorpus-id\tscore\n" + "".join(f"{q}\t{d}\t1\n" for q, _, d in QUERIES))
    return folder


def test_eval_json_has_every_system_and_sensible_values(beir_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VANKIEN_CACHE", str(tmp_path / "cache"))
    assert main(["eval", str(beir_dir), "--json", "--quiet"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["queries"] == 5 and out["skipped_queries"] == 1 and out["documents"] == 5
    systems = {s["key"]: s for s in out["systems"]}
    assert list(systems) == ["bm25", "e5", "keyword", "dense", "hybrid"]
    for s in systems.values():
        assert all(0.0 <= v <= 1.0 for v in s["metrics"].values())
        assert s["metrics"]["Recall@10"] == 1.0  # 5 documents: everything is in the top 10
        assert s["latency_ms"]["median"] >= 0
    for key in ("bm25", "keyword", "hybrid"):  # each query's words occur in one document only
        assert systems[key]["metrics"]["Recall@1"] == 1.0, key
    assert systems["dense"]["metrics"]["MRR@10"] >= 0.8
    assert out["timing"]["cache_misses"] > 0  # cold cache in a fresh folder

    # second run: warm cache, same figures
    assert main(["eval", str(beir_dir), "--json", "--quiet", "--systems", "e5", "hybrid"]) == 0
    warm = json.loads(capsys.readouterr().out)
    assert [s["key"] for s in warm["systems"]] == ["e5", "hybrid"]
    assert warm["timing"]["cache_misses"] == 0
    assert warm["systems"][1]["metrics"] == systems["hybrid"]["metrics"]


def test_eval_table_and_limit(beir_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("VANKIEN_CACHE", str(tmp_path / "cache"))
    assert main(["eval", str(beir_dir), "--limit", "2", "--systems", "bm25,keyword", "--quiet"]) == 0
    table = capsys.readouterr().out
    assert "2 câu hỏi" in table and "nDCG@10" in table and "BM25" in table and "từ khóa" in table


def test_eval_missing_file_and_unknown_system(tmp_path, capsys):
    assert main(["eval", str(tmp_path)]) == 2
    assert "corpus.jsonl" in capsys.readouterr().err
    assert main(["eval", str(tmp_path), "--systems", "bm42"]) == 2
    assert "bm42" in capsys.readouterr().err
