"""Assemble demos into one Gradio app and launch it with the settings a public demo needs.

A demo is a package in ``spaces/<name>/`` (``spaces/`` itself is on ``sys.path`` and is not a
package, so nothing here can shadow Hugging Face's ``spaces``). Its ``__init__.py`` holds
only light metadata:

- ``TEXTS``: ``{"en": {...}, "pl": {...}}`` with at least ``<name>.title`` (the tab label)
  and ``<name>.intro`` (the 2–4 sentences that open the tab);
- ``REQUIRES``: import names of the optional packages the demo needs.

Its ``ui.py`` has ``build()``, which creates the tab's components and events inside the
current Blocks context. Heavy imports stay inside ``ui.py`` and the functions it calls, so
start-up stays fast and a demo that cannot start does not stop the others.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import os
import sys
from pathlib import Path

import gradio as gr

from shared import i18n
from shared.i18n import ui_text

REPO_ROOT = Path(__file__).resolve().parents[1]
SPACES_DIR = REPO_ROOT / "spaces"

# The tabs follow the slides: the "hard problems" (text, chat, sentiment, images), sound,
# then the deep-learning part (CNN, reversing training, style transfer, autoencoders, VAE, GAN).
LECTURE_ORDER = (
    "text_generation",
    "chat",
    "sentiment",
    "image_generation",
    "audio_separation",
    "mnist_cnn",
    "deep_dream",
    "style_transfer",
    "autoencoder",
    "vae",
    "gan",
)

QUEUE_MAX_SIZE = 32
MAX_FILE_SIZE = "50mb"
# Light CPU events (a sketch being classified) serve several people at once; every event
# that needs the GPU is registered with **shared.gpu.GPU_EVENT instead (one at a time).
DEFAULT_CONCURRENCY = 4

log = logging.getLogger("lab")

CSS = """
.lab-intro { font-size: 1.05em; }
.lab-unavailable { border-left: 4px solid #d97706; padding-left: 0.75em; }
footer { flex-wrap: wrap; }
"""


def installed_demos() -> list[str]:
    """The demos present in ``spaces/``, in lecture order."""
    present = {p.name for p in SPACES_DIR.iterdir() if (p / "__init__.py").is_file()} if SPACES_DIR.is_dir() else set()
    unknown = present - set(LECTURE_ORDER)
    if unknown:
        raise RuntimeError(f"demos missing from LECTURE_ORDER: {sorted(unknown)}")
    return [name for name in LECTURE_ORDER if name in present]


def _ensure_import_path() -> None:
    if str(SPACES_DIR) not in sys.path:
        sys.path.insert(0, str(SPACES_DIR))


def _missing_packages(package) -> list[str]:
    return [name for name in getattr(package, "REQUIRES", ()) if importlib.util.find_spec(name) is None]


def _build_tab(name: str) -> None:
    """Fill the current tab with the demo, or with a clear note on why it cannot run."""
    try:
        package = importlib.import_module(name)
    except Exception as exc:  # a broken demo must not take the suite down
        log.exception("demo %s could not be imported", name)
        _unavailable("suite.unavailable.broken", f"`{name}`: {exc.__class__.__name__}")
        return
    gr.Markdown(ui_text(f"{name}.intro"), elem_classes="lab-intro")
    missing = _missing_packages(package)
    if missing:
        _unavailable("suite.unavailable.missing_package", "`pip install " + " ".join(missing) + "`")
        return
    with gr.Column() as body:
        try:
            importlib.import_module(f"{name}.ui").build()
        except Exception as exc:
            log.exception("demo %s could not be built", name)
            body.visible = False
            _unavailable("suite.unavailable.broken", f"`{name}`: {exc.__class__.__name__}")


def _unavailable(key: str, detail: str) -> None:
    gr.Markdown(ui_text(key), elem_classes="lab-unavailable")
    gr.Markdown(detail)


def _register_texts(names: list[str]) -> dict[str, object]:
    """Import each demo's light package and add its translations; return the tab labels."""
    labels: dict[str, object] = {}
    for name in names:
        try:
            package = importlib.import_module(name)
            i18n.register(package.TEXTS)
            labels[name] = ui_text(f"{name}.title")
        except Exception:
            log.exception("demo %s has no usable TEXTS", name)
            labels[name] = name
    return labels


def build_app(names: list[str] | None = None, *, header: bool = True) -> gr.Blocks:
    """One Blocks with a tab per demo in ``names`` (default: every installed demo)."""
    _ensure_import_path()
    _cap_decoded_pictures()
    names = installed_demos() if names is None else list(names)
    labels = _register_texts(names)
    # The page title is not translated by gr.I18n, so it is set from the browser's language by
    # page_js(); this plain title is what a link preview or a browser without JS sees.
    title = f'{i18n.message("suite.title", language="pl")} · {i18n.message("suite.title", language="en")}'
    with gr.Blocks(title=title, delete_cache=(3600, 3600), analytics_enabled=False) as app:
        if header:
            gr.Markdown(ui_text("suite.header"))
        # Every tab stays visible (wrapping onto a second row) rather than hiding in a "…" menu:
        # a lecture hall should see the whole course at a glance.
        with gr.Tabs(overflow_behavior="wrap"):
            for name in names:
                with gr.Tab(labels[name], id=name):
                    _build_tab(name)
        gr.Markdown(ui_text("suite.footer"))
    app.queue(max_size=QUEUE_MAX_SIZE, api_open=False,
              default_concurrency_limit=int(os.environ.get("GRADIO_DEFAULT_CONCURRENCY_LIMIT", DEFAULT_CONCURRENCY)))
    return app


def _cap_decoded_pictures() -> None:
    """Lower PIL's decompression-bomb limit (89 megapixels) to the lab's picture limit.

    Our own uploads are checked from the header by shared.validation.open_image; the sketchpad's
    drawing, though, is decoded by Gradio itself, and a crafted API call could post a small PNG
    that declares a huge canvas. PIL refuses to decode more than twice this limit.
    """
    from PIL import Image

    from shared.validation import MAX_IMAGE_PIXELS

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


def page_js() -> str:
    """Runs once when the page loads: the title in the browser's language, and the brush
    chosen on every digit sketchpad (shared.digit_input)."""
    from shared.digit_input import SELECT_BRUSH_JS

    titles = {lang: i18n.message("suite.title", language=lang) for lang in i18n.LANGUAGES}
    return ("() => { const lang = (navigator.language || '').toLowerCase().split('-')[0]; "
            f"const titles = {json.dumps(titles, ensure_ascii=False)}; "
            f"document.title = titles[lang] || titles['{i18n.DEFAULT_LANGUAGE}']; "
            f"{SELECT_BRUSH_JS} }}")


def launch_kwargs() -> dict:
    """The launch settings of the hardening checklist (../shared/notes/gradio-hf-facts.md)."""
    return dict(
        max_file_size=os.environ.get("LAB_MAX_FILE_SIZE", MAX_FILE_SIZE),
        show_error=False,  # unexpected exceptions reach the browser as a generic error, no traceback
        enable_monitoring=False,
        i18n=i18n.make_i18n(),
        theme=gr.themes.Soft(),
        css=CSS,
        js=page_js(),
        footer_links=["api", "settings"],
    )


def parse_args(argv: list[str] | None, available: list[str]) -> argparse.Namespace:
    env = os.environ
    parser = argparse.ArgumentParser(description="Deep learning in multimedia: interactive lab (Gradio)")
    parser.add_argument("--host", default=env.get("GRADIO_SERVER_NAME", "127.0.0.1"),
                        help="address to listen on (env GRADIO_SERVER_NAME; 0.0.0.0 for every interface)")
    parser.add_argument("--port", type=int, default=int(env.get("GRADIO_SERVER_PORT", 7860)),
                        help="port (env GRADIO_SERVER_PORT)")
    parser.add_argument("--share", action="store_true", default=env.get("GRADIO_SHARE", "").lower() in ("1", "true"),
                        help="also open a temporary public *.gradio.live link (env GRADIO_SHARE)")
    parser.add_argument("--demos", default=env.get("LAB_DEMOS", ""),
                        help="comma-separated subset of tabs, e.g. mnist_cnn,vae (env LAB_DEMOS); "
                             f"available: {','.join(available)}")
    parser.add_argument("--list-demos", action="store_true", help="print the available tabs and exit")
    args = parser.parse_args(argv)
    if args.demos:
        chosen = [d.strip() for d in args.demos.split(",") if d.strip()]
        unknown = [d for d in chosen if d not in available]
        if unknown:
            parser.error(f"unknown demo(s) {', '.join(unknown)}; available: {', '.join(available)}")
        args.demos = [d for d in available if d in chosen]  # keep lecture order
    else:
        args.demos = available
    return args


def main(default_demos: list[str] | None = None, argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    available = installed_demos() if default_demos is None else default_demos
    args = parse_args(argv, available)
    if args.list_demos:
        print("\n".join(available))
        return
    app = build_app(args.demos, header=len(args.demos) > 1)
    app.launch(server_name=args.host, server_port=args.port, share=args.share, **launch_kwargs())
