import pytest

from narrate.article.sections import build_article, chapter_title, split_sentences
from narrate.config import Config
from narrate.models import Article, Section
from narrate.pipeline import plan_speech


@pytest.mark.parametrize("paragraph, expected", [
    ("Dr. Smith arrived at 5 p.m. on Jan. 3. He left early.", ["Dr. Smith arrived at 5 p.m. on Jan. 3.", "He left early."]),
    ("It cost $3.50, i.e. too much! Really? Yes.", ["It cost $3.50, i.e. too much!", "Really?", "Yes."]),
    ("No full stop at the end", ["No full stop at the end"]),
])
def test_split_sentences(paragraph, expected):
    assert split_sentences(paragraph) == expected


@pytest.mark.parametrize("paragraph, expected", [
    ("Short opening. More text follows.", "Short opening"),
    ("A much longer opening sentence that runs on, and on, past the limit.", "A much longer opening sentence that runs…"),
])
def test_chapter_title_from_opening_words(paragraph, expected):
    assert chapter_title(paragraph) == expected


def test_plan_reads_title_author_and_headings_with_the_configured_pauses():
    article = Article(title="T", author="A. Writer", sections=(
        Section("T", ("One. Two.",), has_heading=False),
        Section("Heading", ("Three.",)),
    ))
    config = Config.model_validate({"pauses": {"sentence": 0.1, "paragraph": 0.2, "section": 0.9}})
    plan = plan_speech(article, config)
    assert [(u.written, u.section, u.pause_after) for u in plan] == [
        ("T", 0, 0.2), ("By A. Writer", 0, 0.9), ("One.", 0, 0.1), ("Two.", 0, 0.9),
        ("Heading", 1, 0.2), ("Three.", 1, 0.2),
    ]
    # Headings get a full stop for the engine only; the transcript keeps the written form.
    assert plan[4].spoken == "Heading."


def test_plan_without_title_reading():
    article = Article(title="T", author="A", sections=(Section("T", ("Body.",), has_heading=False),))
    config = Config.model_validate({"episode": {"read_title": False}})
    assert [u.written for u in plan_speech(article, config)] == ["Body."]


def test_engine_gets_the_spoken_form_and_the_transcript_keeps_the_written_one():
    article = Article(title="Costs", sections=(Section("Costs", ("Dr. Smith paid $5 on Jan. 3.",), has_heading=False),))
    plan = plan_speech(article, Config())
    assert [(u.written, u.spoken) for u in plan] == [
        ("Costs", "Costs."), ("Dr. Smith paid $5 on Jan. 3.", "Doctor Smith paid five dollars on January third.")]


def test_headings_are_the_title_role_and_quotations_the_quote_role():
    article = Article(title="T", sections=(
        Section("T", ("Plain words here.", "“A whole quotation, from start to end.”"), has_heading=False),
        Section("Heading", ("More.",))))
    roles = [(u.written, u.role) for u in plan_speech(article, Config())]
    assert roles == [("T", "title"), ("Plain words here.", "body"), ("“A whole quotation, from start to end.”", "quote"),
                     ("Heading", "title"), ("More.", "body")]


def test_an_untitled_text_is_announced_by_its_opening_sentence_not_a_cut_one():
    from narrate.models import Block, Draft

    opening = ("Hong Kong is burning. The authorities continue to pour fuel on the fire, and every day the protests "
               "grow, the police answer with more force and the city's courts fill with young people.")
    article = build_article(Draft(blocks=(Block(opening), Block("The government has not said what it will do next."))))
    assert article.title == "Hong Kong is burning"
    long = ("Across the valley the old mill and the houses around it were bought last spring by a trust that plans "
            "to open them to walkers and cyclists next year.")
    assert build_article(Draft(blocks=(Block(long),))).title == "Across the valley the old mill and…"
