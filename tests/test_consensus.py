"""The page's other readings vote on narrate's blocks: recall first inside the article, agreement after it."""

from narrate.article.consensus import FILLED_REASON, OUTSIDE_REASON, Readings, agree, read_opinions
from narrate.article.patterns import squash as key
from narrate.article.read import html_text_blocks
from narrate.models import Block, Draft

from conftest import BODY

STANDFIRST = "A vote that ends years of argument over the town's oldest crossing."
COMMENT = "I have lived here for fifty years and nobody asked me what I thought about any of this."
WIDGET_TAIL = "The temporary crossing will open in March, once the river has fallen after the winter rains."


def readings(*texts_held_by_all: str, extractor: tuple[str, ...] = (), copied_text: tuple[str, ...] = (),
             page: tuple[str, ...] = ()) -> Readings:
    held = "\n".join(key(t) for t in texts_held_by_all)
    return Readings(extractor=held + "\n" + "\n".join(key(t) for t in extractor), readability=held,
                    copied_text=held + "\n" + "\n".join(key(t) for t in copied_text), page_blocks=page)


def draft(*texts: str) -> Draft:
    return Draft(blocks=tuple(Block(t) for t in texts), title="Bridge Vote")


def test_after_the_last_agreed_paragraph_only_what_the_readings_hold_is_read():
    result, dropped = agree(draft(STANDFIRST, *BODY, COMMENT), (), readings(*BODY))
    assert [b.text for b in result.blocks] == [STANDFIRST, *BODY]  # a standfirst above is narrate's own
    assert [(d.text, d.reason) for d in dropped] == [(COMMENT, OUTSIDE_REASON)]
    # one reading that does not share narrate's extractor is enough to keep the tail: recall first
    result, dropped = agree(draft(*BODY, COMMENT), (), readings(*BODY, copied_text=(COMMENT,)))
    assert [b.text for b in result.blocks] == [*BODY, COMMENT] and dropped == ()
    # trafilatura's default extraction agreeing with narrate's trafilatura reading is not a second opinion
    result, dropped = agree(draft(*BODY, COMMENT), (), readings(*BODY, extractor=(COMMENT,)))
    assert [b.text for b in result.blocks] == list(BODY)


def test_an_embedded_post_right_after_the_article_is_read():
    post = "Council votes to rebuild the old stone bridge, work to start in spring. — Town Council (@council)"
    blocks = (*(Block(t) for t in BODY), Block(post, "quote"), Block(COMMENT))
    result, dropped = agree(Draft(blocks=blocks, title="Bridge Vote"), (), readings(*BODY, extractor=(post, COMMENT)))
    assert [b.text for b in result.blocks] == [*BODY, post]
    assert [d.text for d in dropped] == [COMMENT]


def test_inside_the_article_disagreement_keeps_the_paragraph():
    lone = "A paragraph that only narrate's reading found, between two that every reading holds."
    result, dropped = agree(draft(BODY[0], lone, BODY[1]), (), readings(BODY[0], BODY[1]))
    assert [b.text for b in result.blocks] == [BODY[0], lone, BODY[1]] and dropped == ()


def test_a_paragraph_every_other_reading_holds_is_added_in_page_order():
    page = ("Menu", *BODY[:2], "Sign up for our newsletter", WIDGET_TAIL, BODY[2])
    result, _ = agree(draft(*BODY[:3]), (), readings(*BODY[:3], WIDGET_TAIL, page=page))
    assert [b.text for b in result.blocks] == [*BODY[:2], WIDGET_TAIL, BODY[2]]


def test_what_narrate_dropped_on_purpose_is_not_brought_back():
    from narrate.models import Dropped

    page = (*BODY[:2], WIDGET_TAIL, BODY[2])
    result, _ = agree(draft(*BODY[:3]), (Dropped(WIDGET_TAIL, "image caption"),),
                      readings(*BODY[:3], WIDGET_TAIL, page=page))
    assert WIDGET_TAIL not in [b.text for b in result.blocks]


def test_user_keep_patterns_win_over_the_vote():
    result, dropped = agree(draft(*BODY, COMMENT), (), readings(*BODY), keep=("fifty years",))
    assert COMMENT in [b.text for b in result.blocks] and dropped == ()


def test_the_three_readings_of_a_real_page():
    html = ("<html><head><title>Bridge Vote</title></head><body><nav><a href='/'>Home</a></nav><article>"
            "<h1>Bridge Vote</h1>" + "".join(f"<p>{p}</p>" for p in BODY) + "</article>"
            "<aside class='related'><a href='/a'>Other story one</a><a href='/b'>Other story two</a></aside>"
            "</body></html>")
    found = read_opinions(html, tuple(html_text_blocks(html).blocks))
    for reading in (found.extractor, found.readability, found.copied_text):
        assert all(key(p) in reading for p in BODY)
    assert found.holders(BODY[0]) == 3 and found.holders("Other story one") == 0


def test_trafilaturas_default_reading_leaves_out_readers_comments():
    """extract() reads a page's comments unless told not to; its agreement would keep them."""
    html = ("<html><head><title>Bridge Vote</title></head><body><article><h1>Bridge Vote</h1>"
            + "".join(f"<p>{p}</p>" for p in BODY) + "</article><section id='comments' class='comments'>"
            f"<h2>Comments</h2><div class='comment'><p>{COMMENT}</p></div></section></body></html>")
    found = read_opinions(html, tuple(html_text_blocks(html).blocks))
    assert all(key(p) in found.extractor for p in BODY)
    assert key(COMMENT) not in found.extractor


def test_inside_the_article_both_extractors_are_enough_to_add_a_paragraph():
    page = (*BODY[:2], WIDGET_TAIL, BODY[2])
    both = Readings(extractor="\n".join(key(t) for t in (*BODY[:3], WIDGET_TAIL)),
                    readability="\n".join(key(t) for t in (*BODY[:3], WIDGET_TAIL)),
                    copied_text="\n".join(key(t) for t in BODY[:3]), page_blocks=page)
    result, _ = agree(draft(*BODY[:3]), (), both)
    assert [b.text for b in result.blocks] == [*BODY[:2], WIDGET_TAIL, BODY[2]]
    after = Readings(both.extractor, both.readability, both.copied_text, page_blocks=(*BODY[:3], WIDGET_TAIL))
    result, _ = agree(draft(*BODY[:3]), (), after)  # after the article, two readings are not enough
    assert [b.text for b in result.blocks] == BODY[:3]


def test_a_paragraph_filled_in_from_the_pages_text_needs_an_extractor_to_agree():
    filled = "A paragraph found only in the page's own text, between two the extractor kept, such as a promotion."
    agreed = "A paragraph found in the page's own text that trafilatura's default extraction holds as well."
    blocks = (Block(BODY[0]), Block(filled, "filled"), Block(agreed, "filled"), Block(BODY[1]))
    held = readings(BODY[0], BODY[1], extractor=(agreed,), copied_text=(filled, agreed))
    result, dropped = agree(Draft(blocks=blocks, title="Bridge Vote"), (), held)
    assert [b.text for b in result.blocks] == [BODY[0], agreed, BODY[1]]
    assert [(d.text, d.reason) for d in dropped] == [(filled, FILLED_REASON)]


def test_a_link_to_another_story_both_extractors_hold_is_not_added_back():
    teaser = "Also on courier.com Ferry fares to rise in spring as the council looks for savings"
    page = (*BODY[:2], teaser, WIDGET_TAIL, BODY[2])
    result, _ = agree(draft(*BODY[:3]), (), readings(*BODY[:3], teaser, WIDGET_TAIL, page=page))
    assert [b.text for b in result.blocks] == [*BODY[:2], WIDGET_TAIL, BODY[2]]
