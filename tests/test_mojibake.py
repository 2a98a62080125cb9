"""Text garbled on its way here (UTF-8 read as Latin-1 or Windows-1252) is read as it was written."""

import re

import pytest

from narrate.article.mojibake import repair

RUSSIAN = ("Два моих самых любимых увлечения: фотография и кулинария. Рецепты хороши, если их готовят "
           "с любовью, и хочется делиться ими с другими. ") * 3
KOREAN = "전체뉴스를 정리했다. 고루했던 예능국의 반응은 엇갈렸다. 스탠딩 코미디는 다시 돌아올 것이다. " * 3


def garbled(text: str, codec: str) -> str:
    """What a copy of a page read with the wrong codec gives: bytes A0 and 85 are white space, so spaces."""
    shown = text.encode("utf-8").decode(codec, errors="ignore") if codec == "latin-1" else \
        "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in text.encode("utf-8"))
    return re.sub(r"[\s\u0085\u00a0]+", " ", shown)


@pytest.mark.parametrize("text, codec", [(RUSSIAN, "latin-1"), (KOREAN, "cp1252")])
def test_garbled_text_that_lost_bytes_to_spaces_is_repaired(text, codec):
    broken = garbled(text, codec)
    assert broken != text and ("Ð" in broken or "ì" in broken)
    assert re.sub(r"\s", "", repair(broken)) == re.sub(r"\s", "", text)


def test_a_lost_next_line_byte_gives_back_the_space_between_words():
    assert repair(garbled(RUSSIAN, "latin-1")).split()[:4] == ["Два", "моих", "самых", "любимых"]


@pytest.mark.parametrize("text", [
    "Il est arrivé à “La Closerie” à minuit, déjà fatigué. À demain, dit-il. " * 5,
    "São Paulo é a maior cidade do Brasil, e a à noite a avenida está cheia. " * 5,
    "Die Größe der Brücke überrascht: Ärger über Kosten für Bürger. " * 5,
])
def test_clean_text_in_other_languages_is_left_as_it_is(text):
    assert repair(text) == text


def test_a_korean_syllable_that_lost_a_byte_is_the_common_one_and_keeps_its_word_whole():
    text = "분명한 사실은 1년 전에 종이 울렸다는 것이다. " * 3  # 명, 년 and 종 each lost a byte 85
    assert repair(garbled(text, "latin-1")) == text
