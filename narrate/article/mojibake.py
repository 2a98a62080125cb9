"""Repair text that went through a wrong decoding on its way here: UTF-8 read as Latin-1 or Windows-1252.

ftfy undoes that ("Ð¼Ð¾Ð¸" is "мои") when no byte was lost. Text copied out of such a page has often
lost some: the no-break space (byte A0) and, read as Latin-1, the next-line character (byte 85) are
white space, so copying turns them into plain spaces, and ftfy, finding no valid UTF-8, leaves the
whole word garbled ("Ñ Ð¾Ñ‚ÑŒ" for "хоть"). In Cyrillic that is every "х" and "Р"; in Korean, every
third syllable or so. Here each garbled run is decoded sequence by sequence, and where a sequence is
short of a byte and a space stands in its place, the lost byte is put back: A0, or 85 when that gives
a letter of the case its neighbours have (a lost 85 at the end of a two-byte letter also took the
space between two words with it). Where a Korean syllable could be either, the one of the 2,350 in
everyday use (KS X 1001) is meant.

Only text that ftfy itself finds garbled is touched, so "à “bientôt”" in a French article stays as
it is.
"""

from __future__ import annotations

import re

# Bytes 80-9F as Windows-1252 shows them ("•" is 95); the five it leaves undefined pass as Latin-1.
_WINDOWS_1252 = {}
for _value in range(0x80, 0xA0):
    try:
        _WINDOWS_1252[bytes([_value]).decode("cp1252")] = _value
    except UnicodeDecodeError:
        pass
_CONTINUATION = "\u0080-\u00bf" + "".join(map(re.escape, _WINDOWS_1252))
# A run of UTF-8 shown byte by byte: a lead byte (Â to ô), then lead and continuation bytes and spaces.
_GARBLED_RUN = re.compile(rf"[\u00c2-\u00f4][\u00c2-\u00f4{_CONTINUATION} ]+")
# ftfy's count of garbled sequences from which a text counts as garbled (clean pages score 0 to 3).
GARBLED_FROM = 10
_LOST = ((0xA0, ""), (0x85, " "))  # the byte a space stands for, and the space it took with it


def repair(text: str) -> str:
    """The text with ftfy's fixes, and, when it is still garbled, the bytes its copy lost put back."""
    if text.isascii():
        return text  # mojibake is made of non-ASCII characters: no need to import ftfy (0.1 s)
    import ftfy
    from ftfy.badness import badness

    text = ftfy.fix_encoding(text)
    if badness(text) < GARBLED_FROM:
        return text
    pieces, done = [], 0
    for run in _GARBLED_RUN.finditer(text):
        before = text[run.start() - 1] if run.start() else ""
        decoded, used = _decode(run.group(0), before if before > "\u00ff" else "")  # a letter already decoded
        if used:
            pieces += [text[done:run.start()], decoded, run.group(0)[used:]]
            done = run.end()
    return "".join(pieces) + text[done:]


def _byte(char: str) -> int | None:
    return _WINDOWS_1252.get(char, ord(char) if ord(char) <= 0xFF else None)


def _sequence_length(lead: int) -> int:
    return 2 if 0xC2 <= lead <= 0xDF else 3 if 0xE0 <= lead <= 0xEF else 4 if 0xF0 <= lead <= 0xF4 else 0


def _rare_syllable(char: str) -> bool:
    """A Hangul syllable outside the 2,350 of KS X 1001, the set that covers everyday Korean: of two
    letters a lost byte could give ("명" or "몠"), the common one is meant."""
    if not "\uac00" <= char <= "\ud7a3":
        return False
    try:
        char.encode("iso2022_kr")
    except UnicodeEncodeError:
        return True
    return False


def _decode(run: str, previous: str) -> tuple[str, int]:
    """The longest start of `run` that decodes, lost bytes put back: (its text, how many characters it took)."""
    data = [_byte(char) for char in run]
    out: list[str] = []
    index = 0
    while index < len(data):
        lead = data[index]
        if lead == 0x20 and out:  # a space between two garbled words
            out.append(" ")
            index += 1
            continue
        length = _sequence_length(lead) if lead is not None else 0
        sequence = data[index:index + length]
        if not length or len(sequence) < length or None in sequence:
            break
        if 0x20 in sequence[1:]:
            # The space a lost byte took with it can only follow a letter's last byte, and only a two-byte
            # letter's (Cyrillic, Greek): a Korean word runs on over several three-byte syllables, and
            # Chinese and Japanese put no spaces between words.
            word_end = sequence[-1] == 0x20 and length == 2
            options = [([lost if value == 0x20 and k else value for k, value in enumerate(sequence)],
                        gap if word_end else "") for lost, gap in _LOST]
        else:
            options = [(sequence, "")]
        decoded = []
        for option, gap in options:
            try:
                decoded.append((bytes(option).decode("utf-8"), gap))
            except UnicodeDecodeError:
                continue
        if not decoded:
            break
        lower = previous.islower() if previous.isalpha() else True  # most letters that start a word are lower case
        letter, gap = min(decoded, key=lambda d: (d[0].isalpha() and d[0].islower() != lower, _rare_syllable(d[0]),
                                                   decoded.index(d)))
        out.append(letter + gap)
        previous = letter
        index += length
    return "".join(out), index
