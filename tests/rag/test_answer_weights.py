"""The answer selector's weights: hand weights reproduce the rules' scores, learned ones load from a reviewed file."""

from __future__ import annotations

import json

import pytest

from rag.answer import AnswerConfig, ExtractiveAnswerer
from rag.answer_weights import DEFAULT_WEIGHTS_FILE, FEATURES, HAND_WEIGHTS, SentenceWeights, load_weights, weights_for
from rag.errors import InvalidInputError
from rag.records import Hit, Passage, ScoredSentence


def _hit(*sentences: tuple[str, float], score: float = 1.0) -> Hit:
    text, scored = "", []
    for sentence, similarity in sentences:
        start = len(text) + (1 if text else 0)
        text = f"{text} {sentence}" if text else sentence
        scored.append(ScoredSentence(start, len(text), sentence, similarity))
    return Hit(Passage("d", 0, len(text), text, 0), score, sentences=scored, dense_score=0.4, keyword_score=2.0)


def test_every_hand_weight_names_a_feature():
    assert set(HAND_WEIGHTS) <= set(FEATURES)


def test_candidates_carry_the_rules_signals_and_the_hand_score_is_their_weighted_sum():
    hit = _hit(("Meeting schedule", 0.7), ("The ministers met for about 50 minutes in Tokyo.", 0.6),
               ("The weather was fine in the city that day.", 0.2))
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0)).score_sentences("How long did the ministers meet?", [hit])
    by_text = {c.sentence.text: c for c in scored}
    answer = by_text["The ministers met for about 50 minutes in Tokyo."]
    heading = by_text["Meeting schedule"]
    other = by_text["The weather was fine in the city that day."]
    assert answer.features["kind_phrase"] == 1.0 and "kind_missing" not in answer.features
    assert other.features["kind_missing"] == 1.0
    assert heading.features["heading"] == 1.0 and heading.features["first_in_passage"] == 1.0
    assert answer.features["keyword"] == pytest.approx(1.0) and answer.features["dense"] == pytest.approx(0.4)
    for c in scored:
        expected = sum(HAND_WEIGHTS.get(name, 0.0) * value for name, value in c.features.items())
        assert c.score == pytest.approx(expected)
    # The rules' own arithmetic, written out for the sentence that answers: similarity, overlap, passage, phrase.
    overlap = answer.features["overlap"]
    assert answer.score == pytest.approx(0.6 * 0.6 + 0.25 * overlap + 0.15 * 1.0 + 0.05)
    assert scored[0] is answer


def test_other_weights_change_the_order(tmp_path):
    hit = _hit(("Meeting schedule", 0.7), ("The ministers met for about 50 minutes in Tokyo.", 0.6))
    loves_headings = SentenceWeights({"heading": 5.0}, name="learned")
    scored = ExtractiveAnswerer(AnswerConfig(threshold=0.0, weights=loves_headings)).score_sentences(
        "How long did the ministers meet?", [hit])
    assert scored[0].sentence.text == "Meeting schedule" and scored[0].score == pytest.approx(5.0)


def test_learned_weights_load_with_their_bias_and_threshold(tmp_path):
    path = tmp_path / "w.json"
    path.write_text(json.dumps({"weights": {"similarity": 0.5, "echo": -0.2}, "bias": 0.1, "abstain_threshold": 0.4}))
    weights = load_weights(path)
    assert weights.threshold == 0.4 and weights.bias == 0.1
    assert weights.score({"similarity": 1.0, "echo": 1.0, "dense": 3.0}) == pytest.approx(0.1 + 0.5 - 0.2)


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "cannot read"),
    ('{"bias": 1}', '"weights" object'),
    ('{"weights": {"similarty": 0.5}}', "unknown features similarty"),
    ('{"weights": {"similarity": "high"}}', "similarity is not a finite number"),
    ('{"weights": {"similarity": 1}, "bias": NaN}', "bias is not a finite number"),
])
def test_a_bad_weights_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "w.json"
    path.write_text(content)
    with pytest.raises(InvalidInputError, match=message):
        load_weights(path)


def test_a_missing_weights_file_and_an_unknown_scorer_are_clear_errors(tmp_path):
    with pytest.raises(InvalidInputError, match="cannot read answer weights"):
        load_weights(tmp_path / "absent.json")
    with pytest.raises(InvalidInputError, match="hand, learned"):
        weights_for("magic")


def test_the_shipped_learned_weights_load():
    weights = weights_for("learned", DEFAULT_WEIGHTS_FILE)
    assert weights.name == "learned" and weights.threshold is not None
    assert set(weights.weights) <= set(FEATURES) and weights.weights


def test_the_service_uses_the_learned_weights_and_their_threshold_unless_one_is_set(embedder, tmp_path):
    from rag.config import DEFAULT_ABSTAIN_THRESHOLD, Settings
    from rag.service import RagService

    learned = RagService(Settings(index_dir=tmp_path, answer_scorer="learned"), embedder=embedder).answerer.config
    assert learned.weights.name == "learned" and learned.threshold == load_weights().threshold
    hand = RagService(Settings(index_dir=tmp_path), embedder=embedder).answerer.config
    assert hand.weights.name == "hand" and hand.threshold == DEFAULT_ABSTAIN_THRESHOLD
    chosen = RagService(Settings(index_dir=tmp_path, answer_scorer="learned", abstain_threshold=0.5),
                        embedder=embedder).answerer.config
    assert chosen.threshold == 0.5
