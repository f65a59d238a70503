"""Deep learning in multimedia: the interactive lab, every demo of ``spaces/`` in one Gradio app.

    python app.py                      # http://127.0.0.1:7860
    python app.py --host 0.0.0.0 --port 8080 --share --demos mnist_cnn,vae

The page: a lecture map first, then the lecture's sections (``shared.demos.SECTIONS``), each a
row of tabs, one per demo. ``/?tab=<demo>`` (or ``/?tab=<section>``) opens that tab, and
``/?projector=1`` starts in projector mode (larger type, advanced settings folded). What a
demo is and how to add one: CONTRIBUTING.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Gradio imports IPython, when it is installed, only to offer notebook magics; the server
# never uses them, and skipping the import saves about half a second of every start.
sys.modules.setdefault("IPython", None)
# The Space runs this file without installing the project: make shared/ and the demos importable.
REPO_ROOT = Path(__file__).resolve().parent
for _folder in (REPO_ROOT / "spaces", REPO_ROOT):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

import argparse
import importlib
import json
import logging
import os

import gradio as gr

from shared import demos, i18n, server, ui
from shared.demos import SECTIONS, Demo
from shared.texts import Family, TextsError, demo_key
from shared.ui import ui_text

# The queue's size as Gradio holds it; shared.server's door turns jobs away first (at
# server.QUEUE_LIMIT), in the visitor's language, and caps what one visitor may queue.
QUEUE_MAX_SIZE = server.GRADIO_QUEUE_SIZE
MAX_FILE_SIZE = "50mb"
# Light CPU events (a sketch being classified) serve several people at once; every event
# that needs the GPU is registered with **shared.gpu.GPU_EVENT instead (one at a time).
DEFAULT_CONCURRENCY = 4
MAP_TAB = "map"

SECTION_TITLES = Family("suite.section", SECTIONS)
SECTION_ABOUT = Family("suite.about", SECTIONS)

log = logging.getLogger("lab")

CSS = """
.lab-intro { font-size: 1.05em; }
.lab-unavailable { border-left: 4px solid #d97706; padding-left: 0.75em; }
.lab-card { border: 1px solid var(--border-color-primary); border-radius: var(--radius-lg); padding: 10px 12px; }
.lab-card p { margin: 4px 0 0 0; }
.lab-map-section .prose, .lab-map-section p { font-size: 1.25em; font-weight: 700; margin-top: 0.5em; }
#lab-projector { max-width: 26em; margin-left: auto; margin-right: 0; }
footer { flex-wrap: wrap; }
body.lab-projector .gradio-container { zoom: 1.3; }
/* A phone is no projector; its screen needs every pixel. */
@media (max-width: 600px) {
  #lab-projector { display: none; }
  .gradio-container { padding-left: 6px !important; padding-right: 6px !important; }
}
"""


def _register_texts(chosen: list[Demo]) -> dict[str, object]:
    """Add each demo's texts.yaml to the tables; return the tab labels (its name where it has none)."""
    labels: dict[str, object] = {}
    for demo in chosen:
        try:
            demos.register_texts(demo)
            labels[demo.name] = ui_text(demo_key(demo.name, "title"))
        except (OSError, TypeError, KeyError, TextsError, ValueError):
            log.exception("demo %s has no usable texts.yaml", demo.name)
            labels[demo.name] = demo.name
    return labels


def _build_tab(demo: Demo) -> None:
    """Fill the current tab with the demo, or with a clear note on why it cannot run."""
    if demo.import_error:
        # The reason (an exception) is for whoever runs the server, not for the visitor.
        log.error("demo %s could not be imported: %s", demo.name, demo.import_error)
        _unavailable("suite.unavailable.broken", f"`{demo.name}`")
        return
    if i18n.has(demo_key(demo.name, "intro")):
        gr.Markdown(ui_text(demo_key(demo.name, "intro")), elem_classes="lab-intro")
    missing = demo.missing_packages()
    if missing:
        _unavailable("suite.unavailable.missing_package", "`pip install " + " ".join(missing) + "`")
        return
    with gr.Column() as body:
        try:
            importlib.import_module(f"{demo.name}.ui").build()
        except Exception:  # a broken demo must not take the suite down
            log.exception("demo %s could not be built", demo.name)
            body.visible = False
            _unavailable("suite.unavailable.broken", f"`{demo.name}`")


def _unavailable(key: str, detail: str) -> None:
    gr.Markdown(ui_text(key), elem_classes="lab-unavailable")
    gr.Markdown(detail)


def _lecture_map(sections: dict[str, list[Demo]], labels: dict) -> list[tuple[gr.Button, Demo]]:
    """Every topic of the lecture with a line about it; returns each topic's button, which the
    navigation wires to open its tab."""
    buttons = []
    gr.Markdown(ui_text("suite.map.intro"))
    for section, members in sections.items():
        gr.Markdown(ui_text(SECTION_TITLES.key(section)), elem_classes="lab-map-section")
        gr.Markdown(ui_text(SECTION_ABOUT.key(section)))
        with gr.Row(equal_height=True):
            for demo in members:
                with gr.Column(min_width=220, elem_classes="lab-card"):
                    button = gr.Button(labels[demo.name], variant="primary", size="md",
                                       elem_id=f"lab-map-{demo.name}")
                    if i18n.has(demo_key(demo.name, "teaser")):
                        gr.Markdown(ui_text(demo_key(demo.name, "teaser")))
                buttons.append((button, demo))
    return buttons


def build_app(names: list[str] | None = None, *, header: bool = True) -> gr.Blocks:
    """One Blocks with a tab per demo in ``names`` (default: every installed demo), grouped into
    the lecture's sections behind a lecture map; a single demo is shown on its own."""
    _cap_decoded_pictures()
    chosen = demos.installed() if names is None else demos.in_lecture_order([demos.describe(n) for n in names])
    labels = _register_texts(chosen)
    sections = demos.by_section(chosen)
    # The page title is not translated by gr.I18n, so it is set from the browser's language by
    # page_js(); this plain title is what a link preview or a browser without JS sees.
    title = f'{i18n.message("suite.title", language="pl")} · {i18n.message("suite.title", language="en")}'
    with gr.Blocks(title=title, delete_cache=(3600, 3600), analytics_enabled=False) as app:
        if header:
            gr.Markdown(ui_text("suite.header"))
            projector = gr.Checkbox(False, label=ui_text("suite.projector"), info=ui_text("suite.projector.info"),
                                    container=False, elem_id="lab-projector")
        if len(chosen) == 1:
            with gr.Tabs():
                with gr.Tab(labels[chosen[0].name], id=chosen[0].name):
                    _build_tab(chosen[0])
        else:
            _navigation(app, sections, labels)
        gr.Markdown(ui_text("suite.footer"))
        if header:
            _projector_mode(app, projector)
    app.queue(max_size=QUEUE_MAX_SIZE, api_open=False,
              default_concurrency_limit=int(os.environ.get("GRADIO_DEFAULT_CONCURRENCY_LIMIT", DEFAULT_CONCURRENCY)))
    return app


def _navigation(app: gr.Blocks, sections: dict[str, list[Demo]], labels: dict) -> None:
    """The lecture map and a tab per section, each holding its demos' tabs; deep links."""
    inner: dict[str, gr.Tabs] = {}
    # Every tab stays visible (wrapping onto a second row) rather than hiding in a "…" menu:
    # a lecture hall should see the whole course at a glance.
    with gr.Tabs(overflow_behavior="wrap", elem_id="lab-sections") as outer:
        with gr.Tab(ui_text("suite.map"), id=MAP_TAB):
            map_buttons = _lecture_map(sections, labels)
        for section, members in sections.items():
            with gr.Tab(ui_text(SECTION_TITLES.key(section)), id=section):
                with gr.Tabs(overflow_behavior="wrap") as inner[section]:
                    for demo in members:
                        with gr.Tab(labels[demo.name], id=demo.name):
                            _build_tab(demo)
    for button, demo in map_buttons:
        button.click(ui.handler(lambda section=demo.section, name=demo.name: (gr.Tabs(selected=section),
                                                                               gr.Tabs(selected=name))),
                     None, [outer, inner[demo.section]], api_name=f"map_open_{demo.name}",
                     api_visibility="private", queue=False, show_progress="hidden")

    where = {demo.name: demo.section for members in sections.values() for demo in members}

    targets = [outer, *inner.values()]

    @ui.handler
    def open_from_link(request: gr.Request):
        """``?tab=<demo>`` or ``?tab=<section>``: select that tab (and its section) on arrival."""
        wanted = (request.query_params.get("tab") or "").strip() if request else ""
        updates = [gr.skip()] * len(targets)
        if wanted in where:
            updates[0] = gr.Tabs(selected=where[wanted])
            updates[1 + list(inner).index(where[wanted])] = gr.Tabs(selected=wanted)
        elif wanted in inner:
            updates[0] = gr.Tabs(selected=wanted)
        return tuple(updates)

    app.load(open_from_link, None, targets, api_name="open_from_link", api_visibility="private", queue=False,
             show_progress="hidden")


def _projector_mode(app: gr.Blocks, toggle: gr.Checkbox) -> None:
    """Projector mode: larger type (a class on the page) and every advanced-settings accordion
    folded; turned off, each one opens again as it was made. ``?projector=1`` starts in it."""
    accordions = [block for block in app.blocks.values()
                  if isinstance(block, gr.Accordion) and ui.ADVANCED_CLASS in (block.elem_classes or [])]
    defaults = [bool(block.open) for block in accordions]

    @ui.handler
    def fold(on: bool):
        return tuple(gr.Accordion(open=False if on else default) for default in defaults)

    toggle.change(fold, toggle, accordions, api_name="projector_mode", api_visibility="private", queue=False,
                  show_progress="hidden",
                  js="(on) => { document.body.classList.toggle('lab-projector', Boolean(on)); return on; }")

    @ui.handler
    def from_link(request: gr.Request):
        wanted = (request.query_params.get("projector") or "") if request else ""
        return True if wanted.lower() in ("1", "true", "on", "yes") else gr.skip()

    app.load(from_link, None, toggle, api_name="projector_from_link", api_visibility="private", queue=False,
             show_progress="hidden")


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
    chosen on every digit sketchpad (shared.ui)."""
    titles = {lang: i18n.message("suite.title", language=lang) for lang in i18n.LANGUAGES}
    return ("() => { const lang = (navigator.language || '').toLowerCase().split('-')[0]; "
            f"const titles = {json.dumps(titles, ensure_ascii=False)}; "
            f"document.title = titles[lang] || titles['{i18n.DEFAULT_LANGUAGE}']; "
            f"{ui.SELECT_BRUSH_JS} }}")


def launch_kwargs() -> dict:
    """The launch settings of the hardening checklist (../shared/notes/gradio-hf-facts.md)."""
    return dict(
        max_file_size=os.environ.get("LAB_MAX_FILE_SIZE", MAX_FILE_SIZE),
        show_error=False,  # unexpected exceptions reach the browser as a generic error, no traceback
        enable_monitoring=False,
        i18n=ui.make_i18n(),
        theme=gr.themes.Soft(),
        css=CSS,
        js=page_js(),
        footer_links=["api", "settings"],
        app_kwargs=server.launch_settings(),
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


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    available = demos.names()
    args = parse_args(argv, available)
    if args.list_demos:
        print("\n".join(available))
        return
    app = build_app(None if args.demos == available else args.demos, header=len(args.demos) > 1)
    app.launch(server_name=args.host, server_port=args.port, share=args.share, **launch_kwargs())


if __name__ == "__main__":
    main()
