"""Written form -> spoken form, rule by rule, including what must stay untouched."""

import wave

import pytest

from narrate.models import LexiconEntry
from narrate.speech.normalize import SpeechOptions, normalize, pronounceable, roman_value

from conftest import run_cli

CASES = [
    # numbers, decimals, negatives, large numbers
    ("It has 3 rooms.", "It has three rooms."),
    ("Pi is 3.14.", "Pi is three point one four."),
    ("It fell to -5 overnight.", "It fell to minus five overnight."),
    ("There were 1,500,000 votes.", "There were one million five hundred thousand votes."),
    # ordinals
    ("the 1st, 2nd, 3rd and 22nd", "the first, second, third and twenty second"),
    # ranges and percentages
    ("between 10-20 people", "between ten to twenty people"),
    ("up 10–20%", "up ten to twenty percent"),
    ("a 12.5% rise", "a twelve point five percent rise"),
    ("from 1990-95", "from nineteen ninety to ninety five"),
    ("in 2001-05", "in two thousand one to two thousand five"),
    ("from 1914–1918", "from nineteen fourteen to nineteen eighteen"),
    # currencies
    ("$100 billion", "one hundred billion dollars"),
    ("€5m", "five million euros"),
    ("£3.50", "three pounds fifty"),
    ("$1.01", "one dollar and one cent"),
    ("$500", "five hundred dollars"),
    # years vs quantities, decades
    ("In 1990 it rained.", "In nineteen ninety it rained."),
    ("in 2005", "in two thousand five"),
    ("the 1960s", "the nineteen sixties"),
    ("9999 items", "nine thousand nine hundred ninety nine items"),
    # dates and times
    ("On March 4, 2025 we met.", "On March fourth twenty twenty five we met."),
    ("on 4 March 2025", "on the fourth of March twenty twenty five"),
    ("Jan. 5", "January fifth"),
    ("on 2024-05-01", "on May first twenty twenty four"),
    ("at 10:30 a.m. sharp", "at ten thirty a.m. sharp"),
    ("at 10:00", "at ten o'clock"),
    ("won in 1:33:14.678", "won in one hour thirty three minutes fourteen point six seven eight seconds"),
    ("a lap of 1:32.456", "a lap of one minute thirty two point four five six seconds"),
    ("it runs 2:05:00", "it runs two hours five minutes"),
    ("at 9:05", "at nine oh five"),
    ("It ends at 5 p.m. Then we go.", "It ends at five p.m. Then we go."),
    # phone and version numbers
    ("call 555-123-4567", "call five five five, one two three, four five six seven"),
    ("Python v3.11 is out", "Python version three point eleven is out"),
    # units and fractions
    ("a 5 km run at 38°C", "a five kilometre run at thirty eight degrees Celsius"),
    ("1 kg of flour", "one kilogram of flour"),
    ("60 mph", "sixty miles per hour"),
    ("3/4 of it", "three quarters of it"),
    ("1 ½ cups", "one and one half cups"),
    # abbreviations and titles
    ("Dr. Smith and Mr. Jones Jr. left.", "Doctor Smith and Mister Jones Junior left."),
    ("on St. Patrick's Day", "on Saint Patrick's Day"),
    ("e.g. apples, i.e. fruit, etc.", "for example apples, that is fruit, et cetera"),
    ("Ali vs. Frazier", "Ali versus Frazier"),
    # initialisms, acronyms, plurals and possessives
    ("The U.S. and the U.K.", "The U.S. and the U.K."),
    ("the NSA and the CPC", "the N.S.A. and the C.P.C."),
    ("the DPRK and 5G", "the D.P.R.K. and five G"),
    ("NASA and NATO", "NASA and NATO"),
    ("CEOs and the U.S.'s debt", "C.E.O.s and the U.S.'s debt"),
    ("the FBI's files", "the F.B.I.'s files"),
    # Roman numerals only where certain
    ("World War II ended.", "World War two ended."),
    ("Henry VIII had six wives.", "Henry the eighth had six wives."),
    ("Read Chapter IV.", "Read Chapter four."),
    ("I think I can.", "I think I can."),
    ("a MIX of things", "a MIX of things"),
    # symbols and typography
    ("salt & pepper", "salt and pepper"),
    ("and/or", "and or"),
    ("It was — as ever — late.", "It was, as ever, late."),
    ("a note (an aside) here", "a note, an aside, here"),
    ("as shown [1] and [2,3].", "as shown and."),
    ("Wait…", "Wait..."),
    # URLs, e-mail, emoji, hashtags, handles
    ("See https://www.example.com/a/b for more.", "See example dot com for more."),
    ("Proud of you all. pic.twitter.com/dUO6AJlMxR", "Proud of you all. pic dot twitter dot com"),
    ("Rated 4.5/5 by readers.", "Rated four point five out of five by readers."),
    ("Write to jane.doe@example.org today.", "Write to jane dot doe at example dot org today."),
    ("Great news 😀 today", "Great news today"),
    ("#climate and @narrate", "hashtag climate and at narrate"),
    ("— Dele (@dele_official) November 19, 2019", "Dele, at dele official, November nineteenth twenty nineteen"),
    # left alone
    ("A plain sentence with nothing to change.", "A plain sentence with nothing to change."),
    ("BREAKING NEWS: THE FBI SAYS SO.", "BREAKING NEWS: THE FBI SAYS SO."),
]


@pytest.mark.parametrize("written, spoken", CASES)
def test_rule(written, spoken):
    assert normalize(written) == spoken


def test_urls_can_be_read_in_full_or_skipped():
    text = "See https://example.com/docs now."
    assert normalize(text, SpeechOptions(urls="full")) == "See example dot com slash docs now."
    assert normalize(text, SpeechOptions(urls="skip")) == "See now."


def test_other_languages_get_only_the_neutral_rules():
    assert normalize("Il a payé 5 € le 3 mars [1] 😀", SpeechOptions(language="fr")) == "Il a payé 5 € le 3 mars"


def test_lexicon_wins_over_the_rules():
    lexicon = (LexiconEntry("NATO", spell=True), LexiconEntry("Zorblax", say="banana split"),
               LexiconEntry("Nguyen", phonemes="ŋwˈɪən"), LexiconEntry("gif", say="jif", ignore_case=True),
               LexiconEntry("Dr.", say="Drive"))
    options = SpeechOptions(lexicon=lexicon)
    assert normalize("NATO met Zorblax and Nguyen.", options) == "N.A.T.O. met banana split and [[ ŋwˈɪən ]]."
    assert normalize("A GIF, a Gif, a gif.", options) == "A jif, a jif, a jif."
    assert normalize("Elm Dr. is closed.", options) == "Elm Drive is closed."
    assert normalize("NATOs and Zorblaxes", options) == "NATOs and Zorblaxes"  # whole words only
    no_phonemes = SpeechOptions(lexicon=lexicon, supports_phonemes=False)
    assert normalize("Nguyen", no_phonemes) == "Nguyen"


@pytest.mark.parametrize("numeral, value", [("IV", 4), ("VIII", 8), ("XIV", 14), ("MCMXC", 1990), ("IIII", None),
                                            ("MIX", 1009), ("", None)])
def test_roman_values(numeral, value):
    assert roman_value(numeral) == value


@pytest.mark.parametrize("word, expected", [("NASA", True), ("OPEC", True), ("UNESCO", True), ("MIX", True),
                                            ("NSA", False), ("DPRK", False), ("OECD", False), ("CSIS", False)])
def test_pronounceable(word, expected):
    assert pronounceable(word) is expected


def test_say_prints_the_spoken_form_and_writes_a_wav(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text("pronunciations:\n  Zorblax: {say: banana split}\n", encoding="utf-8")
    out = tmp_path / "line.wav"
    result = run_cli("say", "Zorblax paid $5 on Jan. 3.", "-o", out, "-c", config)
    assert result.exit_code == 0, result.output
    spoken, phonemes = result.stdout.strip().splitlines()
    assert spoken == "banana split paid five dollars on January third."
    assert phonemes.startswith("phonemes: bɐnˈænə splˈɪt")  # espeak's, as the default voice, Piper's joe, hears it
    with wave.open(str(out)) as wav:
        assert wav.getframerate() == 22050 and wav.getnchannels() == 1
        assert wav.getnframes() / 22050 > 1.0


def test_bad_lexicon_entry_is_a_config_error(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text("pronunciations:\n  Zorblax: {spell: true, ipa: y}\n", encoding="utf-8")
    result = run_cli("say", "hi", "-c", config, "-o", tmp_path / "x.wav")
    assert result.exit_code == 2 and "pronunciations.Zorblax" in result.stderr and "give one of" in result.stderr


def test_shared_lexicon_file_and_config_entries(tmp_path):
    (tmp_path / "words.yaml").write_text("Zorblax: {say: shared}\nQuux: {spell: true}\n", encoding="utf-8")
    config = tmp_path / "narrate.yaml"
    config.write_text("pronunciations_file: words.yaml\npronunciations:\n  Zorblax: {say: local}\n", encoding="utf-8")
    result = run_cli("say", "Zorblax Quux", "-c", config, "-o", tmp_path / "x.wav")
    assert result.stdout.splitlines()[0] == "local Q.U.U.X."


@pytest.mark.parametrize("written, spoken", [
    ("The store is open 24/7.", "The store is open twenty four seven."),
    ("After 9/11 and a 50/50 split.", "After nine eleven and a fifty fifty split."),
    ("Add 3/4 cup and 1/2 spoon.", "Add three quarters cup and one half spoon."),
    ("see pp. 112-130 and p. 4", "see pages one hundred twelve to one hundred thirty and page four"),
    ("Read ch. 3, Fig. 2 and vol. 5, no. 7.", "Read chapter three, figure two and volume five, number seven."),
    ("On 3/4/2025 we met.", "On March fourth twenty twenty five we met."),
    ("It ended 12/31/99.", "It ended December thirty first nineteen ninety nine."),
    ("1.5 km intervals", "one point five kilometre intervals"),
    ("a 6 ft. wall and 4-ft waves", "a six foot wall and four foot waves"),
    ("He ran 5 km. Then he rested.", "He ran five kilometres. Then he rested."),
    ("It is 5 km away, 3 km long.", "It is five kilometres away, three kilometres long."),
    ("for 5 min. approx. 3 hrs", "for five minutes approximately three hours"),
    ("They won 31-17.", "They won thirty one to seventeen."),
    ("a 16:9 screen", "a sixteen to nine screen"),
    ("It raised 2.3M and $5bn.", "It raised two point three million and five billion dollars."),
    ("Python 3.10 is out; iOS 17.2.1 too.", "Python three point ten is out; iOS seventeen point two point one too."),
    ("Apple sold 2.25 million.", "Apple sold two point two five million."),
    ("Call 555-1234 or (509) 459-5382.", "Call five five five, one two three four or five zero nine, four five nine, "
                                         "five three eight two."),
    ("Gov. Lee met Sen. Ruiz at Mt. Hood.", "Governor Lee met Senator Ruiz at Mount Hood."),
])
def test_forms_a_listener_would_stumble_on(written, spoken):
    assert normalize(written) == spoken


def test_numeric_dates_follow_the_configured_order():
    assert normalize("On 3/4/2025 we met.", SpeechOptions(date_order="dmy")) == \
        "On the third of April twenty twenty five we met."
    assert "March" not in normalize("On 13/14/2025.", SpeechOptions())  # no month 13: not a date


def test_an_abbreviation_before_a_name_never_ends_a_sentence():
    from narrate.config import Config
    from narrate.models import Article, Section
    from narrate.pipeline import plan_speech

    article = Article(title="T", sections=(Section("T", ("The Minneapolis-St. Paul suburbs grew. Prices rose.",),
                                                   has_heading=False),))
    written = [u.written for u in plan_speech(article, Config())][1:]
    assert written == ["The Minneapolis-St. Paul suburbs grew.", "Prices rose."]
