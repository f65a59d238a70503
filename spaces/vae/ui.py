"""The "VAE" tab: the 2-D latent map (click or sliders → decoded digit), digits similar to the
person's, a morph between two digits, samples from the prior, and live training.

Public API: ``vae_decode`` (latent point → image), ``vae_similar``, ``vae_interpolate``,
``vae_sample``; the rest is private wiring of the page.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr
import numpy as np
import pandas as pd

from shared.cpu import single_threaded
from shared.gpu import gpu
from shared.i18n import error, message, number, ui_text
from shared.validation import check_finite_array, check_number, check_seed
from vae import checkpoint, latent, live
from shared import digit_pictures, live_training
from shared.digit_input import digit_from_sketch, digit_from_upload, digit_input_tabs

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
MAX_LATENT = 10.0  # |z| beyond this is far outside anything the decoder was trained on
MAX_SPREAD = 5.0
MAX_COUNT = 64
MIN_STEPS, MAX_STEPS = 2, 24
GALLERY_SCALE = 4
DEFAULT_SECOND = EXAMPLES_DIR / "mnist_test_0061_digit_8.png"


def build() -> None:
    digit_state = gr.State(None)
    second_state = gr.State(None)
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            sketch, upload = digit_input_tabs("vae", EXAMPLES_DIR)
        with gr.Column(scale=4, min_width=280):
            hint = gr.Markdown(ui_text("vae.hint.empty"))
            seen = gr.Image(label=ui_text("vae.seen"), format="png", interactive=False, height=200, buttons=[])
            region = gr.Markdown()

    with gr.Accordion(ui_text("vae.map.heading"), open=True):
        gr.Markdown(ui_text("vae.map.explain"))
        with gr.Row(equal_height=False):
            map_image = gr.Image(label=ui_text("vae.map"), format="png", interactive=False, buttons=["fullscreen"],
                                 scale=3)
            with gr.Column(scale=2, min_width=240):
                z1 = gr.Slider(-latent.MAP_SPAN, latent.MAP_SPAN, value=0.0, step=0.05, label=ui_text("vae.z1"))
                z2 = gr.Slider(-latent.MAP_SPAN, latent.MAP_SPAN, value=0.0, step=0.05, label=ui_text("vae.z2"))
                decoded = gr.Image(label=ui_text("vae.decoded"), format="png", interactive=False, height=240,
                                   buttons=[])

    with gr.Accordion(ui_text("vae.similar.heading"), open=True):
        gr.Markdown(ui_text("vae.similar.explain"))
        with gr.Row():
            spread = gr.Slider(0.0, 3.0, value=1.0, step=0.1, label=ui_text("vae.spread"))
            similar_seed = gr.Number(value=0, precision=0, minimum=0, label=ui_text("shared.seed"))
        similar_gallery = gr.Gallery(label=ui_text("vae.similar"), columns=8, height="auto", format="png",
                                     object_fit="contain")

    with gr.Accordion(ui_text("vae.interpolate.heading"), open=True):
        gr.Markdown(ui_text("vae.interpolate.explain"))
        with gr.Row(equal_height=False):
            with gr.Column(scale=1, min_width=220):
                second = gr.Image(label=ui_text("vae.second"), type="filepath", value=str(DEFAULT_SECOND),
                                  sources=["upload", "clipboard"], height=200, buttons=[])
                gr.Examples(examples=[[str(p)] for p in sorted(EXAMPLES_DIR.glob("mnist_test_*.png"))],
                            inputs=[second], examples_per_page=10, api_name="vae_load_second",
                            api_visibility="private")
                steps = gr.Slider(MIN_STEPS, 16, value=10, step=1, label=ui_text("vae.steps"))
            strip = gr.Image(label=ui_text("vae.strip"), format="png", interactive=False, buttons=[], scale=3)

    with gr.Accordion(ui_text("vae.prior.heading"), open=True):
        gr.Markdown(ui_text("vae.prior.explain"))
        with gr.Row():
            prior_dims = gr.Radio(choices=[(ui_text("vae.prior.model.2"), 2), (ui_text("vae.prior.model.32"), 32)],
                                  value=32, label=ui_text("vae.prior.model"))
            prior_count = gr.Slider(1, 32, value=16, step=1, label=ui_text("vae.count"))
            prior_seed = gr.Number(value=0, precision=0, minimum=0, label=ui_text("shared.seed"))
            prior_button = gr.Button(ui_text("vae.prior.generate"), variant="primary")
        prior_gallery = gr.Gallery(label=ui_text("vae.prior"), columns=8, height="auto", format="png",
                                   object_fit="contain")

    with gr.Accordion(ui_text("vae.how.heading"), open=False):
        how = gr.Markdown()

    live_training.panel("vae", live_train, default_seconds=30, options=lambda: [
        gr.Radio(choices=[2, 32], value=2, label=ui_text("vae.live.dims"))])

    # --- the page's own wiring (private) ---
    taken = [hint, seen, region, digit_state]
    after_digit = dict(fn=refresh_for_digit, inputs=[digit_state, second_state, spread, similar_seed, steps, z1, z2],
                       outputs=[map_image, similar_gallery, strip], show_progress="hidden", api_visibility="private")
    sketch.change(take_sketch, inputs=sketch, outputs=taken, api_name="vae_sketch", api_visibility="private",
                  trigger_mode="always_last", show_progress="hidden").then(api_name="vae_sketch_refresh", **after_digit)
    upload.change(take_upload, inputs=upload, outputs=taken, api_name="vae_upload", api_visibility="private",
                  preprocess=False).then(api_name="vae_upload_refresh", **after_digit)
    second.change(take_second, inputs=second, outputs=second_state, api_name="vae_second", api_visibility="private",
                  preprocess=False).then(morph, inputs=[digit_state, second_state, steps], outputs=strip,
                                         api_name="vae_second_refresh", api_visibility="private", show_progress="hidden")
    gr.on([z1.change, z2.change], decode_point, inputs=[z1, z2], outputs=[decoded, map_image],
          api_name="vae_decode_point", api_visibility="private", trigger_mode="always_last", show_progress="hidden")
    map_image.select(click_map, inputs=None, outputs=[z1, z2], api_name="vae_map_click", api_visibility="private")
    gr.on([spread.change, similar_seed.change], similar_for_state, inputs=[digit_state, spread, similar_seed],
          outputs=similar_gallery, api_name="vae_similar_refresh", api_visibility="private",
          trigger_mode="always_last", show_progress="hidden")
    steps.change(morph, inputs=[digit_state, second_state, steps], outputs=strip, api_name="vae_steps_refresh",
                 api_visibility="private", trigger_mode="always_last", show_progress="hidden")
    prior_button.click(sample_prior, inputs=[prior_dims, prior_count, prior_seed], outputs=prior_gallery,
                       api_name="vae_sample_ui", api_visibility="private")
    gr.on(triggers=None, fn=page_opened, inputs=None, outputs=[how, second_state, map_image, decoded],
          api_name="vae_page", api_visibility="private", show_progress="hidden")

    # --- the public API without buttons of its own ---
    api_latent = gr.JSON(visible=False)
    api_decoded = gr.Image(visible=False, format="png")
    api_image = gr.Image(visible=False, type="filepath")
    api_image_b = gr.Image(visible=False, type="filepath")
    api_number = gr.Number(visible=False)
    api_number_b = gr.Number(visible=False)
    api_number_c = gr.Number(visible=False)
    api_gallery = gr.Gallery(visible=False, format="png")
    api_strip = gr.Image(visible=False, format="png")
    gr.Button(visible=False).click(api_decode, inputs=api_latent, outputs=api_decoded, api_name="vae_decode",
                                   api_description="A latent point (a list of 2 or 32 numbers, each within ±10) in; "
                                                   "the 28×28 digit the VAE of that size decodes there out.")
    gr.Button(visible=False).click(sample_prior, inputs=[api_number, api_number_b, api_number_c], outputs=api_gallery,
                                   api_name="vae_sample",
                                   api_description="Digits decoded from random points of the prior N(0, I): latent "
                                                   "size (2 or 32), how many (1-64), seed.")
    gr.Button(visible=False).click(api_similar, inputs=[api_image, api_number, api_number_b, api_number_c],
                                   outputs=api_gallery, api_name="vae_similar", preprocess=False,
                                   api_description="A picture of a digit, a spread (0-5), how many (1-64) and a seed "
                                                   "in; digits decoded around it out.")
    gr.Button(visible=False).click(api_interpolate, inputs=[api_image, api_image_b, api_number], outputs=api_strip,
                                   api_name="vae_interpolate", preprocess=False,
                                   api_description="Two pictures of digits and a number of steps (2-24) in; the "
                                                   "strip of digits decoded along the line between them out.")


def _weights(fn, *args):
    try:
        return fn(*args)
    except FileNotFoundError:
        raise error("vae.weights_missing") from None


def _gallery(digits: np.ndarray) -> list:
    return [digit_pictures.digit_image(d, scale=GALLERY_SCALE) for d in digits]


# --- the page ---

@single_threaded
def take_sketch(sketch: dict | None):
    return _take(digit_from_sketch(sketch))


@single_threaded
def take_upload(file_data: dict | None):
    return _take(digit_from_upload(file_data))


def _take(digit: np.ndarray | None):
    if digit is None:
        return message("vae.hint.empty"), None, "", None
    mean, std = _weights(latent.encode, digit, checkpoint.MAP_MODEL)
    region = message("vae.your_region", z1=number(mean[0], ".2f"), z2=number(mean[1], ".2f"), s1=number(std[0], ".2f"),
                     s2=number(std[1], ".2f"))
    return "", digit_pictures.digit_image(digit), region, digit


@single_threaded
def take_second(file_data: dict | None):
    return digit_from_upload(file_data)


@single_threaded
def refresh_for_digit(digit, second, spread, seed, steps, z1, z2):
    marker = _weights(latent.encode, digit, checkpoint.MAP_MODEL)[0] if digit is not None else None
    if marker is None and z1 is not None and z2 is not None:
        marker = np.array([float(z1), float(z2)])
    return latent.latent_map(marker), similar_for_state(digit, spread, seed), morph(digit, second, steps)


@single_threaded
def page_opened():
    second = digit_from_upload(str(DEFAULT_SECOND))
    try:
        first_map, first_digit = latent.latent_map(np.zeros(2)), digit_pictures.digit_image(latent.decode(np.zeros((1, 2)), checkpoint.MAP_MODEL)[0])
    except FileNotFoundError:
        first_map = first_digit = None
    return explain_metrics(), second, first_map, first_digit


@single_threaded
def decode_point(z1: object, z2: object):
    point = check_finite_array([check_number(z1, "z₁", -MAX_LATENT, MAX_LATENT),
                                check_number(z2, "z₂", -MAX_LATENT, MAX_LATENT)], "z", limit=MAX_LATENT)
    image = _weights(latent.decode, point[None], checkpoint.MAP_MODEL)[0]
    return digit_pictures.digit_image(image), latent.latent_map(point)


def click_map(evt: gr.SelectData):
    index = evt.index if isinstance(evt.index, (list, tuple)) and len(evt.index) == 2 else (latent.MAP_SIDE / 2,) * 2
    return latent.map_to_latent(float(index[0]), float(index[1]))


@single_threaded
def similar_for_state(digit, spread: object, seed: object):
    if digit is None:
        return None
    spread = check_number(spread, message("vae.spread_name"), 0.0, MAX_SPREAD)
    return _gallery(_weights(latent.similar, digit, spread, 16, check_seed(seed)))


@single_threaded
def morph(digit, second, steps: object):
    if digit is None or second is None:
        return None
    steps = check_number(steps, message("vae.steps_name"), MIN_STEPS, MAX_STEPS, integer=True)
    return digit_pictures.grid_image(_weights(latent.interpolate, digit, second, steps), columns=steps, scale=3)


@single_threaded
def sample_prior(dims: object, count: object, seed: object):
    dims = check_number(dims, message("vae.latent_dims"), 1, 1024, integer=True)
    if dims not in (2, 32):
        raise error("vae.bad_dims", value=dims)
    count = check_number(count, message("vae.count_name"), 1, MAX_COUNT, integer=True)
    name = checkpoint.MAP_MODEL if dims == 2 else checkpoint.QUALITY_MODEL
    return _gallery(_weights(latent.prior_samples, name, count, check_seed(seed)))


def explain_metrics() -> str:
    models = checkpoint.shipped_metrics().get("models", {})
    parts = [message("vae.metric", dims=entry["latent_dim"], nats=number(entry["test_negative_elbo"], ".1f"),
                     reconstruction=number(entry["test_reconstruction"], ".1f"), kl=number(entry["test_kl"], ".1f"))
             for name in checkpoint.LATENT_DIMS if (entry := models.get(name))]
    return message("vae.how.explain", metrics="; ".join(parts) if parts else message("vae.metrics_missing"))


# --- the public API ---

@single_threaded
def api_decode(values: object):
    if not isinstance(values, (list, tuple)):
        raise error("shared.number.not_number", name=message("vae.latent"))
    point = check_finite_array(values, message("vae.latent"), limit=MAX_LATENT)
    if point.ndim != 1:
        raise error("shared.number.not_number", name=message("vae.latent"))
    if len(point) not in (2, 32):
        raise error("vae.latent_length", n=point.size)
    name = checkpoint.MAP_MODEL if len(point) == 2 else checkpoint.QUALITY_MODEL
    return digit_pictures.digit_image(_weights(latent.decode, point[None], name)[0], scale=1)


@single_threaded
def api_similar(file_data, spread: object, count: object, seed: object):
    spread = check_number(spread, message("vae.spread_name"), 0.0, MAX_SPREAD)
    count = check_number(count, message("vae.count_name"), 1, MAX_COUNT, integer=True)
    seed = check_seed(seed)
    digit = digit_from_upload(file_data, required=True)
    return _gallery(_weights(latent.similar, digit, spread, count, seed))


@single_threaded
def api_interpolate(file_a, file_b, steps: object):
    steps = check_number(steps, message("vae.steps_name"), MIN_STEPS, MAX_STEPS, integer=True)
    digit_a = digit_from_upload(file_a, required=True)
    digit_b = digit_from_upload(file_b, required=True)
    return digit_pictures.grid_image(_weights(latent.interpolate, digit_a, digit_b, steps), columns=steps, scale=1, gap=0)


# --- live training ---

@gpu(duration=90)
def live_train(dims: object, seconds: object, progress=gr.Progress()):
    """Stream a fresh VAE's training: (status, loss plot, reconstructions and prior samples)."""
    dims = check_number(dims, message("vae.latent_dims"), 1, 1024, integer=True)
    if dims not in (2, 32):
        raise error("vae.bad_dims", value=dims)
    budget = check_number(seconds, message("vae.live.seconds_name"), 1, live_training.MAX_SECONDS)

    def start():
        from shared.mnist import load_mnist

        train_images, _ = load_mnist("train")
        test_images, _ = load_mnist("test")
        return live.train_live(train_images, test_images, dims, budget)

    name = checkpoint.MAP_MODEL if dims == 2 else checkpoint.QUALITY_MODEL
    shipped = checkpoint.shipped_metrics().get("models", {}).get(name, {})
    yield from live_training.stream(start, budget, lambda snapshot: _live_outputs(snapshot, budget, shipped),
                                    preparing_key="vae.live.preparing", heading_key="vae.live.heading",
                                    progress=progress)


def _live_outputs(snapshot: live_training.Snapshot, budget: float, shipped: dict):
    rows = [{"step": s, "loss": v, "curve": message("vae.live.curve.train")} for s, v in snapshot.losses]
    table = pd.DataFrame(rows or [{"step": 0, "loss": snapshot.test_loss, "curve": message("vae.live.curve.test")}])
    plot = gr.LinePlot(value=table, x_title=message("vae.live.axis.step"), y_title=message("vae.live.axis.loss"))
    preview = digit_pictures.grid_image(snapshot.preview.reshape(-1, 28, 28), columns=live.PREVIEW_COUNT, scale=3)
    if snapshot.done:
        shipped_text = number(shipped["test_negative_elbo"], ".1f") if "test_negative_elbo" in shipped else "—"
        status = message("vae.live.done", step=snapshot.step, elapsed=number(snapshot.elapsed, ".1f"),
                         loss=number(snapshot.test_loss, ".1f"), shipped=shipped_text)
    else:
        status = message("vae.live.status", step=snapshot.step, elapsed=number(snapshot.elapsed, ".1f"),
                         seconds=number(budget, ".0f"), loss=number(snapshot.test_loss, ".1f"))
    return status, plot, preview

