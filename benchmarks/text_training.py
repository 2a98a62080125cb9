"""Train the copied-text scorer (`narrate.article.text_scorer`): two stages of trees, held out by site.

The first trees score each block from its own numbers; the second see those numbers and the first trees'
scores around the block. So that the second trees learn from scores like those they will meet (on text
the first trees never saw), every page they train on is scored by first trees trained without its site:
within each of the K folds, the training pages are scored in K-1 inner folds, again split by site. Each
page is then read by the fold pair that left its site out, through the same steps as at run time, and the
keep threshold is chosen on those held-out readings. Used by `train_reader.py --text`.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

from eval_cleaning import fold_of

THRESHOLDS = (0.3, 0.4, 0.5, 0.6)


def context_of(page, scores: np.ndarray) -> np.ndarray:
    from narrate.article.text_scorer import context_features, sentence_weights

    return context_features(page.features, scores, sentence_weights(page.blocks))


def inner_fold(site: str, folds: int) -> int:
    """A second split by site, independent of `fold_of`, for the pages of one fold's training set."""
    return hashlib.sha256(f"inner:{site}".encode()).digest()[0] % folds


def scored_apart(pages: list, fold: dict[str, int], train) -> dict[str, np.ndarray]:
    """First-stage scores of every page by trees trained without its fold's sites."""
    scores = {}
    for held in sorted(set(fold.values())):
        booster = train([p for p in pages if fold[p.name] != held])
        for page in (p for p in pages if fold[p.name] == held):
            scores[page.name] = booster.predict(page.features) if len(page.blocks) else np.zeros(0)
    return scores


def two_stages(pages: list, folds: int, train, first_scores: dict[str, np.ndarray] | None = None):
    """(first trees, second trees) trained on `pages`, the second on first-stage scores of pages held apart."""
    first = train(pages)
    apart = first_scores or scored_apart(pages, {p.name: inner_fold(p.site, folds) for p in pages}, train)
    contexts = {p.name: context_of(p, apart[p.name]) for p in pages}
    second = train(pages, rows=contexts)
    return first, second


def second_scores(first, second, page) -> np.ndarray:
    if not len(page.blocks):
        return np.zeros(0)
    return second.predict(context_of(page, first.predict(page.features)))


def run(pages: list, args, train, choose_threshold, report, print_table, export, names: list[str]) -> None:
    """Cross-validate, print the held-out figures, and write the two stages' weights (unless --no-write)."""
    from narrate.article.text_scorer import TEXT_MODEL_PATH, context_feature_names, context_path

    started = time.time()
    held_out: dict[str, np.ndarray] = {}
    fold_models = []
    for fold in range(args.folds):
        training = [p for p in pages if fold_of(p.site, args.folds) != fold]
        first, second = two_stages(training, args.folds - 1, train)
        for page in (p for p in pages if fold_of(p.site, args.folds) == fold):
            held_out[page.name] = second_scores(first, second, page)
        fold_models.append((first, second))
        print(f"  fold {fold}: {time.time() - started:.0f} s", flush=True)

    threshold = args.threshold
    if threshold is None:
        threshold = choose_threshold(pages, held_out, sys.stdout, THRESHOLDS)
    rows = report(pages, held_out, threshold)
    print(f"Held-out figures (each page scored by trees trained without its site), threshold {threshold}:")
    print_table(rows)
    readable = [r for r in rows if r["all text"]["recall"] > 0]
    print(f"\nPages whose copied text holds a gold sentence ({len(readable)} of {len(rows)}):")
    print_table(readable)
    if args.json:
        args.json.write_text(json.dumps(rows, default=str), encoding="utf-8")

    first, second = two_stages(pages, args.folds, train)
    context_names = context_feature_names()
    for label, booster, feature_names in (("first", first, names), ("second", second, context_names)):
        gains = booster.feature_importance(importance_type="gain")
        print(f"\nStrongest features of the {label} trees (share of the gain):")
        for index in np.argsort(-gains)[:12]:
            print(f"  {feature_names[index]:<28}{gains[index] / gains.sum():>7.1%}")
    check = pages[:50]
    targets = []
    if args.save_folds:
        args.save_folds.mkdir(parents=True, exist_ok=True)
        targets += [(args.save_folds / f"text-fold-{fold}-of-{args.folds}.npz", *models)
                    for fold, models in enumerate(fold_models)]
    if not args.no_write:
        targets.append((TEXT_MODEL_PATH, first, second))
    for path, first_trees, second_trees in targets:
        export(first_trees, Path(path), threshold, np.vstack([p.features for p in check]), names)
        contexts = np.vstack([context_of(p, first_trees.predict(p.features)) for p in check if len(p.blocks)])
        export(second_trees, context_path(path), threshold, contexts, context_names)
    if not args.no_write:
        print(f"\nwrote {TEXT_MODEL_PATH.name} and {context_path(TEXT_MODEL_PATH).name}")

