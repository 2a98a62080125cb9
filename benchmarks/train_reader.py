"""Train the block scorer that finds a web page's article, and measure it on pages it was not trained on.

Every page (a folder with `source.html` and `expected.txt`) is read by narrate's own stages (trafilatura,
the rules, the readings' vote) and cut into the blocks the scorer sees (`narrate.article.scorer`). A block is
article when half of its sentences (by length) are in the gold text; a short block without a full sentence,
when it is a whole paragraph of the gold. Gradient-boosted trees (LightGBM) learn it, cross-validated with
folds split by site (a site's pages all sit in one fold, from a hash of its registered domain), so each
page is scored by a model that never saw its site. The second stage, which reads the first stage's scores
in context, is trained on first-stage scores of pages that stage did not see (the folds nest). Per
dataset, the script prints recall, precision and pages read whole for the model on its held-out fold, for
narrate's rules (the reading before the model), trafilatura (defaults, no comments) and readability-lxml on
the same pages; then it trains on every page and writes the trees of both stages to
`narrate/data/reader_model.npz` (plain arrays, read with numpy at run time).

Usage: scripts/train-reader CORPUS_DIR [CORPUS_DIR ...] [--cache DIR] [--workers N] [--folds K]
                            [--save-folds DIR] [--no-write] [--text [DIR]]
With --text, the copied-text scorer's two stages are trained instead (see `text_training.py`).
The readings of each page are cached (default: a folder in the system's temp dir), so a second run only trains.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from multiprocessing import Pool
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_cleaning import fold_of, origin, readability_text, score, squash  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
READING_VERSION = "1"  # bump when narrate's stages before the scorer change: the cache is keyed on it
FEATURE_VERSION = "5"  # bump when the scorer's features change
PARAMS = {"objective": "binary", "learning_rate": 0.1, "num_leaves": 31, "min_data_in_leaf": 20,
          "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0, "verbose": -1,
          "num_threads": 1, "seed": 7, "deterministic": True}
ROUNDS = 150
SEEDS = (7, 8, 9)  # each of the block scorer's stages is this many boosters, alike but for the seed (`Bag`)
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)  # the probabilities tried for keeping a block


@dataclass
class Page:
    name: str
    dataset: str
    site: str
    blocks: list  # PageBlock
    features: np.ndarray
    labels: np.ndarray
    weights: np.ndarray
    title: str | None
    gold: str
    rules_text: str
    peers: dict[str, str]
    fallback: list[int]
    ancestry: list = field(default_factory=list)  # HTML: each block's boxes (`scorer.block_ancestry`)


def page_folders(corpora: list[Path]) -> list[Path]:
    found = []
    for corpus in corpora:
        for folder in sorted(corpus.iterdir()):
            if (folder / "source.html").is_file() and (folder / "expected.txt").is_file():
                found.append(folder)
    return found


def label(text: str, gold_key: str, gold_paragraphs: set[str]) -> tuple[float, float]:
    """(is article, weight): the block's share of gold sentences decides; the weight is its sentences."""
    from narrate.article.scorer import held_share, sentence_keys

    sentences = sentence_keys(text)
    if sentences:
        return float(held_share(text, gold_key) >= 0.5), float(len(sentences))
    return float(squash(text) in gold_paragraphs), 0.2


@dataclass
class Reading:
    """What narrate's stages and the peers make of a page: the slow part, cached."""

    dataset: str
    site: str
    opinions: object  # PageOpinions
    title: str | None
    rules_text: str
    peers: dict[str, str]


def read_stages(folder: Path) -> Reading:
    """Read one page with narrate's stages (extraction, rules, the readings' vote) and the two peers."""
    from narrate.article.clean import CleanOptions, clean
    from narrate.article.consensus import _extractor_text, agree, read_opinions
    from narrate.article.read import parse, read_source
    from narrate.article.scorer import opinions_of

    dataset, site = origin(folder)
    source = read_source(str(folder / "source.html"))
    draft = parse(source)
    rules, rules_dropped = clean(draft, CleanOptions())
    readings = read_opinions(source.text, draft.page_blocks)
    agreed, agreed_dropped = agree(rules, rules_dropped, readings)
    return Reading(dataset=dataset, site=site,
                   opinions=opinions_of(draft, rules, rules_dropped, agreed, agreed_dropped, readings),
                   title=agreed.title, rules_text="\n\n".join(b.text for b in agreed.blocks),
                   peers={"trafilatura": _extractor_text(source.text).replace("\n", "\n\n"),
                          "readability": readability_text(folder / "source.html")})


def extract(job: tuple[Path, Path]) -> Page | None:
    """A page's blocks, their features and their labels (cached for this FEATURE_VERSION)."""
    folder, cache = job
    key = hashlib.sha256((folder / "source.html").read_bytes() + READING_VERSION.encode()).hexdigest()[:20]
    path = cache / f"page-{folder.name}-{key}-f{FEATURE_VERSION}.pkl"
    return cached(path, folder.name, lambda: described(folder, cache, key))


def cached(path: Path, name: str, make):
    """The value pickled at `path`, made and saved (whole or not at all) when missing; None, and a line on
    stderr, when making it failed (one unreadable page is reported, not fatal)."""
    if path.is_file():
        return pickle.loads(path.read_bytes())
    try:
        value = make()
    except Exception as exc:  # noqa: BLE001
        print(f"  {name}: {exc}", file=sys.stderr)
        value = None
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(pickle.dumps(value))
    temporary.replace(path)
    return value


def described(folder: Path, cache: Path, key: str) -> Page | None:
    """Read the page (the readings cached), cut it into blocks and describe them."""
    from narrate.article.read import read_source
    from narrate.article.scorer import block_ancestry, cut_page, fallback, page_features, page_markup

    reading = cached(cache / f"{folder.name}-{key}.pkl", folder.name, lambda: read_stages(folder))
    if reading is None:
        return None
    html = read_source(str(folder / "source.html")).text
    blocks, elements = cut_page(html)
    features = page_features(blocks, elements, reading.opinions, page_markup(html))
    page = labelled_page(folder, reading, blocks, features, fallback(blocks, features))
    page.ancestry = block_ancestry(elements)
    return page


def labelled_page(folder: Path, reading, blocks: list, features: np.ndarray, backup: list[int]) -> Page:
    gold = (folder / "expected.txt").read_text(encoding="utf-8")
    labels, weights = labels_of(blocks, gold)
    return Page(
        name=folder.name, dataset=reading.dataset, site=reading.site, blocks=blocks, features=features,
        labels=labels, weights=weights,
        title=reading.title, gold=gold, rules_text=reading.rules_text, peers=reading.peers, fallback=backup)


def labels_of(blocks: list, gold: str) -> tuple[np.ndarray, np.ndarray]:
    """Each block's label and weight. The gold is keyed as the blocks' sentences are (narrate's squash, accents
    dropped): keyed apart, no sentence with an accent or in Korean would ever match."""
    from narrate.article.patterns import squash as sentence_squash

    gold_key = sentence_squash(gold)
    paragraphs = {squash(p) for p in gold.split("\n\n") if squash(p)}
    labelled = [label(b.text, gold_key, paragraphs) for b in blocks]
    gold_sentences = max(1, sum(w for y, w in labelled if y and w >= 1))
    return np.array([y for y, _ in labelled]), np.array([w / gold_sentences * 20 for _, w in labelled])


@dataclass
class TextReading:
    """What the rules make of a page's copied text (cached): its blocks, verdicts and reasons, and its title."""

    dataset: str
    site: str
    blocks: list
    alive: list[bool]
    reasons: dict[int, str]
    title: str | None
    rules_text: str
    peers: dict[str, str]


def copied_text(folder: Path, text_dir: Path | None) -> str:
    """The page as copied text: a rendering in `text_dir` when there is one, else narrate's own select-all."""
    from narrate.article.read import html_text_blocks, read_source

    rendered = text_dir / f"{folder.name}.txt" if text_dir else None
    if rendered and rendered.is_file():  # read as narrate reads a text file (mojibake repaired)
        text = read_source(str(rendered)).text
        if re.search(r"\w", text):  # an empty rendering is the renderer's failure, not the page's copy
            return text
    return "\n\n".join(html_text_blocks((folder / "source.html").read_text(encoding="utf-8", errors="replace")).blocks)


def extract_text(job: tuple[Path, Path, Path | None]) -> Page | None:
    """A page's copied text, cut into blocks as narrate reads text, with the rules' verdicts as features."""
    from narrate.article.clean import judge
    from narrate.article.read import parse_text
    from narrate.article.scorer import PageBlock
    from narrate.article.text_scorer import text_fallback, text_features

    folder, cache, text_dir = job
    text = copied_text(folder, text_dir)
    key = hashlib.sha256(text.encode() + READING_VERSION.encode()).hexdigest()[:20]
    def read() -> TextReading:
        verdicts = judge(parse_text(text))
        ledger = verdicts.ledger
        return TextReading(*origin(folder), ledger.blocks, ledger.alive, ledger.reasons, verdicts.title,
                           "\n\n".join(ledger.blocks[i].text for i in ledger.live()), {"all text": text})

    reading = cached(cache / f"text-{folder.name}-{key}.pkl", folder.name, read)
    if reading is None:
        return None
    features = text_features(reading.blocks, reading.alive, reading.reasons, reading.title)
    blocks = [PageBlock(b.text, b.kind, b.level) for b in reading.blocks]
    return labelled_page(folder, reading, blocks, features, text_fallback(blocks, reading.alive))


@dataclass
class Bag:
    """Boosters trained alike but for the seed that draws each tree's rows and features, their log-odds
    averaged: the same mean of many trees, with less of the chance each draw brings. Exported as one forest
    whose leaf values are divided by their number (`tree_arrays`), so run time walks it as any other."""

    boosters: list

    def predict(self, rows: np.ndarray, raw_score: bool = False) -> np.ndarray:
        raw = np.mean([booster.predict(rows, raw_score=True) for booster in self.boosters], axis=0)
        return raw if raw_score else 1.0 / (1.0 + np.exp(-raw))

    def feature_importance(self, importance_type: str = "gain") -> np.ndarray:
        return sum(booster.feature_importance(importance_type=importance_type) for booster in self.boosters)


def train(pages: list[Page], rounds: int = ROUNDS, rows: dict[str, np.ndarray] | None = None,
          seeds: tuple[int, ...] = (PARAMS["seed"],)) -> Bag:
    """Trees over the pages' blocks: their first-stage features, or the `rows` given for each page; one
    booster per seed."""
    import lightgbm

    features = np.vstack([rows[p.name] if rows is not None else p.features for p in pages])
    labels = np.concatenate([p.labels for p in pages])
    weights = np.concatenate([p.weights for p in pages])
    data = lightgbm.Dataset(features, labels, weight=weights, free_raw_data=False)
    return Bag([lightgbm.train(PARAMS | {"seed": seed}, data, num_boost_round=rounds) for seed in seeds])


def read_page(page: Page, probability: np.ndarray, threshold: float) -> str:
    """What narrate would speak from the model's probabilities: the same steps as at run time."""
    from narrate.article.clean import CleanOptions
    from narrate.article.scorer import assemble, unanimous
    from narrate.article.sections import without_closing_headings

    if page.ancestry:  # an HTML page: blocks all four peer readings agree on are read as at run time
        probability = np.where(unanimous(page.blocks, page.features), np.maximum(probability, threshold), probability)
    chosen, _, _ = assemble(page.blocks, probability, threshold, page.title, CleanOptions(), page.fallback)
    if page.ancestry:  # a page's closing heading over nothing is a box's label, left out as `narrate script` does
        chosen, _ = without_closing_headings(chosen)
    return "\n\n".join(b.text for b in chosen)


def measure(page: Page, body: str) -> dict:
    result = score(page.gold, f"{page.title or ''}\n\n{body}")
    result["body precision"] = score(page.gold, body)["precision"]
    return result


def summary(rows: list[dict], system: str) -> str:
    scores = [r[system] for r in rows]
    mean = lambda key: sum(s[key] for s in scores) / max(1, len(scores))  # noqa: E731
    return (f"{mean('recall'):>8.3f}{mean('body precision'):>7.3f}{sum(s['recall'] >= 0.99 for s in scores):>7}"
            f"{sum(s['repeated'] for s in scores):>6}{sum(s['recall'] == 0 for s in scores):>6}")


def report(pages: list[Page], held_out: dict[str, np.ndarray], threshold: float,
           first_stage: dict[str, np.ndarray] | None = None) -> list[dict]:
    rows = []
    for page in pages:
        row = {"page": page.name, "dataset": page.dataset,
               "narrate": measure(page, read_page(page, held_out[page.name], threshold))}
        if first_stage:
            row["first stage"] = measure(page, read_page(page, first_stage[page.name], threshold))
        row["narrate rules"] = measure(page, page.rules_text)
        for peer, text in page.peers.items():
            row[peer] = score(page.gold, text)
            row[peer]["body precision"] = row[peer]["precision"]
        rows.append(row)
    return rows


def print_table(rows: list[dict]) -> None:
    print(f"{'dataset':<20}{'system':<15}{'pages':>6}{'recall':>8}{'body':>7}{'whole':>7}{'twice':>6}{'none':>6}")
    systems = [key for key in rows[0] if key not in ("page", "dataset")]
    for dataset in sorted({r["dataset"] for r in rows}) + ["all"]:
        chosen = [r for r in rows if dataset in (r["dataset"], "all")]
        for system in systems:
            print(f"{dataset:<20}{system:<15}{len(chosen):>6}{summary(chosen, system)}")


def tree_arrays(bag: Bag) -> dict[str, np.ndarray]:
    """LightGBM's trees as flat arrays (see `narrate.article.scorer.Trees`): every booster of the bag, each
    value divided by their number, so the forest's sum is the boosters' mean."""
    feature, threshold_at, left, right, value, roots = [], [], [], [], [], []
    share = 1.0 / len(bag.boosters)

    def add(node) -> int:
        index = len(feature)
        feature.append(-1)
        threshold_at.append(0.0)
        left.append(-1)
        right.append(-1)
        value.append(node.get("leaf_value", node.get("internal_value", 0.0)) * share)
        if "split_index" in node:
            if node["decision_type"] != "<=" or node.get("missing_type", "None") not in ("None", "NaN"):
                raise ValueError(f"unexpected split {node['decision_type']} {node.get('missing_type')}")
            feature[index] = node["split_feature"]
            threshold_at[index] = node["threshold"]
            left[index] = add(node["left_child"])
            right[index] = add(node["right_child"])
        return index

    for booster in bag.boosters:
        for tree in booster.dump_model()["tree_info"]:
            roots.append(add(tree["tree_structure"]))
    return {"feature": np.array(feature, dtype=np.int16), "threshold": np.array(threshold_at),
            "left": np.array(left, dtype=np.int32), "right": np.array(right, dtype=np.int32), "value": np.array(value),
            "roots": np.array(roots, dtype=np.int32), "base": np.array(0.0)}


def export(booster, path: Path, threshold: float, check: np.ndarray, names: list[str], second=None) -> None:
    """The trees as flat arrays, checked against LightGBM's own scores; `second` is the second stage
    (booster, names, rows to check), stored beside the first under `scorer.CONTEXT_PREFIX`."""
    from narrate.article.scorer import CONTEXT_PREFIX, load_model

    stages = [("", booster, names, check)] + ([(CONTEXT_PREFIX, *second)] if second else [])
    arrays = {}
    for prefix, trees, stage_names, _ in stages:
        arrays |= {prefix + key: value for key, value in tree_arrays(trees).items()}
        arrays[f"{prefix}names"] = np.array(stage_names)
        arrays[f"{prefix}threshold_probability"] = np.array(threshold)
    temporary = path.with_suffix(".tmp.npz")
    np.savez_compressed(temporary, **arrays)
    temporary.replace(path)
    load_model.cache_clear()
    for prefix, trees, stage_names, rows in stages:
        ours, _ = load_model(str(path), tuple(stage_names), prefix).raw(rows)
        theirs = trees.predict(rows, raw_score=True)
        if not np.allclose(ours, theirs, atol=1e-6):
            raise SystemExit(f"exported trees disagree with LightGBM (max difference {np.abs(ours - theirs).max()})")


def stacked(pages: list[Page], folds: int) -> tuple[dict, dict, dict, dict]:
    """Both stages cross-validated by site, each page scored by models that never saw its site.

    The second stage learns from first-stage scores of pages the first stage was not trained on: for the
    model tested on fold f, its training pages of fold g are scored by a first stage trained without f and g.
    Returns the held-out first- and second-stage scores, and per fold the two boosters with the rows that
    check the exported second stage."""
    from narrate.article.scorer import context_features

    firsts: dict[frozenset, object] = {}

    def first_without(excluded: frozenset):
        if excluded not in firsts:
            firsts[excluded] = train([p for p in pages if fold_of(p.site, folds) not in excluded], seeds=SEEDS)
        return firsts[excluded]

    def rows(page: Page, first: np.ndarray) -> np.ndarray:
        return np.hstack([page.features, context_features(first, page.features, page.ancestry,
                                                          [len(b.text) for b in page.blocks])])

    predict = lambda booster, page: booster.predict(page.features) if len(page.blocks) else np.zeros(0)  # noqa: E731
    first_out = {p.name: predict(first_without(frozenset({fold_of(p.site, folds)})), p) for p in pages}
    second_out, models = {}, {}
    for fold in range(folds):
        training = [p for p in pages if fold_of(p.site, folds) != fold]
        inner = {p.name: rows(p, predict(first_without(frozenset({fold, fold_of(p.site, folds)})), p))
                 for p in training}
        second = train(training, rows=inner, seeds=SEEDS)
        testing = [p for p in pages if fold_of(p.site, folds) == fold]
        for page in testing:
            second_out[page.name] = (second.predict(rows(page, first_out[page.name])) if len(page.blocks)
                                     else np.zeros(0))
        check = rows(testing[0], first_out[testing[0].name]) if testing else inner[training[0].name]
        models[fold] = (first_without(frozenset({fold})), second, check)
        print(f"  fold {fold} done", file=sys.stderr)
    final_rows = {p.name: rows(p, first_out[p.name]) for p in pages}
    return first_out, second_out, models, final_rows


def choose_threshold(pages: list[Page], held_out: dict[str, np.ndarray], log=sys.stderr,
                     candidates: tuple[float, ...] = THRESHOLDS) -> float:
    """The keep threshold with the best held-out twice the recall plus the precision: recall first, as
    everywhere in narrate, since a sentence not read is the worst failure."""
    trials = {}
    for candidate in candidates:
        rows = [measure(p, read_page(p, held_out[p.name], candidate)) for p in pages]
        trials[candidate] = sum(2 * r["recall"] + r["body precision"] for r in rows) / len(rows)
        print(f"threshold {candidate}: 2 recall + precision {trials[candidate]:.4f}", file=log, flush=True)
    return max(trials, key=lambda t: (trials[t], t))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", type=Path, nargs="+")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "narrate-reader-features")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--threshold", type=float, help="probability to keep a block (default: chosen on the folds)")
    parser.add_argument("--save-folds", type=Path, help="write each fold's model here, for eval-cleaning --folds")
    parser.add_argument("--json", type=Path, help="write per-page held-out scores here")
    parser.add_argument("--no-write", action="store_true", help="measure only; leave the shipped model alone")
    parser.add_argument("--text", nargs="?", const=Path(""), type=Path, metavar="DIR",
                        help="train the copied-text scorer instead, on each page as copied text: DIR/<page>.txt "
                             "when DIR holds renderings, else narrate's own select-all reading of the page")
    args = parser.parse_args()
    from narrate.article import scorer, text_scorer

    names = text_scorer.text_feature_names() if args.text is not None else scorer.feature_names()
    args.cache.mkdir(parents=True, exist_ok=True)
    folders = page_folders(args.corpora)
    if not folders:
        raise SystemExit("no page folders (with source.html and expected.txt) found")
    started = time.time()
    if args.text is not None:
        work, jobs = extract_text, [(folder, args.cache, args.text if str(args.text) else None) for folder in folders]
    else:
        work, jobs = extract, [(folder, args.cache) for folder in folders]
    if args.workers > 1:
        with Pool(args.workers) as pool:
            pages = [p for p in pool.imap(work, jobs, chunksize=2) if p is not None]
    else:
        pages = [p for p in map(work, jobs) if p is not None]
    print(f"{len(pages)} pages, {sum(len(p.blocks) for p in pages)} blocks, features in {time.time() - started:.0f} s",
          file=sys.stderr)
    if args.text is not None:
        import text_training

        text_training.run(pages, args, train, choose_threshold, report, print_table, export, names)
        return

    held_out: dict[str, np.ndarray] = {}
    # the first stage, then the second over its scores in context
    first_stage, held_out, models, final_rows = stacked(pages, args.folds)
    second = names + scorer.context_feature_names()
    if args.save_folds:
        args.save_folds.mkdir(parents=True, exist_ok=True)
        for fold, (first, context, check) in models.items():
            export(first, args.save_folds / f"fold-{fold}-of-{args.folds}.npz", args.threshold or 0.5,
                   check[:, :len(names)], names, (context, second, check))
    print(f"cross-validation done in {time.time() - started:.0f} s", file=sys.stderr)

    threshold = args.threshold if args.threshold is not None else choose_threshold(pages, held_out)
    rows = report(pages, held_out, threshold, first_stage)
    print(f"Held-out figures (each page scored by a model trained without its site), threshold {threshold}:")
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, default=str), encoding="utf-8")

    final = train(pages, seeds=SEEDS)
    final_second = train(pages, rows=final_rows, seeds=SEEDS)
    stages = [(final, names), (final_second, second)]
    for booster, stage_names in stages:
        gains = booster.feature_importance(importance_type="gain")
        stage = "second" if stage_names is second else "first"
        print(f"\nStrongest features of the {stage} stage (share of the gain):")
        for index in np.argsort(-gains)[:15]:
            print(f"  {stage_names[index]:<28}{gains[index] / gains.sum():>7.1%}")
    if args.save_folds:
        for path in args.save_folds.glob("fold-*.npz"):  # the folds' models keep the chosen threshold too
            with np.load(path) as data:
                arrays = dict(data)
            for key in [k for k in arrays if k.endswith("threshold_probability")]:
                arrays[key] = np.array(threshold)
            np.savez_compressed(path, **arrays)
    if not args.no_write:
        check = pages[:50]
        export(final, scorer.MODEL_PATH, threshold, np.vstack([p.features for p in check]), names,
               (final_second, second, np.vstack([final_rows[p.name] for p in check])))
        print(f"\nwrote {scorer.MODEL_PATH.relative_to(ROOT)} ({os.path.getsize(scorer.MODEL_PATH) // 1024} KB)")


if __name__ == "__main__":
    main()
