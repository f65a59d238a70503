"""Everything of ``shared`` that touches Gradio: the UI boundary of every event, translated text
for the page, and the widgets that several tabs build.

- Text: ``ui_text(key)`` is a label, placeholder or Markdown value that the browser translates
  (``gr.I18n``, from ``make_i18n``); messages made while an event runs follow the request's
  ``Accept-Language`` (installed into ``shared.i18n`` here).
- The boundary: ``@handler`` wraps every event function. A ``LabError`` becomes a translated
  ``gr.Error``; the GPU running out of memory becomes its message once the memory is back
  (``shared.run_control``). ``api`` registers an API-only endpoint (``gr.api``) through it.
- Widgets: ``component(control)`` builds the control declared in ``shared.controls``; the digit
  sketchpad and the draw/upload tabs of the digit tabs; the live-training panel; the model status
  line; the Stop button; the folding "advanced settings" accordion.

A tab's ``ui.py`` wires these to its compute modules, which never import Gradio.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypedDict

import gradio as gr
from gradio.context import LocalContext
from gradio.data_classes import FileData

from shared import i18n, models
from shared.controls import Choice, Control, Flag, Number, Text
from shared.errors import LabError
from shared.i18n import message, widget_key
from shared.run_control import StopSignals, out_of_memory_guard, session_of

# ---------------------------------------------------------------- text

def _request_language() -> str | None:
    request = LocalContext.request.get(None)
    headers = getattr(request, "headers", None)
    return None if headers is None else i18n.language_from_header(headers.get("accept-language"))


i18n.set_language_source(_request_language)


def ui_text(key: str) -> gr.i18n.I18nData:
    """A label, placeholder or Markdown value that the browser translates."""
    return gr.i18n.I18nData(i18n.require(key))


def make_i18n() -> gr.I18n:
    """The ``gr.I18n`` for ``launch(i18n=...)``, holding every registered table."""
    return gr.I18n(**i18n.tables())


def warn(key: str, **values) -> None:
    """A translated ``gr.Warning`` toast; the function goes on."""
    gr.Warning(message(key, **values))


# ---------------------------------------------------------------- the boundary of every event

@contextmanager
def _boundary():
    try:
        with out_of_memory_guard():
            yield
    except LabError as failure:
        # An expected failure with a message for the visitor, not a bug: no traceback in the log.
        raise gr.Error(failure.text(), print_exception=False) from None


def handler(fn: Callable) -> Callable:
    """The UI boundary of an event function (plain or generator): ``LabError`` → translated
    ``gr.Error``, GPU out of memory → its message. The signature stays the function's own, so
    Gradio still passes ``gr.Request`` and ``gr.Progress`` where it asks for them."""
    if getattr(fn, "lab_handler", False):
        return fn
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with _boundary():
                yield from fn(*args, **kwargs)
    else:
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            with _boundary():
                return fn(*args, **kwargs)
    wrapped.lab_handler = True
    return wrapped


def api(fn: Callable, *, api_name: str, **event) -> None:
    """An endpoint for API clients only, with no component of its own in the page (``gr.api``):
    Gradio documents its parameters, types and defaults from ``fn``'s signature, exactly as ``fn``
    accepts them. ``event``: concurrency settings and ``api_description`` (else ``fn``'s docstring)."""
    endpoint = handler(fn)
    # Gradio reads the types from the signature as objects; a module with postponed annotations
    # (``from __future__ import annotations``) holds them as strings.
    endpoint.__signature__ = inspect.signature(fn, eval_str=True)
    gr.api(endpoint, api_name=api_name, **event)


class Captioned(TypedDict):
    """One picture of a gallery, as an endpoint returns it."""

    image: FileData
    caption: str | None


# Made once, when this module loads: a component made while an event runs is only an update
# (Gradio's ``updateable``), never initialised, and cannot postprocess. Their postprocess keeps
# no state, so one of each serves every call.
_PNG_PICTURE = gr.Image(format="png", render=False)
_PNG_GALLERY = gr.Gallery(format="png", render=False)
_LABEL = gr.Label(render=False)
_FILE = gr.File(render=False)


def picture_file(picture) -> FileData:
    """A picture (PIL or array) as the PNG file an API-only endpoint returns."""
    return _PNG_PICTURE.postprocess(picture).model_dump()


def file_data(path: str) -> FileData:
    """A file on the server (a video, a sound) as the FileData an API-only endpoint returns."""
    return _FILE.postprocess(path).model_dump()


class Confidence(TypedDict):
    label: str
    confidence: float


class LabelValue(TypedDict):
    """What a ``gr.Label`` shows: the top class and every class with its probability."""

    label: str
    confidences: list[Confidence]


def label_value(confidences: dict[str, float]) -> LabelValue:
    """Class probabilities as the value a ``gr.Label`` output gives an API client."""
    return _LABEL.postprocess(confidences).model_dump()


def gallery_files(pictures: Sequence) -> list[Captioned]:
    """Pictures, or (picture, caption) pairs, as the PNG files of a gallery an endpoint returns."""
    return _PNG_GALLERY.postprocess(list(pictures)).model_dump()


# ---------------------------------------------------------------- controls

def component(control: Control, **layout) -> gr.components.Component:
    """The Gradio component of a declared control, with its translated label (and info line)."""
    common = dict(label=ui_text(control.key), **layout)
    if control.info_key:
        common["info"] = ui_text(control.info_key)
    if isinstance(control, Number):
        if control.step is not None:
            return gr.Slider(control.low, control.high, value=control.default, step=control.step, **common)
        return gr.Number(control.default, minimum=control.low, maximum=control.high,
                         precision=0 if control.integer else None, **common)
    if isinstance(control, Choice):
        names = control.names or [str(choice) for choice in control.choices]
        labels = [ui_text(control.label_key(choice)) if control.label_key(choice) else name
                  for choice, name in zip(control.choices, names, strict=True)]
        choices = list(zip(labels, control.choices, strict=True))
        kind = gr.Dropdown if control.dropdown else gr.Radio
        return kind(choices=choices, value=control.default, **common)
    if isinstance(control, Flag):
        return gr.Checkbox(value=control.default, **common)
    if isinstance(control, Text):
        if control.placeholder_key:
            common["placeholder"] = ui_text(control.placeholder_key)
        return gr.Textbox(value=control.default, lines=control.lines, max_length=control.max_chars, **common)
    raise TypeError(f"no component for {control!r}")


def check_within_page(control: Number, value: object, warning: str) -> int | float:
    """``control.check(value)``, then a value beyond the page's slider, which the API may send (up
    to the declaration's ``api_high``), brought back to the slider's end with the translated
    ``warning`` (its ``{value}``: what was asked, ``{limit}``: what is used)."""
    checked = control.check(value)
    if checked > control.high:
        warn(warning, value=checked, limit=control.high)
        return control.high
    return checked


# ---------------------------------------------------------------- layout

ADVANCED_CLASS = "lab-advanced"

# What a tab keeps in a gr.State (a filmstrip, the last run, a chosen digit) is let go an hour
# after it was last set; Gradio's clean-up (``delete_cache``'s hourly pass) frees it.
STATE_SECONDS = 3600


def advanced(label_key: str | None = None, *, demo: str | None = None, open: bool = False) -> gr.Accordion:
    """An accordion of settings that projector mode folds (``with advanced(...):``); its label is
    ``label_key``, or the shared word for "Settings" (the demo's own, where it has one)."""
    return gr.Accordion(ui_text(label_key or widget_key(demo, "settings")), open=open, elem_classes=[ADVANCED_CLASS])


def stop_button(demo: str, *, cancels: Sequence, signals: StopSignals | None = None, api_name: str,
                api_visibility: str = "private", label_key: str | None = None) -> gr.Button:
    """The Stop button: cancels ``cancels`` and, with ``signals``, ends this visitor's run inside
    its loop (between two steps), not only the stream to the page. ``label_key``: its words where
    a tab has more than one (else the demo's, or the shared "Stop")."""
    button = gr.Button(ui_text(label_key or widget_key(demo, "stop")), variant="stop")
    if signals is None:
        button.click(None, cancels=list(cancels), api_name=api_name, api_visibility=api_visibility, queue=False)
    else:
        @handler
        def stop(request: gr.Request) -> None:
            signals.stop(session_of(request))

        button.click(stop, None, None, cancels=list(cancels), api_name=api_name, api_visibility=api_visibility,
                     queue=False, show_progress="hidden")
    return button


def model_status(key: str) -> gr.Markdown:
    """A line in the tab naming the model (linked to its card) and whether it is loaded.

    Filled when the page opens, in the visitor's language; return ``models.status_markdown(key)``
    from an event to refresh it after a run, e.g. to show a loading failure.
    """
    line = gr.Markdown(elem_classes="lab-model-status")
    gr.on(triggers=None, fn=handler(lambda: models.status_markdown(key)), inputs=None, outputs=line,
          api_name=f"{key}_model_status", api_visibility="private", queue=False, show_progress="hidden")
    return line


# ---------------------------------------------------------------- digits: draw or upload

# The drawing canvas of every digit tab: a square page, a black pen about as thick, relative
# to the digit, as the pens MNIST was written with.
CANVAS_SIDE = 400
BRUSH_RADIUS = 14
SKETCHPAD_CLASS = "digit-sketchpad"

# Gradio's sketchpad opens with no tool chosen ("select the draw tool to start"), which loses
# the first stroke of everyone who just starts drawing, on a projector or a phone. This page
# script picks the brush (the first tool button) of every digit sketchpad as soon as it
# appears; tabs mount their content lazily, hence the observer.
SELECT_BRUSH_JS = f"""
const selectBrush = () => {{
  document.querySelectorAll('.{SKETCHPAD_CLASS}:not([data-brush-chosen])').forEach((pad) => {{
    const brush = pad.querySelector('button.quite-round') || pad.querySelector('button[aria-label="Brush"]');
    if (brush) {{ pad.setAttribute('data-brush-chosen', ''); brush.click(); }}
  }});
}};
new MutationObserver(selectBrush).observe(document.body, {{ childList: true, subtree: true }});
selectBrush();
"""


def digit_sketchpad(label: gr.i18n.I18nData, **extra) -> gr.Sketchpad:
    """The sketchpad every digit tab draws on; its value goes to ``shared.digit_input.digit_from_sketch``."""
    return gr.Sketchpad(
        label=label, type="pil", image_mode="RGBA", canvas_size=(CANVAS_SIDE, CANVAS_SIDE), fixed_canvas=True,
        layers=False, transforms=(), brush=gr.Brush(default_size=BRUSH_RADIUS, colors=["#000000"], color_mode="fixed"),
        buttons=["fullscreen"], elem_classes=[SKETCHPAD_CLASS], **extra)


def digit_input_tabs(demo: str, examples_dir: Path | None, *, sketch_height: int | None = None,
                     upload_height: int = 300, opened: gr.State | None = None) -> tuple[gr.Sketchpad, gr.Image]:
    """Two tabs, "draw" and "upload" (with the tab's example digits, where it has an
    ``examples_dir``), built inside the caller's layout; returns ``(sketchpad, upload)``. With
    ``opened``, that state follows which of the two tabs is open ("draw" or "upload")."""
    with gr.Tabs():
        with gr.Tab(ui_text(widget_key(demo, "digit.draw")), id=f"{demo}-draw") as draw_tab:
            sketch = digit_sketchpad(ui_text(widget_key(demo, "digit.sketchpad")), height=sketch_height)
        with gr.Tab(ui_text(widget_key(demo, "digit.upload_tab")), id=f"{demo}-upload") as upload_tab:
            upload = gr.Image(label=ui_text(widget_key(demo, "digit.upload")), type="filepath",
                              sources=["upload", "clipboard", "webcam"], buttons=[], height=upload_height)
            if examples_dir is not None:
                gr.Examples(examples=[[str(p)] for p in sorted(Path(examples_dir).glob("*.png"))], inputs=[upload],
                            label=ui_text(widget_key(demo, "digit.examples")), examples_per_page=12,
                            api_name=f"{demo}_load_example", api_visibility="private")
    if opened is not None:
        for tab, name in ((draw_tab, "draw"), (upload_tab, "upload")):
            tab.select(handler(lambda name=name: name), None, opened, api_name=f"{demo}_pick_{name}",
                       api_visibility="private", queue=False, show_progress="hidden")
    return sketch, upload


# ---------------------------------------------------------------- "train a little, live"

def live_training_panel(demo: str, train: Callable, *, explain: str, plot: str, preview: str,
                        seconds: Number, options: Callable[[], list] = list) -> None:
    """The "train a little, live" accordion of a tab, wired to ``train`` (a generator taking the
    options' values and the seconds, yielding status, plot and preview; see
    ``shared.live_training.stream``).

    ``explain``, ``plot`` and ``preview`` are the tab's own text keys; ``options`` makes the tab's
    own choices (e.g. the size of the code) in the first row. The events are ``<demo>_live_train``
    (public) and ``<demo>_live_stop``.
    """
    with gr.Accordion(ui_text(widget_key(demo, "live.heading")), open=False):
        gr.Markdown(ui_text(explain))
        with gr.Row():
            inputs = [*options(), component(seconds)]
        with gr.Row():
            start = gr.Button(ui_text(widget_key(demo, "live.start")), variant="primary")
            stop = gr.Button(ui_text(widget_key(demo, "stop")), variant="stop")
        status = gr.Markdown()
        with gr.Row():
            curves = gr.LinePlot(x="step", y="loss", color="curve", label=ui_text(plot), height=260)
            pictures = gr.Image(label=ui_text(preview), format="png", interactive=False, buttons=[])
    # preprocess=False: the values reach the controls' own checks as sent (translated messages; a
    # radio of numbers, which Gradio documents to API clients as text, accepted as "8" too).
    training = start.click(handler(train), inputs=inputs, outputs=[status, curves, pictures],
                           api_name=f"{demo}_live_train", concurrency_limit=1, concurrency_id=f"{demo}_live",
                           preprocess=False)
    stop.click(None, cancels=[training], api_name=f"{demo}_live_stop", api_visibility="private", queue=False)


def live_training_plot(demo: str, rows: list[dict], *, loss_title: str) -> gr.LinePlot:
    """The value of the live-training panel's loss plot: ``rows`` of step, loss and curve
    (``shared.live_training.loss_rows``) under the shared title of the step axis and the tab's
    ``loss_title``."""
    import pandas as pd

    return gr.LinePlot(value=pd.DataFrame(rows), x_title=message(widget_key(demo, "live.axis.step")),
                       y_title=loss_title)


def live_outputs_with_test_loss(demo: str, snapshot, *, budget: float, status: str, done: str, loss_title: str,
                                loss_format: str, shipped: float | None, columns: int) -> tuple:
    """The panel's three outputs (status, loss curves, preview) for a run measured by its loss on
    test digits, as the autoencoder's and the VAE's are: the training curve with the test loss of
    the untrained model before it, and the tab's ``status`` / ``done`` texts (``{step}``,
    ``{elapsed}``, ``{seconds}``, ``{loss}``; ``done`` also ``{shipped}``, the shipped model's)."""
    from shared import digit_pictures, live_training

    rows = live_training.loss_rows(snapshot.losses, [message(widget_key(demo, "live.curve.train"))],
                                   before=(snapshot.test_loss, message(widget_key(demo, "live.curve.test"))))
    plot = live_training_plot(demo, rows, loss_title=message(loss_title))
    preview = digit_pictures.grid_image(snapshot.preview.reshape(-1, 28, 28), columns=columns, scale=3)
    elapsed, loss = i18n.number(snapshot.elapsed, ".1f"), i18n.number(snapshot.test_loss, loss_format)
    if snapshot.done:
        shipped_text = "—" if shipped is None else i18n.number(shipped, loss_format)
        text = message(done, step=snapshot.step, elapsed=elapsed, loss=loss, shipped=shipped_text)
    else:
        text = message(status, step=snapshot.step, elapsed=elapsed, seconds=i18n.number(budget, ".0f"), loss=loss)
    return text, plot, preview
