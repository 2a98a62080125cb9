"""The copied-text scorer: the article's run of paragraphs read whole, nothing else, reasons for the rest."""

import json
import re

import numpy as np
import pytest

from narrate.article.clean import CleanOptions, judge
from narrate.article.read import parse_text
from narrate.article.scorer import PageBlock, assemble, load_model, repeated_sentences
from narrate.article.text_scorer import (
    TEXT_MODEL_PATH,
    best_run,
    context_feature_names,
    context_path,
    reasons_against,
    score_text,
    text_fallback,
    text_feature_names,
    text_features,
)

from conftest import FIXTURES, run_cli

PAGE = FIXTURES / "copied_page.txt"
TITLE = "Valley towns plan a shared bus network after years of cuts"
BODY = [p for p in PAGE.read_text(encoding="utf-8").split("\n\n") if len(p.split()) > 25]


def script_of(path, *options):
    result = run_cli("script", path, "--format", "json", *options)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def paragraphs(script) -> list[str]:
    return [p for section in script["sections"] for p in section["paragraphs"]]


def test_a_copied_page_reads_its_title_and_every_paragraph_once_and_no_menu_link_or_footer():
    script = script_of(PAGE)
    assert script["title"] == TITLE
    assert paragraphs(script) == BODY
    assert repeated_sentences(paragraphs(script)) == []


def test_every_block_of_a_copied_page_left_out_says_why():
    script = script_of(PAGE)
    reasons = {d["text"]: d["reason"] for d in script["dropped"]}
    for left_out in ("Related stories", "Market square reopens after six months of repairs", "Privacy policy"):
        assert reasons.get(left_out), left_out
    assert all(reason for reason in reasons.values())


def test_the_users_keep_and_drop_patterns_win_over_the_copied_text_scorer(tmp_path):
    config = tmp_path / "narrate.yaml"
    config.write_text("clean:\n  keep: ['Market square reopens']\n  drop: ['parking charges']\n", encoding="utf-8")
    script = script_of(PAGE, "--config", config)
    text = "\n".join(paragraphs(script))
    assert "Market square reopens after six months of repairs" in text
    assert "parking charges" not in text
    assert any(d["reason"] == "matches clean.drop pattern 'parking charges'" for d in script["dropped"])


def test_copied_text_with_prose_never_reads_nothing_when_the_scorer_keeps_nothing():
    verdicts = judge(parse_text(PAGE.read_text(encoding="utf-8")))
    blocks = [PageBlock(b.text, b.kind, b.level) for b in verdicts.ledger.blocks]
    kept, _, _ = assemble(blocks, np.zeros(len(blocks)), 0.5, verdicts.title, CleanOptions(),
                          text_fallback(blocks, [False] * len(blocks)))
    texts = [b.text for b in kept]  # with no verdict to fall back on, every paragraph of prose
    assert all(paragraph in texts for paragraph in BODY) and "Privacy policy" not in texts


@pytest.mark.parametrize(("scores", "expected"), [
    ([0.1, 0.9, 0.8, 0.2, 0.9, 0.1], (1, 4)),  # a weak block inside the run does not split it
    ([0.9, 0.1, 0.1, 0.1, 0.8, 0.9], (4, 5)),  # a lone block far from the run is not part of it
    ([0.1, 0.2, 0.3], None),
])
def test_the_best_run_is_the_contiguous_stretch_that_scores_highest(scores, expected):
    assert best_run(np.array(scores), np.ones(len(scores))) == expected


def test_the_shipped_text_models_are_small_match_the_features_and_score_the_same_every_time():
    assert TEXT_MODEL_PATH.stat().st_size + context_path(TEXT_MODEL_PATH).stat().st_size < 600 * 1024
    assert list(load_model(str(TEXT_MODEL_PATH), tuple(text_feature_names())).names) == text_feature_names()
    context = load_model(str(context_path(TEXT_MODEL_PATH)), tuple(context_feature_names()))
    assert 0.0 < context.threshold_probability < 1.0
    verdicts = judge(parse_text(PAGE.read_text(encoding="utf-8")))
    ledger = verdicts.ledger
    features = text_features(ledger.blocks, ledger.alive, ledger.reasons, verdicts.title)
    first, _, _ = score_text(ledger.blocks, features)
    second, contributions, model = score_text(ledger.blocks, features.copy())
    assert np.array_equal(first, second)
    score = np.log(second / (1 - second))  # the reasons given are the trees' own arithmetic
    assert np.allclose(contributions.sum(axis=1) + model.base + model.value[model.roots].sum(), score, atol=1e-6)


def test_a_block_the_scorer_leaves_out_is_given_its_score_and_the_strongest_reasons_in_words():
    verdicts = judge(parse_text(PAGE.read_text(encoding="utf-8")))
    ledger = verdicts.ledger
    features = text_features(ledger.blocks, ledger.alive, ledger.reasons, verdicts.title)
    probability, contributions, model = score_text(ledger.blocks, features)
    weakest = int(np.argmin(probability))
    said = reasons_against(model, contributions[weakest], probability[weakest])
    assert re.fullmatch(r"not article by the copied-text scorer \(0\.\d\d\): [a-z].*", said)
    assert "_" not in said  # words, not feature names
