"""The chunker's merge rules on small real-shaped texts: a law article printed on its own (alqac's
shape) is one passage, not one per clause; a Party document's Roman-numeral sections never merge."""
from ingest.chunking import chunk_document

ARTICLE = (
    "Giải thích từ ngữ\n\n"
    "Trong Luật này, các từ ngữ dưới đây được hiểu như sau:\n\n"
    "1. Chất ma túy là chất gây nghiện, chất hướng thần được quy định trong danh mục chất ma túy do Chính phủ ban hành.\n\n"
    "2. Chất gây nghiện là chất kích thích hoặc ức chế thần kinh, dễ gây tình trạng nghiện đối với người sử dụng.\n\n"
    "3. Tiền chất là hóa chất không thể thiếu được trong quá trình điều chế, sản xuất chất ma túy.\n\n"
    "a) hóa chất thiết yếu;\n\nb) hóa chất khác."
)

PARTY = (
    "I. MỤC ĐÍCH, YÊU CẦU\n\nTổng kết đánh giá đúng kết quả thực hiện chỉ thị.\n\n"
    "II. NỘI DUNG\n\nĐánh giá tình hình, kết quả lãnh đạo thực hiện.\n\n"
    "III. TỔ CHỨC THỰC HIỆN\n\nBan Tuyên giáo chủ trì, phối hợp."
)


def test_law_article_clauses_merge_into_one_passage():
    passages = chunk_document(ARTICLE, "luat@2")
    assert len(passages) == 1
    p = passages[0]
    assert p.text == ARTICLE[p.start:p.end] and p.text.startswith("Giải thích") and p.text.endswith("khác.")
    assert p.heading_path == ()  # the common prefix of "1.", "2.", "3."


def test_law_article_clauses_split_at_max_tokens():
    passages = chunk_document(ARTICLE, "luat@2", max_tokens=40, min_tokens=10)
    assert 1 < len(passages) < 6
    for p in passages:
        assert p.text == ARTICLE[p.start:p.end] and len(p.text.split()) <= 40


def test_party_top_level_sections_never_merge():
    passages = chunk_document(PARTY, "kh-95")
    assert [p.heading_path[0] for p in passages] == ["I. MỤC ĐÍCH, YÊU CẦU", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN"]


def test_tiny_articles_may_merge():
    text = "Điều 1. Phạm vi\n\nLuật này quy định về ma túy.\n\nĐiều 2. Hiệu lực\n\nLuật có hiệu lực từ năm 2022."
    passages = chunk_document(text, "luat")
    assert len(passages) == 1 and passages[0].text == text
