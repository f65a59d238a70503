"""Two chat models side by side: tiny Qwen2-, Llama- and Mistral-style chat models built here and
loaded through the production loader; both answers stream at once, each can be stopped, the blind
mode names the models only after the verdict; the API, the poll's endpoints, and a restart."""

from __future__ import annotations

import random
import threading

import pytest
import tiny_text_models
import torch
from conftest import free_port, local_models, register_texts
from gradio_client import Client

from chat import chat_model, compare, votes
from chat.conversation import build_messages, encode
from shared import i18n
from shared.errors import LabError
from shared.llm_stream import StreamStats, load_causal_lm, stream_reply
from shared.models import model_id

register_texts("chat")


@pytest.fixture(scope="module")
def sharp_pair(tmp_path_factory):
    """The two CPU models as tiny ones of their classes (Qwen2, and Llama with biases like Bielik
    1.5B), sharp enough that a greedy reply is not empty."""
    base = tmp_path_factory.mktemp("pair")
    qwen = tiny_text_models.save_tiny_chat_model(base / "qwen", initializer_range=0.2)
    llama = tiny_text_models.save_tiny_chat_model(base / "llama", initializer_range=0.2, family="llama")
    with local_models(chat=qwen, chat_bielik_small=llama):
        yield {"chat": chat_model.get("chat"), "chat_bielik_small": chat_model.get("chat_bielik_small")}


@pytest.fixture
def vote_file(tmp_path, monkeypatch):
    monkeypatch.setenv(votes.DB_VARIABLE, str(tmp_path / "votes.sqlite3"))
    monkeypatch.setenv(votes.TOKEN_VARIABLE, "lecturer-secret")
    return tmp_path / "votes.sqlite3"


def _ids(lm, text="Czym jest sieć neuronowa?"):
    model, tokenizer = lm
    return encode(tokenizer, build_messages("Be brief.", [], text), 512).input_ids


def _greedy(lm, ids, max_new_tokens):
    model, tokenizer = lm
    out = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                         do_sample=False, max_new_tokens=max_new_tokens, pad_token_id=tokenizer.pad_token_id)
    return tokenizer.decode(out[0, len(ids):], skip_special_tokens=True)


@pytest.mark.parametrize("family", tiny_text_models.CHAT_FAMILIES)
def test_each_family_loads_through_the_production_loader_and_streams_what_generate_writes(tmp_path, family):
    lm = load_causal_lm(str(tiny_text_models.save_tiny_chat_model(tmp_path / family, 0.2, family=family)))
    assert type(lm[0]).__name__.lower().startswith(family)
    ids = _ids(lm)
    *_, (text, stats) = stream_reply(*lm, ids, threading.Event(), temperature=0.0, max_new_tokens=12)
    assert text == _greedy(lm, ids, 12) and text and stats.new_tokens <= 12


def _stream(pieces, before=None, after=None):
    """A stream of (text, stats) that waits for ``before[i]`` before its i-th piece and sets
    ``after[i]`` once that piece is handed on."""
    stats = StreamStats(prompt_tokens=1)
    text = ""
    for i, piece in enumerate(pieces):
        if before and i in before:
            assert before[i].wait(timeout=10), "the other side was never pulled: the streams ran one after the other"
        text += piece
        stats.new_tokens = i + 1
        yield text, stats
        if after and i in after:
            after[i].set()


def test_both_streams_interleave_as_they_are_written():
    # left writes 1, then waits for right's 1, right writes its 2nd only after left's 2nd, …
    left_1, right_1, left_2 = threading.Event(), threading.Event(), threading.Event()
    streams = {"left": _stream(["a", "b", "c"], before={1: right_1}, after={0: left_1, 1: left_2}),
               "right": _stream(["x", "y"], before={0: left_1, 1: left_2}, after={0: right_1})}
    stops = {"left": threading.Event(), "right": threading.Event()}
    pieces = list(compare.interleave(streams, stops))
    order = [(p.side, p.text) for p in pieces if not p.finished]
    assert order.index(("left", "a")) < order.index(("right", "x")) < order.index(("left", "ab"))
    assert order.index(("left", "ab")) < order.index(("right", "xy"))
    finished = {p.side: p.text for p in pieces if p.finished}
    assert finished == {"left": "abc", "right": "xy"} and not any(s.is_set() for s in stops.values())


def test_an_error_on_one_side_is_raised_and_stops_the_other():
    def failing():
        yield "a", StreamStats(prompt_tokens=1)
        raise LabError("shared.llm.timeout", seconds="1")

    never_ending = threading.Event()

    def writing():
        while not stops["right"].is_set():
            yield "x", StreamStats(prompt_tokens=1)
            never_ending.wait(0.01)

    stops = {"left": threading.Event(), "right": threading.Event()}
    with pytest.raises(LabError) as raised:
        list(compare.interleave({"left": failing(), "right": writing()}, stops))
    assert raised.value.key == "shared.llm.timeout" and stops["right"].is_set()


def test_a_pair_request_keeps_every_setting():
    request = compare.check_request(" Hi ", "chat_bielik_small", "chat", "  Be brief. ", 0.3, 0.6, 48)
    assert request == compare.PairRequest(" Hi ", "chat_bielik_small", "chat", "Be brief.", 0.3, 0.6, 48)


def test_leaving_the_answers_early_stops_both_models(sharp_pair):
    request = compare.check_request("Tell me a long story", "chat", "chat_bielik_small", "", 1.0, 1.0, 200)
    stops = {side: threading.Event() for side in compare.SIDES}
    pieces = compare.answers(request, compare.seat("chat", "chat_bielik_small", blind=False), stops, "Be brief.")
    next(pieces), next(pieces)
    pieces.close()  # the visitor left the page
    assert all(stop.is_set() for stop in stops.values())


def test_a_side_that_writes_nothing_in_time_is_a_timeout_in_words(monkeypatch):
    monkeypatch.setattr(compare, "STREAM_TIMEOUT_S", -9.9)  # wait 0.1 s for a piece instead of 130 s

    def slow():
        threading.Event().wait(0.5)
        yield "late", StreamStats(prompt_tokens=1)

    stops = {"left": threading.Event()}
    with pytest.raises(LabError) as refused:
        list(compare.interleave({"left": slow()}, stops))
    assert refused.value.key == "shared.llm.timeout" and refused.value.values == {"seconds": "-9.9"}
    assert stops["left"].is_set()


def test_a_conversation_longer_than_the_models_context_is_refused(tmp_path):
    short = tiny_text_models.save_tiny_chat_model(tmp_path / "short", 0.2, positions=96)
    with local_models(chat=short, chat_bielik_small=short):
        request = compare.check_request("word " * 150, "chat", "chat_bielik_small", "", 0.0, 0.9, 16)
        with pytest.raises(LabError) as refused:
            list(compare.answers(request, compare.seat("chat", "chat_bielik_small", False),
                                 {s: threading.Event() for s in compare.SIDES}, "Be brief."))
    assert refused.value.key == "chat.too_long" and refused.value.values["limit"] == 96 - 16


def test_each_side_can_be_stopped_and_the_other_writes_on(sharp_pair):
    request = compare.check_request("Tell me a long story", "chat", "chat_bielik_small", "", 1.0, 1.0, 64)
    stops = {"left": threading.Event(), "right": threading.Event()}
    seats = compare.seat("chat", "chat_bielik_small", blind=False)
    counted = {"left": 0, "right": 0}
    final = {}
    torch.manual_seed(0)
    for piece in compare.answers(request, seats, stops, "Be brief."):
        counted[piece.side] += 1
        if piece.side == "left" and counted["left"] == 2:
            stops["left"].set()  # what "Stop answer 1" does
        if piece.finished:
            final[piece.side] = piece.stats
    assert final["left"].stopped and final["left"].new_tokens < 64
    assert not final["right"].stopped and final["right"].new_tokens > final["left"].new_tokens


def test_greedy_answers_side_by_side_are_each_models_own(sharp_pair):
    request = compare.check_request("Czym jest sieć neuronowa?", "chat", "chat_bielik_small", "Be brief.", 0.0,
                                    0.9, 16)
    seats = compare.seat("chat", "chat_bielik_small", blind=False)
    final = {p.side: p.text for p in compare.answers(request, seats, {s: threading.Event() for s in compare.SIDES},
                                                      "unused") if p.finished}
    for side, choice in seats.items():
        assert final[side] == _greedy(sharp_pair[choice], _ids(sharp_pair[choice]), 16)
    assert final["left"] != final["right"]


def test_chat_models_load_in_bfloat16_where_the_cpu_computes_it(sharp_pair):
    from shared.device import pick_dtype

    expected = pick_dtype(torch.device("cpu"), cpu_bfloat16=True)
    assert {lm[0].dtype for lm in sharp_pair.values()} == {expected}


def test_the_blind_order_is_drawn_and_the_open_one_is_as_chosen():
    assert compare.seat("m1", "m2", blind=False) == {"left": "m1", "right": "m2"}
    for seed in range(4):
        expected = ["m1", "m2"]
        random.Random(seed).shuffle(expected)
        assert list(compare.seat("m1", "m2", blind=True, rng=random.Random(seed)).values()) == expected
    orders = {tuple(compare.seat("m1", "m2", blind=True, rng=random.Random(i)).values()) for i in range(20)}
    assert orders == {("m1", "m2"), ("m2", "m1")}


@pytest.mark.parametrize(("values", "expected"), [
    (("Hi", "chat", "chat"), "two different models"),
    (("Hi", "chat", "gpt-17"), "“Second model” must be one of: chat, chat_bielik_small"),
    (("   ", "chat", "chat_bielik_small"), "type a message"),
    (("x" * 100_000, "chat", "chat_bielik_small"), "4000"),
    (("Hi", "chat", "chat_pllum"), "needs a GPU"),
])
def test_a_bad_pair_request_is_refused_in_words(values, expected):
    with pytest.raises(LabError) as refused:
        compare.check_request(*values, "", 0.7, 0.9, 32)
    assert expected.lower() in str(refused.value).lower()


def test_the_blind_page_names_the_models_only_after_the_verdict(sharp_pair, vote_file):
    import gradio as gr

    from chat import ui

    events = list(ui.compare_page("Hi", "chat", "chat_bielik_small", True, "", 0.0, 0.9, 8, request=None))
    names = [model_id(c) for c in ("chat", "chat_bielik_small")]
    shown = " ".join(str(value) for event in events for value in event[:8] if isinstance(value, str))
    assert not any(name in shown for name in names) and "Answer 1" in shown and "Answer 2" in shown
    state = events[-1][-1]
    assert state["finished"] and not state["judged"] and events[-1][6].visible
    left, right, row, said, arena, judged = ui.judge_page(state, "b")
    assert model_id(state["seats"]["left"]) in left
    assert model_id(state["seats"]["right"]) in right and not row.visible
    assert "You chose answer 2" in said and "| 1 | 0 | 0 |" in arena and "| 0 | 1 | 0 |" in arena
    with pytest.raises(gr.Error) as refused:
        ui.judge_page(judged, "a")
    assert "already judged" in refused.value.message
    with pytest.raises(gr.Error) as refused:
        ui.judge_page({**state, "finished": False}, "a")
    assert "Wait until both answers" in refused.value.message
    assert votes.VoteStore(vote_file).arena()[0].wins == 1


def test_the_open_page_names_the_models_at_once_and_has_nothing_to_judge(sharp_pair, vote_file):
    import gradio as gr

    from chat import ui

    first, *_, last = ui.compare_page("Hi", "chat", "chat_bielik_small", False, "", 0.0, 0.9, 8, request=None)
    assert model_id("chat") in first[0] and not last[6].visible
    with pytest.raises(gr.Error) as refused:
        ui.judge_page(last[-1], "a")
    assert "no blind pair" in refused.value.message


# ---------------------------------------------------------------- through the running app


@pytest.fixture(scope="module")
def app_url(sharp_pair, serve_app, tmp_path_factory):
    folder = tmp_path_factory.mktemp("served-votes")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(votes.DB_VARIABLE, str(folder / "votes.sqlite3"))
        patch.setenv(votes.TOKEN_VARIABLE, "lecturer-secret")
        yield serve_app(["chat"])


def _client(url, language="en"):
    return Client(url, headers={"Accept-Language": language}, verbose=False)


def test_chat_compare_gives_both_answers_with_their_speeds(app_url, sharp_pair):
    out = _client(app_url).predict(message="Czym jest sieć neuronowa?", model_a="chat", model_b="chat_bielik_small",
                                   temperature=0.0, max_new_tokens=16, system_prompt="Be brief.",
                                   api_name="/chat_compare")
    assert set(out) == {"a", "b"}
    for name, choice in (("a", "chat"), ("b", "chat_bielik_small")):
        side = out[name]
        assert side["model"] == model_id(choice) and not side["stopped"]
        assert side["answer"] == _greedy(sharp_pair[choice], _ids(sharp_pair[choice]), 16)
        assert 0 < side["tokens"] <= 16 and side["tokens_per_second"] > 0
        assert 0 < side["first_token_seconds"] <= side["seconds"]


@pytest.mark.parametrize(("kwargs", "language", "key", "values"), [
    ({"message": "Hej", "model_b": "chat"}, "pl", "chat.compare.same_model", {}),
    ({"message": ""}, "en", "chat.empty", {}),
    ({"message": "Hej", "model_a": "nobody"}, "pl", "shared.choice.unknown",
     {"name": i18n.message("chat.compare.model_a", "pl"), "choices": ", ".join(chat_model.CHOICES)}),
    ({"message": "Hej", "model_b": "chat_bielik"}, "en", "chat.gpu_only",
     {"model": model_id("chat_bielik")}),
])
def test_chat_compare_refuses_bad_requests_in_words(app_url, kwargs, language, key, values):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as refused:
        _client(app_url, language).predict(**kwargs, api_name="/chat_compare")
    assert i18n.message(key, language, **values) in str(refused.value)


def test_chat_compare_refuses_a_message_of_a_hundred_thousand_characters(app_url):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as refused:
        _client(app_url, "pl").predict(message="x" * 100_000, api_name="/chat_compare")
    assert "4000" in str(refused.value) and "Traceback" not in str(refused.value)


def test_the_poll_takes_one_vote_per_session_through_the_api(app_url):
    from gradio_client.exceptions import AppError

    first, second = _client(app_url, "pl"), _client(app_url, "en")
    before = first.predict(api_name="/poll_results")
    assert before["question"] == i18n.message("chat.poll.default_question", "pl")
    assert list(before["votes"]) == list(votes.DEFAULT_CHOICES)
    counted = first.predict(choice="Claude", api_name="/poll_vote")
    assert counted["votes"]["Claude"] == before["votes"]["Claude"] + 1 and counted["total"] == before["total"] + 1
    with pytest.raises(AppError) as refused:
        first.predict(choice="Gemini", api_name="/poll_vote")
    assert i18n.message("chat.poll.already_voted", "pl") in str(refused.value)
    assert second.predict(choice="Gemini", api_name="/poll_vote")["total"] == before["total"] + 2
    with pytest.raises(AppError) as refused:
        _client(app_url).predict(choice="Nobody", api_name="/poll_vote")
    assert "Choose one of the poll's answers" in str(refused.value)


def test_votes_survive_a_restart_of_the_app(sharp_pair, tmp_path, monkeypatch):
    from app import build_app, launch_kwargs

    monkeypatch.setenv(votes.DB_VARIABLE, str(tmp_path / "votes.sqlite3"))

    def served():
        app = build_app(["chat"])
        app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
                   **launch_kwargs())
        return app

    app = served()
    try:
        assert _client(app.local_url).predict(choice="DeepSeek", api_name="/poll_vote")["votes"]["DeepSeek"] == 1
    finally:
        app.close()
    app = served()  # a new server on the same file
    try:
        results = _client(app.local_url).predict(api_name="/poll_results")
        assert results["votes"]["DeepSeek"] == 1 and results["total"] == 1
    finally:
        app.close()
