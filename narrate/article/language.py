"""The article's language: what the page declares, weighed against what its text says.

Pages often declare a language their template was written in rather than the article's, so the text
itself decides when it is long enough to be sure, and the declaration (`<html lang>`, `og:locale`, a
Markdown front matter's `lang:`) decides otherwise. The detector is py3langid (langid.py's naive
Bayes model over byte n-grams, 97 languages, the model inside the package): a few foreign words or
names in an English article leave it English.
"""

from __future__ import annotations

import re
from functools import cache

from narrate.models import Article

# The text decides alone from this much prose, when the detector is this sure; a short text or a mixed
# one is left to the page's declaration (or to the voice's language when there is none).
MIN_CHARS = 200
MIN_PROBABILITY = 0.8
SAMPLE_CHARS = 20_000

_DECLARED = (
    re.compile(r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})(?![A-Za-z])", re.IGNORECASE),
    re.compile(r"<meta\b[^>]*?property\s*=\s*[\"']og:locale[\"'][^>]*?content\s*=\s*[\"']?([A-Za-z]{2,3})(?![A-Za-z])",
               re.IGNORECASE),
    re.compile(r"<meta\b[^>]*?content\s*=\s*[\"']?([A-Za-z]{2,3})(?![A-Za-z])[^>]*?property\s*=\s*[\"']og:locale[\"']",
               re.IGNORECASE),
)


def declared_in_html(html: str) -> str | None:
    """The language a page declares for itself: `<html lang>`, else its `og:locale`."""
    head = html[:200_000]
    for pattern in _DECLARED:
        match = pattern.search(head)
        if match:
            return primary(match.group(1))
    return None


def primary(tag: str) -> str:
    """ "en-GB", "ru_RU" -> "en", "ru"."""
    return re.split(r"[-_]", tag.strip())[0].lower()


@cache
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """The language the text is most likely in, and how likely (0 to 1)."""
    code, probability = _identifier().classify(text[:SAMPLE_CHARS])
    return code, float(probability)


def article_language(article: Article) -> str | None:
    """The article's language (ISO 639-1), or None when neither its text nor its page says."""
    text = "\n".join([article.title, *(p for section in article.sections for p in section.paragraphs)])
    if len(text) >= MIN_CHARS:
        code, probability = detect(text)
        if probability >= MIN_PROBABILITY:
            return code
    return article.language
