import pytest

from narrate.article.sections import build_article, chapter_title, section_title, split_sentences, topic_title
from narrate.config import Config
from narrate.models import Article, Block, Draft, Section
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


SPACE = [
    "NASA picked the Falcon Heavy for the lunar cargo mission. The Falcon Heavy flew twice last year, "
    "and the agency says the Falcon Heavy can lift the lander in one launch.",
    "Engineers still worry about the Falcon Heavy upper stage, which has never been restarted after a long coast.",
]
ELSEWHERE = [
    "The budget for the mission was set by Congress in March. Lawmakers argued over the cost for weeks.",
    "The agency also studied the budget of earlier missions and what the launches cost them.",
]


def test_a_section_is_titled_by_the_phrase_that_sets_it_apart():
    assert topic_title(SPACE, ELSEWHERE) == "Falcon Heavy"


@pytest.mark.parametrize("text", [
    "It's now clearer than ever that the old rules of the road no longer hold for anyone.",
    "In the years after the war, and for a long time afterwards, the town was quiet.",
])
def test_a_made_up_title_is_never_cut_mid_phrase_or_ended_by_a_function_word(text):
    title = section_title([text], ELSEWHERE)
    words = title.split()
    assert 1 <= len(words) <= 6 and "…" not in title
    assert words[-1].lower() not in {"the", "that", "of", "and", "for", "a", "in", "after", "than"}
    assert text.startswith(title) or title.lower() in text.lower()


def test_a_made_up_title_opens_with_a_word_not_a_dialogue_dash_and_repeats_no_word():
    assert section_title(["— Tomato quiche is the dish I cook most, she says, every Friday."], ELSEWHERE) \
        .startswith("Tomato quiche")
    kit = ["Wyze", "Wyze Sense Starter Kit with two sensors and a motion sensor.",
           "The Wyze Sense Starter Kit costs less than any other kit we tried.",
           "Wyze Wyze Sense Starter Kit buyers also get a year of cloud storage."]
    assert "Wyze Wyze" not in section_title(kit, ELSEWHERE)


@pytest.mark.parametrize("section", [
    ["Nov 18, 2019 at 3:04 pm", "Ferry fares went up again this winter, and nobody on the island was told."],
    ["Nov 18, 2019 at 3:04 pm Ferry fares went up again this winter, and nobody on the island was told."],
    ["Updated: 12/05/2021 10:30 GMT", "Ferry fares went up again this winter, and nobody on the island was told."],
])
def test_a_made_up_title_is_about_the_section_never_a_date_or_time_line(section):
    title = section_title(section, ELSEWHERE)
    assert title.startswith("Ferry fares"), title
    assert not any(ch.isdigit() for ch in title)


def test_a_month_that_opens_a_sentence_without_a_date_stays_in_the_title():
    assert section_title(["May I say the council was right to close the pier."], ELSEWHERE).startswith("May I say")


def test_a_vague_quantity_is_never_a_section_title():
    section = ["Thousands of people walked to the harbour wall on Sunday, and it took a little bit of courage to "
               "stand on it.", "A little bit of rain fell on the harbour wall, and thousands of people stayed.",
               "It was a little bit colder than the week before, and thousands of people did not mind at all."]
    assert topic_title(section, ELSEWHERE) == "Harbour wall"


def test_no_key_phrase_when_nothing_recurs_or_stands_out():
    assert topic_title(["A short note."], ELSEWHERE) is None


@pytest.mark.parametrize("text", ["Hello there. This is a test.", "Just one line without a stop"])
def test_a_text_of_one_paragraph_is_read_whole_and_titled_by_its_opening(text):
    from narrate.article.clean import clean
    from narrate.article.read import parse_text

    article = build_article(*clean(parse_text(text)))
    assert [p for s in article.sections for p in s.paragraphs] == [text]
    assert text.startswith(article.title)
    spoken = [u.written for u in plan_speech(article, Config())]
    assert " ".join(spoken).count(article.title) == 1  # the opening is not read twice


def test_a_pages_last_heading_over_nothing_is_not_read_but_a_copied_texts_last_line_is():
    blocks = (Block("The council voted on Tuesday to rebuild the old stone bridge over the river."),
              Block("Work starts in spring."), Block("Popular on the Courier", "heading", 2))
    article = build_article(Draft(blocks=blocks, title="Bridge Vote"))
    assert [p for s in article.sections for p in (s.title, *s.paragraphs)][-1] == "Work starts in spring."
    assert ("Popular on the Courier", "heading with nothing under it") in [(d.text, d.reason) for d in article.dropped]
    copied = build_article(Draft(blocks=blocks, title="Bridge Vote", has_markup=False))
    assert copied.sections[-1].title == "Popular on the Courier"


def test_a_made_up_title_opens_with_no_common_verb_but_a_name_may_hold_one():
    section = ["Stand tall, the coach told the team before the final, and stand tall they did.",
               "Stand tall, the fans sang as the rain came over the river ground.",
               "Stand tall was the word at the river ground, stand tall the song."]
    assert not section_title(section, ELSEWHERE).lower().startswith("stand")
    named = ["At the Open Championship the team did well.", "The Open Championship crowd cheered the team home."]
    assert section_title(named, ELSEWHERE) == "Open Championship"


def test_an_edited_article_is_planned_from_the_last_plans_forms_and_only_its_edit_is_made_afresh(tmp_path):
    """A plan after an edit takes every unchanged paragraph's sentences and spoken forms from the plan
    before (with the same settings); what it makes afresh is the edited paragraph, and the plan is the
    one made from nothing."""
    from narrate.cache import Cache
    from narrate.pipeline import recorded_plan

    cache, config = Cache(tmp_path / "cache"), Config()
    paragraphs = ["Dr. Smith paid $5 on Jan. 3. He left early.", "The tide rose at 6 p.m. and fell again.",
                  "Boats came in. Nets were mended."]
    article = Article(title="Costs", sections=(Section("Costs", tuple(paragraphs), has_heading=False),))
    assert recorded_plan(article, config, cache) == plan_speech(article, config)
    edited = Article(title="Costs", sections=(Section("Costs", (paragraphs[0], "The tide rose at 7 p.m. and fell.",
                                                                 paragraphs[2]), has_heading=False),))
    forms = _forms_record(tmp_path / "cache")
    assert recorded_plan(edited, config, cache) == plan_speech(edited, config)
    after = _forms_record(tmp_path / "cache")
    assert set(after["sentences"]) == {paragraphs[0], "The tide rose at 7 p.m. and fell.", paragraphs[2]}
    assert paragraphs[1] in forms["sentences"]  # the record holds the last article's paragraphs only
    assert after["spoken"]["The tide rose at 7 p.m. and fell."] == "The tide rose at seven p.m. and fell."
    # What is known is taken as it is: a known split of a paragraph is the plan's.
    from narrate.pipeline import SpokenForms

    known = SpokenForms.from_record({"sentences": {paragraphs[2]: [paragraphs[2]]}})
    assert [u.written for u in plan_speech(article, config, known)][-1] == paragraphs[2]


def _forms_record(cache_root) -> dict:
    import json

    records = [json.loads(path.read_text(encoding="utf-8")) for path in (cache_root / "readings").glob("*.json")]
    (forms,) = [record for record in records if "sentences" in record]
    return forms
