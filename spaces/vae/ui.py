"""The "VAE" tab: the 2-D latent map (click or sliders → decoded digit), digits similar to the
person's, a morph between two digits, samples from the prior, and live training.

API: ``vae_decode`` (latent point → image), ``vae_sample``, ``vae_similar`` and
``vae_interpolate`` (API only), ``vae_live_train`` (the live panel's button); the rest is
private wiring of the page.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import gradio as gr
import numpy as np
from gradio.data_classes import FileData
from PIL import Image

from shared import digit_pictures, live_training, ui
from shared.controls import Choice, Number, Seed
from shared.cpu import single_threaded
from shared.digit_input import digit_from_sketch, digit_from_upload
from shared.gpu import gpu
from shared.i18n import message, number, widget_key
from shared.run_control import WeightsMissing
from shared.ui import ui_text
from vae import checkpoint, latent

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
DEFAULT_SECOND = EXAMPLES_DIR / "mnist_test_0061_digit_8.png"
LATENT_SIZES = tuple(checkpoint.LATENT_DIMS.values())
SIMILAR_SHOWN = 16  # digits around the visitor's, in the page
GALLERY_SCALE = 4

# The sliders of the page offer less than the API accepts: the interesting part of each range
# fits a slider, and API callers may go further.
Z1 = Number("vae.z1", low=-latent.MAP_SPAN, high=latent.MAP_SPAN, default=0.0, step=0.05)
Z2 = Number("vae.z2", low=-latent.MAP_SPAN, high=latent.MAP_SPAN, default=0.0, step=0.05)
SPREAD = Number("vae.spread", low=0.0, high=3.0, default=1.0, step=0.1, api_high=5.0, named=True)
SEED = Seed()
STEPS = Number("vae.steps", low=2, high=16, default=10, step=1, integer=True, api_high=24, named=True)
PRIOR_SIZE = Choice("vae.prior.model", choices=LATENT_SIZES, default=32, labels="vae.prior.model", named=True)
COUNT = Number("vae.count", low=1, high=32, default=16, step=1, integer=True, api_high=64, named=True)
LIVE_SIZE = Choice("vae.live.dims", choices=LATENT_SIZES, default=2, named=True)
LIVE_SECONDS = live_training.seconds_control(30)


def build() -> None:
    digit_state = gr.State(None, time_to_live=ui.STATE_SECONDS)
    second_state = gr.State(None, time_to_live=ui.STATE_SECONDS)
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            sketch, upload = ui.digit_input_tabs("vae", EXAMPLES_DIR)
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
                z1, z2 = ui.component(Z1), ui.component(Z2)
                decoded = gr.Image(label=ui_text("vae.decoded"), format="png", interactive=False, height=240,
                                   buttons=[])

    with gr.Accordion(ui_text("vae.similar.heading"), open=True):
        gr.Markdown(ui_text("vae.similar.explain"))
        with gr.Row():
            spread, similar_seed = ui.component(SPREAD), ui.component(SEED)
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
                steps = ui.component(STEPS)
            strip = gr.Image(label=ui_text("vae.strip"), format="png", interactive=False, buttons=[], scale=3)

    with gr.Accordion(ui_text("vae.prior.heading"), open=True):
        gr.Markdown(ui_text("vae.prior.explain"))
        with gr.Row():
            prior_size, prior_count, prior_seed = ui.component(PRIOR_SIZE), ui.component(COUNT), ui.component(SEED)
            prior_button = gr.Button(ui_text("vae.prior.generate"), variant="primary")
        prior_gallery = gr.Gallery(label=ui_text("vae.prior"), columns=8, height="auto", format="png",
                                   object_fit="contain")

    with gr.Accordion(ui_text(widget_key("vae", "how")), open=False):
        how = gr.Markdown()

    ui.live_training_panel("vae", live_train, explain="vae.live.explain", plot="vae.live.plot",
                           preview="vae.live.preview", seconds=LIVE_SECONDS,
                           options=lambda: [ui.component(LIVE_SIZE)])

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
                                         api_name="vae_second_refresh", api_visibility="private",
                                         show_progress="hidden")
    gr.on([z1.change, z2.change], decode_point, inputs=[z1, z2], outputs=[decoded, map_image],
          api_name="vae_decode_point", api_visibility="private", trigger_mode="always_last", show_progress="hidden")
    map_image.select(click_map, inputs=None, outputs=[z1, z2], api_name="vae_map_click", api_visibility="private")
    gr.on([spread.change, similar_seed.change], similar_for_state, inputs=[digit_state, spread, similar_seed],
          outputs=similar_gallery, api_name="vae_similar_refresh", api_visibility="private",
          trigger_mode="always_last", show_progress="hidden")
    steps.change(morph, inputs=[digit_state, second_state, steps], outputs=strip, api_name="vae_steps_refresh",
                 api_visibility="private", trigger_mode="always_last", show_progress="hidden")
    prior_button.click(sample_prior, inputs=[prior_size, prior_count, prior_seed], outputs=prior_gallery,
                       api_name="vae_sample_ui", api_visibility="private")
    gr.on(triggers=None, fn=page_opened, inputs=None, outputs=[how, second_state, map_image, decoded],
          api_name="vae_page", api_visibility="private", show_progress="hidden")

    # --- the API without components of its own ---
    ui.api(api_decode, api_name="vae_decode")
    ui.api(api_sample, api_name="vae_sample")
    ui.api(api_similar, api_name="vae_similar")
    ui.api(api_interpolate, api_name="vae_interpolate")


def _pictures(digits: np.ndarray) -> list[Image.Image]:
    return [digit_pictures.digit_image(d, scale=GALLERY_SCALE) for d in digits]


# --- the page ---

@ui.handler
@single_threaded
def take_sketch(sketch: dict | None):
    return _take(digit_from_sketch(sketch))


@ui.handler
@single_threaded
def take_upload(file_data: dict | None):
    return _take(digit_from_upload(file_data))


def _take(digit: np.ndarray | None):
    """The hint, the digit as the network sees it, its region on the map, and the digit itself (the state)."""
    if digit is None:
        return message("vae.hint.empty"), None, "", None
    mean, std = latent.encode(digit, checkpoint.MAP_MODEL)
    region = message("vae.your_region", z1=number(mean[0], ".2f"), z2=number(mean[1], ".2f"), s1=number(std[0], ".2f"),
                     s2=number(std[1], ".2f"))
    return "", digit_pictures.digit_image(digit), region, digit


@ui.handler
@single_threaded
def take_second(file_data: dict | None):
    return digit_from_upload(file_data)


@ui.handler
@single_threaded
def refresh_for_digit(digit, second, spread, seed, steps, z1, z2):
    """After a new digit: the map marks it (or the sliders' point, when there is no digit), with
    the digits similar to it and the morph into the second digit."""
    if digit is None:
        marker = np.array([Z1.check(z1), Z2.check(z2)])
    else:
        marker = latent.encode(digit, checkpoint.MAP_MODEL)[0]
    return latent.latent_map(marker), similar_for_state(digit, spread, seed), morph(digit, second, steps)


@ui.handler
@single_threaded
def page_opened():
    """How it works, the second digit of the morph, and the map with the digit at its centre."""
    second = digit_from_upload(str(DEFAULT_SECOND))
    try:
        first_map = latent.latent_map(np.zeros(2))
        first_digit = digit_pictures.digit_image(latent.decode(np.zeros((1, 2)), checkpoint.MAP_MODEL)[0])
    except WeightsMissing:  # the tab still opens; the first event that needs the model says what is missing
        first_map = first_digit = None
    return explain_metrics(), second, first_map, first_digit


@ui.handler
@single_threaded
def decode_point(z1: object, z2: object):
    point = np.array([Z1.check(z1), Z2.check(z2)])
    image = latent.decode(point[None], checkpoint.MAP_MODEL)[0]
    return digit_pictures.digit_image(image), latent.latent_map(point)


@ui.handler
def click_map(evt: gr.SelectData):
    index = evt.index if isinstance(evt.index, (list, tuple)) and len(evt.index) == 2 else (latent.MAP_SIDE / 2,) * 2
    return latent.map_to_latent(float(index[0]), float(index[1]))


@ui.handler
@single_threaded
def similar_for_state(digit, spread: object, seed: object):
    if digit is None:
        return None
    spread, seed = SPREAD.check(spread), SEED.check(seed)
    return _pictures(latent.similar(digit, spread, SIMILAR_SHOWN, seed))


@ui.handler
@single_threaded
def morph(digit, second, steps: object):
    if digit is None or second is None:
        return None
    steps = STEPS.check(steps)
    return digit_pictures.grid_image(latent.interpolate(digit, second, steps), columns=steps, scale=3)


@ui.handler
@single_threaded
def sample_prior(latent_size: object, count: object, seed: object):
    return _prior_pictures(latent_size, count, seed)


def _prior_pictures(latent_size: object, count: object, seed: object) -> list[Image.Image]:
    size, count, seed = PRIOR_SIZE.check(latent_size), COUNT.check(count), SEED.check(seed)
    return _pictures(latent.prior_samples(checkpoint.model_with(size), count, seed))


def explain_metrics() -> str:
    models = checkpoint.shipped_metrics().get("models", {})
    parts = [message("vae.metric", dims=entry["latent_dim"], nats=number(entry["test_negative_elbo"], ".1f"),
                     reconstruction=number(entry["test_reconstruction"], ".1f"), kl=number(entry["test_kl"], ".1f"))
             for name in checkpoint.LATENT_DIMS if (entry := models.get(name))]
    return message("vae.how.explain", metrics="; ".join(parts) if parts else message("shared.metrics_missing"))


# --- the API ---

@single_threaded
def api_decode(point: list[float]) -> FileData:
    """A latent point (a list of 2 or 32 numbers, each within ±10) in; the 28×28 digit the VAE of
    that size decodes there out."""
    point, model_name = latent.checked_point(point)
    return ui.picture_file(digit_pictures.digit_image(latent.decode(point[None], model_name)[0], scale=1))


@single_threaded
def api_sample(latent_size: int = PRIOR_SIZE.default, count: int = COUNT.default,
               seed: int = SEED.default) -> list[ui.Captioned]:
    """Digits decoded from random points of the prior N(0, I): latent size (2 or 32), how many
    (1-64), seed."""
    return ui.gallery_files(_prior_pictures(latent_size, count, seed))


@single_threaded
def api_similar(image: FileData, spread: float = SPREAD.default, count: int = SIMILAR_SHOWN,
                seed: int = SEED.default) -> list[ui.Captioned]:
    """A picture of a digit, a spread (0-5), how many (1-64) and a seed in; digits decoded around it out."""
    spread, count, seed = SPREAD.check(spread), COUNT.check(count), SEED.check(seed)
    return ui.gallery_files(_pictures(latent.similar(digit_from_upload(image, required=True), spread, count, seed)))


@single_threaded
def api_interpolate(image_a: FileData, image_b: FileData, steps: int = STEPS.default) -> FileData:
    """Two pictures of digits and a number of steps (2-24) in; the strip of digits decoded along the
    line between them out."""
    steps = STEPS.check(steps)
    digit_a, digit_b = digit_from_upload(image_a, required=True), digit_from_upload(image_b, required=True)
    strip = digit_pictures.grid_image(latent.interpolate(digit_a, digit_b, steps), columns=steps, scale=1, gap=0)
    return ui.picture_file(strip)


# --- live training ---

@gpu(duration=90)
def live_train(latent_size: object, seconds: object, progress=gr.Progress()):
    """Stream a fresh VAE's training: (status, loss plot, reconstructions and prior samples)."""
    from vae import live

    size, budget = LIVE_SIZE.check(latent_size), LIVE_SECONDS.check(seconds)
    shipped = checkpoint.shipped_metrics().get("models", {}).get(checkpoint.model_with(size), {})
    yield from live_training.stream(partial(live.train_on_mnist, size, budget), budget,
                                    partial(_live_outputs, budget=budget, shipped=shipped), demo="vae",
                                    progress=progress)


def _live_outputs(snapshot: live_training.Snapshot, *, budget: float, shipped: dict) -> tuple:
    from vae.live import PREVIEW_COUNT

    return ui.live_outputs_with_test_loss("vae", snapshot, budget=budget, status="vae.live.status",
                                          done="vae.live.done", loss_title="vae.live.axis.loss",
                                          loss_format=".1f", shipped=shipped.get("test_negative_elbo"),
                                          columns=PREVIEW_COUNT)
