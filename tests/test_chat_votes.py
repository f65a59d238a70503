"""The room's poll and the arena's verdicts in their SQLite file: one vote per session, the
lecturer's token, what survives a restart, and that nothing personal is written."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import register_texts

from chat import votes
from chat.votes import ArenaRow, VoteStore
from shared.errors import LabError

register_texts("chat")


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv(votes.TOKEN_VARIABLE, "lecturer-secret")
    return VoteStore(tmp_path / "votes.sqlite3")


def test_a_new_poll_asks_the_slides_question_with_no_votes(store):
    results = store.results()
    assert results.poll.question is None and results.poll.choices == votes.DEFAULT_CHOICES
    assert results.counts == dict.fromkeys(votes.DEFAULT_CHOICES, 0) and results.total == 0


def test_each_session_votes_once_and_the_counts_follow(store):
    store.vote("session-1", "Claude")
    store.vote("session-2", "Claude")
    results = store.vote("session-3", "Gemini")
    assert results.counts["Claude"] == 2 and results.counts["Gemini"] == 1 and results.total == 3
    with pytest.raises(LabError) as refused:
        store.vote("session-1", "Gemini")
    assert refused.value.key == "chat.poll.already_voted"
    assert store.results().total == 3 and store.has_voted("session-1") and not store.has_voted("session-4")


@pytest.mark.parametrize("choice", ["Nobody", "", None, 3, ["Claude"]])
def test_only_the_polls_own_answers_are_taken(store, choice):
    with pytest.raises(LabError) as refused:
        store.vote("session-1", choice)
    assert refused.value.key == "chat.poll.unknown_choice" and "ChatGPT, Gemini" in str(refused.value)
    assert store.results().total == 0


def test_a_vote_needs_a_session(store):
    with pytest.raises(LabError) as refused:
        store.vote("", "Claude")
    assert refused.value.key == "chat.poll.no_session"


def test_votes_and_verdicts_survive_a_restart_and_hold_no_session_key(store):
    store.vote("browser-session-abc", "DeepSeek")
    store.record_verdict("org/model-x", "org/model-y", "a")
    again = VoteStore(store.path)  # the app started anew on the same file
    assert again.results().counts["DeepSeek"] == 1 and again.has_voted("browser-session-abc")
    assert again.arena() == [ArenaRow("org/model-x", 1, 0, 0), ArenaRow("org/model-y", 0, 1, 0)]
    with sqlite3.connect(store.path) as db:
        dumped = "\n".join(db.iterdump())
    assert "browser-session-abc" not in dumped and votes.voter_of("browser-session-abc") in dumped


def test_changing_the_poll_needs_the_token_and_starts_the_count_again(store):
    store.vote("session-1", "Claude")
    for token, key in ((None, "chat.poll.wrong_token"), ("guess", "chat.poll.wrong_token"),
                       ("lecturer-secret ", "chat.poll.wrong_token")):
        with pytest.raises(LabError) as refused:
            store.change_poll(token, "Best editor?", "vim\nemacs")
        assert refused.value.key == key
    assert store.results().total == 1
    results = store.change_poll("lecturer-secret", "  Best editor?  ", "vim\n\n emacs \nvim\nVS Code")
    assert results.poll == votes.Poll("Best editor?", ("vim", "emacs", "VS Code")) and results.total == 0
    assert VoteStore(store.path).poll() == results.poll
    assert store.vote("session-1", "emacs").counts == {"vim": 0, "emacs": 1, "VS Code": 0}


def test_without_a_token_in_the_secrets_the_lecturers_controls_are_off(store, monkeypatch):
    monkeypatch.delenv(votes.TOKEN_VARIABLE)
    for action in (lambda: store.reset(""), lambda: store.reset("anything"),
                   lambda: store.change_poll("anything", "", "a\nb")):
        with pytest.raises(LabError) as refused:
            action()
        assert refused.value.key == "chat.poll.no_token_set" and "LAB_POLL_TOKEN" in str(refused.value)


def test_a_reset_wipes_votes_verdicts_and_the_changed_poll(store):
    store.change_poll("lecturer-secret", "Q?", ["x", "y"])
    store.vote("session-1", "x")
    store.record_verdict("m1", "m2", "tie")
    with pytest.raises(LabError):
        store.reset("wrong")
    assert store.results().total == 1
    results = store.reset("lecturer-secret")
    assert results.poll.choices == votes.DEFAULT_CHOICES and results.total == 0 and store.arena() == []
    assert not store.has_voted("session-1")


@pytest.mark.parametrize(("choices", "key"), [
    ("only one", "chat.poll.choice_count"), ("", "chat.poll.choice_count"), ("a\na\n a ", "chat.poll.choice_count"),
    ("\n".join(f"tool {n}" for n in range(13)), "chat.poll.choice_count"), (None, "chat.poll.choice_count"),
    ("fine\n" + "x" * 41, "chat.poll.choice_too_long"),
])
def test_the_answers_of_a_poll_are_checked(choices, key):
    with pytest.raises(LabError) as refused:
        votes.check_choices(choices)
    assert refused.value.key == key


def test_answers_may_come_as_a_list_and_the_question_is_bounded():
    assert votes.check_choices(["a", " b ", "", "a", 7]) == ("a", "b", "7")
    assert votes.check_choices("\n".join(f"t{n}" for n in range(12)))[-1] == "t11"
    assert votes.check_question("   ") is None and votes.check_question(None) is None
    with pytest.raises(LabError) as refused:
        votes.check_question("?" * 201)
    assert refused.value.key == "chat.poll.question_too_long"


def test_the_arena_counts_wins_losses_and_ties_per_model(store):
    for a, b, verdict in (("x", "y", "a"), ("y", "x", "a"), ("x", "z", "a"), ("y", "z", "tie"), ("z", "x", "b")):
        store.record_verdict(a, b, verdict)
    assert store.arena() == [ArenaRow("x", 3, 1, 0), ArenaRow("y", 1, 1, 1), ArenaRow("z", 0, 2, 1)]
    with pytest.raises(LabError) as refused:
        store.record_verdict("x", "y", "left")
    assert refused.value.key == "chat.compare.unknown_verdict"


def test_the_file_is_where_the_variable_or_the_space_storage_says(tmp_path, monkeypatch):
    monkeypatch.setenv(votes.DB_VARIABLE, str(tmp_path / "chosen.db"))
    assert votes.default_path() == tmp_path / "chosen.db"
    monkeypatch.delenv(votes.DB_VARIABLE)
    monkeypatch.setattr(votes, "SPACE_STORAGE", tmp_path)
    assert votes.default_path() == tmp_path / "lab-votes.sqlite3"
    monkeypatch.setattr(votes, "SPACE_STORAGE", tmp_path / "absent")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert votes.default_path() == tmp_path / "cache" / "dl-multimedia-lab" / "votes.sqlite3"
    assert VoteStore().path.parent.is_dir()


def test_the_arena_orders_by_wins_then_losses_then_name(store):
    for a, b, verdict in (("c", "a", "a"), ("c", "b", "a"), ("a", "x", "a"), ("b", "y", "a"), ("b", "y", "tie"),
                          ("b", "y", "tie"), ("b", "y", "tie"), ("z", "a", "a"), ("z", "a", "a"),
                          ("e", "d", "tie"), ("d", "e", "tie")):
        store.record_verdict(a, b, verdict)
    rows = {row.model: row for row in store.arena()}
    assert rows["a"] == ArenaRow("a", 1, 3, 0) and rows["b"] == ArenaRow("b", 1, 1, 3) and rows["y"].losses == 1
    assert [row.model for row in store.arena()] == ["c", "z", "b", "a", "d", "e", "x", "y"]


def test_a_loss_counts_once_whatever_the_ties_before_it(store):
    for verdict in ("tie", "tie", "a"):
        store.record_verdict("m", "n", verdict)
    assert store.arena() == [ArenaRow("m", 1, 0, 2), ArenaRow("n", 0, 1, 2)]


def test_an_empty_session_has_not_voted(store):
    assert store.has_voted("") is False


def test_the_limits_are_inclusive_and_named_in_the_messages():
    assert votes.check_question("?" * 200) == "?" * 200
    assert votes.check_choices(["x" * 40, "y"]) == ("x" * 40, "y")
    assert votes.check_choices([None, {"x": 1}, "a", "b"]) == ("a", "b")  # only text and numbers are answers
    with pytest.raises(LabError) as refused:
        votes.check_question("?" * 201)
    assert "at most 200 characters" in str(refused.value)
    with pytest.raises(LabError) as refused:
        votes.check_choices(["fine", "x" * 45])
    assert str(refused.value) == f"An answer may have at most 40 characters: “{'x' * 40}…”."
    with pytest.raises(LabError) as refused:
        votes.check_choices("one")
    assert str(refused.value) == "A poll needs 2 to 12 different answers, one per line; there are 1."


def test_without_the_variable_the_file_is_in_the_home_cache(tmp_path, monkeypatch):
    monkeypatch.delenv(votes.DB_VARIABLE, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    not_a_folder = tmp_path / "data-file"
    not_a_folder.write_text("")
    monkeypatch.setattr(votes, "SPACE_STORAGE", not_a_folder)  # writable, but not a folder
    assert votes.default_path() == tmp_path / ".cache" / "dl-multimedia-lab" / "votes.sqlite3"
