"""How well narrate reads only the article: recall, precision and repeats against gold texts.

For every page folder in a corpus (with `expected.txt` and any of `source.html`, `source.txt`),
run narrate's script stage and, as the baseline, trafilatura's plain extraction, and score both:
  recall     gold sentences spoken at least once
  precision  spoken sentences found in the gold ("body": the same without the title, which narrate
             always reads and most gold texts omit)
  repeated   gold sentences spoken more often than the gold has them
Matching ignores case, punctuation and white space, so typography does not count.

Usage: scripts/eval-cleaning CORPUS_DIR [--kind html|txt|copied|markdown|gold|both|all] [--show PAGE]
A folder holding `article.txt` and `expected.txt` (a scraped page as text) is scored as one page.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

# A sentence ends at . ! ? or … (closing quotes allowed) before a capital or a digit.
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
MIN_SENTENCE_CHARS = 12


def squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", text).lower())


def sentences(text: str) -> list[str]:
    found = []
    for block in re.split(r"\n\s*\n", text):
        found += [s for s in _BOUNDARY.split(" ".join(block.split())) if len(squash(s)) >= MIN_SENTENCE_CHARS]
    return found


def score(gold: str, spoken: str) -> dict:
    gold_flat, spoken_flat = squash(gold), squash(spoken)
    gold_sentences = sentences(gold)
    spoken_sentences = sentences(spoken)
    heard = [spoken_flat.count(squash(s)) for s in gold_sentences]
    written = [gold_flat.count(squash(s)) for s in gold_sentences]
    in_gold = [squash(s) in gold_flat for s in spoken_sentences]
    return {
        "recall": sum(h > 0 for h in heard) / max(1, len(heard)),
        "precision": sum(in_gold) / max(1, len(in_gold)),
        "repeated": sum(h > w for h, w in zip(heard, written)),
        "missing": [s for s, h in zip(gold_sentences, heard) if h == 0],
        "extra": [s for s, ok in zip(spoken_sentences, in_gold) if not ok],
    }


def narrate_text(source: Path) -> tuple[str, str]:
    """What narrate reads: the title, and the rest (section headings and paragraphs)."""
    from narrate.config import Config
    from narrate.pipeline import read_article

    article = read_article(str(source), Config())
    parts = []
    for section in article.sections:
        if section.has_heading:
            parts.append(section.title)
        parts += section.paragraphs
    return article.title, "\n\n".join(parts)


def trafilatura_text(source: Path) -> str:
    import trafilatura

    raw = source.read_text(encoding="utf-8", errors="replace")
    if source.suffix == ".html":
        return (trafilatura.extract(raw) or "").replace("\n", "\n\n")
    return raw  # plain text has no markup for an HTML extractor to use: the baseline reads it all


def select_all_copy(html: Path, into: Path) -> Path:
    """The page as select-all and copy would give it (narrate's own reading of the page's text
    blocks): a second, differently scraped text copy of each HTML page, to check that the
    copied-text cleaner was built for the kind of page and not for one scrape of it."""
    from narrate.article.read import html_text_blocks

    blocks = html_text_blocks(html.read_text(encoding="utf-8", errors="replace")).blocks
    copy = into / f"{html.parent.name}.txt"
    copy.write_text("\n\n".join(blocks), encoding="utf-8")
    return copy


def converted_markdown(html: Path, into: Path) -> Path:
    """The page as a whole-page HTML-to-Markdown converter (html2text) gives it: menus, links and all."""
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    markdown = into / f"{html.parent.name}.md"
    markdown.write_text(converter.handle(html.read_text(encoding="utf-8", errors="replace")), encoding="utf-8")
    return markdown


def pages(corpus: Path, kind: str, scratch: Path) -> list[tuple[str, Path, Path]]:
    found = []
    folders = [corpus] if (corpus / "expected.txt").is_file() else sorted(p for p in corpus.iterdir() if p.is_dir())
    wanted = {"both": ("html", "txt"), "all": ("html", "txt", "copied", "markdown", "gold")}.get(kind, (kind,))
    for folder in folders:
        gold = folder / "expected.txt"
        if not gold.is_file():
            continue
        for name in ("source.html", "source.txt", "article.txt"):
            source = folder / name
            if source.is_file() and (source.suffix[1:] in wanted or name == "article.txt"):
                found.append((f"{folder.name}/{name}", source, gold))
            if source.is_file() and name == "source.html" and "copied" in wanted:
                found.append((f"{folder.name}/select-all.copied", select_all_copy(source, scratch), gold))
            if source.is_file() and name == "source.html" and "markdown" in wanted:
                found.append((f"{folder.name}/html2text.markdown", converted_markdown(source, scratch), gold))
        if "gold" in wanted:  # the article alone, already clean: whatever narrate drops from it is lost
            found.append((f"{folder.name}/expected.gold", gold, gold))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--kind", choices=["html", "txt", "copied", "markdown", "gold", "both", "all"], default="both",
                        help="copied: each HTML page turned into text as select-all and copy would give it; "
                             "markdown: each HTML page converted whole to Markdown (html2text); "
                             "gold: the gold text itself, a clean article from which nothing may be lost")
    parser.add_argument("--show", help="print missing and extra sentences for pages whose name contains this")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    scratch = Path(tempfile.mkdtemp(prefix="narrate-eval-"))
    for name, source, gold_path in pages(args.corpus, args.kind, scratch):
        gold = gold_path.read_text(encoding="utf-8")
        try:
            title, body = narrate_text(source)
            ours = score(gold, f"{title}\n\n{body}")
            ours["body precision"] = score(gold, body)["precision"]
        except Exception as exc:  # report and go on: one bad page must not hide the rest
            ours = {"recall": 0.0, "precision": 0.0, "body precision": 0.0, "repeated": 0, "missing": [str(exc)],
                    "extra": []}
        base = score(gold, trafilatura_text(source))
        rows.append((name, ours, base))
        if args.show and args.show in name:
            print(f"--- {name}\nMISSING:\n  " + "\n  ".join(ours["missing"]) + "\nEXTRA:\n  " + "\n  ".join(ours["extra"]))
    if args.json:
        shutil.rmtree(scratch, ignore_errors=True)
        print(json.dumps([{"page": n, "narrate": {k: o[k] for k in ("recall", "precision", "body precision", "repeated")},
                           "trafilatura": {k: b[k] for k in ("recall", "precision", "repeated")}} for n, o, b in rows]))
        return
    print(f"{'page':<48}{'recall':>8}{'prec':>7}{'body':>7}{'rep':>5}   {'base rec':>8}{'prec':>7}{'rep':>5}")
    for name, o, b in rows:
        print(f"{name:<48}{o['recall']:>8.3f}{o['precision']:>7.3f}{o['body precision']:>7.3f}{o['repeated']:>5}   "
              f"{b['recall']:>8.3f}{b['precision']:>7.3f}{b['repeated']:>5}")
    shutil.rmtree(scratch, ignore_errors=True)
    for kind in ("html", "txt", "copied", "markdown", "gold"):
        chosen = [(o, b) for n, o, b in rows if n.endswith(f".{kind}")]
        if not chosen:
            continue
        mean = lambda values: sum(values) / len(values)  # noqa: E731
        print(f"{'mean (' + kind + f', {len(chosen)} pages)':<48}"
              f"{mean([o['recall'] for o, _ in chosen]):>8.3f}{mean([o['precision'] for o, _ in chosen]):>7.3f}"
              f"{mean([o['body precision'] for o, _ in chosen]):>7.3f}"
              f"{sum(o['repeated'] for o, _ in chosen):>5}   {mean([b['recall'] for _, b in chosen]):>8.3f}"
              f"{mean([b['precision'] for _, b in chosen]):>7.3f}{sum(b['repeated'] for _, b in chosen):>5}"
              f"   pages at recall>=0.99: {sum(o['recall'] >= 0.99 for o, _ in chosen)}")


if __name__ == "__main__":
    sys.exit(main())
