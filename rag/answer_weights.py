"""The weights that turn a candidate sentence's features into its score: set by hand, or learned from labelled sets.

The answerer (rag/answer.py) computes, for every sentence of the passages read, a few named signals: its similarity
to the question, its word overlap, its passage's score, and the hand rules' cues (a phrase of the asked kind, a
heading, a code example, ...). A sentence's score is the weighted sum of its signals plus a bias. The hand weights
are the ones the rules were built with; learned ones come from `python -m evals.train_answer_scorer`, which writes
`rag/answer_weights.json` (feature names and weights, human-readable, reviewed like code). Learned weights are
mapped onto the hand weights' scale, so the margins that join quotes keep their meaning; the abstention threshold
that fits them is stored with them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InvalidInputError

# Every signal the answerer computes per candidate sentence, in a fixed order (the training script's columns).
FEATURES: tuple[str, ...] = (
    "similarity",          # the sentence vector's cosine similarity to the question
    "overlap",             # share of the question's words the sentence (or its term, context) holds
    "passage",             # its passage's score over the best passage's
    "default_stated",      # asked for a default, the sentence states one (or the signature gives the parameter one)
    "default_missing",     # asked for a default, it states none
    "kind_phrase",         # asked for a duration/time/date/number/name, the sentence holds one
    "kind_missing",        # ... and it holds none
    "place",               # asked where, it holds a path or an address
    "reason",              # asked why, it gives a reason
    "term_phrase",         # asked which, it names a thing
    "command_lead",        # asked how, it is a lead-in to a command line
    "heading",             # it looks like a heading, a lead-in, an FAQ question or a table header
    "fills_field",         # asked what X returns/raises, it fills that field
    "echo",                # it holds fewer than two words beyond the question's
    "asked_entry",         # it belongs to the entry that defines the very name (or code) asked about
    "summary",             # asked what an API entry does, it is the entry's summary (its description's first sentence)
    "names_parameter",     # it is the line of the parameter the question names
    "other_field",         # asked for a field, it is a parameter's line of that entry instead
    "signature_for_parameter",  # a signature, when one of its parameters is asked about
    "asked_thing",         # asked "which converter", it belongs to a converter's entry
    "code_example",        # a line of example code, asked what something does
    # Signals the hand rules never weighed (hand weight 0): for a learned scorer to use if they help.
    "dense",               # the passage vector's similarity to the question
    "keyword",             # the passage's BM25 score over the best one's
    "first_in_passage",    # the passage's first sentence
    "long",                # log of the sentence's length in characters, over log(200)
    # Signals of where the sentence sits (rag/answer_signals.py), chosen on the calibrate halves (evals/README.md).
    "heading_overlap",     # share of the question's words in the heading of the sentence's own section
    "continues_match",     # it leans on the sentence before (a pronoun, "the X", cut mid-line): that one's similarity
    # A question in the documents (an FAQ's): its similarity and overlap are zeroed, its answer inherits its match.
    "asks",                # it is a question (ends in "?", or an FAQ entry's line ending in "!")
    "answers_question",    # it follows a question line in its answer's paragraph: that one's similarity above its own
    "other_entry",         # asked what an API entry does or returns, the sentence is deep in another entry
    "front_matter",        # asked who made the document or when, a line under its title that says it (a date, a name)
    "speaker_asked",       # asked what a named person said, the sentence has that person speaking
    "speaker_other",       # ... and it has someone else speaking ("He noted ..." after Kono's words)
    "default_of_previous", # asked for a default, it gives one of the thing the sentence before describes ("The
                           # default is 1000."): that one's similarity above its own
    "value_missing",       # asked for a date/time/duration/number, the sentence holds none (on top of kind_missing)
    "said_before",         # a chat follow-up, the sentence is quoted in the answer it follows
    "explains",            # asked why, the sentence's point is the reason ("The purpose of X is ...", "This ensures")
    "describes_asked",     # asked what X does or is, the sentence opens with X and says what it does or is
    "holds_asked_code",    # the question gives a number of three or more digits (a status code, an error code, a
                           # port) or a dotted one (a release, "1.1"), and the sentence holds it
    "names_entry",         # asked what an entry does by its full dotted name ("click.echo"), that entry's summary
    "introduces_person",   # asked who a named person is or what their name is, it holds their fullest name
    "names_row",           # a table row whose first cell is a name the question gives ("mtab" of "/etc/mtab")
    "covers_question",     # it (with its term) holds every one of the question's three or more words
    "version_note",        # asked what X does, the sentence is a version note ("New in version 18.2.0: kw_only")
    "defines_asked",       # asked what a thing is ("What is a sponsor?"), it opens with the thing and says what it is
)

HAND_WEIGHTS: Mapping[str, float] = {
    "similarity": 0.6, "overlap": 0.25, "passage": 0.15,
    "default_stated": 0.05, "default_missing": -0.1, "kind_phrase": 0.05, "kind_missing": -0.1,
    "place": 0.05, "reason": 0.05, "term_phrase": 0.05, "command_lead": 0.05, "heading": -0.1,
    "fills_field": 0.05, "echo": -0.15, "asked_entry": 0.05, "summary": 0.15, "names_parameter": 0.05, "other_field": -0.1,
    "signature_for_parameter": -0.1, "asked_thing": 0.05, "code_example": -0.1,
    "heading_overlap": 0.05, "continues_match": 0.05,
    "answers_question": 0.6,  # as "similarity": the answer matches as well as the question it answers
    "other_entry": -0.1,
    "front_matter": 0.3,  # the question is about the document itself, which no sentence of its body resembles
    "speaker_asked": 0.05, "speaker_other": -0.1,  # as a phrase of the asked kind present / missing
    "default_of_previous": 0.6,  # as "similarity": the default matches as well as what it is the default of
    "value_missing": -0.1,
    "said_before": -0.2,  # as "echo" and more: repeating the last answer answers no follow-up
    "holds_asked_code": 0.2,
    "describes_asked": 0.1,
    "names_entry": 0.15,
    "explains": 0.15,
    "introduces_person": 0.2,  # as "holds_asked_code": the one sentence that gives what the question names
    "names_row": 0.1,
    "covers_question": 0.05,
    "version_note": -0.1,  # as "heading": it names the thing and says nothing of it
    "defines_asked": 0.1,  # on top of "describes_asked": a definition is the whole answer to what a thing is
}

SCORERS = ("hand", "learned")
DEFAULT_WEIGHTS_FILE = Path(__file__).with_name("answer_weights.json")


@dataclass(frozen=True)
class SentenceWeights:
    """A weight per feature (missing ones are 0) and a bias; `threshold` is the abstention threshold fitted to
    these weights' scores (None: the configured one)."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(HAND_WEIGHTS))
    bias: float = 0.0
    threshold: float | None = None
    name: str = "hand"

    def score(self, features: Mapping[str, float]) -> float:
        w = self.weights
        return self.bias + sum(w.get(name, 0.0) * value for name, value in features.items())


def hand_weights() -> SentenceWeights:
    return SentenceWeights()


def load_weights(path: Path = DEFAULT_WEIGHTS_FILE) -> SentenceWeights:
    """The learned weights of a JSON file {"weights": {feature: w}, "bias": b, "abstain_threshold": t, ...}.

    Raises InvalidInputError naming the file for an unreadable file, an unknown feature or a non-finite number:
    a typo in a reviewed weight must not silently weigh nothing."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"cannot read answer weights {path}: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("weights"), dict):
        raise InvalidInputError(f"answer weights {path}: expected an object with a \"weights\" object")
    unknown = sorted(set(data["weights"]) - set(FEATURES))
    if unknown:
        raise InvalidInputError(f"answer weights {path}: unknown features {', '.join(unknown)}")
    numbers = {**data["weights"], "bias": data.get("bias", 0.0)}
    if data.get("abstain_threshold") is not None:
        numbers["abstain_threshold"] = data["abstain_threshold"]
    for key, value in numbers.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise InvalidInputError(f"answer weights {path}: {key} is not a finite number: {value!r}")
    threshold = data.get("abstain_threshold")
    return SentenceWeights({k: float(v) for k, v in data["weights"].items()}, float(data.get("bias", 0.0)),
                           None if threshold is None else float(threshold), name="learned")


def weights_for(scorer: str, path: Path = DEFAULT_WEIGHTS_FILE) -> SentenceWeights:
    """The weights a setting names: "hand" or "learned" (from `path`)."""
    if scorer == "hand":
        return hand_weights()
    if scorer == "learned":
        return load_weights(path)
    raise InvalidInputError(f"answer scorer must be one of {', '.join(SCORERS)}, got {scorer!r}")
