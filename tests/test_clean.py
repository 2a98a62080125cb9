"""Each cleaning rule on small hand-written fixtures, and properties that hold for any input."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narrate.article.clean import CleanOptions, clean
from narrate.article.patterns import squash
from narrate.article.read import parse_text
from narrate.models import Block, Draft

from conftest import BODY


def text_of(*blocks: str) -> str:
    return "\n\n".join(blocks)


def cleaned(*blocks: str, **options):
    draft, dropped = clean(parse_text(text_of(*blocks)), CleanOptions(**options))
    return draft, {d.text: d.reason for d in dropped}


def kept_texts(draft):
    return [b.text for b in draft.blocks]


def test_a_see_also_link_line_is_dropped():
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], "Also: See our coverage of the river at the Courier", *BODY[2:])
    assert kept_texts(draft) == BODY


def test_inside_the_article_a_link_a_channel_plug_and_a_players_fallback_text_are_dropped():
    lines = ["On courier.com: Ferry fares to rise in spring as the council looks for savings",
             "Subscribe to the Courier on YouTube", "Media playback is unsupported on your device",
             "Follow Courier News onInstagram ,Facebook ,Twitter andYouTube .",
             "These are external links and will open in a new window * Email Share this with Email",
             "Image copyright Getty Images Image caption Volunteers carry the first stones to the bridge"]
    for line in lines:
        draft, dropped = cleaned("Bridge Vote", *BODY[:2], line, *BODY[2:])
        assert kept_texts(draft) == BODY and line in dropped


def test_navigation_lines_are_dropped_even_inside_a_block():
    draft, dropped = cleaned("Skip to content\nView Featured Image", "Bridge Vote Settles Old Fight", *BODY)
    assert kept_texts(draft) == BODY
    assert draft.title == "Bridge Vote Settles Old Fight"
    assert dropped["Skip to content View Featured Image"].startswith("page furniture")
    draft, dropped = cleaned("Bridge Vote", "Skip to content\nThe council met on Tuesday.", *BODY)
    assert kept_texts(draft)[0] == "The council met on Tuesday."
    assert dropped["Skip to content"].startswith("page furniture")


def test_pull_quote_before_or_after_its_paragraph_is_read_once():
    quote = "Many had crossed the bridge every day of their lives and wanted it kept as it was."
    draft, dropped = cleaned("Bridge Vote", BODY[0], quote.upper()[0] + quote[1:], BODY[1], BODY[2],
                             quote.lower(), BODY[3])
    assert kept_texts(draft) == BODY
    assert all(reason.startswith("pull quote") for text, reason in dropped.items() if "crossed" in text)


def test_banner_repeated_with_different_line_breaks_is_dropped_every_time():
    banner_one = ["Spring Fundraising Campaign", "Online donations are back! Keep independent media alive."]
    banner_two = ["Spring Fundraising Campaign", "Online donations are back!", "Keep independent media alive."]
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], *banner_one, *BODY[2:], *banner_two)
    assert kept_texts(draft) == BODY
    assert len(dropped) == 5


def test_exact_duplicate_paragraph_is_read_once():
    draft, dropped = cleaned("Bridge Vote", BODY[0], BODY[1], BODY[1], BODY[2], BODY[3])
    assert kept_texts(draft) == BODY
    assert [r for r in dropped.values() if r != "title (read first)"] == ["repeated paragraph (read once)"]


def test_newsletter_signup_and_its_heading_are_dropped():
    draft, dropped = cleaned("Bridge Vote", *BODY, "Sign Up To Our Daily Digest",
                             "Local news is under threat. Sign up for our daily email digest so you never miss a story.")
    assert kept_texts(draft) == BODY
    assert any("call to action" in r for r in dropped.values())


def test_image_credit_and_its_caption_are_dropped_unless_captions_are_kept():
    caption = "The bridge at dusk, seen from the east bank."
    blocks = ("Bridge Vote", BODY[0], caption, "Photo: Jane Smith/Getty Images", *BODY[1:])
    draft, dropped = cleaned(*blocks)
    assert kept_texts(draft) == BODY
    assert dropped[caption] == "image caption" and dropped["Photo: Jane Smith/Getty Images"] == "image credit"
    draft, _ = cleaned(*blocks, keep_captions=True)
    assert caption in kept_texts(draft)


def test_byline_and_date_lines_are_dropped_and_the_author_kept():
    draft, dropped = cleaned("Bridge Vote", "By Maria Lopez", "March 3, 2024", *BODY)
    assert kept_texts(draft) == BODY
    assert draft.author == "Maria Lopez"
    assert dropped["March 3, 2024"] == "date line"


def test_links_before_and_teasers_after_the_article_are_dropped():
    teasers = ["More Local News", "Library extends opening hours for the summer",
               "New bus route links the station and the hospital", "Farmers market moves to Saturdays"]
    draft, dropped = cleaned("Home", "News", "Sport", "Weather", "Bridge Vote", *BODY, *teasers)
    assert kept_texts(draft) == BODY
    assert draft.title == "Bridge Vote"
    assert all(t in dropped for t in teasers)


def test_a_closing_list_after_the_last_paragraph_is_kept():
    dates = ["June 9 – Leeds, Town Hall", "June 12 – York, Minster Gardens", "June 14 – Hull, City Hall"]
    draft, _ = cleaned("Bridge Vote", *BODY, *dates, "Related stories", "Council elections called early")
    assert kept_texts(draft) == BODY + dates


def test_a_list_of_other_stories_headlines_after_the_last_paragraph_is_dropped():
    # no label over it, sentence case: only its shape (headlines, no dates or numbers) says it is not the article's
    headlines = ["Library extends opening hours for the summer", "New bus route links the station and hospital",
                 "Farmers market moves to a bigger square", "Council names the new head of planning"]
    draft, dropped = cleaned("Bridge Vote", *BODY, *headlines)
    assert kept_texts(draft) == BODY
    assert all(h in dropped for h in headlines)


def test_user_patterns_drop_and_keep():
    draft, dropped = cleaned("Bridge Vote", *BODY, drop=(r"temporary crossing",))
    assert BODY[3] not in kept_texts(draft)
    assert "clean.drop" in dropped[BODY[3]]
    draft, _ = cleaned("Bridge Vote", *BODY, "Advertisement", keep=(r"^advertisement$",))
    assert "Advertisement" in kept_texts(draft)


def test_markup_inputs_skip_the_article_finder_but_keep_other_rules():
    draft = Draft(blocks=(Block("Menu"), Block(BODY[0]), Block("Share this story"), Block(BODY[1])), title="T")
    cleaned_draft, _ = clean(draft)
    assert kept_texts(cleaned_draft) == BODY[:2]


sentence = st.from_regex(r"[A-Z][a-z]{2,9}( [a-z]{2,9}){4,14}\.", fullmatch=True)
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=80, deadline=None)
@given(st.lists(paragraph, min_size=1, max_size=8, unique_by=squash))


def test_cleaning_never_invents_text_and_is_idempotent(paragraphs):
    draft = Draft(blocks=tuple(Block(p) for p in paragraphs), title="Title")
    once, _ = clean(draft)
    source = squash(" ".join(paragraphs))
    for block in once.blocks:
        assert squash(block.text) in source
    twice, dropped_again = clean(once)
    assert kept_texts(twice) == kept_texts(once)
    assert dropped_again == ()


@settings(max_examples=80, deadline=None)
@given(st.lists(paragraph, min_size=1, max_size=8))


def test_every_sentence_of_a_paragraph_that_appears_once_is_kept(paragraphs):
    draft = Draft(blocks=tuple(Block(p) for p in paragraphs), title="Title")
    kept, _ = clean(draft)
    spoken = squash(" ".join(kept_texts(kept)))
    for paragraph_text in (p for p in paragraphs if paragraphs.count(p) == 1):
        for one in re.findall(r"[^.]+\.", paragraph_text):
            assert squash(one) in spoken


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))


def test_any_text_gives_a_result_without_error(text):
    draft, dropped = clean(parse_text(text))
    for block in draft.blocks:
        assert block.text.strip()


def test_markup_pages_lose_their_related_links_section_and_site_suffix():
    body = [Block(text) for text in BODY]
    tail = [Block("You Might Also Like", "heading"), Block("Council elections called early"),
            Block("Views and opinions expressed in this article are those of the author alone.")]
    draft = Draft(blocks=(*body, *tail), title="Bridge Vote Settles Old Fight | The Valley Times",
                  site_name="The Valley Times")
    kept, dropped = clean(draft)
    assert kept_texts(kept) == BODY
    assert kept.title == "Bridge Vote Settles Old Fight"
    assert {d.reason for d in dropped} == {"after the article (related links)"}


def test_a_heading_like_related_inside_the_body_is_kept():
    blocks = (Block(BODY[0]), Block("Related work", "heading"), *(Block(t) for t in BODY[1:]))
    kept, _ = clean(Draft(blocks=blocks, title="T"))
    assert "Related work" in kept_texts(kept)


def test_a_caption_that_describes_its_photo_is_dropped():
    caption = "This March 28, 2017, file photo, provided by the county archive, shows the old bridge."
    draft, dropped = cleaned("Bridge Vote", BODY[0], caption, *BODY[1:])
    assert kept_texts(draft) == BODY and dropped[caption] == "image caption"


def test_the_article_never_runs_on_past_a_comment_section():
    comments = ["reader comments", "Sam Wright is the city editor, who joined the paper in 2012 after ten years at the "
                "regional desk covering councils, courts and transport.",
                "You must login or create an account to comment.",
                "The material on this site may not be reproduced without the prior written permission of the owner."]
    draft, dropped = cleaned("Bridge Vote", *BODY, *comments)
    assert kept_texts(draft) == BODY
    assert all(c in dropped for c in comments)


def test_a_closing_list_stops_at_repeated_lines_and_runs_of_other_headlines():
    tail = ["Don't miss a thing.", "Keep up with the Courier.", "Don't miss a thing.",
            "Everything We Know About the Summer Festival", "Mayor Will Open the New Library Wing Herself"]
    draft, dropped = cleaned("Bridge Vote", *BODY, "Opening times", "Weekdays from nine", *tail)
    assert kept_texts(draft)[:len(BODY)] == BODY
    assert all(t in dropped for t in tail[2:])


def test_a_box_of_links_inside_a_copied_article_is_dropped_and_the_body_kept():
    box = ["Bridge Works More", "Watch live: the council debates the new crossing",
           "Five things to know about the river", "Ferry fares to rise in the spring", "More in Bridge Works"]
    draft, dropped = cleaned("Bridge Vote", "March 4, 2024 / 9:30 AM / Courier News", *BODY[:2], *box, *BODY[2:])
    assert kept_texts(draft) == BODY
    assert draft.title == "Bridge Vote"
    assert all(b in dropped for b in box)
    assert dropped["March 4, 2024 / 9:30 AM / Courier News"] == "date line"


def test_sentence_case_headlines_under_a_more_from_label_inside_a_copied_article_are_dropped():
    box = ["More from Europe", "Prince opens the new harbour wall after two years of works",
           "'Naive and trusting' ferry captain gave the wrong tide tables, court hears",
           "Storm Ida: three towns cut off as the river bursts its banks",
           "Ticket holder wins the county lottery jackpot"]
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], *box, *BODY[2:])
    assert kept_texts(draft) == BODY
    assert all(b in dropped for b in box)


def test_a_short_list_without_a_links_label_stays_in_the_article():
    steps = ["Close the road at the north end", "Lift the old stones one by one", "Number each stone for the rebuild"]
    draft, _ = cleaned("Bridge Vote", *BODY[:2], *steps, *BODY[2:])
    assert kept_texts(draft) == BODY[:2] + steps + BODY[2:]


def test_a_run_of_other_stories_headlines_inside_a_copied_article_is_dropped():
    teasers = ["Dangers of Cycling: Facts About City Roads", "Ferry Company Plans a Faster Crossing",
               "These Are the Towns Where Bridges Cost Most"]
    caption = "A stock image of a stone bridge over a river in spring."
    draft, dropped = cleaned("Bridge Vote Passes", "By Ann Lee, City Desk", "Bridge Rivers Council", *BODY[:2],
                             *teasers, caption, *BODY[2:], "Check out more articles on the Courier!")
    assert kept_texts(draft) == BODY
    assert draft.title == "Bridge Vote Passes"  # the headline with its byline under it, not the tag line
    assert all(t in dropped for t in teasers) and caption in dropped


def test_a_next_up_label_among_menu_labels_ends_the_article():
    after = ["Next Up In", "Tech", "Good Deals", "Here is when the spring sales start at the big shops",
             "Do not go into the sales without a plan"]
    draft, dropped = cleaned("Bridge Vote", *BODY, *after)
    assert kept_texts(draft) == BODY
    assert all(a in dropped for a in after)


def test_credits_alone_or_glued_to_their_caption_are_dropped():
    credit = "Jason Cipriani/ZDNet"
    glued = "Volunteers carry stones to the bridge on Friday.Ezra Acayan / Getty Images"
    draft, dropped = cleaned("Bridge Vote", BODY[0], credit, BODY[1], glued, *BODY[2:])
    assert kept_texts(draft) == BODY
    assert dropped[credit] == "image credit" and dropped[glued] == "image caption"


def test_a_short_standfirst_is_kept_but_a_tag_line_is_not():
    draft, dropped = cleaned("Bridge Vote Passes", "By Ann Lee", "Health Rivers Council", "A town keeps its past",
                             *BODY)
    assert kept_texts(draft) == ["A town keeps its past", *BODY]
    assert "Health Rivers Council" in dropped


def test_date_lines_in_their_many_shapes_are_dropped():
    dates = ["Monday, November 18, 2019", "March 9, 2017 13", "Courier NewsOctober 13, 2016",
             "| November 18, 2019 -- 19:14 GMT (19:14 GMT)", "11.03.17 in Gadgetry", "기사입력 :[ 2018-08-25 15:24 ]"]
    draft, dropped = cleaned("Bridge Vote", *dates, *BODY)
    assert kept_texts(draft) == BODY
    assert all(dropped[d] == "date line" for d in dates)
    draft, _ = cleaned("Bridge Vote", *BODY, "March 3, 2019 was the day the old bridge finally closed to lorries.")
    assert kept_texts(draft)[-1].startswith("March 3, 2019 was")


def test_credits_after_a_caption_or_through_an_agency_are_dropped():
    blocks = ["Volunteers carry stones to the bridge on Friday. Ezra Acayan / Getty Images",
              "A ferry waits at the old quay, March 3, 2024. © Reuters / Ann Lee",
              "Towns where bridges were rebuilt since 2000. Statista",
              "County Archive via AP", "By The Courier | Source: County Council"]
    draft, dropped = cleaned("Bridge Vote", BODY[0], *blocks, *BODY[1:])
    assert kept_texts(draft) == BODY
    assert all(b in dropped for b in blocks)


def test_a_syndication_credit_and_dates_with_their_zones_are_dropped():
    draft, dropped = cleaned("Bridge Vote", *BODY, "Via NewsWire.info")
    assert kept_texts(draft) == BODY
    for date in ("Monday, March 4, 2024, 04:05 pm PT (07:05 pm ET)", "Wednesday 6 March 2024 11:42, UK"):
        draft, dropped = cleaned("Bridge Vote", date, *BODY)
        assert kept_texts(draft) == BODY and dropped[date] == "date line"


def test_captions_ending_in_their_source_or_glued_to_their_label_and_gallery_counters_are_dropped():
    for line in ("Volunteers on the bridge at dawn (AFP)", "Posters from the bridge campaign (savethebridge.org)",
                 "Media captionWhy the bridge matters to the town", "Image 3 of / 12"):
        draft, dropped = cleaned("Bridge Vote", BODY[0], line, *BODY[1:])
        assert kept_texts(draft) == BODY and line in dropped


def test_the_articles_opening_cut_short_over_it_is_not_read():
    cut = "Residents of the town say the old crossing is the heart of their lives,..."
    draft, dropped = cleaned("Bridge Vote", cut, *BODY)
    assert kept_texts(draft) == BODY and cut in dropped


def test_a_labelled_caption_and_a_post_ending_in_its_picture_link_do_not_end_a_copied_article():
    caption = "Image: Volunteers carry the first stones across the river to the old bridge"
    post = ("Proud of every volunteer who carried a stone across the river today. The old bridge is ours again. "
            "pic.twitter.com/x1Bridge9")
    after = ["The council will meet again in May to choose the builder, and residents may speak at that meeting.",
             "A temporary ferry will run while the bridge is closed, at no charge to people who live in the town."]
    draft, dropped = cleaned("Bridge Vote", *BODY, caption, post, *after)
    assert kept_texts(draft) == [*BODY, post, *after]
    assert dropped[caption] == "image caption"  # the caption alone: the paragraph above it is no caption


def test_a_byline_without_by_is_dropped_and_its_headline_found():
    draft, dropped = cleaned("Ferry Fares Rise Again", "Council Backs Bridge Plan", "Ann Lee, @annlee",
                             "4.03.24 in Towns", *BODY)
    assert draft.title == "Council Backs Bridge Plan"  # the headline over the byline, not the nearest one
    assert kept_texts(draft) == BODY
    draft, dropped = cleaned("Bridge Vote Passes", "Ann Lee and Sam Wright", "Courier", "Published 9:30 AM", *BODY)
    assert kept_texts(draft) == BODY and "Ann Lee and Sam Wright" in dropped
    draft, _ = cleaned("Bridge Vote Passes", "By Ann Lee @annlee", *BODY)
    assert draft.author == "Ann Lee"


def test_a_teaser_for_another_story_ending_in_read_more_is_dropped():
    teaser = ["Ferry Company Plans a Faster Crossing for Commuters",
              "In recent months, hundreds of commuters have asked the ferry company to run a faster boat across the"]
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], *teaser, "Read more", *BODY[2:])
    assert kept_texts(draft) == BODY
    assert all(dropped[t] == "link to another story" for t in teaser)
    draft, _ = cleaned("Bridge Vote", *BODY[:3], "Read more", BODY[3])  # a paragraph before it stays
    assert kept_texts(draft) == BODY


def test_other_stories_under_a_related_label_are_dropped_but_a_list_of_dates_is_not():
    related = ["Ferry Company Plans a Faster Crossing for Commuters", "Mayor Opens the New Library Wing Herself"]
    dates = ["June 9 – West Palm Town Hall", "June 10 – North Quay Pavilion", "June 14 – Old Market Square"]
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], "Related", *related, *BODY[2:], "Opening Dates", *dates,
                             "Related", "Ferry Fares Rise Again")
    assert kept_texts(draft) == [*BODY, "Opening Dates", *dates]
    assert all(dropped[r] == "links to other stories" for r in related)


def test_promotions_between_the_byline_and_the_article_are_dropped_a_standfirst_is_not():
    draft, dropped = cleaned(
        "Sign up for our newsletter and go inside the world of the river towns, every single week of the year.",
        "Bridge Vote Passes at Last", "A town chooses to keep its past", "By Ann Lee", "Reporter",
        "Ann Lee's Most Recent Stories", "Key Specs", "Length", "Span", "Stone type Granite, Limestone", *BODY)
    assert draft.title == "Bridge Vote Passes at Last"  # not the dek under it, the line right over the byline
    assert kept_texts(draft) == ["A town chooses to keep its past", *BODY]
    assert "Stone type Granite, Limestone" in dropped and "Ann Lee's Most Recent Stories" in dropped


def test_an_authors_profile_card_is_dropped_but_a_closing_note_about_the_authors_is_kept():
    card = ["Ann Lee", "Ann Lee joined the Courier from the regional desk and has covered the river towns since 2012.",
            "View Profile"]
    draft, dropped = cleaned("Bridge Vote", "By Ann Lee", *BODY, *card, "Don't miss a thing.", "Keep up with the Courier.",
                             "Don't miss a thing.", "Keep up with the Courier.")
    assert kept_texts(draft) == BODY
    assert dropped[card[1]] == "about the author"
    handle = ["By Ann Lee @annlee", "Ann has been writing about bridges for as long as she can remember, and before that "
              "she built them."]
    draft, dropped = cleaned("Bridge Vote", *BODY, *handle)
    assert kept_texts(draft) == BODY and dropped[handle[1]] == "about the author"
    draft, dropped = cleaned("Bridge Vote", *BODY, "In this story: bridges, council, river", *handle)
    assert kept_texts(draft) == BODY and handle[1] in dropped  # the furniture above it already ends the article
    note = ["Ann Lee", "Ann Lee is a reporter for the Courier based in Leeds."]
    draft, _ = cleaned("Bridge Vote", "By Ann Lee and Sam Wright", *BODY, "Ann Lee reported from Leeds.", *note)
    assert kept_texts(draft)[-1] == note[1]


def test_a_link_to_more_by_the_author_is_dropped():
    draft, dropped = cleaned("Bridge Vote Passes", "Ann (A.J.) Lee", *BODY, "More Ann (A.J.) Lee.")
    assert draft.author == "Ann (A.J.) Lee"
    assert kept_texts(draft) == BODY and dropped["More Ann (A.J.) Lee."] == "about the author"


def test_the_headline_is_told_from_its_dek_and_from_a_caption_with_its_credit():
    dek = "Residents feared the worst. The council listened and kept the stones of the old crossing"
    draft, dropped = cleaned("Skip to contentSkip to site index", "Today’s Paper", "The Bridge Vote That Kept a Town",
                             dek, "Ann Lee", "Share", "Old stones, new bridge (Credit: Courier/Ann Lee)", *BODY)
    assert draft.title == "The Bridge Vote That Kept a Town"
    assert kept_texts(draft) == [dek, *BODY]
    assert draft.author == "Ann Lee"


def test_a_read_next_box_of_teasers_cut_short_after_the_article_is_dropped():
    box = ["Read this next", "Ferry fares are rising again this spring, and commuters who cross the river every day "
           "want to know why the company…", "Medically reviewed by Sam Wright, MD",
           "The old library wing reopens next month after a long restoration that took far more than the three…"]
    draft, dropped = cleaned("Bridge Vote", *BODY, *box)
    assert kept_texts(draft) == BODY
    assert all(b in dropped for b in box)


def test_glued_share_buttons_relative_times_and_a_card_without_its_name_line_are_dropped():
    chrome = ["Share Tweet Share", "Ann Lee • 8h"]
    bio = "Ann Lee joined the Courier from the regional desk and covers the river towns and their councils."
    draft, dropped = cleaned("Bridge Vote Passes", *chrome, *BODY, bio, "View Profile")
    assert kept_texts(draft) == BODY
    assert all(c in dropped for c in chrome) and dropped[bio] == "about the author"


def test_calls_to_action_match_whole_words_only():
    fibre = "Fiber moves slowly through your digestive tract, keeping you feeling full longer (16)."
    draft, _ = cleaned("Bridge Vote", *BODY[:2], fibre, *BODY[2:], "Sign up for our daily digest.")
    assert kept_texts(draft) == [*BODY[:2], fibre, *BODY[2:]]


def test_the_author_is_read_as_names_only():
    from narrate.article.clean import tidy_author

    assert tidy_author("Jeff Foust Monday; November") == "Jeff Foust"
    assert tidy_author("Laura June Topolsky July") == "Laura June Topolsky"  # a name may hold a month
    assert tidy_author("Ben Silverman Games Editor") == "Ben Silverman"
    assert tidy_author("Stella Kim; Jennifer Jett") == "Stella Kim and Jennifer Jett"
    assert tidy_author("Ann Lee, Sam Wright & Jo Bloggs") == "Ann Lee, Sam Wright and Jo Bloggs"
    assert tidy_author("Ann Lee, City Desk") == "Ann Lee"
    assert tidy_author("Ann Lee, MS, RD (CA)") == "Ann Lee"
    assert tidy_author("AP") == "AP" and tidy_author("NPR; Ann Lee") == "NPR and Ann Lee"  # an agency is no degree
    assert tidy_author("Staff Reporter") is None and tidy_author("Editorial") is None
    draft, _ = cleaned("Bridge Vote Passes", "By Ann Lee, Senior Writer", *BODY)
    assert draft.author == "Ann Lee"


def test_the_author_is_the_byline_under_the_headline_not_one_further_down():
    draft, _ = cleaned("Bridge Vote Passes", "Ann Lee", *BODY, "Ferry Fares Rise Again", "by Sam Wright")
    assert draft.author == "Ann Lee"
    draft, _ = cleaned("Bridge Vote Passes", "Ann Lee@annlee", *BODY)
    assert draft.author == "Ann Lee"


def test_the_headline_and_author_are_found_however_the_header_is_laid_out():
    dek = "The fourth vote in ten years on the old stone crossing"
    draft, _ = cleaned("Council Backs the Bridge at Last", "New,", "15", "comments", dek, "By", "Ann Lee@annlee",
                       "Nov 19, 2019, 7:53pm EST", *BODY)
    assert (draft.title, draft.author) == ("Council Backs the Bridge at Last", "Ann Lee")
    assert kept_texts(draft) == [dek, *BODY]
    draft, _ = cleaned("Opinion", "The Courier view on the bridge: a town at a crossing", "Editorial",
                       "Residents deserve a straight answer from the council, and soon", *BODY)
    assert draft.title == "The Courier view on the bridge: a town at a crossing" and draft.author is None
    draft, _ = cleaned("Bridge vote settles an old fight", "Ann Lee - Apr 16, 2015 8:02 pm UTC", *BODY)
    assert (draft.title, draft.author) == ("Bridge vote settles an old fight", "Ann Lee")


def test_a_short_paragraph_that_starts_with_by_is_no_byline():
    lines = ["By then, nobody cared.", "By Tuesday the river had risen over the lower road."]
    draft, _ = cleaned("Bridge Vote", "By Ann Lee, MS, RD on November 14, 2019", *BODY[:2], *lines, *BODY[2:])
    assert kept_texts(draft) == [*BODY[:2], *lines, *BODY[2:]]
    assert draft.author == "Ann Lee"


def test_a_sentence_that_names_an_agency_is_no_credit_and_takes_no_caption_with_it():
    lines = ["LONDON (Reuters) - Shares in the bridge company fell sharply on Monday.",
             "The photo was later sold to Getty Images for a small fee."]
    draft, dropped = cleaned("Bridge Vote", BODY[0], lines[0], BODY[1], lines[1], *BODY[2:], "Photo: Ann Lee")
    assert kept_texts(draft) == [BODY[0], lines[0], BODY[1], lines[1], *BODY[2:]]
    assert "Photo: Ann Lee" in dropped


def test_an_article_about_newsletters_or_privacy_keeps_its_sentences():
    lines = ["Our weekly newsletter reached two thousand readers in its first year, a milestone for the volunteers.",
             "The company changed its privacy policy on Monday, and regulators said they would study the new terms."]
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], *lines, *BODY[2:], "Sign up for our weekly newsletter")
    assert kept_texts(draft) == [*BODY[:2], *lines, *BODY[2:]]
    assert "Sign up for our weekly newsletter" in dropped


def test_dates_that_head_the_parts_of_a_timeline_are_read():
    from narrate.article.read import parse_markdown

    draft, _ = cleaned("Bridge Timeline", BODY[0], "March 3, 2019", BODY[1], "May 9, 2020", *BODY[2:])
    assert kept_texts(draft) == [BODY[0], "March 3, 2019", BODY[1], "May 9, 2020", *BODY[2:]]
    markdown = "# Bridge Timeline\n\n" + text_of(BODY[0], "## March 3, 2019", *BODY[1:])
    draft, dropped = clean(parse_markdown(markdown))
    assert [b.text for b in draft.blocks] == [BODY[0], "March 3, 2019", *BODY[1:]] and not dropped


def test_a_short_line_between_paragraphs_of_copied_text_becomes_a_section_heading():
    draft, _ = cleaned("Bridge Vote", *BODY[:2], "What happens to the old stones", *BODY[2:],
                       "“A town that keeps its past”", "Ann Lee")
    kinds = {b.text: b.kind for b in draft.blocks}
    assert kinds["What happens to the old stones"] == "heading"
    assert all(kinds[p] == "paragraph" for p in BODY)
    question = "Why did it take so long?"
    draft, _ = cleaned("Bridge Vote", *BODY[:2], question, *BODY[2:])
    assert {b.text: b.kind for b in draft.blocks}[question] == "paragraph"  # a one-line paragraph, not a heading


def test_a_list_in_the_middle_of_a_copied_article_keeps_the_article_whole():
    steps = [f"{n} cups of flour, sifted twice" for n in range(1, 16)]
    draft, _ = cleaned("Grandma's Bread", *BODY[:2], *steps, *BODY[2:])
    assert kept_texts(draft) == [*BODY[:2], *steps, *BODY[2:]]
    ingredients = ["Flour", "Water", "Salt", "Yeast", "Butter", "Sugar"]
    draft, _ = cleaned("Grandma's Bread", BODY[0], *ingredients, *BODY[1:])
    assert kept_texts(draft) == [BODY[0], *ingredients, *BODY[1:]]
    axis = ["$915", "billion", "600", "300", "$263", "0", "’17", "’26"]  # a chart's labels are no list
    draft, dropped = cleaned("Bridge Costs", *BODY[:2], *axis, *BODY[2:])
    assert kept_texts(draft) == BODY


def test_a_pull_quote_without_a_full_stop_between_paragraphs_is_read_once_not_made_a_heading():
    quote = "repairs would only buy a few more winters"
    draft, dropped = cleaned("Bridge Vote", BODY[0], BODY[1], quote, *BODY[2:])
    assert kept_texts(draft) == BODY and dropped[quote].startswith("pull quote")


def test_a_quoted_paragraph_before_a_credit_line_is_no_caption():
    quote = '"We have waited forty years for this bridge," said Mary Collins, who chairs the residents\' group.'
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], quote, "Photo: Getty Images", *BODY[2:])
    assert quote in kept_texts(draft) and dropped["Photo: Getty Images"] == "image credit"
    caption = "The old bridge at dusk on Monday."
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], caption, "Photo: Getty Images", *BODY[2:])
    assert dropped[caption] == "image caption"


def test_captions_that_place_people_or_carry_a_toggle_are_dropped():
    places = "Council leader Ann Lee, left, and engineer Tom Hart inspect the bridge on Monday."
    toggle = "The bridge carried its last lorry in 2019. less"
    draft, dropped = cleaned("Bridge Vote", BODY[0], places, BODY[1], toggle, "Back to Gallery", *BODY[2:])
    assert kept_texts(draft) == BODY
    assert dropped[places] == dropped[toggle] == "image caption"


def test_a_byline_with_a_job_title_and_no_by_is_dropped_and_names_the_author():
    draft, dropped = cleaned("Bridge Vote", "Robert Burns, AP National Security Writer", *BODY)
    assert kept_texts(draft) == BODY and dropped["Robert Burns, AP National Security Writer"] == "byline"
    assert draft.author == "Robert Burns"
    keep = "Ann Lee, the editor"  # a name and a lowercase note is no job-title byline
    assert keep in kept_texts(cleaned("Bridge Vote", *BODY[:2], keep + ", wrote back.", *BODY[2:])[0])[2]


def test_lines_that_send_the_reader_to_other_stories_are_dropped():
    teasers = ["READ MORE: Council approves new bridge budget",
               "DON'T MISS Floods close the quay [VIDEO] Mayor resigns [INSIGHT]",
               "(Leggi anche: Il ponte vecchio chiude per lavori)",
               "Like this story?", "Share it with a friend!",
               "Follow the Courier on Instagram, Facebook, Twitter and YouTube.",
               "ann.lee@courier.example", "twitter.com/annlee", "Copyright © 2019 The Courier."]
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], *teasers, *BODY[2:])
    assert kept_texts(draft) == BODY
    assert set(teasers) <= set(dropped)
    sentence = "Read more about the bridge's history in the council's own archive, which opens on Monday."
    assert sentence in kept_texts(cleaned("Bridge Vote", *BODY[:2], sentence, *BODY[2:])[0])
    related = "[Related: Ferry Keynote: Fares, Timetables And The New Pier]"
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], related, *BODY[2:])
    assert kept_texts(draft) == BODY and dropped[related] == "link to another story"


def test_an_interview_of_short_questions_and_answers_is_read_in_copied_text():
    quick = ["Q: Favorite athlete?", "A: Lebron James", "Q: Favorite city?", "A: Istanbul",
             "Q: Favorite app?", "A: The weather one", "Q: Favorite book?", "A: A Fistful of Rice"]
    long_answer = ("A: Broncos against the Raiders at Mile High, in the record season, when the quarterback "
                   "threw five touchdowns and the whole stadium sang along.")
    interview = [*quick, "Q: Favorite live event?", long_answer, "Q: Favorite food?", "A: Rice and peas"]
    draft, _ = cleaned("Skip to content", "Menu", "Meet Our Driver", "By Ann Lee", *BODY[:2], *interview,
                       "Related", "Other story headline one", "Other story headline two")
    assert kept_texts(draft) == [*BODY[:2], *interview]


SMALL_PRINT = ["The information provided on this website is for informational purposes only and is not medical advice.",
               "*These statements have not been evaluated by the Food and Drug Administration.",
               "© 2019 Courier Media, LLC. All rights reserved.",
               "Roku is a registered trademark of Roku, Inc. in the United States and other countries.",
               "Contact Us | Terms of Use | Privacy Policy",
               "The Courier may earn a commission from some of the products featured on this page."]


def test_small_print_is_dropped_wherever_it_stands():
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], SMALL_PRINT[-1], *BODY[2:], *SMALL_PRINT[:-1])
    assert kept_texts(draft) == BODY
    assert {dropped[line] for line in SMALL_PRINT if line != SMALL_PRINT[2]} == {
        "legal notice (copyright, trademarks, disclaimers)"}
    assert SMALL_PRINT[2] in dropped  # a copyright line was furniture before
    notice = "All articles of the Courier are protected by law. Copyright (C) Courier.example. All right reserved."
    draft, dropped = cleaned("Bridge Vote", *BODY, notice)
    assert kept_texts(draft) == BODY and dropped[notice] == "legal notice (copyright, trademarks, disclaimers)"


def test_an_article_that_reports_on_a_trademark_is_read():
    reported = "The judge said the logo is a registered trademark of the brewery, and ordered the stalls closed."
    draft, _ = cleaned("Bridge Vote", *BODY[:2], reported, *BODY[2:])
    assert reported in kept_texts(draft)


def test_in_copied_text_the_small_print_ends_the_article_even_when_prose_follows_it():
    footer_prose = ["Exercise and a proper diet are necessary to achieve and maintain weight loss and muscle definition.",
                    "Consult your physician and follow all safety instructions before beginning any exercise program."]
    draft, _ = cleaned("Skip to content", "Bridge Vote Settles Old Fight", "By Ann Lee", *BODY, "Join our newsletter",
                       SMALL_PRINT[0], *footer_prose, SMALL_PRINT[2])
    assert kept_texts(draft) == BODY


def test_cookie_notices_and_comment_sections_in_other_languages_are_not_read():
    notices = ["Utilizziamo i cookie per essere sicuri che tu possa avere la migliore esperienza sul nostro sito.",
               "Nous utilisons des cookies pour vous garantir la meilleure expérience sur notre site web.",
               "Wir verwenden Cookies, um Inhalte und Anzeigen zu personalisieren und die Zugriffe zu analysieren."]
    for notice in notices:
        draft, dropped = cleaned("Bridge Vote", *BODY, notice)
        assert kept_texts(draft) == BODY and notice in dropped
    comments = ["Lascia un commento", "Devi essere connesso per inviare un commento.",
                "Ottimo articolo, grazie per averlo scritto e condiviso con tutti noi lettori del sito."]
    draft, _ = cleaned("Skip to content", "Bridge Vote Settles Old Fight", "By Ann Lee", *BODY, *comments)
    assert kept_texts(draft) == BODY
    sweets = "The bakery on the square still uses the cookies and biscuits recipes the founder brought from Italy."
    assert sweets in kept_texts(cleaned("Bridge Vote", *BODY[:2], sweets, *BODY[2:])[0])


COMMENT_TEXTS = ["I have crossed that bridge every morning for forty years and I am glad they are finally fixing it.",
                 "Two years is far too long for a bridge this size. The council should have planned this work better.",
                 "The temporary crossing will be a nightmare for anyone with a pram, and nobody has said how it works."]


def test_a_thread_of_readers_comments_under_a_copied_article_is_not_read():
    thread = []
    for name, when, text in zip(("Mary Jones", "Tom Baker", "Sam Reed"), ("2 hours ago", "3 hours ago", "5 hours ago"),
                                COMMENT_TEXTS):
        thread += [f"{name}\n{when}", text, "Like (3) Reply"]
    draft, dropped = cleaned("Skip to content", "Bridge Vote Settles Old Fight", "By Ann Lee", *BODY, *thread)
    assert kept_texts(draft) == BODY
    assert all(text in dropped for text in COMMENT_TEXTS)
    # headed "3 thoughts on ...", each comment signed with a date
    headed = ["3 thoughts on “Bridge Vote Settles Old Fight”"]
    for name, text in zip(("Mary Jones", "Tom Baker", "Sam Reed"), COMMENT_TEXTS):
        headed += [f"{name}\nNovember 19, 2019 at 4:05 pm", text, "Reply"]
    draft, _ = cleaned("Skip to content", "Bridge Vote Settles Old Fight", "By Ann Lee", *BODY, *headed)
    assert kept_texts(draft) == BODY


def test_a_comment_that_cannot_be_told_from_the_article_never_costs_the_articles_end():
    # no author or time line: the first "Reply" is the only sign, so what is above it is kept
    draft, _ = cleaned("Skip to content", "Bridge Vote Settles Old Fight", "By Ann Lee", *BODY, "Reply",
                       COMMENT_TEXTS[1], "Reply", COMMENT_TEXTS[2], "Reply")
    assert kept_texts(draft)[:len(BODY)] == BODY and COMMENT_TEXTS[2] not in kept_texts(draft)


def test_stacked_headlines_with_one_cut_short_and_cut_headlines_after_the_article_are_dropped():
    pair = ["Ferry strike: crews walk out over the new rota and the...",
            "Horror as river floods three villages overnight"]
    after = ["Major warning issued after the storm reached the coast and a...",
             "Council leader quits after row over the budget", "Towns face a wet winter as rivers rise"]
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], *pair, *BODY[2:], *after)
    assert kept_texts(draft) == BODY
    assert all(dropped[p] == "links to other stories" for p in pair)
    assert all(a in dropped for a in after)


def test_a_heading_over_a_line_or_a_short_list_is_not_taken_for_other_stories():
    heading = ["One chapter over, another barely begun", "Caroline Hawley, diplomatic correspondent"]
    draft, _ = cleaned("Bridge Vote", *BODY[:2], *heading, *BODY[2:])
    assert kept_texts(draft)[2] == "One chapter over, another barely begun"
    two_lines = ["Part two: the winter the river froze", "How the town crossed on the ice for a month"]
    draft, _ = cleaned("Bridge Vote", *BODY[:2], *two_lines, *BODY[2:])
    assert all(line in kept_texts(draft) for line in two_lines)
    steps = ["Close the road at the north end tonight", "Lift the old stones one by one",
             "Number each stone for the rebuild next year"]
    draft, _ = cleaned("Bridge Vote", *BODY[:2], *steps, *BODY[2:])
    assert kept_texts(draft) == BODY[:2] + steps + BODY[2:]
    options = ["Rebuild the old bridge in stone", "Build a new steel bridge further downstream"]
    introduced = "The ballot offered residents two choices, and both had their champions in the hall:"
    draft, _ = cleaned("Bridge Vote", BODY[0], introduced, *options, *BODY[1:])
    assert kept_texts(draft) == [BODY[0], introduced, *options, *BODY[1:]]
    dialogue = ["“We waited and waited and then...", "“Then the bridge just went quiet, and..."]
    draft, _ = cleaned("Bridge Vote", *BODY[:2], *dialogue, *BODY[2:])
    assert all(line in kept_texts(draft) for line in dialogue)


def test_bylines_dates_and_breadcrumbs_of_many_shapes_are_never_the_headline():
    draft, dropped = cleaned("Home > News > Towns", "Bridge Vote Passes After Years of Debate", "| BY: Ann Lee, MS, RD",
                             *BODY)
    assert draft.title == "Bridge Vote Passes After Years of Debate"
    assert draft.author == "Ann Lee" and "Home > News > Towns" in dropped
    draft, _ = cleaned("Bridge Vote Passes After Years of Debate", "20 Nov, 2019 05:47", "Follow us on", *BODY)
    assert draft.title == "Bridge Vote Passes After Years of Debate"
    draft, _ = cleaned("Мост откроют весной после долгого спора", "Текст: Анна Ли·11 октября 2018", *BODY)
    assert draft.title == "Мост откроют весной после долгого спора" and draft.author == "Анна Ли"
    draft, _ = cleaned("Bridge Vote Passes After Years of Debate", "Ann Lee", "Senior Contributor", *BODY)
    assert draft.title == "Bridge Vote Passes After Years of Debate" and draft.author == "Ann Lee"
    draft, dropped = cleaned("Bridge Vote", "Posted by Ann Lee on November 19, 2019, 6:21 AM EST",
                             "11:26 pm EST, Tuesday, November 19, 2019", "02 Ago 2017", *BODY)
    assert kept_texts(draft) == BODY and draft.author == "Ann Lee"


def test_a_feedback_survey_and_a_popular_list_between_the_header_and_the_article_are_dropped():
    survey = ["Welcome to our new article page. Tell us what you think about our new look by taking this survey.",
              "Most Popular", "Best of the County 2019: Pizza"]
    draft, dropped = cleaned("Bridge Vote Passes", "By Ann Lee", "Nov. 20, 2019Updated: Nov. 20, 2019 1:35 a.m.",
                             *survey, *BODY)
    assert kept_texts(draft) == BODY
    assert all(s in dropped for s in survey)


def test_headlines_cut_short_after_a_space_are_no_sentences_and_never_extend_the_article():
    after = ["Top stories in Towns", "Ferry fares to rise in spring as the council looks for savings …",
             "Police: two men arrested after a break-in at the harbour office overnight …",
             "Analysis: three reasons the old bridge vote took eleven years to reach the council chamber …",
             "Lighthouse lamp to be replaced before the winter storms arrive on the coast …"]
    draft, dropped = cleaned("Bridge Vote", *BODY, *after)
    assert kept_texts(draft) == BODY
    assert all(a in dropped for a in after)


def test_labels_over_other_stories_in_other_languages_end_the_article_and_credits_are_dropped():
    body = ["Совет проголосовал во вторник за то, чтобы восстановить старый каменный мост через реку, и этим "
            "решением закончил спор, который шел в городе много лет.",
            "Инженеры давно предупреждали, что старый мост не выдержит современных грузовиков, а любой ремонт лишь "
            "отсрочит беду на пару зим.",
            "Работы начнутся весной и займут два года, а все это время пешеходы будут ходить через реку по "
            "временной переправе у старой мельницы."]
    credit = "личный архив Анны Ли"
    after = ["Материалы по теме", "Как строили первый мост через реку", "Паром подорожает весной"]
    draft, dropped = cleaned("Мост восстановят", body[0], "Старый мост весной", credit, *body[1:], *after)
    assert kept_texts(draft) == body
    assert dropped[credit] == "image credit" and all(a in dropped for a in after)
    draft, dropped = cleaned("Bridge Vote", *BODY, "Like this story? Share it with a friend!")
    assert kept_texts(draft) == BODY


def test_the_next_storys_headline_and_byline_end_a_copied_article_that_comes_first():
    next_story = ["Ferry Fares Rise Again", "By Sam Wright",
                  "The ferry company said on Monday that fares would rise by a tenth in the spring, the third rise in "
                  "two years, blaming the price of fuel and the cost of the new pier."]
    draft, dropped = cleaned("Bridge Vote", "By Ann Lee", *BODY, *next_story)
    assert kept_texts(draft) == BODY and draft.author == "Ann Lee"
    assert all(s in dropped for s in next_story)
    # a page whose article comes second, after a shorter story, is read whole rather than lost
    short_story = ["Ferry Fares Rise Again", "By Sam Wright", next_story[2]]
    draft, _ = cleaned("Bridge Vote", "By Ann Lee", next_story[2], *short_story[:2], *BODY)
    assert all(b in kept_texts(draft) for b in BODY)


def test_labels_icons_and_links_to_the_authors_page_are_never_the_headline():
    draft, dropped = cleaned("chevron_left Browse All Posts", "Bridge Vote Passes After Years of Debate",
                             "By Ann Lee", "View author archive", "Get author RSS feed", "Most Popular Today",
                             "November 18, 2019 | 4:10pm", *BODY)
    assert draft.title == "Bridge Vote Passes After Years of Debate" and kept_texts(draft) == BODY
    assert "View author archive" in dropped and "Get author RSS feed" in dropped
    draft, _ = cleaned("Menu", "Roundup: Bridge Vote Passes After Years", "Ann Lee Courier", "November 18, 2019", *BODY)
    assert draft.title == "Roundup: Bridge Vote Passes After Years"


def test_an_interviews_recurring_question_is_read_before_each_answer():
    question = "What first drew you to the old bridge?"
    answers = ["My grandfather built boats beside it, and I learned to swim in the pool under its middle arch.",
               "I painted it every summer for twenty years, and no two of the paintings came out the same.",
               "It was the way home from school, and I counted its stones every single day until I was ten."]
    blocks = [BODY[0]]
    for name, answer in zip(["Ann Lee", "Sam Wright", "Mia Chen"], answers):
        blocks += [name, question, answer]
    draft, _ = cleaned("Bridge Vote", *blocks, *BODY[1:])
    assert kept_texts(draft).count(question) == 3
    banner = "Do not miss a thing from the valley: the Courier's best stories, every morning."
    draft, dropped = cleaned("Bridge Vote", BODY[0], banner, *BODY[1:3], banner, BODY[3])
    assert kept_texts(draft).count(banner) <= 1


def test_a_site_named_in_parts_after_the_title_loses_every_part_and_its_heading_goes():
    draft = Draft(blocks=(Block("Bridge Vote Settles Old Fight", "heading"), *(Block(t) for t in BODY)),
                  title="Bridge Vote Settles Old Fight - Valley Times - News of the Valley",
                  site_name="Valley Times - News of the Valley")
    kept, dropped = clean(draft)
    assert kept.title == "Bridge Vote Settles Old Fight" and kept_texts(kept) == BODY
    draft = Draft(blocks=tuple(Block(t) for t in BODY), title="Bridge Vote - Analysis - Courier", site_name=None)
    assert clean(draft)[0].title == "Bridge Vote - Analysis"
    draft = Draft(blocks=tuple(Block(t) for t in BODY), title="Our Survey Shows – Bridges Matter Most | Courier",
                  site_name="Courier")
    assert clean(draft)[0].title == "Our Survey Shows – Bridges Matter Most"


RESULTS_PAGE = ["Home", "News", "Racing", "Results", "Contact",
                "Verstappen Wins the Valley Grand Prix", "By Ann Lee", "March 3, 2024",
                "Max Verstappen won the Valley Grand Prix on Sunday, holding off Lewis Hamilton over the last ten "
                "laps as the rain held off until the flag.",
                "Pos", "Driver", "Team", "Time",
                "1", "Max Verstappen", "Red Bull", "1:33:14.678",
                "2", "Lewis Hamilton", "Mercedes", "+2.3s",
                "3", "Charles Leclerc", "Ferrari", "+5.1s",
                "4", "Lando Norris", "McLaren", "+9.8s",
                "More racing news", "Hamilton signs for two more years at the team",
                "Rain threatens the next round on the coast", "© 2024 Valley Racing. All rights reserved."]


def test_a_results_table_copied_one_cell_to_a_line_is_read_row_by_row():
    draft, dropped = clean(parse_text(text_of(*RESULTS_PAGE)))
    assert draft.title == "Verstappen Wins the Valley Grand Prix"
    assert kept_texts(draft) == [RESULTS_PAGE[8], "Pos, Driver, Team, Time",
                                 "1, Max Verstappen, Red Bull, 1:33:14.678", "2, Lewis Hamilton, Mercedes, +2.3s",
                                 "3, Charles Leclerc, Ferrari, +5.1s", "4, Lando Norris, McLaren, +9.8s"]
    skipped, _ = clean(parse_text(text_of(*RESULTS_PAGE), tables="skip"))
    assert kept_texts(skipped) == [RESULTS_PAGE[8]]
    announced, _ = clean(parse_text(text_of(*RESULTS_PAGE), tables="announce"))
    assert kept_texts(announced)[1] == "A table is skipped here."


def test_a_menu_or_a_list_of_dates_is_no_table():
    menu = ["Home", "News", "Sport", "Weather", "2019", "Towns", "Rivers", "Bridges", "Ferries"]
    assert all(b.kind != "row" for b in parse_text(text_of(*menu, *BODY)).blocks)
    dates = ["June 9 – West Palm Beach, FL", "June 10 – Tampa, FL", "June 14 – Alpharetta, GA"]
    assert all(b.kind != "row" for b in parse_text(text_of(*BODY, *dates)).blocks)


def test_an_icons_name_a_comment_forms_cancel_link_an_inbox_appeal_and_a_popular_on_label_are_not_read():
    draft, dropped = cleaned("chevron_left Browse All Posts", "Bridge Vote", "By Ann Lee",
                             "Receive the latest local updates in your inbox", *BODY,
                             "Leave a Reply Cancel reply",
                             "I was at the meeting and nobody listened to the boatmen at all.",
                             "Popular on Courier", "Ferry fares to rise in spring as the council looks for savings")
    assert kept_texts(draft) == BODY
    assert dropped["chevron_left Browse All Posts"].startswith("page furniture")
    draft, _ = cleaned("Bridge Vote", BODY[0], "The config_name setting is read once, when the bridge app starts.",
                       *BODY[1:])
    assert "The config_name setting is read once, when the bridge app starts." in kept_texts(draft)


def test_headlines_each_with_its_time_between_two_paragraphs_are_other_stories_not_the_articles_list():
    rail = ["Flood defences to be raised along the whole east bank", "2 hours ago",
            "Second bridge closure planned for next summer, council says", "5 hours ago",
            "Ferry service returns to the harbour after twenty years away", "1 day ago"]
    promo = ("Our weekly newsletter brings the best of the region's stories, features and photographs straight to "
             "readers every Friday morning, along with the listings for the weekend ahead and more.")
    draft, dropped = cleaned("Bridge Vote", *BODY, *rail, promo)
    assert kept_texts(draft) == BODY
    assert all(line in dropped for line in rail[::2])
    # the same items without their times read as the article's own list, between two of its paragraphs
    steps = rail[::2]
    draft, _ = cleaned("Bridge Vote", *BODY[:2], *steps, *BODY[2:])
    assert kept_texts(draft) == [*BODY[:2], *steps, *BODY[2:]]


def test_a_handle_alone_on_its_line_is_an_embeds_label_not_read():
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], "@bridge.friends", *BODY[2:])
    assert kept_texts(draft) == BODY and dropped["@bridge.friends"].startswith("page furniture")
    sentence = "Write to @bridge.friends with your memories of the bridge."
    draft, _ = cleaned("Bridge Vote", *BODY[:2], sentence, *BODY[2:])
    assert sentence in kept_texts(draft)


def test_a_news_pages_labels_tip_line_app_plug_alerts_and_quote_box_notice_are_not_read():
    chrome = ["VIDEO", "Photos", "Advertisement - story continues below",
              "Got a confidential news tip? We want to hear from you.",
              "Download the Courier app for breaking news and local sport",
              "Get breaking news alerts",
              "Data is a real-time snapshot *Data is delayed at least 15 minutes."]
    draft, dropped = cleaned("Bridge Vote", BODY[0], chrome[0], BODY[1], *chrome[1:3], BODY[2], BODY[3], *chrome[3:])
    assert kept_texts(draft) == BODY
    assert all(line in dropped for line in chrome)
    mentions = "Photos of the bridge from 1920 show the same arches, and a video of the vote was shared widely."
    draft, _ = cleaned("Bridge Vote", *BODY[:2], mentions, *BODY[2:])
    assert mentions in kept_texts(draft)


@pytest.mark.parametrize("label", ["In Case You Missed It", "Around the Web", "From Our Partners", "Next Story",
                                   "Sponsored Stories", "Top Stories", "You Might Also Like", "Recommended Stories",
                                   "Most Popular", "Most Viewed", "Trending"])


def test_a_label_of_other_stories_ends_the_article_on_a_web_page_and_in_copied_text(label):
    teasers = ["Council elections called early", "Ferry returns to the harbour"]
    kept, _ = clean(Draft(blocks=(*(Block(t) for t in BODY), Block(label, "heading"), *(Block(t) for t in teasers)),
                          title="Bridge Vote"))
    assert kept_texts(kept) == BODY
    draft, dropped = cleaned("Bridge Vote", *BODY, label, *teasers)
    assert kept_texts(draft) == BODY and all(t in dropped for t in teasers)


def test_a_credit_written_with_dots_takes_its_caption_along():
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], "The old bridge at dawn", "Credit...Ann Lee for the Courier",
                             *BODY[2:])
    assert kept_texts(draft) == BODY and dropped["The old bridge at dawn"] == "image caption"


@pytest.mark.parametrize("sentence", [
    "The latest figures show that more people crossed the bridge in May than in any month before.",
    "Contact us, the residents' group said, if you saw the bridge before the repairs began in 1990.",
    "Three of the twelve arches were rebuilt after the flood, and one of them twice since then.",
])


def test_sentences_that_share_words_with_those_labels_are_read(sentence):
    draft, _ = cleaned("Bridge Vote", *BODY[:2], sentence, *BODY[2:])
    assert sentence in kept_texts(draft)


def test_a_credit_in_another_language_takes_its_caption_along_but_a_bare_label_does_not():
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], "A ponte velha ao amanhecer", "Foto: Ana Lima/Agência",
                             *BODY[2:])
    assert kept_texts(draft) == BODY and dropped["A ponte velha ao amanhecer"] == "image caption"
    draft, _ = cleaned("Bridge Vote", *BODY[:2], "Ana Lima", "Фото:", *BODY[2:])
    assert "Ana Lima" in kept_texts(draft)


def test_a_long_tag_list_and_a_word_count_are_page_furniture():
    tags = ("Tags: bridge, council, vote, river, engineers, lorries, repairs, residents, spring, crossing, "
            "foot traffic, town hall")
    draft, dropped = cleaned("Bridge Vote", *BODY, "Wordcount: 717", tags)
    assert kept_texts(draft) == BODY and {"Wordcount: 717", tags} <= set(dropped)


@pytest.mark.parametrize("address", ["3535 Harbour Rd NE #415 Atlanta, GA 30305", "10 Bridge Street, London SW1A 2AA"])


def test_a_postal_address_alone_on_a_line_is_contact_details(address):
    draft, dropped = cleaned("Bridge Vote", *BODY, address)
    assert kept_texts(draft) == BODY and dropped[address] == "contact details"


def test_a_row_of_sharing_buttons_under_the_article_is_no_bridge_to_a_teaser_after_it():
    buttons = ["Share this article", "Facebook", "Twitter"]
    teaser = "A galaxy is hurtling towards our own, and it could end life on Earth."
    draft, dropped = cleaned("Bridge Vote", *BODY, *buttons, teaser)
    assert kept_texts(draft) == BODY and teaser in dropped
    # between two paragraphs of the article, the same buttons are stepped over
    draft, _ = cleaned("Bridge Vote", *BODY[:2], *buttons, *BODY[2:])
    assert kept_texts(draft) == BODY


def test_links_to_other_stories_under_the_article_are_no_bridge_to_a_teaser_after_them():
    links = ["READ MORE: Ferry returns to the harbour", "RELATED: Council elections called early"]
    teaser = "A galaxy is hurtling towards our own, and it could end life on Earth."
    draft, dropped = cleaned("Bridge Vote", *BODY, *links, teaser)
    assert kept_texts(draft) == BODY and teaser in dropped


@pytest.mark.parametrize("line", [
    # a news page's box labels and small print
    "Skip Advertisement", "Supported by", "Share full article", "toggle caption", "Link copied!", "1 of 12",
    "VIDEO2:1502:15Bridge closes for a week", "Market data provided by a data vendor. Legal statement.",
    "CLICK HERE FOR MORE LOCAL NEWS",
    "This material may not be published, broadcast, rewritten, or redistributed.",
    # the same kind of chrome in the web's larger press languages
    "Publicidade", "Continua após a publicidade", "Compartilhe", "Siga-nos no Instagram", "Leia mais", "Publicidad",
    "Síguenos en Twitter", "Publicité", "Suivez-nous", "Anzeige", "Folgen Sie uns auf Facebook", "Pubblicità",
    "Condividi", "Реклама", "Поделиться", "Receba notícias no seu e-mail",
    # a page's buttons and notices, and capitalised teaser labels
    "Sign in to comment", "Follow", "Open in app", "Share this:", "Reuse this content", "Now Playing", "Loading...",
    "Please enable JavaScript to view the comments", "This article is more than 4 years old",
    "Do Not Sell My Personal Information", "Your Privacy Choices", "MORE: Council votes to rebuild the old bridge",
    # a blog's comment form and sharing buttons, podcast plugs, tip requests and sponsor labels
    "Required fields are marked *", "Save my name, email, and website in this browser for the next time I comment.",
    "Notify me of new posts by email.", "Post Comment", "This site uses Akismet to reduce spam.",
    "Click to share on Twitter (Opens in new window)", "Like Loading...", "Be the first to like this.", "Rate this:",
    "Listen on Apple Podcasts", "Send us a tip", "Have a story idea?", "Sponsored by Acme Bank", "Paid Post",
])


def test_a_line_of_page_chrome_between_paragraphs_is_not_read(line):
    draft, dropped = cleaned("Bridge Vote", *BODY[:2], line, *BODY[2:])
    assert kept_texts(draft) == BODY and line in dropped
