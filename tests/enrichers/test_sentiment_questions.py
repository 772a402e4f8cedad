"""The plain-question rule (issue 18): a question without a negative cue is not negative."""

from __future__ import annotations

import numpy as np
import pytest

from socialhub.enrichers.sentiment import SentimentModel, datasets, load_fast, questions, valences
from socialhub.enrichers.sentiment.evaluate import question_split
from socialhub.shared_data import shared_data_dir

LEXICON = valences.load()

# Polite questions to a brand, written for this test (not training examples).
PLAIN = [
    "How do I change my billing address?",
    "Est-ce que la fibre est disponible à Nantes ?",
    "Do you ship to Canada? @user",
    "Quels sont vos horaires le dimanche ? http://t.co/x",
    "Vous ouvrez à quelle heure demain ?",
]
# Questions that carry a complaint: the rule must leave them to the model.
COMPLAINING = [
    "Why is my internet STILL down?",
    "Encore une panne ?",
    "Pourquoi ça ne marche pas ?",
    "Is this the worst service ever?",
    "Seriously?!",
    "Where is my refund? 😡",
]


def test_is_question() -> None:
    assert questions.is_question("Do you ship to Canada? @user http")
    assert questions.is_question("Vous êtes ouverts ? #help")
    assert not questions.is_question("Pourquoi ? Parce que c'est en panne.")
    assert not questions.is_question("")
    assert not questions.is_question("I love it!")


@pytest.mark.parametrize("text", COMPLAINING)
def test_negative_cues_are_found(text: str) -> None:
    assert questions.negative_cue(text, LEXICON)


@pytest.mark.parametrize("text", PLAIN)
def test_plain_questions_have_no_negative_cue(text: str) -> None:
    assert questions.is_question(text)
    assert not questions.negative_cue(text, LEXICON)


def test_apply_moves_negative_mass_to_neutral_only_on_masked_rows() -> None:
    p = np.array([[0.7, 0.2, 0.1], [0.7, 0.2, 0.1]], dtype=np.float32)
    out = questions.apply(p, np.array([True, False]))
    np.testing.assert_allclose(out[0], [0.0, 0.9, 0.1], atol=1e-6)
    np.testing.assert_allclose(out[1], p[1])
    np.testing.assert_allclose(p[0], [0.7, 0.2, 0.1])  # the input is untouched


@pytest.fixture(scope="module")
def fast() -> SentimentModel:
    return load_fast(question_rule=True)


def test_rule_is_off_on_the_default_fast_path() -> None:
    model = load_fast()
    assert model.lexicon is None
    assert load_fast(question_rule=True).lexicon is not None


def test_fast_path_never_calls_a_plain_question_negative(fast: SentimentModel) -> None:
    labels = [label for label, _ in fast.classify(PLAIN)]
    assert "negative" not in labels
    # the complaints still come out negative (the rule leaves them alone)
    complaints = ["Why is my internet STILL down?", "Pourquoi ça ne marche pas ?"]
    assert [label for label, _ in fast.classify(complaints)] == ["negative", "negative"]


def test_rule_is_limited_to_languages_whose_negative_words_it_knows(fast: SentimentModel) -> None:
    text = "Perché internet è così lento da tre giorni?"  # no fr/en negative cue
    rule_off = fast.predict_proba([text], langs=["it"])
    rule_on = fast.predict_proba([text], langs=["und"])
    assert rule_on[0, 0] == 0.0
    assert rule_off[0, 0] > 0.0


def test_question_set_from_the_shared_data() -> None:
    data = shared_data_dir()
    split = question_split(
        [
            datasets.semeval_en([datasets.SEMEVAL_VAL], data),
            datasets.xlmt("en", "val", data),
        ]
    )
    assert split.name == "questions_en"
    assert 100 <= len(split.texts) <= 140  # 113 + 16, minus repeats
    assert all(questions.is_question(t) for t in split.texts)
    assert set(split.labels) == {0, 1, 2}  # negative questions are in the set


def test_accurate_path_applies_the_rule() -> None:
    from socialhub.enrichers.sentiment import load_accurate

    model = load_accurate(threads=2)
    assert model.lexicon is not None
    assert "negative" not in [label for label, _ in model.classify(PLAIN)]
