"""What the server holds per visitor and who gets into its queue (shared.sessions, shared.server).

The sessions are compared with Gradio's own ``SessionState`` on the real suite; the door is tried
through a served app of a few events with the suite's launch settings, by raw HTTP (what a script
sends) and gradio_client.
"""

from __future__ import annotations

import copy
import datetime
import json
import random
import secrets
import threading
import time
from contextlib import contextmanager

import gradio as gr
import httpx
import pytest
from conftest import free_port, write_declared_png
from gradio.state_holder import SessionState
from gradio_client import Client, handle_file
from gradio_client.exceptions import ValidationError

import app
from shared import i18n, server
from shared.sessions import LeanSessionState, LeanStateHolder, Overlay, PageKeys
from shared.validation import MAX_IMAGE_PIXELS

# ---------------------------------------------------------------- the overlay


def test_an_overlay_behaves_like_a_copied_dict_under_random_changes():
    base = {key: f"page-{key}" for key in range(40)}
    frozen = dict(base)
    overlay, plain = Overlay(base), dict(base)
    rng = random.Random(0)
    for step in range(2000):
        key = rng.randrange(60)
        action = rng.choice(["set", "del", "get", "copy"])
        if action == "set":
            overlay[key] = plain[key] = step
        elif action == "del":
            if key in plain:
                del overlay[key], plain[key]
            else:
                with pytest.raises(KeyError):
                    del overlay[key]
        elif action == "get":
            assert overlay.get(key) == plain.get(key)
        else:
            overlay = copy.copy(overlay)
        assert (key in overlay) == (key in plain)
        assert list(overlay) == list(plain) and len(overlay) == len(plain)
        assert dict(overlay.items()) == plain
    assert base == frozen  # the page's own table is never written


# ---------------------------------------------------------------- lean sessions on the real suite


@pytest.fixture(scope="module")
def suite() -> gr.Blocks:
    return app.build_app()


def page_keys(blocks) -> PageKeys:
    return PageKeys.of(blocks)


def test_a_lean_session_has_what_gradios_session_has_and_answers_the_same(suite):
    gradio_own, lean = SessionState(suite), LeanSessionState(suite, page_keys(suite))
    assert set(vars(gradio_own)) <= set(vars(lean)) | {"config_values"}
    assert set(vars(gradio_own.blocks_config)) == set(vars(lean.blocks_config))
    assert dict(lean.blocks_config.blocks.items()) == gradio_own.blocks_config.blocks
    assert dict(lean.blocks_config.fns.items()) == gradio_own.blocks_config.fns
    some = sorted(gradio_own.config_values)[::50]
    for key in some:  # made on demand, equal to what Gradio made up front
        assert lean.config_values[key] == gradio_own.config_values[key]
    assert list(lean.components) == list(gradio_own.components)  # a deep link walks them all
    textbox = next(block for block in suite.blocks.values() if isinstance(block, gr.Textbox))
    for state in (gradio_own, lean):
        state._update_value_in_config(textbox._id, "changed")
        state[textbox._id] = gr.Textbox(value="updated")
    assert lean.config_values[textbox._id] == gradio_own.config_values[textbox._id]
    assert lean[textbox._id].value == gradio_own[textbox._id].value == "updated"
    assert suite.default_config.blocks[textbox._id] is textbox  # the page is untouched


def test_a_lean_session_starts_with_almost_nothing_of_its_own(suite):
    lean = LeanSessionState(suite, page_keys(suite))
    assert len(dict.keys(lean.config_values)) == 0 and len(lean.blocks_config.blocks._own) == 0
    assert len(SessionState(suite).config_values) > 500  # what Gradio's own would hold


def test_the_holder_keeps_at_most_its_capacity_and_lets_idle_sessions_go(suite):
    holder = LeanStateHolder(capacity=3, idle_seconds=60)
    holder.set_blocks(suite)
    state_block = next(block for block in suite.blocks.values() if isinstance(block, gr.State))
    deleted = []
    for name in "abcd":
        holder[name][state_block._id] = f"value of {name}"
    assert list(holder.session_data) == ["b", "c", "d"]  # the least recently used went first
    assert all(isinstance(session, LeanSessionState) for session in holder.session_data.values())
    holder.time_last_used["b"] -= datetime.timedelta(seconds=61)
    original = state_block.delete_callback
    state_block.delete_callback = deleted.append
    try:
        assert holder.let_idle_go() == ["b"]
    finally:
        state_block.delete_callback = original
    assert deleted == ["value of b"] and list(holder.session_data) == ["c", "d"]
    assert holder["c"][state_block._id] == "value of c"  # the others keep what they had


# ---------------------------------------------------------------- the door, through a served app


@pytest.fixture(scope="module")
def gated(tmp_path_factory):
    """A served app of three events with the suite's launch settings: ``slow`` waits until the
    test lets it go, ``fast`` answers at once, ``picture`` takes an upload as Gradio decodes it."""
    release = threading.Event()

    def slow(text):
        release.wait(60)
        return text

    with gr.Blocks() as blocks:
        text, out = gr.Textbox(label="text"), gr.Textbox()
        picture, size = gr.Image(type="pil", label="picture"), gr.Textbox()
        text.submit(slow, text, out, api_name="slow", concurrency_limit=1)
        text.change(str.upper, text, out, api_name="fast", concurrency_limit=None)
        picture.change(lambda image: str(image.size), picture, size, api_name="picture")
    blocks.queue(max_size=app.QUEUE_MAX_SIZE, api_open=False)
    blocks.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
                  **app.launch_kwargs())
    try:
        yield blocks, release
    finally:
        release.set()
        blocks.close()


def index_of(blocks, name: str) -> int:
    return next(fn._id for fn in blocks.fns.values() if fn.api_name == name)


def join(blocks, name: str, data: list, session: str, language: str = "en") -> httpx.Response:
    return httpx.post(f"{blocks.local_url}gradio_api/queue/join", headers={"Accept-Language": language},
                      json={"data": data, "fn_index": index_of(blocks, name), "session_hash": session})


@contextmanager
def slow_jobs_held(gated):
    """The ``slow`` jobs joined inside the block wait until it ends; then the queue empties."""
    blocks, release = gated
    release.clear()
    try:
        yield blocks
    finally:
        release.set()
        deadline = time.monotonic() + 60
        while blocks._queue.event_ids_to_events and time.monotonic() < deadline:
            time.sleep(0.05)
    assert not blocks._queue.event_ids_to_events


def test_one_visitor_cannot_fill_the_queue_and_another_still_gets_through(gated):
    flooder = secrets.token_hex(8)
    with slow_jobs_held(gated) as blocks:
        answers = [join(blocks, "slow", [f"job {n}"], flooder, "pl") for n in range(server.JOBS_PER_SESSION + 3)]
        assert [a.status_code for a in answers] == [200] * server.JOBS_PER_SESSION + [429] * 3
        refused = answers[-1]
        assert refused.json()["detail"] == i18n.message("shared.request.too_many_jobs", "pl",
                                                        limit=server.JOBS_PER_SESSION)
        assert int(refused.headers["retry-after"]) > 0
        other = Client(blocks.local_url, verbose=False)
        assert other.predict("hello", api_name="/fast") == "HELLO"  # while the flood still waits


@pytest.mark.parametrize(("limit", "language", "accepted"), [
    ("SERIAL_WAITING", "pl", 4),  # one runs, three wait: that event's queue is full for a new visitor
    ("QUEUE_LIMIT", "en", 4),  # one runs, three wait: the whole queue is full
])
def test_a_full_queue_is_said_in_the_visitors_language_and_other_events_still_run(gated, monkeypatch, limit,
                                                                                   language, accepted):
    monkeypatch.setattr(server, limit, 3)
    with slow_jobs_held(gated) as blocks:
        answers = [join(blocks, "slow", ["x"], secrets.token_hex(8), language) for _ in range(accepted + 2)]
        assert [a.status_code for a in answers] == [200] * accepted + [429] * 2
        assert answers[-1].json()["detail"] == i18n.message("shared.request.queue_full", language)
        if limit == "SERIAL_WAITING":
            assert Client(blocks.local_url, verbose=False).predict("light", api_name="/fast") == "LIGHT"


def test_gradios_own_limit_is_above_the_doors_so_the_door_always_answers():
    assert app.QUEUE_MAX_SIZE > server.QUEUE_LIMIT > server.SERIAL_WAITING > server.JOBS_PER_SESSION


@pytest.mark.parametrize("language", ["pl", "en"])
def test_a_value_that_is_no_file_is_refused_at_the_door_in_words(gated, language):
    blocks, _ = gated
    answer = join(blocks, "picture", ["not a file"], secrets.token_hex(8), language)
    assert answer.status_code == 422
    [entry] = answer.json()["detail"]
    assert entry["is_valid"] is False
    assert entry["message"] == i18n.message("shared.request.unreadable", language, name="picture")
    client = Client(blocks.local_url, verbose=False, headers={"Accept-Language": language})
    with pytest.raises(ValidationError, match="picture"):
        client.predict({"path": 42}, api_name="/picture")


def test_a_picture_declaring_too_many_pixels_is_refused_before_gradio_decodes_it(gated, tmp_path):
    blocks, _ = gated
    huge = tmp_path / "huge.png"
    write_declared_png(huge, 6000, 6000)
    assert 6000 * 6000 > MAX_IMAGE_PIXELS
    client = Client(blocks.local_url, verbose=False, headers={"Accept-Language": "pl"})
    with pytest.raises(ValidationError) as refused:
        client.predict(handle_file(str(huge)), api_name="/picture")
    expected = i18n.message("shared.image.too_large", "pl", pixels="36 000 000",
                            limit=f"{MAX_IMAGE_PIXELS:,}".replace(",", " "))
    assert expected in str(refused.value)


def test_every_response_says_nosniff_and_an_html_file_named_png_stays_a_download_or_picture(gated):
    blocks, _ = gated
    base = blocks.local_url
    assert httpx.get(base).headers["x-content-type-options"] == "nosniff"
    page = b"<html><script>alert(1)</script></html>"
    uploaded = httpx.post(f"{base}gradio_api/upload", files={"files": ("evil.png", page, "image/png")})
    [path] = uploaded.json()
    served = httpx.get(f"{base}gradio_api/file={path}")
    assert served.status_code == 200 and served.headers["x-content-type-options"] == "nosniff"
    assert "html" not in served.headers["content-type"]


def test_a_join_the_door_does_not_understand_is_left_to_gradio(gated):
    blocks, _ = gated
    answer = httpx.post(f"{blocks.local_url}gradio_api/queue/join", content=b"{not json")
    assert answer.status_code == 422  # FastAPI's own answer to a body that is no JSON
    answer = httpx.post(f"{blocks.local_url}gradio_api/queue/join",
                        json={"data": "text", "fn_index": index_of(blocks, "fast"), "session_hash": "s"})
    assert answer.status_code == 422
    assert json.dumps(answer.json(), ensure_ascii=False).count(i18n.message("shared.request.not_a_list", "en")) == 1


def test_a_join_past_the_size_cap_is_refused_in_words_before_it_is_read(gated):
    """A body over ``MAX_JOIN_BYTES`` (what a script sends with a million values) gets 413 and the
    sentence in the visitor's language; the door stops reading it, and the next call is served."""
    blocks, _ = gated
    values = "0," * (server.MAX_JOIN_BYTES // 2)
    body = f'{{"data": [[{values}0]], "fn_index": {index_of(blocks, "fast")}, "session_hash": "big"}}'
    answer = httpx.post(f"{blocks.local_url}gradio_api/queue/join", content=body.encode(),
                        headers={"Accept-Language": "pl", "Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["detail"] == i18n.message("shared.request.too_large", "pl")
    assert join(blocks, "fast", ["ok"], "after-big").status_code == 200


def test_calls_from_new_visitors_leave_lean_sessions_behind(gated):
    """Each of many calls, every one from a new session, leaves a session that holds only the few
    blocks the call touched (Gradio's own would hold the whole page's configuration)."""
    blocks, _ = gated
    holder = blocks.server_app.state_holder
    assert isinstance(holder, LeanStateHolder)
    made = [secrets.token_hex(8) for _ in range(30)]
    for session in made:
        assert join(blocks, "fast", ["hello"], session).status_code == 200
        with httpx.stream("GET", f"{blocks.local_url}gradio_api/queue/data", params={"session_hash": session},
                          timeout=30) as stream:
            for line in stream.iter_lines():
                if line.startswith("data:") and json.loads(line[5:]).get("msg") == "process_completed":
                    break
    for session in made:
        state = holder.session_data[session]
        assert isinstance(state, LeanSessionState)
        assert len(dict.keys(state.config_values)) <= 2 and len(state.blocks_config.blocks._own) <= 2


def test_every_state_of_the_suite_expires(suite):
    states = [block for block in suite.blocks.values() if isinstance(block, gr.State)]
    assert len(states) >= 7
    assert all(state.time_to_live is not None and state.time_to_live <= 3600 for state in states)
    assert suite.delete_cache == (3600, 3600)


@pytest.mark.parametrize("route", ["gradio_api/call/slow", "gradio_api/call/v2/slow"])
def test_the_rest_routes_that_curl_uses_pass_the_same_door(gated, monkeypatch, route):
    monkeypatch.setattr(server, "SERIAL_WAITING", 2)
    body = {"data": ["x"]} if "v2" not in route else {"text": "x"}
    with slow_jobs_held(gated) as blocks:
        answers = [httpx.post(blocks.local_url + route, json=body, headers={"Accept-Language": "pl"})
                   for _ in range(5)]
        assert [a.status_code for a in answers] == [200] * 3 + [429] * 2  # one runs, two wait
        assert answers[-1].json()["detail"] == i18n.message("shared.request.queue_full", "pl")
