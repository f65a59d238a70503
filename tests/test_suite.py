"""The suite: tabs in lecture order, demos that fail on their own, and public-demo hygiene."""

import sys
from pathlib import Path

import gradio as gr
import httpx
import pytest
from gradio_client import Client

from shared import suite
from shared.gpu import CONCURRENCY_ID

FAKE_DEMOS = Path(__file__).parent / "fake_demos"


@pytest.fixture(scope="module")
def fake_app():
    sys.path.insert(0, str(FAKE_DEMOS))
    app = suite.build_app(["fake_ok", "fake_missing", "fake_broken"])
    from conftest import free_port

    app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
               **{**suite.launch_kwargs(), "max_file_size": "1kb"})
    yield app
    app.close()
    sys.path.remove(str(FAKE_DEMOS))


def component_values(app: gr.Blocks) -> list[str]:
    return [str(block.value) for block in app.blocks.values() if isinstance(block, gr.Markdown)]


def test_installed_demos_are_all_placed_in_lecture_order():
    names = suite.installed_demos()
    assert names == [n for n in suite.LECTURE_ORDER if n in names]
    assert (suite.SPACES_DIR / "mnist_cnn" / "__init__.py").exists()
    assert "mnist_cnn" in names


def test_tabs_follow_the_given_order_with_translated_labels(fake_app):
    tabs = [b for b in fake_app.blocks.values() if isinstance(b, gr.Tab)]
    assert [t.id for t in tabs] == ["fake_ok", "fake_missing", "fake_broken"]
    assert all("__i18n__" in str(t.label) for t in tabs)


def test_a_demo_missing_its_package_explains_itself_and_the_others_work(fake_app):
    texts = " ".join(component_values(fake_app))
    assert "suite.unavailable.missing_package" in texts
    assert "pip install package_that_is_not_installed" in texts
    assert "suite.unavailable.broken" in texts and "RuntimeError" in texts
    partial = [b for b in fake_app.blocks.values() if isinstance(b, gr.Textbox) and b.label == "partial"]
    assert partial, "the broken demo's half-built components exist"
    client = Client(fake_app.local_url, verbose=False)
    assert client.predict("hi", api_name="/echo") == "hi"


@pytest.mark.parametrize("language, expected", [("en-US,en;q=0.9", "Type some text first."),
                                                 ("pl-PL,pl;q=0.9", "Najpierw wpisz jakiś tekst.")])
def test_errors_reach_the_client_translated_and_without_a_traceback(fake_app, language, expected):
    client = Client(fake_app.local_url, headers={"Accept-Language": language}, verbose=False)
    with pytest.raises(Exception) as caught:
        client.predict("   ", api_name="/echo")
    assert str(caught.value) == expected
    with pytest.raises(Exception) as caught:
        client.predict(12345678901, api_name="/echo")  # the Textbox turns it into text: too long
    assert "Traceback" not in str(caught.value)


def test_queue_and_launch_settings_are_hardened(fake_app):
    assert fake_app._queue.max_size == suite.QUEUE_MAX_SIZE
    assert fake_app.api_open is False
    assert fake_app.show_error is False
    gpu_events = [fn for fn in fake_app.fns.values() if fn.concurrency_id == CONCURRENCY_ID]
    assert gpu_events and all(fn.concurrency_limit == 1 for fn in gpu_events)


def test_http_surface(fake_app, tmp_path):
    base = fake_app.local_url
    assert httpx.get(base).status_code == 200
    assert httpx.get(base + "monitoring/summary").status_code in (403, 404)
    # api_open=False: the REST route that skips the queue is closed, the queued route works
    assert httpx.post(base + "gradio_api/api/echo/", json={"data": ["x"]}).status_code == 404
    assert httpx.post(base + "gradio_api/call/echo", json={"data": ["x"]}).status_code == 200
    for path in ("/etc/passwd", str(Path(suite.__file__).resolve()), "..%2f..%2fetc%2fpasswd"):
        assert httpx.get(base + "gradio_api/file=" + path).status_code in (403, 404)
    too_big = httpx.post(base + "gradio_api/upload", files={"files": ("big.bin", b"x" * 4096)})
    assert too_big.status_code == 413


def every_event_is_named(app: gr.Blocks) -> list[str]:
    names = []
    for fn in app.fns.values():
        assert fn.api_name and fn.api_name != "lambda", fn
        names.append(fn.api_name)
    return names


def test_every_event_of_the_real_suite_has_an_explicit_api_name():
    app = suite.build_app()
    names = every_event_is_named(app)
    assert len(names) == len(set(names))
    assert app._queue.max_size == suite.QUEUE_MAX_SIZE and app.api_open is False


def test_command_line_flags_and_environment(monkeypatch):
    available = ["chat", "mnist_cnn", "vae"]
    for var in ("GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT", "GRADIO_SHARE", "LAB_DEMOS"):
        monkeypatch.delenv(var, raising=False)
    args = suite.parse_args([], available)
    assert (args.host, args.port, args.share, args.demos) == ("127.0.0.1", 7860, False, available)
    args = suite.parse_args(["--host", "0.0.0.0", "--port", "8080", "--share", "--demos", "vae,chat"], available)
    assert (args.host, args.port, args.share, args.demos) == ("0.0.0.0", 8080, True, ["chat", "vae"])
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "9000")
    monkeypatch.setenv("LAB_DEMOS", "mnist_cnn")
    args = suite.parse_args([], available)
    assert (args.host, args.port, args.demos) == ("0.0.0.0", 9000, ["mnist_cnn"])
    with pytest.raises(SystemExit):
        suite.parse_args(["--demos", "nope"], available)
