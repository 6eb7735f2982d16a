"""The tone-placement rule on every syllable of underthesea's Vietnamese word list (Viet74K).

Only the open-syllable oa/oe/uy variants have two spellings ("hoà"/"hòa", "khoẻ"/"khỏe",
"thuỷ"/"thủy"); every other correctly spelled syllable must come out of the normaliser unchanged.
"""
import unicodedata
from pathlib import Path

import pytest

from vntext.normalize import normalize_text

# new-style open-syllable endings -> traditional ones: the only changes allowed
_TONED = {"a": "àáảãạ", "e": "èéẻẽẹ", "y": "ỳýỷỹỵ"}
_BASE = {"a": "o", "e": "o", "y": "u"}
_PLAIN = {"o": "òóỏõọ", "u": "ùúủũụ"}


def _words() -> list[str]:
    underthesea = pytest.importorskip("underthesea")
    path = Path(underthesea.__file__).parent / "corpus" / "data" / "Viet74K.txt"
    if not path.is_file():
        pytest.skip(f"{path} không có trong bản underthesea này")
    return path.read_text(encoding="utf-8").split()


def _intended(before: str, after: str) -> bool:
    """`before` ends in new-style oà/oẻ/uỷ (not after "q") and `after` is the same syllable with the
    tone moved to the first vowel."""
    low = before.lower()
    if len(low) < 2 or low.startswith("qu"):
        return False
    v1, v2 = low[-2], low[-1]
    for plain, toned in _TONED.items():
        if v2 in toned and v1 == _BASE[plain]:
            tone = toned.index(v2)
            expected = before[:-2] + _PLAIN[v1][tone] + plain
            return after.lower() == expected.lower()
    return False


def test_only_open_oa_oe_uy_syllables_change():
    syllables = sorted({unicodedata.normalize("NFC", w) for w in _words() if w.isalpha()})
    assert len(syllables) > 5000
    changed = {s: normalize_text(s) for s in syllables if normalize_text(s) != s}
    wrong = {s: t for s, t in changed.items() if not _intended(s, t)}
    assert not wrong, list(wrong.items())[:20]
    # the list holds both styles, so the rule must actually fire on the new-style spellings
    for new, old in [("hoà", "hòa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe")]:
        assert changed.get(new) == old


@pytest.mark.parametrize("word", ["hoặc", "ngoặc", "HOẶC", "Hoặc", "toán", "khuyết", "hoài", "huỳnh",
                                  "khuỷu", "quý", "thuở", "hoạch", "xoắn", "loằng"])
def test_closed_and_other_syllables_keep_their_marks(word):
    assert normalize_text(word) == word
    assert normalize_text(unicodedata.normalize("NFD", word)) == word


def test_hoac_in_running_text():
    text = "Chỉ thị hoặc Nghị quyết (trong ngoặc đơn), hoà hợp, sức khoẻ, Tỉnh uỷ."
    assert normalize_text(text) == "Chỉ thị hoặc Nghị quyết (trong ngoặc đơn), hòa hợp, sức khỏe, Tỉnh ủy."


def test_index_built_by_the_old_normaliser_asks_to_be_rebuilt(tmp_path):
    import json

    from index.library import IndexMismatchError, Library
    from tests.index_support import one_file_index

    _, manifest, data = one_file_index(tmp_path, "Chi bộ sinh hoạt hoặc họp định kỳ hằng tháng.")
    manifest.write_text(json.dumps({**data, "normalizer_version": "1"}), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="vankien ingest") as err:
        Library.open(tmp_path / "idx")
    assert "phiên bản 1" in str(err.value) and str(tmp_path / "idx") in str(err.value)
