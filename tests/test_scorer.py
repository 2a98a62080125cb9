"""The learned block scorer on a web page: the article whole, every sentence once, reasons for the rest."""

import json
import re

import numpy as np
import pytest

from narrate.article.clean import CleanOptions
from narrate.article.scorer import (
    MODEL_PATH,
    PageBlock,
    PageOpinions,
    CONTEXT_PREFIX,
    assemble,
    block_ancestry,
    context_feature_names,
    context_features,
    cut_page,
    fallback,
    feature_names,
    load_model,
    marked_not_article,
    page_features,
    page_markup,
    probabilities,
    read_once,
    score_blocks,
    repeated_sentences,
    sentence_keys,
    section_features,
    structure_features,
    unanimous,
)
from narrate.models import Block

from conftest import FIXTURES, run_cli

PAGE = FIXTURES / "split_body.html"
BODY = (FIXTURES / "split_body.expected.txt").read_text(encoding="utf-8").split("\n\n")
BODY = [p.strip() for p in BODY]


def script_of(path, *options):
    result = run_cli("script", path, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def spoken(script) -> list[str]:
    return [p for section in script["sections"] for p in ((section["title"] or ""), *section["paragraphs"]) if p]


def test_a_body_split_by_an_advert_and_a_related_box_is_read_whole_and_nothing_else():
    script = script_of(PAGE)
    text = "\n".join(spoken(script))
    assert script["title"] == "Harbour board votes to rebuild the north pier"
    for paragraph in BODY:  # both pieces of the body, on either side of the advert and the "Read more" box
        assert text.count(paragraph) == 1, paragraph
    for chrome in ("Lifeboat crew rescue walkers", "Sign up for our free daily newsletter", "All rights reserved",
                   "Share on Facebook", "Weather"):
        assert chrome not in text


def test_hidden_copies_of_the_body_are_never_read_a_second_time(tmp_path):
    """The page holds the body three more times (a hidden microdata copy, a <noscript> copy, JSON-LD)."""
    script = script_of(PAGE)
    assert repeated_sentences(spoken(script)) == []
    # the same body given twice as visible text on a page of one's own: still each sentence once
    doubled = tmp_path / "doubled.html"
    page = PAGE.read_text(encoding="utf-8")
    doubled.write_text(page.replace('<div itemprop="articleBody" style="display:none">',
                                    '<div class="print-copy">'), encoding="utf-8")
    script = script_of(doubled)
    assert repeated_sentences(spoken(script)) == []
    assert all(paragraph in "\n".join(spoken(script)) for paragraph in BODY)


def test_every_block_left_out_says_why():
    script = script_of(PAGE)
    reasons = {d["text"]: d["reason"] for d in script["dropped"]}
    related = next(text for text in reasons if "Lifeboat crew" in text)
    assert reasons[related].startswith("not article by the block scorer (0.")
    assert re.search(r"\): \w", reasons[related])  # and the strongest reasons the model had
    assert any(reason.startswith("already read") for reason in reasons.values())


def test_the_users_keep_and_drop_patterns_win_over_the_model(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text("clean:\n  keep: ['never miss a story']\n  drop: ['herring season']\n", encoding="utf-8")
    script = script_of(PAGE, "--config", config)
    text = "\n".join(spoken(script))
    assert "never miss a story" in text
    assert "herring season" not in text
    assert any(d["reason"] == "matches clean.drop pattern 'herring season'" for d in script["dropped"])


def test_read_once_drops_a_repeated_block_and_trims_a_partly_repeated_one():
    blocks = [Block("The pier will close in April. Boats will use the south quay instead."),
              Block("Boats will use the south quay instead. A pontoon is floated out for the small boats."),
              Block("The pier will close in April.")]
    kept, gone = read_once(blocks)
    assert [b.text for b in kept] == ["The pier will close in April. Boats will use the south quay instead.",
                                      "A pontoon is floated out for the small boats."]
    assert [d.text for d in gone] == ["The pier will close in April."]
    assert repeated_sentences([b.text for b in kept]) == []


def test_read_once_drops_a_copy_of_the_body_in_other_markup_and_keeps_a_sentence_that_says_more():
    body = [Block(p) for p in BODY]
    copy = Block("# Harbour board votes _" + BODY[0] + "_ " + " ".join(
        p.replace("steel piles", "[steel piles](https://example.com/piles)") for p in BODY[1:]))
    kept, gone = read_once([*body, copy])
    assert kept == body and [d.text for d in gone] == [copy.text]
    dek = Block("The harbour board agreed on Monday to rebuild the north pier.")
    longer = Block("The harbour board agreed on Monday to rebuild the north pier, which storms have battered.")
    kept, gone = read_once([dek, longer])
    assert kept == [dek, longer] and gone == []


def test_when_the_model_keeps_nothing_a_peers_reading_is_read():
    html = PAGE.read_text(encoding="utf-8")
    blocks, elements = cut_page(html)
    peer = "".join(sentence_keys(" ".join(BODY)))
    opinions = PageOpinions(readings={"trafilatura": peer}, reasons={})
    features = page_features(blocks, elements, opinions)
    kept, _, _ = assemble(blocks, np.zeros(len(blocks)), 0.5, None, CleanOptions(), fallback(blocks, features))
    assert [b.text for b in kept] == BODY


def test_the_shipped_model_is_small_matches_the_features_and_scores_the_same_every_time():
    assert MODEL_PATH.stat().st_size < 800 * 1024  # two stages of three boosters of 150 trees
    blocks, elements = cut_page(PAGE.read_text(encoding="utf-8"))
    features = page_features(blocks, elements, PageOpinions(readings={}, reasons={}))
    first_stage = load_model()
    assert list(first_stage.names) == feature_names()
    second_stage = load_model(str(MODEL_PATH), tuple(feature_names() + context_feature_names()), CONTEXT_PREFIX)
    ancestry, lengths = block_ancestry(elements), [len(b.text) for b in blocks]
    model, first, contributions = score_blocks(features, ancestry, lengths)
    assert model == second_stage
    _, second, _ = score_blocks(features.copy(), ancestry, lengths)
    assert np.array_equal(first, second)
    # the contributions add up to the score: the reasons given are the model's own arithmetic
    score = np.log(first / (1 - first))
    assert np.allclose(contributions.sum(axis=1) + model.base + model.value[model.roots].sum(), score, atol=1e-6)


def test_walking_every_tree_at_once_gives_each_trees_own_path_and_reasons():
    blocks, elements = cut_page(PAGE.read_text(encoding="utf-8"))
    features = page_features(blocks, elements, PageOpinions(readings={}, reasons={}))
    model = load_model()
    score, contributions = model.raw(features)
    for row in (0, len(blocks) // 2, len(blocks) - 1):  # one row, one tree, one node at a time
        expected_score, expected = model.base, np.zeros(len(model.names))
        for root in model.roots:
            node = root
            expected_score += model.value[node]
            while model.feature[node] >= 0:
                split = model.feature[node]
                child = model.left[node] if features[row, split] <= model.threshold[node] else model.right[node]
                expected[split] += model.value[child] - model.value[node]
                expected_score += model.value[child] - model.value[node]
                node = child
        assert np.isclose(score[row], expected_score, atol=1e-9)
        assert np.allclose(contributions[row], expected, atol=1e-9)


def test_the_second_stage_sees_a_weak_paragraph_among_strong_ones_inside_the_articles_box():
    html = ("<html><body><nav><ul><li>Home</li><li>World</li><li>Sport</li></ul></nav><article>"
            + "".join(f"<p>{text}</p>" for text in BODY)
            + "</article><footer><p>Contact us.</p></footer></body></html>")
    blocks, elements = cut_page(html)
    texts = [b.text for b in blocks]
    body = [texts.index(text) for text in BODY]
    first = np.full(len(blocks), 0.05)
    first[body] = 0.95
    weak = body[1]
    first[weak] = 0.2  # a body paragraph the first stage doubts
    ancestry = block_ancestry(elements)
    assert len({ancestry[i][1] for i in body}) == 1  # the paragraphs share their box
    features = page_features(blocks, elements, PageOpinions(readings={}, reasons={}))
    context = context_features(first, features, ancestry, [len(t) for t in texts])
    column = {name: context[:, i] for i, name in enumerate(context_feature_names())}
    footer = texts.index("Contact us.")
    assert column["in_root"][weak] == 1 and column["in_root"][footer] == 0
    assert column["first_window_3"][weak] > 0.5 > column["first_window_3"][texts.index("Home")]
    assert column["sibling_run_score"][weak] > column["sibling_run_score"][footer]
    assert column["parent_score"][weak] > 0.5 > column["parent_score"][footer]
    assert column["before_first_kept"][texts.index("Home")] == 1 and column["after_last_kept"][footer] == 1


@pytest.mark.parametrize("tag", ["nav", "footer", "aside", "figure", "form"])
def test_boxes_the_plain_reading_skips_are_cut_into_blocks_for_the_model(tag):
    blocks, _ = cut_page(f"<html><body><{tag}><p>One line in the box.</p></{tag}><p>Body text.</p></body></html>")
    assert [b.text for b in blocks] == ["One line in the box.", "Body text."]
    assert isinstance(blocks[0], PageBlock)


CAPTIONS_PAGE = FIXTURES / "captions_and_teasers.html"
CAPTION = "The ferry at the island pier on a calm morning"
TEASERS = ["HARBOUR FEES TO RISE FOR THE FIRST TIME IN A DECADE", "SCHOOL BUS ROUTE TO BE REDRAWN AFTER PARENTS COMPLAIN"]


def test_a_caption_saying_an_images_alt_text_and_headlines_of_other_stories_are_not_read_whatever_the_model_says():
    script = script_of(CAPTIONS_PAGE)
    said = spoken(script)
    reasons = {d["text"]: d["reason"] for d in script["dropped"]}
    assert reasons[CAPTION] == "image caption" and CAPTION not in said
    for teaser in TEASERS:  # a line in capitals that is wholly a link, set between two paragraphs
        assert reasons[teaser] == "link to another story" and teaser not in said
    assert sum(p.startswith("The operator") for p in said) == 2 and repeated_sentences(said) == []


def test_captions_are_read_when_the_user_asks_for_them(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text("clean:\n  captions: true\n", encoding="utf-8")
    said = spoken(script_of(CAPTIONS_PAGE, "--config", config))
    assert CAPTION in said and not any(teaser in said for teaser in TEASERS)


def test_what_the_markup_says_a_block_is_outweighs_a_high_score():
    html = ("<html><body><article><p>First paragraph of the story, long enough to be prose for the reader here.</p>"
            '<figure><div class="player"></div><figcaption>Council leader on the ferry grant</figcaption></figure>'
            "<figure><img src='a.jpg'><figcaption>The old pier in 1912, before the great storm of that winter "
            "took its end away and left the island's boats without a place to land their catch for two years."
            "</figcaption></figure>"
            "<h2>WHAT THE COUNCIL SAYS ABOUT IT</h2>"
            "<p><a href='/other'>FERRY FARES TO RISE IN THE SPRING</a></p>"
            "<p>SHOUTED BUT NOT A LINK AT ALL</p></article></body></html>")
    blocks, elements = cut_page(html)
    texts = [b.text for b in blocks]
    marked = marked_not_article(blocks, elements, frozenset(), keep_captions=False)
    assert {texts[i]: reason for i, reason in marked.items()} == {
        "Council leader on the ferry grant": "image caption",  # a caption that is no sentence
        "FERRY FARES TO RISE IN THE SPRING": "link to another story"}  # a heading in capitals stays, as does prose
    kept, left_out, _ = assemble(blocks, np.ones(len(blocks)), 0.5, None, CleanOptions(), [], marked)
    assert [b.text for b in kept] == [t for i, t in enumerate(texts) if i not in marked]
    assert {texts[i]: reason for i, reason in left_out.items()} == {texts[i]: r for i, r in marked.items()}
    with_captions = marked_not_article(blocks, elements, frozenset(), keep_captions=True)
    assert list(with_captions.values()) == ["link to another story"]


TABLES = FIXTURES / "tables.html"
STANDINGS = ["Pos, Driver, Team, Points", "1, Ana Rivera, Hollow Racing, 212", "2, Tom Okafor, Brook Motors, 209",
             "3, Lena Berg, Hollow Racing, 187", "4, Marco Sala, Ridge Engineering, 150",
             "5, Ivy Chen, Brook Motors, 142"]


def test_a_data_tables_rows_are_blocks_read_as_rows_and_a_layout_tables_cells_hold_paragraphs():
    blocks, elements = cut_page(TABLES.read_text(encoding="utf-8"))
    rows = [b.text for b in blocks if b.kind == "row"]
    # the standings (short cells, no paragraph in them) are read row by row, the header given twice as the page has it
    assert rows == [STANDINGS[0], *STANDINGS[1:4], STANDINGS[0], *STANDINGS[4:]]
    assert all(e.tag == "tr" for b, e in zip(blocks, elements) if b.kind == "row")
    # the layout table around the page (its cells hold the article and a side column) keeps its paragraphs
    paragraphs = [b.text for b in blocks if b.kind == "paragraph"]
    assert any(p.startswith("Ana Rivera won the valley championship") for p in paragraphs)
    assert "Tickets for next season's opening race go on sale at the circuit office on the first of the month." \
        in paragraphs
    assert not any(b.text in ("Ana Rivera", "212", "Pos") for b in blocks)  # no cell of the standings alone


@pytest.mark.parametrize("cell", ["<p>A paragraph in a cell.</p><p>And another one.</p>",
                                  "A long cell of prose. " * 12])
def test_a_table_whose_cells_hold_paragraphs_or_prose_keeps_its_cells_as_blocks(cell):
    html = (f"<html><body><table><tr><td>{cell}</td><td>Side</td></tr>"
            "<tr><td>Foot</td><td>Note</td></tr></table></body></html>")
    texts = [b.text for b in cut_page(html)[0]]
    assert "Side" in texts and "Foot" in texts and not any(", " in t and "Side" in t for t in texts)


def test_a_table_row_said_before_is_read_once():
    blocks = [Block(STANDINGS[0], "row"), Block(STANDINGS[1], "row"), Block(STANDINGS[0], "row"),
              Block(STANDINGS[4], "row")]
    kept, gone = read_once(blocks)
    assert [b.text for b in kept] == [STANDINGS[0], STANDINGS[1], STANDINGS[4]]
    assert [d.text for d in gone] == [STANDINGS[0]] and "table row" in gone[0].reason


def test_a_pages_standings_are_read_row_by_row_each_row_once():
    script = script_of(TABLES)
    said = spoken(script)
    rows = [p for p in said if p in STANDINGS]
    assert rows[:4] == STANDINGS[:4]  # a row a paragraph, the header once
    assert rows == sorted(set(rows), key=STANDINGS.index)  # in page order, none twice
    reasons = {d["text"]: d["reason"] for d in script["dropped"]}
    assert reasons[STANDINGS[0]] == "repeated table row (read once)"  # the header over the second part
    # the second part's rows are the model's to judge (they score near the threshold): left out, they say why
    assert all(reasons[row].startswith("not article by the block scorer") for row in STANDINGS if row not in rows)
    assert "Okafor, who had led the standings since the spring" in "\n".join(said)


def test_an_xhtml_page_with_an_encoding_declaration_is_cut_into_blocks():
    html = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml"><body>'
            + "".join(f"<p>{text}</p>" for text in BODY) + "</body></html>")
    assert [b.text for b in cut_page(html)[0]] == BODY


def test_a_control_left_open_does_not_swallow_the_article_after_it():
    html = ("<html><body><header><button>Menu<div><main><article>" + "".join(f"<p>{text}</p>" for text in BODY)
            + "</article></main></div></header><form><button>Subscribe</button></form></body></html>")
    # the open control's own words become a block for the model to judge; a real button is still skipped
    assert [b.text for b in cut_page(html)[0]] == ["Menu", *BODY]


def test_the_pages_own_article_data_and_markup_describe_its_blocks():
    teasers = "".join(f'<div class="card"><p>Teaser number {i} about another story entirely.</p></div>' for i in range(4))
    html = ('<html><head><meta property="og:type" content="article"><script type="application/ld+json">'
            + json.dumps({"@type": "NewsArticle", "articleBody": " ".join(BODY[:2])})
            + '</script></head><body><nav role="navigation"><p>Sections of the site.</p></nav>'
            + '<div itemprop="articleBody"><p itemprop="author">Jo Bloggs</p>'
            + "".join(f"<p>{text}</p>" for text in BODY) + "</div>" + teasers
            + '<div class="comment-list" itemtype="https://schema.org/Comment"><p>Great piece, thanks!</p></div>'
            + "</body></html>")
    markup = page_markup(html)
    assert markup.is_article and markup.body.startswith(sentence_keys(BODY[0])[0])
    blocks, elements = cut_page(html)
    texts = [b.text for b in blocks]
    start = feature_names().index("markup_body")
    names = feature_names()[start:start + structure_features([], [], markup).shape[1]]
    table = structure_features(blocks, elements, markup)
    column = {name: table[:, i] for i, name in enumerate(names)}
    first, last, teaser = texts.index(BODY[0]), texts.index(BODY[-1]), texts.index(texts[-2])
    assert column["held_embedded"][first] == 1 and column["held_embedded"][last] == 0
    assert column["markup_body"][first] == 1 and column["markup_body"][texts.index("Sections of the site.")] == 0
    assert column["landmark"][texts.index("Sections of the site.")] == 1
    assert column["markup_meta"][texts.index("Jo Bloggs")] == 1
    assert column["markup_comment"][texts.index("Great piece, thanks!")] == 1
    assert column["parent_class_repeats"][teaser] > column["parent_class_repeats"][first] == 0
    assert column["prose_run"][first] == column["prose_run"][last] > 0
    # the same page as the model sees it: the markup columns follow the readings' opinions
    full = page_features(blocks, elements, PageOpinions(readings={}, reasons={}), markup)
    assert np.array_equal(full[:, start:start + len(names)], table)


def test_the_lines_that_open_comments_and_other_sections_and_a_threads_marks_describe_the_blocks_below():
    comments = "".join(f"<div><p>{who} says:</p><p>{said}</p><p>2 hours ago</p><p>Reply</p></div>" for who, said in
                       (("Ann", "I never thought of it that way, thanks for writing this."),
                        ("Bo", "My town did the same last year and it worked out well.")))
    html = ("<html><body><div>" + "".join(f"<p>{text}</p>" for text in BODY[:3])
            + "<p>Related stories</p><p>Ferry timetable changes again this winter, and here is why.</p>"
            + "".join(f"<p>{text}</p>" for text in BODY[3:])
            + "<p>The pier at dawn, before the first boat. Credit: Ann Lee</p>"
            + "<h3>2 Comments</h3>" + comments + "</div></body></html>")
    blocks, elements = cut_page(html)
    texts = [b.text for b in blocks]
    agreed = [texts.index(text) for text in BODY]  # the article, as if every reading held it
    start = feature_names().index("since_comments_label")
    names = feature_names()[start:start + section_features([], []).shape[1]]
    table = section_features(blocks, agreed)
    column = {name: table[:, i] for i, name in enumerate(names)}
    first, teaser, resumed = texts.index(BODY[0]), texts.index(texts[4]), texts.index(BODY[4])
    comment = texts.index("I never thought of it that way, thanks for writing this.")
    # the article's paragraphs stand under no such line, or have the article come back after it
    assert column["since_comments_label"][first] == column["since_moved_on_label"][first] == -1
    assert column["agreed_since_label"][teaser] == 0 < column["agreed_since_label"][resumed]
    assert column["since_comments_label"][resumed] == -1 < column["since_comments_label"][comment]
    assert column["agreed_since_label"][comment] == 0
    assert column["thread_marks_around"][comment] > column["thread_marks_around"][first] == 0
    assert column["credit_tail"][texts.index("The pier at dawn, before the first boat. Credit: Ann Lee")] == 1
    assert column["credit_tail"][first] == 0
    full = page_features(blocks, elements, PageOpinions(readings={}, reasons={}))
    assert np.array_equal(full[:, start:start + len(names)], section_features(blocks, []))


def test_a_short_page_all_readings_agree_on_is_read_whole(tmp_path):
    # a feed's full text, as `narrate sync` wraps it: two paragraphs, far smaller than any page the model saw
    # (the model alone reads only the second of these)
    lines = ["The keepers lit the lamp at dusk and trimmed the wicks through the night.",
             "Every few hours the glass was wiped clean of smoke."]
    page = tmp_path / "short.html"
    page.write_text('<!DOCTYPE html><html><head><meta charset="utf-8"><title>Lamp</title></head><body><article>'
                    "<h1>Lamp</h1>" + "".join(f"<p>{line}</p>" for line in lines) + "</article></body></html>",
                    encoding="utf-8")
    text = "\n".join(spoken(script_of(page)))
    assert all(text.count(line) == 1 for line in lines), text


def test_blocks_are_unanimous_only_when_the_peer_readings_hold_the_same_prose():
    blocks, elements = cut_page("<html><body>" + "".join(f"<p>{text}</p>" for text in BODY[:3]) + "</body></html>")
    body = "".join(sentence_keys(" ".join(BODY[:3])))
    agreeing = {name: body for name in ("trafilatura", "readability", "copied_text", "narrate_draft")}
    features = page_features(blocks, elements, PageOpinions(readings=agreeing, reasons={}))
    assert unanimous(blocks, features).all()
    short = "".join(sentence_keys(" ".join(BODY[:2])))  # one reading leaves the third paragraph out
    features = page_features(blocks, elements, PageOpinions(readings=agreeing | {"readability": short}, reasons={}))
    assert not unanimous(blocks, features).any()


def test_a_caption_known_by_its_own_words_is_not_read_whatever_the_model_says():
    credited = "The protests began in June and have grown in size every week since (Image: Getty)"
    placed = "Ann Lee, left, and Tom Okafor open the rebuilt pier on Monday morning."
    toggled = "The pier was rebuilt with steel piles after the winter storms. less"
    quoted = "\u201cWe will open it in May,\u201d said Ann Lee, left, of the harbour board, as the crowd cheered."
    html = ("<html><body><article><p>The harbour board voted on Monday to rebuild the north pier before summer.</p>"
            f"<p>{credited}</p><p>{placed}</p><p>{toggled}</p><p>{quoted}</p><ul><li>{placed}</li></ul>"
            "<p>Work starts next month and should take about eleven weeks, the board said.</p></article></body></html>")
    blocks, elements = cut_page(html)
    texts = [b.text for b in blocks]
    marked = marked_not_article(blocks, elements, frozenset(), keep_captions=False)
    assert {texts[i] for i in marked} == {credited, placed, toggled}  # not the quotation, nor a list's item
    assert set(marked.values()) == {"image caption"}
    assert marked_not_article(blocks, elements, frozenset(), keep_captions=True) == {}


def test_read_once_reads_a_short_paragraph_that_says_an_earlier_one_again_and_rows_that_share_their_words():
    first = Block("If you want the new timeline now, go to the Introducing Timeline page and click the button. Or "
                  "you can wait until you see an announcement at the top of your home page in a few days.")
    again = Block("To get the new timeline, simply go to the Introducing Timeline page and click the button. Or you "
                  "can wait until you see an announcement at the top of your profile in a few days.")
    kept, gone = read_once([first, again])
    assert kept == [first, again] and gone == []
    week = ("Rest, Speed Play 40 min Easy with 4x30 sec Hard sprinkled in, Optional Non-Impact Cardio 30 min, "
            "Fast Finish {} min Easy, Optional Non-Impact Cardio 30 min")
    rows = [Block(f"{n}, " + week.format(minutes), "row") for n, minutes in ((1, 30), (2, 35), (3, 40))]
    kept, gone = read_once(rows)
    assert kept == rows and gone == []


def test_the_training_scripts_reading_leaves_out_a_closing_label_as_narrate_script_does():
    import sys

    sys.path.insert(0, str(FIXTURES.parent.parent / "benchmarks"))
    from train_reader import Page, read_page

    story = ["The harbour board voted on Monday to rebuild the north pier before summer.",
             "Work starts next month and should take about eleven weeks, the board said."]
    blocks = [PageBlock(story[0], "paragraph"), PageBlock(story[1], "paragraph"),
              PageBlock("Popular Harbour Projects:", "heading", 2)]
    page = Page(name="pier", dataset="pages", site="example.com", blocks=blocks,
                features=np.zeros((3, len(feature_names()))), labels=np.ones(3), weights=np.ones(3), title="Pier Vote",
                gold="\n\n".join(story), rules_text="", peers={}, fallback=[], ancestry=[(0,), (0,), (0,)])
    assert read_page(page, np.ones(3), 0.5) == "\n\n".join(story)
