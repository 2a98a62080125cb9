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
from pathlib import Path

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
def _identifier(unpacked_in: Path | None = None):
    """The detector; with `unpacked_in`, its model is read from an uncompressed copy kept there.

    py3langid ships its model LZMA-compressed: unpacking it takes about a second on every run, as long
    as a rebuild's own audio work. The plain copy (about 70 MB) loads in a tenth of that. It is the
    library's own archive, only decompressed; if its layout is not the one expected, the library's
    loader reads the shipped file instead (and a damaged copy is unpacked again next time)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    if unpacked_in is not None and str(MODEL_FILE).endswith(".npz.xz"):  # the layout read below
        copy = _unpacked_model(MODEL_DIR / MODEL_FILE, unpacked_in)  # None: the shipped file still works
        if copy is not None:
            try:
                return _from_unpacked(copy, LanguageIdentifier)
            except Exception:  # numpy's and zipfile's errors for a torn or damaged file, a missing array
                copy.unlink(missing_ok=True)  # unpacked again next time
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _unpacked_model(packed: Path, folder: Path) -> Path | None:
    """The shipped model decompressed into `folder` once (named by the library's version and the
    packed file's size, so a new release is unpacked again); None when it cannot be written there."""
    import lzma
    import shutil
    from importlib.metadata import version

    from narrate.cache import saved_once

    def unpack(temporary: Path) -> None:
        with lzma.open(packed) as source, temporary.open("wb") as copy:
            shutil.copyfileobj(source, copy, 1 << 20)

    return saved_once(folder / f"py3langid-{version('py3langid')}-{packed.stat().st_size}.npz", unpack)


def _from_unpacked(path: Path, identifier_class):
    """The detector from the unpacked archive, built as py3langid's own loader builds it, with its two
    large tables mapped from the file rather than read: a text touches a few thousand of their rows, and
    reading all 70 MB took most of the detector's start (0.1-0.2 s, paid again by each edit's build)."""
    from py3langid.modelio import _to_array

    data = _mapped_arrays(path)
    return identifier_class(data["ptc"], data["pc"], data["classes"].tolist(), memoryview(data["nextmove"]),
                            data["out_feat"].tolist(), norm_probs=True, tk_row=_to_array(data["nextmove_row"]))


def _mapped_arrays(path: Path) -> dict:
    """Each array of an uncompressed .npz, mapped read-only from the file (numpy maps a .npy, not an
    archive of them: each member is a .npy stored as it is, at an offset the archive's headers give)."""
    import struct
    import zipfile

    import numpy as np

    arrays = {}
    with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
        for member in archive.infolist():
            if member.compress_type != zipfile.ZIP_STORED or not member.filename.endswith(".npy"):
                raise ValueError(f"{member.filename}: not a stored array")
            handle.seek(member.header_offset + 26)  # the local header's name and extra lengths
            name_length, extra_length = struct.unpack("<HH", handle.read(4))
            handle.seek(member.header_offset + 30 + name_length + extra_length)
            version = np.lib.format.read_magic(handle)
            header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
            shape, fortran, dtype = header(handle)
            if dtype.hasobject:
                raise ValueError(f"{member.filename}: holds Python objects")
            arrays[member.filename[:-4]] = np.memmap(path, dtype=dtype, mode="r", offset=handle.tell(), shape=shape,
                                                     order="F" if fortran else "C")
    return arrays


def detect(text: str, unpacked_in: Path | None = None) -> tuple[str, float]:
    """The language the text is most likely in, and how likely (0 to 1)."""
    code, probability = _identifier(unpacked_in).classify(text[:SAMPLE_CHARS])
    return code, float(probability)


def detector_text(article: Article) -> str:
    """What the detector reads of an article: its title and paragraphs, up to SAMPLE_CHARS. Its verdict
    depends on nothing else (and the declared language), so an edit past that point need not ask again."""
    text = "\n".join([article.title, *(p for section in article.sections for p in section.paragraphs)])
    return text[:SAMPLE_CHARS]


def article_language(article: Article, unpacked_in: Path | None = None) -> str | None:
    """The article's language (ISO 639-1), or None when neither its text nor its page says.

    `unpacked_in` is a folder where the detector's model may be kept uncompressed (it loads faster)."""
    text = detector_text(article)
    if len(text) >= MIN_CHARS:
        code, probability = detect(text, unpacked_in)
        if probability >= MIN_PROBABILITY:
            return code
    return article.language
