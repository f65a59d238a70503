"""The room's poll and the arena's verdicts, kept in one SQLite file.

The lecture asks the room "which AI models or tools do you use most?"; the chat tab asks it as a
poll and lets visitors judge two models' answers blind. Both tallies live in a file that
survives a restart of the app: ``LAB_VOTES_DB`` if set, else ``/data/lab-votes.sqlite3`` where a
Hugging Face Space has persistent storage, else the user's cache folder. No server is needed
(Python's ``sqlite3``).

Nothing personal is kept: a voter is the SHA-256 of the browser session's random key (so each
session votes once), a verdict is two model ids and which answer won. Changing the poll and
wiping the tallies needs the token set as the Space's secret ``LAB_POLL_TOKEN``; without one the
lecturer's controls are off.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
from collections.abc import Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from shared.errors import LabError

DB_VARIABLE = "LAB_VOTES_DB"
TOKEN_VARIABLE = "LAB_POLL_TOKEN"
SPACE_STORAGE = Path("/data")  # a Space's persistent storage, where it has some

# The slide's question and a start for its answers; the lecturer may change both.
DEFAULT_CHOICES = ("ChatGPT", "Gemini", "Claude", "Microsoft Copilot", "DeepSeek", "Le Chat (Mistral)",
                   "Perplexity", "Bielik / PLLuM")
MAX_CHOICES, MAX_CHOICE_CHARS, MAX_QUESTION_CHARS = 12, 40, 200
VERDICTS = ("a", "b", "tie")

SCHEMA = """
CREATE TABLE IF NOT EXISTS poll (id INTEGER PRIMARY KEY CHECK (id = 1), question TEXT, choices TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS votes (voter TEXT PRIMARY KEY, choice TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS verdicts (id INTEGER PRIMARY KEY AUTOINCREMENT, model_a TEXT NOT NULL,
                                     model_b TEXT NOT NULL, verdict TEXT NOT NULL);
"""


@dataclass(frozen=True)
class Poll:
    question: str | None  # None: the slide's own question, in the reader's language
    choices: tuple[str, ...]


@dataclass(frozen=True)
class PollResults:
    poll: Poll
    counts: dict[str, int]  # every choice, in the poll's order, 0 where nobody chose it

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class ArenaRow:
    model: str
    wins: int
    losses: int
    ties: int


def default_path() -> Path:
    chosen = os.environ.get(DB_VARIABLE, "").strip()
    if chosen:
        return Path(chosen)
    if SPACE_STORAGE.is_dir() and os.access(SPACE_STORAGE, os.W_OK):
        return SPACE_STORAGE / "lab-votes.sqlite3"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dl-multimedia-lab" / "votes.sqlite3"


def voter_of(session: str) -> str:
    """What the store keeps of a browser session: a hash of its random key, nothing else."""
    if not session:
        raise LabError("chat.poll.no_session")
    return hashlib.sha256(session.encode()).hexdigest()


class VoteStore:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connected() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connected(self):
        # One connection per call: Gradio runs events in worker threads, and sqlite3 connections
        # may not cross threads. Each ``with`` is one transaction.
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            yield db

    def poll(self) -> Poll:
        with self._connected() as db:
            row = db.execute("SELECT question, choices FROM poll WHERE id = 1").fetchone()
        if row is None:
            return Poll(None, DEFAULT_CHOICES)
        return Poll(row[0], tuple(json.loads(row[1])))

    def results(self) -> PollResults:
        poll = self.poll()
        with self._connected() as db:
            counted = dict(db.execute("SELECT choice, COUNT(*) FROM votes GROUP BY choice").fetchall())
        return PollResults(poll, {choice: counted.get(choice, 0) for choice in poll.choices})

    def vote(self, session: str, choice: object) -> PollResults:
        """One vote of this browser session; a second one is refused."""
        poll = self.poll()
        if not isinstance(choice, str) or choice not in poll.choices:
            raise LabError("chat.poll.unknown_choice", choices=", ".join(poll.choices))
        try:
            with self._connected() as db:
                db.execute("INSERT INTO votes (voter, choice) VALUES (?, ?)", (voter_of(session), choice))
        except sqlite3.IntegrityError:
            raise LabError("chat.poll.already_voted") from None
        return self.results()

    def has_voted(self, session: str) -> bool:
        if not session:
            return False
        with self._connected() as db:
            return db.execute("SELECT 1 FROM votes WHERE voter = ?", (voter_of(session),)).fetchone() is not None

    def change_poll(self, token: object, question: object, choices: object) -> PollResults:
        """A new question and answers (the lecturer's, with the token); the old votes go, since
        they answered another question."""
        check_token(token)
        poll = Poll(check_question(question), check_choices(choices))
        with self._connected() as db:
            db.execute("INSERT OR REPLACE INTO poll (id, question, choices) VALUES (1, ?, ?)",
                       (poll.question, json.dumps(list(poll.choices))))
            db.execute("DELETE FROM votes")
        return self.results()

    def reset(self, token: object) -> PollResults:
        """Every vote and verdict wiped, the poll back to the slide's (with the token)."""
        check_token(token)
        with self._connected() as db:
            db.execute("DELETE FROM poll")
            db.execute("DELETE FROM votes")
            db.execute("DELETE FROM verdicts")
        return self.results()

    def record_verdict(self, model_a: str, model_b: str, verdict: str) -> None:
        if verdict not in VERDICTS:
            raise LabError("chat.compare.unknown_verdict")
        with self._connected() as db:
            db.execute("INSERT INTO verdicts (model_a, model_b, verdict) VALUES (?, ?, ?)", (model_a, model_b, verdict))

    def arena(self) -> list[ArenaRow]:
        """Each judged model's wins, losses and ties, the most wins first."""
        rows: dict[str, list[int]] = {}
        with self._connected() as db:
            for model_a, model_b, verdict in db.execute("SELECT model_a, model_b, verdict FROM verdicts"):
                a, b = rows.setdefault(model_a, [0, 0, 0]), rows.setdefault(model_b, [0, 0, 0])
                if verdict == "tie":
                    a[2], b[2] = a[2] + 1, b[2] + 1
                else:
                    winner, loser = (a, b) if verdict == "a" else (b, a)
                    winner[0], loser[1] = winner[0] + 1, loser[1] + 1
        ordered = sorted(rows.items(), key=lambda item: (-item[1][0], item[1][1], item[0]))
        return [ArenaRow(model, *counts) for model, counts in ordered]


def check_token(token: object) -> None:
    expected = os.environ.get(TOKEN_VARIABLE, "")
    if not expected:
        raise LabError("chat.poll.no_token_set", variable=TOKEN_VARIABLE)
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), expected.encode()):
        raise LabError("chat.poll.wrong_token")


def check_question(question: object) -> str | None:
    text = question.strip() if isinstance(question, str) else ""
    if len(text) > MAX_QUESTION_CHARS:
        raise LabError("chat.poll.question_too_long", limit=MAX_QUESTION_CHARS)
    return text or None


def check_choices(choices: object) -> tuple[str, ...]:
    """The answers, one per line (or a list): 2 to 12 distinct ones of at most 40 characters."""
    lines: Sequence[object] = choices.splitlines() if isinstance(choices, str) else \
        choices if isinstance(choices, list | tuple) else ()
    found: list[str] = []
    for line in lines:
        text = str(line).strip() if isinstance(line, str | int | float) else ""
        if not text:
            continue
        if len(text) > MAX_CHOICE_CHARS:
            raise LabError("chat.poll.choice_too_long", choice=text[:MAX_CHOICE_CHARS] + "…", limit=MAX_CHOICE_CHARS)
        if text not in found:
            found.append(text)
    if not 2 <= len(found) <= MAX_CHOICES:
        raise LabError("chat.poll.choice_count", low=2, high=MAX_CHOICES, count=len(found))
    return tuple(found)
