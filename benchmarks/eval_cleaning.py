"""How well narrate reads only the article: recall, precision and repeats against gold texts.

For every page folder in a corpus (with `expected.txt` and any of `source.html`, `source.txt`),
run narrate's script stage and, as the baselines, trafilatura's plain extraction and (for HTML)
readability-lxml and narrate's own rules without the second opinions, and score them:
  recall     gold sentences spoken at least once
  precision  spoken sentences found in the gold ("body": the same without the title, which narrate
             always reads and most gold texts omit)
  repeated   gold sentences spoken more often than the gold has them
Matching ignores case, punctuation and white space (letters of any script count), so typography does
not count.

Means are printed per dataset (from each page's meta.json), narrate beside trafilatura (defaults, no
comments) and readability-lxml on the same pages, with the pages read whole (recall >= 0.99) and those
of which nothing was read.

narrate's block scorer was trained on corpus pages. To measure it on pages it was not trained on, give
`--folds DIR` with the fold models `scripts/train-reader --save-folds DIR` wrote: each page is then read
with the model of the fold that left its site out (folds split by site, as in training).
The older split is kept too: `--half dev|held` picks one of two halves of the sites, from a hash of the
site's name, for the hand rules that were developed on one half.

Usage: scripts/eval-cleaning CORPUS_DIR [--kind html|txt|copied|markdown|gold|both|all] [--half dev|held]
                              [--folds DIR] [--show PAGE] [--json]
A folder holding `article.txt` and `expected.txt` (a scraped page as text) is scored as one page.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
import tempfile
import unicodedata
from pathlib import Path

# A sentence ends at . ! ? … before a capital of any cased script, a digit, or a Hangul/CJK character.
_BOUNDARY = re.compile(r"(?<=[.!?…。])[\"'”’)\]]*\s+(?=[\"'“‘(\[«]?[A-Z0-9À-ÖØ-ÞΑ-ΩА-ЯЁ가-힣一-鿿])")
MIN_SENTENCE_CHARS = 12
# What a folder name carries besides its site: the benchmark it came from, and a page number.
_BENCHMARK_PREFIX = re.compile(r"^(?:aeb2|aeb|readability)-")
_PAGE_NUMBER = re.compile(r"-\d+$")


def squash(text: str) -> str:
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text).lower())


def site_of(folder: str) -> str:
    return _PAGE_NUMBER.sub("", _BENCHMARK_PREFIX.sub("", folder))


def registered_domain(host: str) -> str:
    """The site a host belongs to ("news.example.co.uk" -> "example.co.uk"): folds never split one."""
    parts = host.lower().removeprefix("www.").split(".")
    second_level = len(parts) >= 3 and parts[-2] in {"co", "com", "org", "net", "ac", "gov", "edu"} and len(parts[-1]) == 2
    return ".".join(parts[-3:] if second_level else parts[-2:])


def origin(folder: Path) -> tuple[str, str]:
    """(dataset, site) of a page folder, from its meta.json (the dataset is "pages" when it names none)."""
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    dataset = meta.get("dataset") or "pages"
    host = meta.get("registered_domain") or meta.get("host") or meta.get("site") or ""
    if not host and meta.get("url"):
        from urllib.parse import urlparse

        host = urlparse(meta["url"]).hostname or ""
    return dataset, registered_domain(host or site_of(folder.name))


def fold_of(site: str, folds: int) -> int:
    """The cross-validation fold of a site: every page of a site in the same one."""
    return hashlib.sha256(site.encode()).digest()[0] % folds


def half_of(folder: str) -> str:
    """`dev` or `held`, fixed for every page of a site."""
    return "dev" if hashlib.sha256(site_of(folder).encode()).digest()[0] % 2 == 0 else "held"


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


def narrate_text(source: Path, second_opinions: bool = True, reader_model: str | None = None) -> tuple[str, str]:
    """What narrate reads: the title, and the rest (section headings and paragraphs)."""
    from narrate.config import Config
    from narrate.pipeline import read_article

    config = Config()
    config = config.model_copy(update={"clean": config.clean.model_copy(update={"second_opinions": second_opinions})})
    article = read_article(str(source), config, reader_model=reader_model)
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
        return (trafilatura.extract(raw, include_comments=False) or "").replace("\n", "\n\n")
    return raw  # plain text has no markup for an HTML extractor to use: the baseline reads it all


def readability_text(source: Path) -> str:
    import lxml.html
    from readability import Document

    try:
        root = lxml.html.fromstring(Document(source.read_text(encoding="utf-8", errors="replace")).summary())
    except Exception:  # noqa: BLE001 - a baseline that fails on a page reads nothing there
        return ""
    blocks = [e.text_content() for e in root.iter("p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre", "td")]
    return "\n\n".join(b for b in blocks if b.strip())


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


def _score_narrate(gold: str, source: Path, second_opinions: bool, reader_model: str | None = None) -> dict:
    try:
        title, body = narrate_text(source, second_opinions, reader_model)
        result = score(gold, f"{title}\n\n{body}")
        result["body precision"] = score(gold, body)["precision"]
    except Exception as exc:  # report and go on: one bad page must not hide the rest
        result = {"recall": 0.0, "precision": 0.0, "body precision": 0.0, "repeated": 0, "missing": [str(exc)],
                  "extra": []}
    return result


def score_page(source: Path, gold_path: Path, reader_model: str | None = None) -> dict[str, dict]:
    """Every system's score on one input: narrate, and the baselines that apply to its kind."""
    gold = gold_path.read_text(encoding="utf-8")
    systems = {"narrate": _score_narrate(gold, source, True, reader_model),
               "trafilatura": score(gold, trafilatura_text(source))}
    if source.suffix == ".html":
        systems["narrate alone"] = _score_narrate(gold, source, False)
        systems["readability"] = score(gold, readability_text(source))
    return systems


SHOWN = ("recall", "precision", "body precision", "repeated")


def fold_model(folds: Path | None, folder: Path, source: Path) -> str | None:
    """The fold model that was trained without this page's site, when fold models are given (the copied-text
    scorer's for a page read as text, "text-fold-K-of-N.npz")."""
    if folds is None or source.suffix == ".md" or source.suffix == ".gold":
        return None
    prefix = "" if source.suffix == ".html" else "text-"
    models = sorted(folds.glob(f"{prefix}fold-*-of-*.npz"))
    if not models:
        raise SystemExit(f"{folds}: no fold models (fold-K-of-N.npz); write them with scripts/train-reader --save-folds")
    count = int(re.search(r"-of-(\d+)", models[0].name).group(1))
    return str(folds / f"{prefix}fold-{fold_of(origin(folder)[1], count)}-of-{count}.npz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--kind", choices=["html", "txt", "copied", "markdown", "gold", "both", "all"], default="both",
                        help="copied: each HTML page turned into text as select-all and copy would give it; "
                             "markdown: each HTML page converted whole to Markdown (html2text); "
                             "gold: the gold text itself, a clean article from which nothing may be lost")
    parser.add_argument("--half", choices=["dev", "held"], help="only the pages of one half (default: both)")
    parser.add_argument("--folds", type=Path, help="fold models: read each page with the one not trained on its site")
    parser.add_argument("--show", help="print missing and extra sentences for pages whose name contains this")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = []
    scratch = Path(tempfile.mkdtemp(prefix="narrate-eval-"))
    for name, source, gold_path in pages(args.corpus, args.kind, scratch):
        half = half_of(name.split("/")[0])
        if args.half and half != args.half:
            continue
        folder = gold_path.parent
        systems = score_page(source, gold_path, fold_model(args.folds, folder, source))
        rows.append((name, origin(folder)[0], systems))
        if args.show and args.show in name:
            ours = systems["narrate"]
            print(f"--- {name}\nMISSING:\n  " + "\n  ".join(ours["missing"]) + "\nEXTRA:\n  " + "\n  ".join(ours["extra"]))
    shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps([{"page": n, "dataset": d, **{system: {k: s[k] for k in SHOWN if k in s}
                                                       for system, s in systems.items()}}
                          for n, d, systems in rows]))
        return
    print(f"{'page':<48}{'recall':>8}{'prec':>7}{'body':>7}{'rep':>5}   {'base rec':>8}{'prec':>7}{'rep':>5}")
    for name, _, systems in rows:
        o, b = systems["narrate"], systems["trafilatura"]
        print(f"{name:<48}{o['recall']:>8.3f}{o['precision']:>7.3f}{o['body precision']:>7.3f}"
              f"{o['repeated']:>5}   {b['recall']:>8.3f}{b['precision']:>7.3f}{b['repeated']:>5}")
    print()
    if args.folds:
        print("narrate: each page read by the model of the fold that left its site out")
    print(f"{'mean':<44}{'pages':>6}{'recall':>8}{'prec':>7}{'body':>7}{'rep':>5}{'>=0.99':>8}{'none':>6}")
    for kind in ("html", "txt", "copied", "markdown", "gold"):
        for dataset in [*sorted({d for _, d, _ in rows}), "all"]:
            chosen = [s for n, d, s in rows if n.endswith(f".{kind}") and dataset in (d, "all")]
            if not chosen:
                continue
            for system in ("narrate", "narrate alone", "trafilatura", "readability"):
                scores = [s[system] for s in chosen if system in s]
                if not scores:
                    continue
                mean = lambda key: sum(s.get(key, s["precision"]) for s in scores) / len(scores)  # noqa: E731
                print(f"{f'{kind} {dataset} {system}':<44}{len(scores):>6}{mean('recall'):>8.3f}"
                      f"{mean('precision'):>7.3f}{mean('body precision'):>7.3f}{sum(s['repeated'] for s in scores):>5}"
                      f"{sum(s['recall'] >= 0.99 for s in scores):>8}{sum(s['recall'] == 0 for s in scores):>6}")


if __name__ == "__main__":
    sys.exit(main())
