"""Written form to spoken form: what a good narrator says for "$5m", "Dr.", "NATO" or "Henry VIII".

Only the engine hears the result; transcripts and chapters keep the article's own text. The rules
are English; for any other language only the pronunciation lexicon and the language-neutral
clean-ups (footnote markers, emoji, URLs) apply, so nothing is read in the wrong language.

Each rule is a regular expression and a function, applied in order; text a rule produces is
protected from the rules after it, and the lexicon, applied first, wins over all of them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from narrate.models import LexiconEntry

# --- Reading numbers -------------------------------------------------------------------------------


def _clean(words: str) -> str:
    """num2words' British "two hundred and fifty" read the American way, as the bundled voices speak:
    with the "and", a recogniser (and a listener) hears 1,250,000 as "1,200,000 and 50,000"."""
    return words.replace(",", "").replace("-", " ").replace(" and ", " ").replace("  ", " ")


def _spelt(value: int, to: str = "cardinal") -> str:
    """num2words' words for `value`, imported when a number is first read: its import (every language it
    knows) is a tenth of a second that an edit without numbers need not pay."""
    from num2words import num2words

    return _clean(num2words(value, to=to))


def cardinal(number: str | int | float) -> str:
    text = str(number).replace(",", "")
    if "." in text:
        whole, _, fraction = text.partition(".")
        return f"{cardinal(whole or 0)} point {' '.join(_DIGITS[d] for d in fraction)}"
    return _spelt(int(text))


def ordinal(number: str | int) -> str:
    return _spelt(int(str(number).replace(",", "")), to="ordinal")


def year(number: str | int) -> str:
    value = int(number)
    if 2000 <= value <= 2009:  # American usage: "two thousand five", not "two thousand and five"
        return "two thousand" + (f" {cardinal(value - 2000)}" if value > 2000 else "")
    return _spelt(value, to="year")


_DIGITS = dict(zip("0123456789", "zero one two three four five six seven eight nine".split()))
_SCALES = {"k": "thousand", "thousand": "thousand", "m": "million", "mn": "million", "million": "million",
           "bn": "billion", "b": "billion", "billion": "billion", "tn": "trillion", "trillion": "trillion"}
_CURRENCIES = {"$": ("dollar", "dollars", "cent", "cents"), "US$": ("dollar", "dollars", "cent", "cents"),
               "€": ("euro", "euros", "cent", "cents"), "£": ("pound", "pounds", "penny", "pence"),
               "¥": ("yen", "yen", "sen", "sen"), "₹": ("rupee", "rupees", "paisa", "paise")}
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_MONTH_ABBREVIATIONS = {m[:3]: m for m in _MONTHS} | {"Sept": "September"}
_UNITS = {
    "km": ("kilometre", "kilometres"), "m": ("metre", "metres"), "cm": ("centimetre", "centimetres"),
    "mm": ("millimetre", "millimetres"), "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"),
    "mg": ("milligram", "milligrams"), "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"),
    "oz": ("ounce", "ounces"), "mi": ("mile", "miles"), "ft": ("foot", "feet"), "mph": ("mile per hour", "miles per hour"),
    "km/h": ("kilometre per hour", "kilometres per hour"), "kph": ("kilometre per hour", "kilometres per hour"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"), "kW": ("kilowatt", "kilowatts"), "kWh": ("kilowatt hour", "kilowatt hours"),
    "MW": ("megawatt", "megawatts"), "GW": ("gigawatt", "gigawatts"), "Hz": ("hertz", "hertz"),
    "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
    "KB": ("kilobyte", "kilobytes"), "MB": ("megabyte", "megabytes"), "GB": ("gigabyte", "gigabytes"),
    "TB": ("terabyte", "terabytes"), "ml": ("millilitre", "millilitres"), "l": ("litre", "litres"),
    "ha": ("hectare", "hectares"), "sq ft": ("square foot", "square feet"), "mpg": ("mile per gallon", "miles per gallon"),
    "in": ("inch", "inches"), "yd": ("yard", "yards"), "min": ("minute", "minutes"), "mins": ("minute", "minutes"),
    "hr": ("hour", "hours"), "hrs": ("hour", "hours"), "sec": ("second", "seconds"), "secs": ("second", "seconds"),
    "ms": ("millisecond", "milliseconds"), "mAh": ("milliamp hour", "milliamp hours"),
}
# Units that need their full stop ("6 ft. wall") or a following word to be told from a word: "5 in" alone
# is more often "five in" than "five inches".
_UNITS_NEEDING_CONTEXT = frozenset({"in"})
# After "5 km", a word that keeps the unit plural: "5 km long", "5 km of road", "5 km away".
_AFTER_PLURAL_UNIT = frozenset("""of in on at to from for and or but per a an the long wide high tall deep thick
away apart across ahead behind above below off out up down north south east west northeast northwest southeast
southwest is are was were be been each every more less later earlier ago old late early""".split())
# Written before a number: "pp. 112", "fig. 3", "No. 7".
_BEFORE_NUMBER = {"pp": "pages", "p": "page", "ch": "chapter", "chs": "chapters", "chap": "chapter", "fig": "figure",
                  "figs": "figures", "vol": "volume", "vols": "volumes", "no": "number", "nos": "numbers",
                  "sec": "section", "secs": "sections", "para": "paragraph", "paras": "paragraphs", "eq": "equation",
                  "art": "article", "pt": "part", "ed": "edition", "ex": "example", "tab": "table", "app": "appendix"}
_SCALE_SUFFIX = {"K": "thousand", "M": "million", "B": "billion", "T": "trillion", "bn": "billion", "mn": "million",
                 "tn": "trillion"}
# The denominators of the fractions people write: 3/4 cup, 5/8 inch; "9/11" is no fraction.
_FRACTION_DENOMINATORS = frozenset({2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 64})
_FRACTIONS = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅛": (1, 8)}

# --- Abbreviations and acronyms -------------------------------------------------------------------

_TITLES = {"Dr": "Doctor", "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Prof": "Professor", "Gen": "General",
           "Gov": "Governor", "Sen": "Senator", "Rep": "Representative", "Capt": "Captain", "Lt": "Lieutenant",
           "Col": "Colonel", "Sgt": "Sergeant", "Rev": "Reverend", "Pres": "President", "Supt": "Superintendent",
           "Mt": "Mount", "Ft": "Fort", "Hon": "Honourable"}
_ABBREVIATIONS = {"e.g.": "for example", "i.e.": "that is", "etc.": "et cetera", "vs.": "versus", "vs": "versus",
                  "approx.": "approximately", "est.": "established", "Jr.": "Junior", "Sr.": "Senior",
                  "Inc.": "Incorporated", "Ltd.": "Limited", "Corp.": "Corporation", "Co.": "Company",
                  "Bros.": "Brothers", "dept.": "department", "Ave.": "Avenue", "Blvd.": "Boulevard"}
# Abbreviations that stand before a name or a number and so never end a sentence, whatever a sentence
# splitter thinks ("Minneapolis-St. Paul", "see pp. 112"): the speech plan joins the pieces again.
NEVER_FINAL = frozenset({*_TITLES, "St", "pp", "p", "ch", "fig", "figs", "vol", "no", "No", "Nos", "approx", "vs",
                         "Fig", "Vol", "Ch", "Pp", "Ave", "Blvd", "Gov", "Sen", "Rep", "Mt", "Ft"})


def ends_with_abbreviation(sentence: str) -> bool:
    """True when a sentence ends in an abbreviation that stands before something: "...at Mt." """
    match = re.search(r"(?:^|[\s(\-–])([A-Za-z]{1,6})\.$", sentence.strip())
    return bool(match) and match.group(1) in NEVER_FINAL


# All-capital words that are said as words, though a rule might take them for initialisms.
ACRONYMS = frozenset("""NASA NATO UNESCO UNICEF NAFTA OPEC FIFA AIDS COVID LASER RADAR SCUBA NIMBY ASEAN
OSHA FEMA DARPA ICANN INTERPOL MERCOSUR SWAT GIF JPEG PIN SIM TED WHO ISIS MENSA LEGO IKEA""".split())
# Three-letter (or other) words that must be read as letters even if they look pronounceable.
INITIALISMS = frozenset("""CEO CFO CTO COO USA FBI CIA NSA BBC CNN NHS IMF EU UN UK US CPC DPRK GDP AI IT
NFL NBA MLB EPA FDA CDC IRS SEC ECB UAE OECD MIT UCLA NYU HIV DNA RNA ATM PC TV PR HR ID IQ OK VIP MP MEP
NIH PAC BAE GOP""".split())

_VOWELS = set("AEIOUY")
_ONSETS = frozenset("BL BR CH CL CR DR DW FL FR GL GR KN PH PL PR SC SH SK SL SM SN SP ST SW TH TR TW WH WR".split())
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN_CARDINAL_AFTER = re.compile(
    r"\b(War|Chapter|Part|Volume|Vol\.|Book|Act|Scene|Phase|Title|Stage|Schedule|Class|Type|Level|Bowl|Apollo|Gen)\s+$")


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral (I to MMMCMXCIX), or None."""
    if not re.fullmatch(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})", numeral) or not numeral:
        return None
    total = 0
    for current, following in zip(numeral, numeral[1:] + " "):
        value = _ROMAN[current]
        total += -value if following != " " and _ROMAN[following] > value else value
    return total


def pronounceable(letters: str) -> bool:
    """Could this all-caps word be said as a word? Consonant-vowel shapes like NASA, OPEC, UNESCO."""
    upper = letters.upper()
    shape = "".join("V" if c in _VOWELS else "C" for c in upper)
    if len(letters) == 3:
        return shape == "CVC"  # MIX, BAT: a word; NSA, CPC: letters
    if shape.startswith("CC") and upper[:2] not in _ONSETS:
        return False  # CSIS, NPR...: no English word starts like that
    return len(letters) >= 4 and bool(re.fullmatch(r"C{0,2}V+(C{1,2}V+)*C?", shape))


def spell(word: str) -> str:
    """Letter by letter, as the engine says single letters: "CPC" -> "C P C"."""
    return " ".join(c for c in word if c.isalnum())


# --- The rule machinery ---------------------------------------------------------------------------

_PROTECT_OPEN, _PROTECT_CLOSE = "\ue000", "\ue001"


@dataclass(frozen=True)
class SpeechOptions:
    language: str = "en"
    urls: str = "short"  # short | skip | full
    lexicon: tuple[LexiconEntry, ...] = ()
    supports_phonemes: bool = True
    date_order: str = "mdy"  # mdy | dmy: how 3/4/2025 is read


def _lexicon_spoken(entry: LexiconEntry, supports_phonemes: bool) -> str:
    if entry.phonemes and supports_phonemes:
        return f"[[ {entry.phonemes} ]]"
    if entry.spell:
        return initials(entry.say or entry.word)
    return entry.say or entry.word


class _Text:
    """Text with protected spans that later rules must leave alone."""

    def __init__(self, text: str):
        self.text = text
        self.protected: list[str] = []

    def protect(self, spoken: str) -> str:
        self.protected.append(spoken)
        return f"{_PROTECT_OPEN}{len(self.protected) - 1}{_PROTECT_CLOSE}"

    def apply(self, pattern: re.Pattern, replace: Callable[[re.Match], str | None]) -> None:
        def substitute(match: re.Match) -> str:
            result = replace(match)
            return match.group(0) if result is None else self.protect(result)

        pieces = re.split(f"({_PROTECT_OPEN}\\d+{_PROTECT_CLOSE})", self.text)
        self.text = "".join(piece if piece.startswith(_PROTECT_OPEN) else pattern.sub(substitute, piece)
                            for piece in pieces)

    def result(self) -> str:
        text = self.text
        while _PROTECT_OPEN in text:
            text = re.sub(f"{_PROTECT_OPEN}(\\d+){_PROTECT_CLOSE}", lambda m: self.protected[int(m.group(1))], text)
        return text


# --- Rules ----------------------------------------------------------------------------------------

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def _modifies_next_word(match: re.Match) -> bool:
    """Does the amount stand before a noun, as in "a 1.5 km run" or "a $5bn deal"? Then its unit is singular."""
    following = re.match(r"\s+([a-z][a-z'’-]*)(?!\.\w|[\w.])", match.string[match.end():])  # not "approx."
    return following is not None and following.group(1) not in _AFTER_PLURAL_UNIT \
        and not following.group(1).endswith("ly")


def _money(match: re.Match) -> str:
    symbol, amount, scale = match.group("cur"), match.group("amt"), (match.group("scale") or "").lower()
    one, many, small_one, small_many = _CURRENCIES[symbol]
    if scale:
        return f"{cardinal(amount)} {_SCALES[scale]} {one if _modifies_next_word(match) else many}"
    whole, _, cents = amount.replace(",", "").partition(".")
    unit = one if int(whole) == 1 else many
    spoken = f"{cardinal(whole)} {unit}"
    if cents and int(cents.ljust(2, "0")[:2]):
        value = int(cents.ljust(2, "0")[:2])
        spoken += f" {cardinal(value)}" if symbol == "£" else f" and {cardinal(value)} {small_one if value == 1 else small_many}"
    return spoken


def _range(match: re.Match) -> str | None:
    first, second = match.group(1), match.group(2)
    if len(first) == 4 and 1100 <= int(first) <= 2099 and len(second) in (2, 4):
        if len(second) == 4:
            return f"{year(first)} to {year(second)}"
        # 1990-95: "ninety-five"; 2001-05: "two thousand five"
        return f"{year(first)} to {year(first[:2] + second) if second.startswith('0') else cardinal(second)}"
    return f"{cardinal(first)} to {cardinal(second)}"


def _date_month_first(match: re.Match) -> str:
    month = _MONTH_ABBREVIATIONS.get(match.group("month")[:4].rstrip("."), None) or _MONTH_ABBREVIATIONS.get(
        match.group("month")[:3], match.group("month"))
    spoken = f"{month} {ordinal(match.group('day'))}"
    return f"{spoken} {year(match.group('year'))}" if match.group("year") else spoken


def _date_day_first(match: re.Match) -> str:
    month = _MONTH_ABBREVIATIONS.get(match.group("month")[:3], match.group("month"))
    spoken = f"the {ordinal(match.group('day'))} of {month}"
    return f"{spoken} {year(match.group('year'))}" if match.group("year") else spoken


def _iso_date(match: re.Match) -> str | None:
    y, m, d = (int(x) for x in match.groups())
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{_MONTHS[m - 1]} {ordinal(d)} {year(y)}"


def _clock(match: re.Match) -> str:
    hours, minutes = int(match.group(1)), match.group(2)
    suffix = match.group(3)
    spoken = cardinal(hours)
    if minutes and minutes != "00":
        spoken += f" oh {cardinal(int(minutes))}" if minutes.startswith("0") else f" {cardinal(int(minutes))}"
    elif not suffix:
        spoken += " o'clock"
    if suffix:
        spoken += " " + _meridiem(suffix)
    return spoken


def _meridiem(suffix: str) -> str:
    """ "PM", "p.m.": "p.m.", which both voices say as letters (spaced, "p m", the "a" of "a m" is the article)."""
    return ".".join(suffix.replace(".", "").lower()) + "."


def _duration(match: re.Match) -> str:
    """A race or lap time: "1:33:14.678" is one hour, thirty-three minutes and 14.678 seconds, and
    "1:32.456" (minutes, seconds and their fraction) is never a time of day."""
    hours, minutes, seconds = match.groups()
    parts = [f"{cardinal(hours)} hour{'s' if hours.lstrip('0') != '1' else ''}"] if hours else []
    if int(minutes):
        parts.append(f"{cardinal(int(minutes))} minute{'s' if int(minutes) != 1 else ''}")
    if float(seconds) or not parts:
        parts.append(f"{cardinal(seconds.lstrip('0') or '0')} second{'' if seconds == '01' else 's'}")
    return " ".join(parts)


def _unit(match: re.Match) -> str | None:
    """ "5 km" is "five kilometres", but "a 1.5 km run" and "4-ft waves" use the unit as a modifier:
    "one point five kilometre run", "four foot waves"."""
    amount, joiner, unit, stop = match.group("amount"), match.group("joiner"), match.group("unit"), match.group("stop") or ""
    if unit in _UNITS_NEEDING_CONTEXT and not (stop or joiner == "-"):
        return None
    one, many = _UNITS[unit]
    modifier = joiner == "-" or _modifies_next_word(match)
    # The unit's own full stop goes; one that also ends the sentence stays.
    rest = match.string[match.end():]
    keep_stop = stop and (not rest.strip() or re.match(r"\s+[A-Z\"“]", rest))
    return f"{cardinal(amount)} {one if modifier or amount in ('1', '1.0') else many}" + ("." if keep_stop else "")


def _numeric_date(order: str) -> Callable[[re.Match], str | None]:
    """ "3/4/2025": March fourth in the US order (the default), the third of April in `dmy`."""
    def read(match: re.Match) -> str | None:
        first, second, year_text = int(match.group(1)), int(match.group(2)), match.group(3)
        month, day = (first, second) if order == "mdy" else (second, first)
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        full_year = int(year_text) if len(year_text) == 4 else 2000 + int(year_text) if int(year_text) < 50 \
            else 1900 + int(year_text)
        if order == "mdy":
            return f"{_MONTHS[month - 1]} {ordinal(day)} {year(full_year)}"
        return f"the {ordinal(day)} of {_MONTHS[month - 1]} {year(full_year)}"
    return read


def _phone(match: re.Match) -> str:
    """ "(509) 459-5382", "call 555-1234": digit by digit, a pause between the groups."""
    lead = match.group(1)
    area = re.fullmatch(r"\((\d{3})\)\s?", lead)
    groups = ([area.group(1)] if area else []) + match.group(2).split("-")
    return ("" if area else lead) + ", ".join(" ".join(_DIGITS[d] for d in group) for group in groups)


def _scaled(match: re.Match) -> str:
    return f"{cardinal(match.group(1))} {_SCALE_SUFFIX[match.group(2)]}"


def _version(match: re.Match) -> str:
    """ "Python 3.10": three point ten, as a version is said (a decimal would be "three point one zero")."""
    return match.group(1) + " point ".join(cardinal(part) for part in match.group(2).split("."))


def _fraction(match: re.Match) -> str | None:
    whole, top, bottom = match.group(1), int(match.group(2)), int(match.group(3))
    if not whole and (top >= bottom or bottom not in _FRACTION_DENOMINATORS):
        return f"{cardinal(top)} {cardinal(bottom)}"  # 24/7, 9/11, 50/50: said as two numbers
    if bottom == 0 or bottom > 16 or top >= 100:
        return None
    if bottom == 2:
        spoken = "one half" if top == 1 else f"{cardinal(top)} halves"
    elif bottom == 4:
        spoken = f"{cardinal(top)} quarter" + ("s" if top > 1 else "")
    else:
        denominator = ordinal(bottom)
        spoken = f"{cardinal(top)} {denominator}" + ("s" if top > 1 else "")
    return f"{cardinal(whole)} and {spoken}" if whole else spoken


def _unicode_fraction(match: re.Match) -> str:
    top, bottom = _FRACTIONS[match.group(2)]
    spoken = _fraction(re.match(r"()(\d+)/(\d+)", f"{top}/{bottom}"))
    return f"{cardinal(match.group(1))} and {spoken}" if match.group(1) else spoken


def _four_digits(match: re.Match) -> str:
    number, plural = match.group(1), match.group(2)
    value = int(number)
    if plural:  # the 1990s
        spoken = year(number)
        return (spoken[:-1] + "ies") if spoken.endswith("y") else spoken + "s"
    if 1100 <= value <= 2099:
        return year(number)
    return cardinal(number)


def initials(letters: str) -> str:
    """Letters to be said one by one, as the engine reads them best: "N.S.A." (measured against "N S A":
    the recogniser heard the dotted form right more often, and the letters no longer run into the next word)."""
    return "".join(f"{c}." for c in letters.upper() if c.isalnum())


def _initialism(match: re.Match) -> str | None:
    letters, ending = match.group(1), match.group(2) or ""
    if letters in ACRONYMS or (letters not in INITIALISMS and pronounceable(letters)):
        return None
    spoken = initials(letters)
    if ending in ("s",):
        return spoken + "s"
    if ending in ("'s", "’s"):
        return spoken + "'s"
    return spoken


def _dotted_initialism(match: re.Match) -> str:
    letters = match.group(1).replace(".", "")
    ending = match.group(2) or ""
    return initials(letters) + ("'s" if ending else "")


def _roman(match: re.Match) -> str | None:
    """Roman numerals only where the words before make them certain: "World War II", "Henry VIII"."""
    before, numeral = match.group(1), match.group(2)
    value = roman_value(numeral)
    if value is None or numeral == "I":
        return None  # "I" is the pronoun far more often than the number one
    if _ROMAN_CARDINAL_AFTER.search(before):
        return before + cardinal(value)
    name = re.search(r"\b([A-Z][a-z]+)\s+$", before)
    if name and value <= 30 and name.group(1) not in ("The", "A", "In", "And", "Of", "At", "By"):
        return f"{before}the {ordinal(value)}"
    return None


def _url(options: SpeechOptions) -> Callable[[re.Match], str]:
    def read(match: re.Match) -> str:
        if options.urls == "skip":
            return ""
        url = match.group(0).rstrip(".,;:)")
        trailing = match.group(0)[len(url):]
        host = re.sub(r"^(https?://)?(www\.)?", "", url, flags=re.IGNORECASE)
        if options.urls == "short":
            host = host.split("/")[0]
        return host.replace(".", " dot ").replace("/", " slash ").replace("-", " dash ") + trailing
    return read


def _email(match: re.Match) -> str:
    user, domain = match.group(1), match.group(2)
    return f"{user.replace('.', ' dot ')} at {domain.replace('.', ' dot ')}"


def _title(match: re.Match) -> str:
    return _TITLES[match.group(1)]


_SYMBOLS = [("&", " and "), ("+", " plus "), ("=", " equals "), ("×", " times "), ("~", " about "),
            ("≈", " about "), ("→", " to "), ("±", " plus or minus ")]


def normalize(text: str, options: SpeechOptions = SpeechOptions()) -> str:
    """The spoken form of `text` for the engine."""
    state = _Text(text)
    for entry in options.lexicon:
        flags = re.IGNORECASE if entry.ignore_case else 0
        state.apply(re.compile(rf"(?<![\w-]){re.escape(entry.word)}(?![\w-])", flags),
                    lambda m, e=entry: _lexicon_spoken(e, options.supports_phonemes))
    # Language-neutral clean-ups.
    state.apply(re.compile(r"\[\d+(?:[,–-]\d+)*\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+"), lambda m: "")
    state.apply(re.compile(r"\b([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)\b"), _email)
    # a link with or without its scheme: "https://example.com/a", "www.example.com", "pic.twitter.com/x1"
    state.apply(re.compile(r"\b(?:https?://|www\.)\S+|\b(?:[a-z0-9-]+\.)+[a-z]{2,}/\S*", re.IGNORECASE), _url(options))
    if not state.text.isascii():  # no emoji is ASCII; the library takes a twentieth of a second to import
        import emoji

        state.text = emoji.replace_emoji(state.text, "")
    if options.language.split("-")[0] != "en":
        state.text = _tidy(state.text)
        return _spaces(state.result())

    # "@dele_official": the underscore joins words, and is not said
    state.apply(re.compile(r"(?<!\w)#([A-Za-z]\w*)"), lambda m: f"hashtag {m.group(1).replace('_', ' ')}")
    state.apply(re.compile(r"(?<![\w.])@(\w{2,})"), lambda m: f"at {m.group(1).replace('_', ' ').strip()}")
    state.apply(re.compile(r"#\s?(\d+)\b"), lambda m: f"number {cardinal(m.group(1))}")
    state.apply(re.compile(r"\bNo\.\s?(\d+)"), lambda m: f"number {cardinal(m.group(1))}")
    before_number = "|".join(sorted(_BEFORE_NUMBER, key=len, reverse=True))
    state.apply(re.compile(rf"(?<![\w.])({before_number})\.\s?(?=\d)", re.IGNORECASE),
                lambda m: _BEFORE_NUMBER[m.group(1).lower()] + " ")
    state.apply(re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"), _numeric_date(options.date_order))
    state.apply(re.compile(r"(\b(?i:call|phone|tel\.?|telephone|fax|dial|text)\s+|\(\d{3}\)\s?)(\d{3}-\d{4})\b"),
                _phone)
    state.apply(re.compile(r"(?P<cur>US\$|[$€£¥₹])\s?(?P<amt>" + _NUMBER + r")(?:\s?(?P<scale>thousand|million|billion|trillion|mn|bn|tn|[kmb])\b)?"),
                _money)
    state.apply(re.compile(r"\b(\d+(?:\.\d+)?)\s?[-–]\s?(\d+(?:\.\d+)?)\s?%"),
                lambda m: f"{cardinal(m.group(1))} to {cardinal(m.group(2))} percent")
    state.apply(re.compile(r"(-|−)?\b(" + _NUMBER + r")\s?%"),
                lambda m: ("minus " if m.group(1) else "") + f"{cardinal(m.group(2))} percent")
    state.apply(re.compile(r"\b(\d{3})[-.](\d{3})[-.](\d{4})\b"),
                lambda m: ", ".join(" ".join(_DIGITS[d] for d in group) for group in m.groups()))
    state.apply(re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), _iso_date)
    months = "|".join(sorted({*_MONTHS, *(m + "." for m in _MONTH_ABBREVIATIONS), *_MONTH_ABBREVIATIONS}, key=len, reverse=True))
    state.apply(re.compile(rf"\b(?P<month>{months})\s(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s(?P<year>\d{{4}})\b)?"),
                _date_month_first)
    state.apply(re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?(?P<month>{months})\b(?:,?\s(?P<year>\d{{4}})\b)?"),
                _date_day_first)
    state.apply(re.compile(r"\b(\d{1,3}):([0-5]\d):([0-5]\d(?:\.\d+)?)(?![\d:])"), _duration)
    state.apply(re.compile(r"\b()(\d{1,2}):([0-5]\d\.\d+)(?![\d:])"), _duration)
    state.apply(re.compile(r"\b(\d{1,2}):(\d{2})\s?([AaPp]\.?[Mm]\.?)?(?![\w:])"), _clock)
    state.apply(re.compile(r"\b(\d+):(\d+)\b(?!:)"), lambda m: f"{cardinal(m.group(1))} to {cardinal(m.group(2))}")
    state.apply(re.compile(r"\b(\d{1,2})\s?([AaPp]\.[Mm]\.|[AaPp][Mm]\b)"),
                lambda m: f"{cardinal(m.group(1))} {_meridiem(m.group(2))}")
    state.apply(re.compile(r"\b(?:version\s+v?|v)(\d+(?:\.\d+){1,3})\b", re.IGNORECASE),
                lambda m: "version " + " point ".join(cardinal(p) for p in m.group(1).split(".")))
    state.apply(re.compile(r"(\b)(\d+(?:\.\d+){2,3})\b"), _version)
    state.apply(re.compile(r"(\b[A-Z][\w+#]*\s)(\d+\.\d{2})\b(?![\w%])(?!\s?(?:percent|[a-z]*illion|thousand|per\b))"),
                _version)
    state.apply(re.compile(r"\b(" + _NUMBER + r")(K|M|B|T|bn|mn|tn)\b"), _scaled)
    state.apply(re.compile(r"\b(\d{4})\s?[-–]\s?(\d{2}|\d{4})\b(?!\s?%)"), _range)
    state.apply(re.compile(r"\b(\d+(?:\.\d+)?)\s?[-–]\s?(\d+(?:\.\d+)?)\b"), _range)
    units = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
    state.apply(re.compile(rf"\b(?P<amount>{_NUMBER})(?P<joiner>\s?|-)(?P<unit>{units})(?P<stop>\.(?=\s|$))?(?![\w/])"), _unit)
    # a score with a decimal, "4.5/5": four point five out of five (its "5/5" is no fraction)
    state.apply(re.compile(r"\b(\d+\.\d+)/(\d+(?:\.\d+)?)\b(?!/)"),
                lambda m: f"{cardinal(m.group(1))} out of {cardinal(m.group(2))}")
    state.apply(re.compile(r"(?:\b(\d+)\s)?\b(\d{1,2})/(\d{1,2})\b(?!/)"), _fraction)
    state.apply(re.compile(r"(?:(\d+)\s?)?([½⅓⅔¼¾⅕⅛])"), _unicode_fraction)
    state.apply(re.compile(r"\b(\d)G\b"), lambda m: f"{cardinal(m.group(1))} G")
    state.apply(re.compile(r"\b([A-Z]{1,2})(\d{1,3})\b"), lambda m: f"{spell(m.group(1))} {cardinal(m.group(2))}")
    state.apply(re.compile(r"\b(\d+)(st|nd|rd|th)\b"), lambda m: ordinal(m.group(1)))
    state.apply(re.compile(r"\b(\d{4})(s|'s|’s)?\b(?![.,]\d)"), _four_digits)
    state.apply(re.compile(r"(-|−)(\d+(?:\.\d+)?)\b"), lambda m: f"minus {cardinal(m.group(2))}")
    state.apply(re.compile(r"\b(" + _NUMBER + r")\b"), lambda m: cardinal(m.group(1)))
    for written, spoken in _ABBREVIATIONS.items():
        state.apply(re.compile(rf"(?<![\w.]){re.escape(written)}(?!\w)"), lambda m, s=spoken: s)
    state.apply(re.compile(rf"\b({'|'.join(_TITLES)})\.(?=\s+[A-Z])"), _title)
    state.apply(re.compile(r"\bSt\.(?=\s+[A-Z])"), lambda m: "Saint")
    state.apply(re.compile(r"(?<=[a-z] )St\.(?!\w)"), lambda m: "Street")
    state.apply(re.compile(r"(\S+\s+)\b([MDCLXVI]+)(?![\w'’])"), _roman)
    state.apply(re.compile(r"\b((?:[A-Z]\.){2,})('s|’s)?"), _dotted_initialism)
    if not _mostly_capitals(text):
        state.apply(re.compile(r"\b([A-Z][A-Z0-9]{1,5})(s|'s|’s)?\b"), _initialism)
    state.text = state.text.replace("and/or", "and or")
    for symbol, spoken in _SYMBOLS:
        state.text = state.text.replace(symbol, spoken)
    state.text = _tidy(state.text)  # before protected spans return: phoneme input keeps its [[ ]]
    return _spaces(state.result())


def _spaces(text: str) -> str:
    text = re.sub(r"(?<=\b[A-Za-z]\.)\.(?!\.)", "", text)  # "...the D.P.R.K..", "at 5 p.m..": one full stop
    return re.sub(r"\s{2,}", " ", re.sub(r"\s+([,.;:!?])", r"\1", text)).strip()


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 12 and sum(c.isupper() for c in letters) > 0.7 * len(letters)


def _tidy(text: str) -> str:
    """Typography to pauses: dashes and brackets become commas, the engine's natural short pause."""
    text = re.sub(r"\s*(—|–|--)\s*", ", ", text)
    text = re.sub(r"\s*[(\[]\s*", ", ", text)
    text = re.sub(r"\s*[)\]]\s*(?=[.,;:!?])", "", text)
    text = re.sub(r"\s*[)\]]\s*", ", ", text)
    text = re.sub(r"(?<=\w)/(?=\w)", " or ", text)
    text = text.replace("…", "...")
    text = re.sub(r",\s*,+", ",", text)
    text = re.sub(r"^\s*,\s*", "", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return re.sub(r"\s{2,}", " ", text).strip()
