"""The suite: demos found and grouped into the lecture's sections behind a lecture map, demos that
fail on their own, and public-demo hygiene."""

from pathlib import Path

import gradio as gr
import httpx
import pytest
from gradio_client import Client

import app
from shared import demos
from shared.gpu import CONCURRENCY_ID

FAKE_DEMOS = Path(__file__).parent / "fake_demos"


@pytest.fixture(scope="module")
def fake_app():
    from conftest import free_port

    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(FAKE_DEMOS))
        built = app.build_app(["fake_ok", "fake_missing", "fake_broken"])
        built.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True, quiet=True,
                     **{**app.launch_kwargs(), "max_file_size": "1kb"})
        yield built
        built.close()


def markdown_values(built: gr.Blocks) -> list[str]:
    return [str(block.value) for block in built.blocks.values() if isinstance(block, gr.Markdown)]


def tab_ids(built: gr.Blocks) -> list[str]:
    return [block.id for block in built.blocks.values() if isinstance(block, gr.Tab)]


def test_demos_are_found_and_placed_in_lecture_order():
    installed = demos.installed()
    sections = [demo.section for demo in installed]
    assert sections == sorted(sections, key=demos.SECTIONS.index)
    for section in set(sections):
        orders = [demo.order for demo in installed if demo.section == section]
        assert orders == sorted(orders)
    assert "mnist_cnn" in [demo.name for demo in installed]
    assert all(demo.import_error is None for demo in installed)


def test_a_demo_with_an_unknown_section_or_a_broken_init_gets_a_tab_that_says_why(tmp_path, monkeypatch):
    for name, init in (("lab_wrong_section", 'SECTION = "cooking"\nORDER = 1\nREQUIRES = ()\n'),
                       ("lab_broken_init", "raise ImportError('no such thing')\n")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text(init)
    monkeypatch.syspath_prepend(str(tmp_path))
    wrong, broken = demos.describe("lab_wrong_section"), demos.describe("lab_broken_init")
    assert "unknown SECTION 'cooking'" in wrong.import_error and wrong.section == demos.FALLBACK_SECTION
    assert "ImportError" in broken.import_error
    assert [d.name for d in demos.installed(tmp_path)] == ["lab_broken_init", "lab_wrong_section"]


def test_the_page_opens_on_the_lecture_map_then_a_tab_per_section_holding_its_demos(fake_app):
    # The map first, then each section of a chosen demo in the lecture's order, each with its demos.
    assert tab_ids(fake_app) == ["map", "text", "fake_ok", "sound", "fake_missing", "inside", "fake_broken"]
    tabs = [b for b in fake_app.blocks.values() if isinstance(b, gr.Tab)]
    assert all("__i18n__" in str(t.label) for t in tabs)
    map_buttons = [b for b in fake_app.blocks.values()
                   if isinstance(b, gr.Button) and (b.elem_id or "").startswith("lab-map-")]
    assert [b.elem_id for b in map_buttons] == ["lab-map-fake_ok", "lab-map-fake_missing", "lab-map-fake_broken"]
    assert "fake_ok.teaser" in " ".join(markdown_values(fake_app))


def test_a_single_demo_is_shown_on_its_own_without_map_or_sections(monkeypatch):
    monkeypatch.syspath_prepend(str(FAKE_DEMOS))
    assert tab_ids(app.build_app(["fake_ok"])) == ["fake_ok"]


def test_a_demo_missing_its_package_explains_itself_and_the_others_work(fake_app):
    texts = " ".join(markdown_values(fake_app))
    assert "suite.unavailable.missing_package" in texts
    assert "pip install package_that_is_not_installed" in texts
    assert "suite.unavailable.broken" in texts and "`fake_broken`" in texts
    assert "RuntimeError" not in texts  # the reason goes to the server's log, not to the visitor
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
    assert "Traceback" not in str(caught.value) and "11" in str(caught.value)


def test_projector_mode_folds_every_advanced_accordion_and_restores_it():
    built = app.build_app(demos.names())
    advanced = [b for b in built.blocks.values()
                if isinstance(b, gr.Accordion) and "lab-advanced" in (b.elem_classes or [])]
    toggle = next(fn for fn in built.fns.values() if fn.api_name == "projector_mode")
    assert advanced and [block._id for block in toggle.outputs] == [block._id for block in advanced]
    assert toggle.js and "lab-projector" in toggle.js
    folded = toggle.fn(True)  # called outside an event, the updates are plain accordions
    assert [update.open for update in folded] == [False] * len(advanced)
    restored = toggle.fn(False)
    assert [update.open for update in restored] == [bool(block.open) for block in advanced]
    assert any(block.open for block in advanced)  # so folding changes something


def test_queue_and_launch_settings_are_hardened(fake_app):
    assert fake_app._queue.max_size == app.QUEUE_MAX_SIZE
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
    for path in ("/etc/passwd", str(Path(app.__file__).resolve()), "..%2f..%2fetc%2fpasswd"):
        assert httpx.get(base + "gradio_api/file=" + path).status_code in (403, 404)
    too_big = httpx.post(base + "gradio_api/upload", files={"files": ("big.bin", b"x" * 4096)})
    assert too_big.status_code == 413


def every_event_is_named(built: gr.Blocks) -> list[str]:
    names = []
    for fn in built.fns.values():
        assert fn.api_name and fn.api_name != "lambda", fn
        names.append(fn.api_name)
    return names


def test_every_event_of_the_real_suite_has_an_explicit_api_name():
    built = app.build_app()
    names = every_event_is_named(built)
    assert len(names) == len(set(names))
    assert built._queue.max_size == app.QUEUE_MAX_SIZE and built.api_open is False


def test_command_line_flags_and_environment(monkeypatch):
    available = ["chat", "mnist_cnn", "vae"]
    for var in ("GRADIO_SERVER_NAME", "GRADIO_SERVER_PORT", "GRADIO_SHARE", "LAB_DEMOS"):
        monkeypatch.delenv(var, raising=False)
    args = app.parse_args([], available)
    assert (args.host, args.port, args.share, args.demos) == ("127.0.0.1", 7860, False, available)
    args = app.parse_args(["--host", "0.0.0.0", "--port", "8080", "--share", "--demos", "vae,chat"], available)
    assert (args.host, args.port, args.share, args.demos) == ("0.0.0.0", 8080, True, ["chat", "vae"])
    monkeypatch.setenv("GRADIO_SERVER_NAME", "0.0.0.0")
    monkeypatch.setenv("GRADIO_SERVER_PORT", "9000")
    monkeypatch.setenv("LAB_DEMOS", "mnist_cnn")
    args = app.parse_args([], available)
    assert (args.host, args.port, args.demos) == ("0.0.0.0", 9000, ["mnist_cnn"])
    with pytest.raises(SystemExit):
        app.parse_args(["--demos", "nope"], available)
