"""The "Deep Dream & class visualisation" tab: two sub-tabs, one idea — change the pixels, not the weights.

Events (all validate their inputs; the API skips the page):
- ``class_visualize``: gradient ascent from noise, a blank field, an MNIST digit or a drawing
  towards one digit; the picture and the ten probabilities at every step.
- ``deep_dream_fool``: the smallest change that makes the network read another digit.
- ``deep_dream_show_step`` (private): the step chosen on the slider.
- ``deep_dream``: Deep Dream on a photo with GoogLeNet, streaming intermediate pictures.

Events with picture inputs use ``preprocess=False``: Gradio would otherwise open the files
itself and fail on a broken or oversized one with an untranslated error; here every file
goes through ``shared.validation.open_image``.
"""

from __future__ import annotations

import time
from pathlib import Path

import gradio as gr
import numpy as np

from deep_dream import pictures
from shared import models
from shared.device import on_gpu, pick_device
from shared.digit_input import digit_sketchpad, to_mnist
from shared.gpu import GPU_EVENT, gpu, out_of_memory_error
from shared.i18n import decimal_mark, error, message, number, ui_text, warn
from shared.validation import check_number, check_seed, open_image

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
MODEL_KEY = "deep_dream"
DIGITS = [str(d) for d in range(10)]
MNIST_TEST_SIZE = 10000
MIN_DIGIT_SIDE = 8
MIN_PHOTO_SIDE = 32
MAX_STEPS = 300
# Sizes and step counts that finish in about a minute on two CPU cores, and the larger ones a GPU affords.
CPU = dict(side=256, octaves=3, iterations=8, max_side=512)
GPU = dict(side=512, octaves=4, iterations=20, max_side=1024)
PREVIEW_EVERY = 2  # stream a picture every few steps; each one is a PNG sent to the browser


def hardware() -> dict:
    return GPU if on_gpu() else CPU


def build() -> None:
    with gr.Tabs():
        with gr.Tab(ui_text("deep_dream.tab.digits"), id="deep_dream-digits"):
            _build_digits()
        with gr.Tab(ui_text("deep_dream.tab.photo"), id="deep_dream-photo"):
            _build_photo()


# ---------------------------------------------------------------- MNIST: class visualisation, fool it

def _build_digits() -> None:
    gr.Markdown(ui_text("deep_dream.digits.explain"))
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            target = gr.Radio(DIGITS, value="1", label=ui_text("deep_dream.target"))
            start = gr.Radio([(ui_text(f"deep_dream.start.{k}"), k) for k in ("noise", "blank", "mnist", "drawing")],
                             value="noise", label=ui_text("deep_dream.start"),
                             info=ui_text("deep_dream.start.info"))
            mnist_index = gr.Slider(0, MNIST_TEST_SIZE - 1, value=0, step=1, label=ui_text("deep_dream.mnist_index"))
            digit_tab = gr.State("draw")
            with gr.Tabs():
                with gr.Tab(ui_text("deep_dream.tab.draw"), id="deep_dream-draw") as draw_tab:
                    sketch = digit_sketchpad(ui_text("deep_dream.sketchpad"))
                with gr.Tab(ui_text("deep_dream.tab.upload"), id="deep_dream-upload") as upload_tab:
                    upload = gr.Image(label=ui_text("deep_dream.upload"), type="filepath",
                                      sources=["upload", "clipboard", "webcam"], height=260, buttons=[])
            draw_tab.select(lambda: "draw", None, digit_tab, api_name="deep_dream_pick_draw",
                            api_visibility="private", queue=False, show_progress="hidden")
            upload_tab.select(lambda: "upload", None, digit_tab, api_name="deep_dream_pick_upload",
                              api_visibility="private", queue=False, show_progress="hidden")
            with gr.Accordion(ui_text("deep_dream.settings"), open=True):
                steps = gr.Slider(1, MAX_STEPS, value=60, step=1, label=ui_text("deep_dream.steps"))
                step_size = gr.Slider(0.01, 1.0, value=0.1, step=0.01, label=ui_text("deep_dream.step_size"),
                                      info=ui_text("deep_dream.step_size.info"))
                jitter = gr.Slider(0, 4, value=1, step=1, label=ui_text("deep_dream.jitter"),
                                   info=ui_text("deep_dream.jitter.info"))
                blur = gr.Slider(0.0, 1.5, value=0.0, step=0.1, label=ui_text("deep_dream.blur"),
                                 info=ui_text("deep_dream.blur.info"))
                l2 = gr.Slider(0.0, 0.2, value=0.0, step=0.005, label=ui_text("deep_dream.l2"),
                               info=ui_text("deep_dream.l2.info"))
                seed = gr.Number(0, precision=0, minimum=0, label=ui_text("deep_dream.seed"))
            visualize_button = gr.Button(ui_text("deep_dream.visualize"), variant="primary")
        with gr.Column(scale=5, min_width=320):
            filmstrip = gr.Gallery(label=ui_text("deep_dream.filmstrip"), columns=4, format="png",
                                   object_fit="contain", allow_preview=False)
            step_slider = gr.Slider(0, 60, value=0, step=1, label=ui_text("deep_dream.step"), interactive=True)
            with gr.Row():
                step_image = gr.Image(label=ui_text("deep_dream.step_image"), format="png", interactive=False,
                                      buttons=[], min_width=160)
                step_bars = gr.BarPlot(x="digit", y="probability", y_lim=[0, 1], sort=DIGITS,
                                       label=ui_text("deep_dream.bars"), height=224, min_width=200)
            step_text = gr.Markdown()
            curve = gr.LinePlot(x="step", y="probability", y_lim=[0, 1], label=ui_text("deep_dream.curve"),
                                height=220)
            with gr.Accordion(ui_text("deep_dream.numbers"), open=False):
                numbers = gr.JSON(label=ui_text("deep_dream.numbers"))
    trajectory = gr.State(None)

    gr.Markdown(ui_text("deep_dream.fool.explain"))
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            confidence = gr.Slider(0.5, 0.99, value=0.5, step=0.01, label=ui_text("deep_dream.confidence"),
                                   info=ui_text("deep_dream.confidence.info"))
            fool_button = gr.Button(ui_text("deep_dream.fool"), variant="primary")
            fool_text = gr.Markdown()
        with gr.Column(scale=5, min_width=320):
            with gr.Row():
                original = gr.Image(label=ui_text("deep_dream.original"), format="png", interactive=False,
                                    buttons=[], min_width=120)
                changed = gr.Image(label=ui_text("deep_dream.changed"), format="png", interactive=False,
                                   buttons=[], min_width=120)
                difference = gr.Image(label=ui_text("deep_dream.difference"), format="png", interactive=False,
                                      buttons=[], min_width=120)
            with gr.Row():
                before = gr.Label(label=ui_text("deep_dream.before"), num_top_classes=3)
                after = gr.Label(label=ui_text("deep_dream.after"), num_top_classes=3)

    digit_inputs = [start, mnist_index, sketch, upload, digit_tab]
    visualize_button.click(
        class_visualize, inputs=[target, *digit_inputs, steps, step_size, jitter, blur, l2, seed],
        outputs=[filmstrip, step_slider, step_image, step_bars, step_text, curve, numbers, trajectory],
        api_name="class_visualize", preprocess=False,
        api_description="Gradient ascent on the pixels of a 28×28 picture so that the MNIST CNN's "
                        "probability of the target digit grows; the picture and the ten probabilities at every step.")
    filmstrip.select(pick_frame, inputs=trajectory, outputs=[step_slider, step_image, step_bars, step_text],
                     api_name="deep_dream_pick_frame", api_visibility="private", show_progress="hidden")
    step_slider.release(show_step, inputs=[trajectory, step_slider], outputs=[step_image, step_bars, step_text],
                        api_name="deep_dream_show_step", api_visibility="private", show_progress="hidden")
    fool_button.click(
        fool_network, inputs=[target, *digit_inputs, confidence],
        outputs=[original, changed, difference, before, after, fool_text],
        api_name="deep_dream_fool", preprocess=False,
        api_description="The smallest change found to a digit that makes the MNIST CNN read the target digit.")


def class_visualize(target, start, mnist_index, sketch, upload, digit_tab, steps, step_size, jitter, blur, l2,
                    seed):
    """Everything the tab shows for one run of class visualisation."""
    from deep_dream.class_visualization import blank_start, noise_start, visualize_class

    target = _check_digit(target)
    steps = check_number(steps, message("deep_dream.steps.name"), 1, MAX_STEPS, integer=True)
    step_size = check_number(step_size, message("deep_dream.step_size.name"), 0.001, 1.0)
    jitter = check_number(jitter, message("deep_dream.jitter.name"), 0, 4, integer=True)
    blur = check_number(blur, message("deep_dream.blur.name"), 0.0, 1.5)
    l2 = check_number(l2, message("deep_dream.l2.name"), 0.0, 0.5)
    seed = check_seed(seed)
    kind = _check_start(start)
    if kind == "noise":
        first = noise_start(seed)
    elif kind == "blank":
        first = blank_start()
    else:
        first = _digit(kind, mnist_index, sketch, upload, digit_tab)
    run = visualize_class(_mnist_model(), first, target, steps=steps, step_size=step_size, jitter=jitter,
                          blur_sigma=blur, l2_decay=l2, seed=seed)
    shown = pictures.filmstrip_indices(len(run.images))
    frames = [(pictures.digit_picture(run.images[i], scale=4),
               message("deep_dream.frame", step=i, p=number(run.target_probability[i], ".2f"))) for i in shown]
    state = {"target": target, "images": run.images, "probabilities": run.probabilities, "frames": shown}
    curve = gr.LinePlot(value=pictures.curve_table(run.target_probability),
                        x_title=message("deep_dream.axis.step"),
                        y_title=message("deep_dream.axis.target", digit=target))
    numbers = {"target": target, "probabilities": np.round(run.probabilities, 4).tolist()}
    return (frames, gr.Slider(maximum=steps, value=steps), *_step_view(state, steps), curve, numbers, state)


def show_step(state, step):
    if not isinstance(state, dict):  # the slider was moved before any run: nothing to show yet
        return gr.skip(), gr.skip(), gr.skip()
    step = check_number(step, message("deep_dream.step.name"), 0, len(state["images"]) - 1, integer=True)
    return _step_view(state, step)


def pick_frame(state, selected: gr.SelectData):
    """A click on a filmstrip frame shows that step in full."""
    if not isinstance(state, dict) or not 0 <= selected.index < len(state["frames"]):
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    step = state["frames"][selected.index]
    return gr.Slider(value=step), *_step_view(state, step)


def _step_view(state: dict, step: int) -> tuple:
    probabilities = state["probabilities"][step]
    text = message("deep_dream.step_text", step=step, vector=pictures.probability_vector(probabilities, decimal_mark()),
                   digit=state["target"], p=number(probabilities[state['target']], ".2f"))
    bars = gr.BarPlot(value=pictures.probability_table(probabilities), x_title=message("deep_dream.axis.digit"),
                      y_title=message("deep_dream.axis.probability"))
    return pictures.digit_picture(state["images"][step]), bars, text


def fool_network(target, start, mnist_index, sketch, upload, digit_tab, confidence):
    from deep_dream.fool import fool

    target = _check_digit(target)
    confidence = check_number(confidence, message("deep_dream.confidence.name"), 0.5, 0.99)
    kind = _check_start(start)
    if kind not in ("mnist", "drawing"):
        raise error("deep_dream.fool.needs_digit")
    digit = _digit(kind, mnist_index, sketch, upload, digit_tab)
    result = fool(_mnist_model(), digit, target, confidence=confidence)
    before_answer = int(np.argmax(result.before))
    if result.steps == 0:
        summary = message("deep_dream.fool.already", digit=target)
    elif result.succeeded:
        summary = message("deep_dream.fool.done", before=before_answer, digit=target,
                          p=number(result.after[target], ".2f"), l2=number(result.l2, ".2f"),
                          largest=number(result.largest_change, ".2f"), pixels=result.pixels_changed)
    else:
        summary = message("deep_dream.fool.failed", digit=target, p=number(result.after[target], ".2f"))
    return (pictures.digit_picture(result.original), pictures.digit_picture(result.changed),
            pictures.difference_picture(result.difference), _confidences(result.before),
            _confidences(result.after), summary)


def _mnist_model():
    from shared.digit_classifier import shipped_model

    try:
        return shipped_model()
    except FileNotFoundError:
        raise error("deep_dream.weights_missing") from None


def _digit(kind: str, mnist_index, sketch, upload, digit_tab) -> np.ndarray:
    """The 28×28 digit a run starts from: an MNIST test digit or the person's picture."""
    if kind == "mnist":
        index = check_number(mnist_index, message("deep_dream.mnist_index.name"), 0, MNIST_TEST_SIZE - 1,
                             integer=True)
        from shared.mnist import MnistNotFound, load_mnist

        try:
            images, _ = load_mnist("test")
        except MnistNotFound:
            raise error("deep_dream.mnist_missing") from None
        return images[index].astype(np.float32) / 255.0
    composite, path = _sketch_path(sketch), _file_path(upload)
    # The open sub-tab decides which picture comes first; an empty canvas falls back to the upload.
    for source in ((path, composite) if digit_tab == "upload" else (composite, path)):
        if source is not None:
            digit = to_mnist(open_image(source, min_side=MIN_DIGIT_SIDE))
            if digit is not None:
                return digit
    raise error("deep_dream.draw_first")


def _check_digit(value) -> int:
    if str(value) not in DIGITS:
        raise error("deep_dream.bad_choice", name=message("deep_dream.target.name"), choices=", ".join(DIGITS))
    return int(value)


def _check_start(value) -> str:
    kinds = ("noise", "blank", "mnist", "drawing")
    if value not in kinds:
        raise error("deep_dream.bad_choice", name=message("deep_dream.start.name"), choices=", ".join(kinds))
    return value


def _file_path(file_data) -> str | None:
    """The path of an uploaded file as Gradio hands it over unprocessed (FileData), or None."""
    if file_data is None:
        return None
    path = file_data.get("path") if isinstance(file_data, dict) else None
    if not isinstance(path, str) or not path:
        raise error("shared.image.not_image")
    return path


def _sketch_path(sketch) -> str | None:
    """The flattened drawing of an unprocessed Sketchpad value, or None when there is none."""
    if sketch is None:
        return None
    if not isinstance(sketch, dict):
        raise error("shared.image.not_image")
    return _file_path(sketch.get("composite"))


def _confidences(probabilities: np.ndarray) -> dict[str, float]:
    return {d: float(p) for d, p in zip(DIGITS, probabilities)}


# ---------------------------------------------------------------- photos: Deep Dream with GoogLeNet

def _build_photo() -> None:
    from deep_dream.dream import DEFAULT_LAYER, LAYERS

    defaults = hardware()
    gr.Markdown(ui_text("deep_dream.photo.explain"))
    models.status_component(MODEL_KEY)
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            photo = gr.Image(label=ui_text("deep_dream.photo"), type="filepath",
                             sources=["upload", "clipboard", "webcam"], height=300, buttons=[])
            gr.Examples(examples=[[str(p)] for p in sorted(EXAMPLES_DIR.glob("*.jpg"))], inputs=[photo],
                        label=ui_text("deep_dream.examples"), api_name="deep_dream_load_example",
                        api_visibility="private")
            layer = gr.Dropdown([(ui_text(f"deep_dream.layer.{name}"), name) for name in LAYERS],
                                value=DEFAULT_LAYER, label=ui_text("deep_dream.layer"),
                                info=ui_text("deep_dream.layer.info"))
            with gr.Accordion(ui_text("deep_dream.settings"), open=True):
                side = gr.Slider(128, defaults["max_side"], value=defaults["side"], step=32,
                                 label=ui_text("deep_dream.side"), info=ui_text("deep_dream.side.info"))
                octaves = gr.Slider(1, 6, value=defaults["octaves"], step=1, label=ui_text("deep_dream.octaves"),
                                    info=ui_text("deep_dream.octaves.info"))
                octave_scale = gr.Slider(1.2, 1.8, value=1.4, step=0.05, label=ui_text("deep_dream.octave_scale"))
                iterations = gr.Slider(1, 50, value=defaults["iterations"], step=1,
                                       label=ui_text("deep_dream.iterations"))
                dream_step = gr.Slider(0.002, 0.05, value=0.01, step=0.001, label=ui_text("deep_dream.dream_step"),
                                       info=ui_text("deep_dream.dream_step.info"))
                dream_jitter = gr.Slider(0, 64, value=16, step=1, label=ui_text("deep_dream.dream_jitter"),
                                         info=ui_text("deep_dream.jitter.info"))
                dream_seed = gr.Number(0, precision=0, minimum=0, label=ui_text("deep_dream.seed"))
            with gr.Row():
                run = gr.Button(ui_text("deep_dream.dream"), variant="primary")
                stop = gr.Button(ui_text("deep_dream.stop"), variant="stop")
        with gr.Column(scale=5, min_width=320):
            result = gr.Image(label=ui_text("deep_dream.result"), format="png", interactive=False,
                              buttons=["download", "fullscreen"])
            dream_text = gr.Markdown()
            dream_strip = gr.Gallery(label=ui_text("deep_dream.dream_filmstrip"), columns=4, height=200,
                                     format="jpeg", object_fit="contain")
    event = run.click(deep_dream, inputs=[photo, layer, octaves, octave_scale, iterations, dream_step, dream_jitter,
                                          side, dream_seed],
                      outputs=[result, dream_strip, dream_text], api_name="deep_dream", preprocess=False,
                      api_description="Deep Dream on a photo with GoogLeNet: streams the picture as it changes.",
                      **GPU_EVENT)
    stop.click(None, None, None, cancels=[event], api_name="deep_dream_stop", api_visibility="private",
               queue=False)


def deep_dream(photo, layer, octaves, octave_scale, iterations, step_size, jitter, side, seed,
               progress=gr.Progress()):
    """Stream (picture, filmstrip, text) while the dream runs; the last yield is the result."""
    from deep_dream.dream import LAYERS

    path = _file_path(photo)
    if path is None:
        raise error("shared.image.missing")
    if layer not in LAYERS:
        raise error("deep_dream.bad_choice", name=message("deep_dream.layer.name"), choices=", ".join(LAYERS))
    octaves = check_number(octaves, message("deep_dream.octaves.name"), 1, 6, integer=True)
    octave_scale = check_number(octave_scale, message("deep_dream.octave_scale.name"), 1.1, 2.0)
    iterations = check_number(iterations, message("deep_dream.iterations.name"), 1, 50, integer=True)
    step_size = check_number(step_size, message("deep_dream.dream_step.name"), 0.0005, 0.1)
    jitter = check_number(jitter, message("deep_dream.dream_jitter.name"), 0, 64, integer=True)
    side = check_number(side, message("deep_dream.side.name"), 64, GPU["max_side"], integer=True)
    seed = check_seed(seed)
    limit = hardware()["max_side"]
    if side > limit:
        warn("deep_dream.side.capped", side=side, limit=limit)
        side = limit
    image = pictures.fit_photo(open_image(path, min_side=MIN_PHOTO_SIDE), side)
    yield from _dream_on_device(image, layer, octaves, octave_scale, iterations, step_size, jitter, seed, progress)


@gpu(duration=120)
def _dream_on_device(image, layer, octaves, octave_scale, iterations, step_size, jitter, seed, progress):
    import torch

    from deep_dream.dream import dream, load_googlenet, octave_sizes

    # float32 even on a GPU: the network is small, and the normalised gradient of a tiny
    # objective loses its precision in half precision.
    device = pick_device()
    model = models.load(MODEL_KEY, lambda ident: load_googlenet(ident, device))
    sizes = octave_sizes(image.shape[0], image.shape[1], octaves, octave_scale)
    total = len(sizes) * iterations
    strip = [(pictures.photo_picture(image), message("deep_dream.original_photo"))]
    started = time.perf_counter()
    done = 0
    try:
        for step in dream(model, image, layer, octaves, octave_scale, iterations, step_size, jitter, seed, device):
            done += 1
            progress((done, total), desc=message("deep_dream.progress", octave=step.octave + 1, octaves=len(sizes)))
            last_of_octave = step.iteration == iterations - 1
            picture = pictures.photo_picture(step.image)
            if last_of_octave:
                strip.append((picture, message("deep_dream.octave_frame", octave=step.octave + 1,
                                                  height=picture.shape[0], width=picture.shape[1])))
            if done == total:
                break
            if last_of_octave or done % PREVIEW_EVERY == 0:
                yield picture, strip, message("deep_dream.dream_running", done=done, total=total)
    except torch.OutOfMemoryError:
        raise out_of_memory_error() from None
    seconds = time.perf_counter() - started
    yield picture, strip, message("deep_dream.dream_done", height=picture.shape[0], width=picture.shape[1],
                                  octaves=len(sizes), steps=total, seconds=number(seconds, ".1f"),
                                  device=device.type.upper())
