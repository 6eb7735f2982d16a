"""Query words marked with or without diacritics; everything else escaped."""
from vankien.ui.highlight import find_spans, highlight_html, query_terms, snippet_html

TEXT = "Nâng cao chất lượng sinh hoạt chi bộ theo Chỉ thị số 50-CT/TW của Ban Bí thư."


def marked(html_text: str) -> list[str]:
    import re
    return re.findall(r"<mark>(.*?)</mark>", html_text)


def test_query_without_diacritics_marks_accented_words():
    # Typed without marks, "chi" may be "chỉ" too: every word that folds to it is marked.
    assert marked(highlight_html(TEXT, "sinh hoat chi bo")) == ["sinh hoạt chi bộ", "Chỉ"]


def test_query_with_diacritics_marks_text_typed_without():
    assert marked(highlight_html("nang cao chat luong sinh hoat chi bo", "chất lượng")) == ["chat luong"]


def test_marked_word_matches_only_the_same_word():
    # "bộ" must not light up "bò" or "bổ"; unaccented "bo" matches all of them.
    text = "Chi bộ nuôi bò, bổ sung nghị quyết."
    assert marked(highlight_html(text, "bộ")) == ["bộ"]
    assert marked(highlight_html(text, "bo")) == ["bộ", "bò", "bổ"]


def test_case_insensitive_and_document_number_as_one_term():
    assert marked(highlight_html(TEXT, "CHỈ THỊ 50-ct/tw")) == ["Chỉ thị", "50-CT/TW"]


def test_html_in_text_is_escaped_and_never_markup():
    text = "Tài liệu <script>alert(1)</script> và <b>đậm</b> & mục II"
    out = highlight_html(text, "tài liệu")
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "&lt;b&gt;đậm&lt;/b&gt; &amp; mục II" in out
    assert out.startswith("<mark>Tài liệu</mark>")


def test_query_with_html_is_harmless():
    out = highlight_html("a < b", "<script>")
    assert "<script>" not in out and out == "a &lt; b"


def test_common_words_only_marked_when_alone():
    assert [t.lower for t in query_terms("công tác của chi bộ")] == ["công", "tác", "chi", "bộ"]
    assert marked(highlight_html("của và", "của")) == ["của"]


def test_empty_inputs():
    assert highlight_html("", "chi bộ") == ""
    assert highlight_html("x < y", "") == "x &lt; y"
    assert find_spans("abc", "   ") == []


def test_decomposed_query_is_normalised():
    import unicodedata
    query = unicodedata.normalize("NFD", "chi bộ")
    assert marked(highlight_html(TEXT, query)) == ["chi bộ"]


def test_snippet_is_cut_around_matches_and_escaped():
    text = ("Mở đầu. " * 100) + "Tăng cường <vai trò> của chi bộ trong tình hình mới. " + ("Kết thúc. " * 100)
    out = snippet_html(text, "chi bộ", max_chars=200)
    assert out.startswith("… ") and out.endswith(" …")
    assert "<mark>chi bộ</mark>" in out and "&lt;vai trò&gt;" in out
    assert len(out) < 400
    short = snippet_html("Ngắn gọn", "gọn", max_chars=200)
    assert short == "Ngắn <mark>gọn</mark>"
