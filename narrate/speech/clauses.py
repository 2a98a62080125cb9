"""Where a sentence may be cut: at its clauses, for the configured pause there, and into parts an
engine can speak in bounded memory. Cuts never fall inside a lexicon's [[ phonemes ]].
"""

from __future__ import annotations

import re

# Where a long sentence may be cut, best first: the cost added to the distance from its middle.
_CUTS = (
    (re.compile(r"[.!?][\"”’)]*\s"), -0.1),  # a sentence inside a quotation
    (re.compile(r"[;:]\s"), 0.0),
    (re.compile(r"\s[—–]\s|—"), 0.05),
    (re.compile(r",\s"), 0.1),
    (re.compile(r"\s(?=(?:and|but|or|which|while|because|where|when|although|though)\s)"), 0.3),
    (re.compile(r"\s"), 0.6),
)
_MIN_PART_CHARS = 12


def clause_parts(text: str, limit: int) -> list[str]:
    """Cut `text` into parts of at most `limit` characters, at the strongest break nearest the middle."""
    text = text.strip()
    if len(text) <= limit:
        return [text]
    best: tuple[float, int] | None = None
    for pattern, cost in _CUTS:
        for match in pattern.finditer(text):
            cut = match.end()
            left, right = text[:cut], text[cut:]
            if len(left.strip()) < _MIN_PART_CHARS or len(right.strip()) < _MIN_PART_CHARS:
                continue
            if left.count("[[") != left.count("]]"):
                continue  # never inside a lexicon's phonemes
            score = abs(cut - len(text) / 2) / len(text) + cost
            if best is None or score < best[0]:
                best = (score, cut)
    if best is None:  # one enormous word: nothing to cut at
        return [text]
    return clause_parts(text[:best[1]], limit) + clause_parts(text[best[1]:], limit)


_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–]\s)")


def clauses(text: str) -> list[str]:
    """The clauses of a sentence, cut after a comma, semicolon or colon and around a dash, never
    leaving a piece of under 12 characters alone nor cutting inside a lexicon's [[ phonemes ]]."""
    pieces: list[str] = []
    for piece in _CLAUSE_BREAK.split(text.strip()):
        if pieces and (len(pieces[-1]) < _MIN_PART_CHARS or len(piece) < _MIN_PART_CHARS
                       or pieces[-1].count("[[") != pieces[-1].count("]]")):
            pieces[-1] = f"{pieces[-1]} {piece}"
        else:
            pieces.append(piece)
    return [p for p in pieces if p]
