"""Which blocks of copied text are its article: two small sets of trees learned from pages with gold text.

Copied text has no markup, so the first trees see each block's text (length, sentences, the shapes the
rules know: bylines, date lines, credits, appeals), the rules' verdict and reason on it and on the blocks
around it, its distance from what the rules kept, repeats and position. The article of a copied page is
a sequence, usually one run of paragraphs, so the second trees see the same numbers plus the first trees'
scores of the neighbours: the scores around the block, where the best-scoring run of blocks lies, how
much of the page's article-like text comes before and after it. The second trees decide; the rules are
evidence, not a verdict. Both are trained by `benchmarks/train_reader.py --text`, shipped as
`narrate/data/text_reader_model.npz` and `text_reader_model-context.npz`, and walked with plain numpy.

Whatever the trees say: the user's `clean.keep` and `clean.drop` patterns win, a sentence already read is
never read again, the title is read once, as the title, and when the trees keep no sentence, what the
rules kept (else every paragraph of prose) is read: copied text that holds prose never reads nothing.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from narrate.article.clean import CleanOptions, tidy_author
from narrate.article.patterns import is_prose, squash, word_count
from narrate.article.scorer import (
    MODEL_PATH,
    RULE_REASONS,
    PageBlock,
    Trees,
    _shape_features,
    _text_features,
    assemble,
    explain,
    load_model,
    probabilities,
    reasons_against as scorer_reasons,
    sentence_keys,
)
from narrate.models import Block, Draft, Dropped

TEXT_MODEL_PATH = MODEL_PATH.with_name("text_reader_model.npz")  # and its second trees, "...-context.npz"
# The run of blocks whose first-stage scores, weighted by their sentences, sum highest above this.
RUN_SCORE = 0.5
NO_SENTENCE_WEIGHT = 0.2  # a block without a full sentence (a heading, a label) weighs this many sentences
# A block the rules dropped for what it is (a caption, a credit, an appeal, a banner the page repeats), not
# for where it stands, is read only when the trees are this sure: inside the article's run it looks like prose.
WHAT_IT_IS = re.compile(r"caption|credit|call to action|banner repeated")
SURE = 0.7
# How the context's features read in `narrate script`, when they weigh against a block.
_SAYS = {
    "score": "its own text and verdicts say not article", "score_prev": "the block before it is not article",
    "score_next": "the block after it is not article", "score_window_2": "the blocks around it are not article",
    "score_window_5": "the blocks around it are not article", "score_window_12": "this part of the page is not article",
    "article_before": "most of the article comes after it", "article_after": "most of the article comes before it",
    "in_best_run": "outside the article's run of paragraphs", "best_run_distance": "far from the article's run",
    "best_before": "nothing like article before it", "best_after": "nothing like article after it",
    "page_best": "nothing on the page reads clearly as article", "page_share": "how much of the page reads as article",
    "rule_kept": "narrate's rules drop it", "kept_distance": "far from what the rules keep",
    "before_first_kept": "before what the rules keep", "after_last_kept": "after what the rules keep",
    "rule_kept_prev": "the rules drop the block before it", "rule_kept_next": "the rules drop the block after it",
    "rule_kept_window_3": "the rules drop the blocks around it",
    "rule_kept_window_8": "the rules drop this part of the page",
    "prose_prev": "no prose before it", "prose_next": "no prose after it", "prose_window_3": "little prose around it",
    "prose_window_8": "little prose in this part of the page", "words_prev_log": "a short block before it",
    "words_next_log": "a short block after it",
}


def text_feature_names() -> list[str]:
    """The first trees' inputs: the block's text, the rules' verdicts on it and its neighbours."""
    names = ["log_chars", "log_words", "sentences", "mean_sentence_words", "ends_sentence", "is_prose", "title_case",
             "digit_share", "commas_per_word", "starts_quoted",
             "byline", "dateline", "furniture_line", "legal", "teaser_line", "appeal", "credit",
             "kind_heading", "kind_row", "position", "char_position", "page_log_chars", "page_blocks_log",
             "repeat_before", "repeat_contained", "is_title"]
    names += [f"rule_{name}" for name in RULE_REASONS] + ["rule_kept"]
    names += ["rule_kept_prev", "rule_kept_next", "rule_kept_window_3", "rule_kept_window_8", "prose_prev",
              "prose_next", "prose_window_3", "prose_window_8", "words_prev_log", "words_next_log",
              "kept_distance", "before_first_kept", "after_last_kept"]
    return names


def context_feature_names() -> list[str]:
    """The second trees' inputs: the first trees' inputs, and the first trees' scores around the block."""
    return text_feature_names() + [
        "score", "score_prev", "score_next", "score_window_2", "score_window_5", "score_window_12", "article_before",
        "article_after", "in_best_run", "best_run_distance", "best_before", "best_after", "page_best", "page_share"]


def text_features(blocks: list[Block], kept: list[bool], reasons: dict[int, str], title: str | None) -> np.ndarray:
    """One row of numbers per block of copied text, in `text_feature_names()` order."""
    if not blocks:
        return np.zeros((0, len(text_feature_names())))
    keys = [squash(b.text) for b in blocks]
    lengths = [len(b.text) for b in blocks]
    total_chars = max(1, sum(lengths))
    starts = np.cumsum([0, *lengths[:-1]])
    stream, separated = "".join(keys), "\x00".join(keys)
    offsets = np.cumsum([0, *[len(k) for k in keys[:-1]]])
    title_key = squash(title or "")
    alive = np.array(kept, dtype=float)
    prose = np.array([float(is_prose(b.text)) for b in blocks])
    words = np.array([math.log1p(word_count(b.text)) for b in blocks])
    live = [i for i, k in enumerate(kept) if k]
    n = len(blocks)
    window = lambda values, index, reach: float(values[max(0, index - reach):index + reach + 1].mean())  # noqa: E731
    rows = []
    for index, block in enumerate(blocks):
        key = keys[index]
        row = _text_features(block.text) + _shape_features(block.text)
        row += [float(block.kind == "heading"), float(block.kind == "row"), index / n, starts[index] / total_chars,
                math.log1p(total_chars), math.log1p(n)]
        row += [float(len(key) >= 20 and stream.find(key, 0, offsets[index]) >= 0),
                float(len(key) >= 20 and separated.count(key) >= 2), float(bool(title_key) and key == title_key)]
        reason = reasons.get(index, "")
        row += [float(bool(reason) and bool(re.search(pattern, reason))) for pattern in RULE_REASONS.values()]
        row += [alive[index], alive[index - 1] if index else 0.0, alive[index + 1] if index + 1 < n else 0.0,
                window(alive, index, 3), window(alive, index, 8), prose[index - 1] if index else 0.0,
                prose[index + 1] if index + 1 < n else 0.0, window(prose, index, 3), window(prose, index, 8),
                words[index - 1] if index else 0.0, words[index + 1] if index + 1 < n else 0.0]
        if live:
            row += [math.log1p(min(abs(i - index) for i in live)), float(index < live[0]), float(index > live[-1])]
        else:
            row += [math.log1p(n), 0.0, 0.0]
        rows.append(row)
    return np.array(rows, dtype=np.float64)


def sentence_weights(blocks: list) -> np.ndarray:
    """Each block's weight in a run: its sentences, a share of the page's longest block's."""
    counts = np.array([len(sentence_keys(b.text)) or NO_SENTENCE_WEIGHT for b in blocks], dtype=np.float64)
    return counts / counts.max() if len(counts) else counts


def best_run(scores: np.ndarray, weights: np.ndarray, level: float = RUN_SCORE) -> tuple[int, int] | None:
    """The contiguous blocks whose (score - level) x weight sums highest (Kadane's maximum subarray), or None
    when no block scores above the level."""
    best, total, start, run = 0.0, 0.0, 0, None
    for index, value in enumerate((scores - level) * weights):
        if total <= 0:
            total, start = 0.0, index
        total += value
        if total > best:
            best, run = total, (start, index)
    return run


def context_features(features: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The first trees' inputs and, for each block, the first trees' scores around it, in
    `context_feature_names()` order."""
    n = len(scores)
    if n == 0:
        return np.zeros((0, len(context_feature_names())))
    mass = scores * weights
    cumulative = np.cumsum(mass)
    total = max(float(cumulative[-1]), 1e-9)
    summed = np.concatenate([[0.0], np.cumsum(scores)])
    index = np.arange(n)

    def window(reach: int) -> np.ndarray:
        low, high = np.clip(index - reach, 0, n), np.clip(index + reach + 1, 0, n)
        return (summed[high] - summed[low]) / (high - low)

    run = best_run(scores, weights)
    inside = (index >= run[0]) & (index <= run[1]) if run else np.zeros(n, dtype=bool)
    distance = np.minimum(np.abs(index - run[0]), np.abs(index - run[1])) if run else np.full(n, n)
    best_so_far, best_from_here = np.maximum.accumulate(scores), np.maximum.accumulate(scores[::-1])[::-1]
    context = np.column_stack([
        scores, np.concatenate([[0.0], scores[:-1]]), np.concatenate([scores[1:], [0.0]]), window(2), window(5),
        window(12), (cumulative - mass) / total, 1.0 - cumulative / total, inside.astype(float),
        np.log1p(np.where(inside, 0, distance)), np.concatenate([[0.0], best_so_far[:-1]]),
        np.concatenate([best_from_here[1:], [0.0]]), np.full(n, scores.max()),
        np.full(n, float((scores >= 0.5).mean()))])
    return np.hstack([features, context])


def context_path(model_path: str | Path) -> Path:
    """Where the second trees of a model file are: beside it, "-context" added to its name."""
    path = Path(model_path)
    return path.with_name(f"{path.stem}-context{path.suffix}")


def score_text(blocks: list, features: np.ndarray,
               model_path: str | None = None) -> tuple[np.ndarray, np.ndarray, Trees]:
    """Each block's chance of being article (the second trees'), each feature's share of it, and those trees."""
    path = model_path or str(TEXT_MODEL_PATH)
    first, _ = probabilities(load_model(path, tuple(text_feature_names())), features)
    context_model = load_model(str(context_path(path)), tuple(context_feature_names()))
    probability, contributions = probabilities(
        context_model, context_features(features, first, sentence_weights(blocks)))
    return probability, contributions, context_model


def text_fallback(blocks: list[PageBlock], kept: list[bool]) -> list[int]:
    """When the trees keep no sentence: what the rules kept, else every paragraph of prose."""
    return [i for i, k in enumerate(kept) if k] or [i for i, b in enumerate(blocks) if is_prose(b.text)]


def reasons_against(model: Trees, contributions: np.ndarray, probability: float, strongest: int = 3) -> str:
    """The trees' verdict on a block left out, in words: its score and what weighed most against it."""
    return scorer_reasons(model, contributions, probability, strongest, scorer="copied-text scorer",
                          words=lambda name: _SAYS.get(name) or explain(name))


def read_text_with_model(draft: Draft, verdicts, options: CleanOptions,
                         model_path: str | None = None) -> tuple[Draft, tuple[Dropped, ...]]:
    """Copied text: the blocks the scorer finds to be article, each sentence once, the rules' title as the title.

    A block left out is reported with the rule's reason when the rules dropped it too, else with the
    scorer's strongest reasons.
    """
    ledger = verdicts.ledger
    blocks = [PageBlock(b.text, b.kind, b.level) for b in ledger.blocks]
    features = text_features(ledger.blocks, ledger.alive, ledger.reasons, verdicts.title)
    probability, contributions, model = score_text(blocks, features, model_path)
    for index, reason in ledger.reasons.items():
        if reason.startswith("title") or (WHAT_IT_IS.search(reason) and probability[index] < SURE):
            probability[index] = 0.0  # the title is read first, as the title
    chosen, left_out, repeated = assemble(blocks, probability, model.threshold_probability, verdicts.title,
                                          options, text_fallback(blocks, ledger.alive))
    dropped = [Dropped(blocks[i].text, reason or ledger.reasons.get(i)
                       or reasons_against(model, contributions[i], probability[i]))
               for i, reason in sorted(left_out.items())]
    said_by_rules = {squash(ledger.blocks[i].text): reason for i, reason in ledger.reasons.items()}
    repeated = [Dropped(d.text, said_by_rules.get(squash(d.text), d.reason)) for d in repeated]  # "pull quote ..."
    return replace(draft, blocks=tuple(chosen), title=verdicts.title, author=tidy_author(verdicts.author)), \
        (*verdicts.dropped_lines, *dropped, *repeated)
