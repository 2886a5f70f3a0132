"""The question-type classifier on questions of the project's sets and on ones written for the edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.question_types import QUESTION_TYPES, question_type

ROOT = Path(__file__).resolve().parents[2]

CASES = [
    # who
    ("Who represented Russia at the meeting?", "who"),
    ("Whose trip to Japan did the ministers evaluate first?", "who"),
    ("To whom should the outcome of the ministers' efforts be fully conveyed, in Kono's view?", "who"),
    ("With whose help did Kono say Japan would pursue UN reform?", "who"),
    # when: "when", and what/which + a time noun, before "what is" and "which"
    ("Around when was the border demarcation subcommittee supposed to be held?", "when"),
    ("What time did the talks begin in Eastern Standard Time?", "when"),
    ("What was the clock time in Japan when the meeting started?", "when"),
    ("On what day did the meeting happen?", "when"),
    ("In which year was version 2 of the Debian Reference released?", "when"),
    ("On which dates did Putin visit Japan?", "when"),
    ("What's the release date of trixie?", "when"),
    # how long before how many and how to
    ("How long did the two ministers talk?", "how long"),
    ("How much time does a full fsck take?", "how long"),
    ("For how long is a sudo password cached?", "how long"),
    # how many / how much
    ("How many text virtual consoles are available on a default Debian install?", "how many"),
    ("Roughly how many countries called for Security Council reform?", "how many"),
    ("How much memory does the daemon use?", "how many"),
    # which, and what + a noun that names what to pick
    ("Which Japanese foreign minister took part in these talks?", "which"),
    ("In which city did Ivanov want the border subcommittee to meet?", "which"),
    ("Which command shows all the files that an installed package put on my system?", "which"),
    ("Which file, if present, stops the OpenSSH server from running?", "which"),
    ("On Debian, membership in which group lets a user perform administrative actions through PolicyKit?", "which"),
    ("What command should I run to move a stable system to the next Debian release?", "which"),
    ("Modules aren't loading because modules.dep seems broken. What command rebuilds it?", "which"),
    ("What encoding does mount assume for a vfat filesystem when no option is given?", "which"),
    ("Which function returns the square root of x?", "which"),
    # what does: what does X do / mean, what is X for, what is X (short)
    ("What does functools.lru_cache do?", "what does"),
    ('What does the "V:" figure shown next to package names stand for?', "what does"),
    ("What is the --dry-run option for?", "what does"),
    ("What is an inode?", "what does"),
    ("What are hard links?", "what does"),
    ("What is the Krasnoyarsk Agreement?", "what does"),
    # why
    ("Why did Kono consider Putin's trip successful?", "why"),
    ("Why is there a 127.0.1.1 line in my /etc/hosts?", "why"),
    # how to
    ("How do I find which installed package a particular file came from?", "how to"),
    ("How can I limit use of su to members of the root group?", "how to"),
    ("How should I call zip to get the best compatibility across platforms?", "how to"),
    ("How am I supposed to report an error I spot in the Debian Reference?", "how to"),
    ("How do you make a good miso soup?", "how to"),
    ("how to parse command line arguments with subcommands", "how to"),
    ("When I boot, the screen stays black. How do I fix it?", "how to"),  # the preamble does not decide
    # other
    ("What did Kono and Ivanov agree about fishing rights?", "other"),
    ("What did Ivanov ask Kono to do, not for the first time?", "other"),
    ("How did the Russian side feel about Putin's visit to Japan?", "other"),
    ("What is the default MySQL root password after installation?", "other"),
    ("Where does APT keep the .deb files it has downloaded?", "other"),
    ("Was the Russian military attache expelled from Japan?", "other"),
    ("In a shell script, should I call apt or apt-get?", "other"),
    ("Give an example of a systemd predictable network interface name.", "other"),
    ("My terminal is showing garbage after I printed a binary file. What do I type to recover it?", "other"),
    ("", "other"),
]


@pytest.mark.parametrize(("question", "expected"), CASES)
def test_question_type(question: str, expected: str):
    assert question_type(question) == expected


def test_every_type_is_exercised_and_every_answer_is_a_known_type():
    assert {expected for _, expected in CASES} == set(QUESTION_TYPES)
    for path in (ROOT / "evals" / "questions").glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert question_type(json.loads(line)["question"]) in QUESTION_TYPES


def test_case_and_curly_apostrophes_do_not_matter():
    assert question_type("WHO CREATED TEX?") == "who"
    assert question_type("What\u2019s the release date of trixie?") == "when"
