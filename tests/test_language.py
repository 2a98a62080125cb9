"""The article's language: detected, declared or given; never read by a voice that does not speak it."""

import pytest

from narrate.config import Config, load_config
from narrate.models import Article, Section
from narrate.pipeline import with_article_language
from narrate.speech.engines.gtts import GttsEngine

from conftest import BODY, run_cli

RUSSIAN = [
    "Совет проголосовал во вторник за восстановление старого каменного моста через реку, завершив спор, "
    "который длился годами.",
    "Инженеры предупреждали, что мост не выдержит современных грузовиков, а ремонт даст лишь несколько зим.",
    "Жители заполнили зал во время голосования. Многие переходили мост каждый день своей жизни.",
]


def _page(lang: str, title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


def _article(paragraphs, language=None) -> Article:
    return Article(title="A title", sections=(Section("A title", tuple(paragraphs), has_heading=False),),
                   language=language)


def _language(article: Article, config: Config = Config()) -> str | None:
    return with_article_language(article, config).speech.language


def test_a_non_english_page_fails_before_any_synthesis(tmp_path, isolated_cache):
    page = tmp_path / "most.html"
    page.write_text(_page("ru", "Новый мост через реку", RUSSIAN), encoding="utf-8")
    clips_before = sorted(isolated_cache.rglob("*.wav")) if isolated_cache.exists() else []
    out = tmp_path / "out" / "most.mp3"
    result = run_cli("build", page, "-e", "hibari", "-o", out)
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Russian (ru)" in lines[0] and "hibari voice heart speaks English" in lines[0]
    assert "--engine gtts --language ru" in lines[0]
    assert not out.parent.exists()  # nothing written, not even the folder
    assert (sorted(isolated_cache.rglob("*.wav")) if isolated_cache.exists() else []) == clips_before


def test_the_check_holds_for_piper_too_and_for_a_language_given(tmp_path):
    page = tmp_path / "most.html"
    page.write_text(_page("ru", "Новый мост через реку", RUSSIAN), encoding="utf-8")
    piper = run_cli("build", page, "-o", tmp_path / "x.mp3")
    assert piper.exit_code != 0 and "piper voice en_US-joe-medium speaks English" in piper.stderr
    told = run_cli("say", "Bonjour", "--language", "fr", "-o", tmp_path / "x.wav")
    assert told.exit_code != 0 and "French (fr)" in told.stderr
    assert not list(tmp_path.glob("*.wav")) and not list(tmp_path.glob("*.mp3"))


def test_english_with_a_few_foreign_words_is_english():
    paragraphs = [*BODY, "It was, as Herr Müller put it, a cause célèbre: «c'est la vie», he said, and left."]
    assert _language(_article(paragraphs)) == "en"


def test_the_text_outweighs_a_template_that_declares_another_language():
    assert _language(_article(BODY, language="ru")) == "en"
    assert _language(_article(RUSSIAN, language="en")) == "ru"


def test_a_short_text_follows_its_declaration_or_nothing():
    assert _language(_article(["Hello there."], language="de")) == "de"
    assert _language(_article(["Hello there."])) is None


def test_the_language_setting_wins_and_gtts_speaks_the_article_language():
    russian = _article(RUSSIAN)
    assert _language(russian, load_config(None, {"speech.language": "en"})) == "en"
    config = with_article_language(russian, load_config(None, {"engine": "gtts"}))
    assert GttsEngine.from_config(config).lang == "ru"
    pinned = with_article_language(russian, load_config(None, {"engine": "gtts", "gtts.lang": "uk"}))
    assert GttsEngine.from_config(pinned).lang == "uk"


@pytest.mark.parametrize("html, declared", [
    ('<html lang="pt-BR"><head></head>', "pt"),
    ('<html><head><meta property="og:locale" content="de_DE"></head>', "de"),
    ('<html><head><meta content="fr_FR" property="og:locale"></head>', "fr"),
    ("<html><head></head>", None),
])
def test_a_page_declares_its_language(html, declared):
    from narrate.article.language import declared_in_html

    assert declared_in_html(html) == declared


def test_the_detector_reads_an_unpacked_copy_of_its_model_and_decides_as_the_shipped_one(tmp_path):
    from narrate.article.language import _identifier, detect

    texts = [" ".join(RUSSIAN), " ".join(BODY), "Der Rat stimmte am Dienstag dafür, die alte Steinbrücke über den Fluss wieder "
             "aufzubauen, und beendete damit einen Streit, der seit Jahren andauerte."]
    shipped = [detect(text) for text in texts]
    folder = tmp_path / "models"
    unpacked = [detect(text, folder) for text in texts]
    (copy,) = folder.glob("py3langid-*.npz")
    assert not list(folder.glob(".tmp-*"))
    assert [code for code, _ in unpacked] == [code for code, _ in shipped] == ["ru", "en", "de"]
    assert [p for _, p in unpacked] == pytest.approx([p for _, p in shipped], abs=1e-9)
    # The copy is read again rather than unpacked again; a damaged one falls back to the shipped model.
    _identifier.cache_clear()
    stamp = copy.stat().st_mtime_ns
    assert detect(texts[0], folder)[0] == "ru" and copy.stat().st_mtime_ns == stamp
    copy.write_bytes(b"not a model")
    _identifier.cache_clear()
    assert detect(texts[2], folder)[0] == "de"
    assert not copy.exists()
    _identifier.cache_clear()


def test_a_detected_language_is_remembered_for_what_the_detector_reads(tmp_path):
    """An edit past the part of the text the detector reads cannot change its verdict, so the remembered
    verdict is used; an edit inside that part asks the detector again."""
    from narrate.article.language import SAMPLE_CHARS
    from narrate.cache import Cache

    cache = Cache(tmp_path / "cache")
    paragraphs = [f"Paragraph {n} tells of the harbour, its boats and the people who mend their nets."
                  for n in range(600)]
    assert sum(map(len, paragraphs)) > 2 * SAMPLE_CHARS
    remembered = lambda: sorted((cache.root / "hints").glob("*.json"))  # noqa: E731
    article = _article(paragraphs)
    assert with_article_language(article, Config(), cache).speech.language == "en"
    first = remembered()
    assert len(first) == 1
    tail_edited = _article([*paragraphs[:-1], "The last paragraph now ends the story differently."])
    with_article_language(tail_edited, Config(), cache)
    assert remembered() == first
    head_edited = _article(["The first paragraph now opens the story differently.", *paragraphs[1:]])
    with_article_language(head_edited, Config(), cache)
    assert len(remembered()) == 2
