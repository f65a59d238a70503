"""The "GAN" tab: digits from a seed with the discriminator's verdicts, a walk between two seeds,
the discriminator on real digits, the training story (a slider through training) and live training.

API: ``gan_generate`` (seed, count, digit → captioned digits) and ``gan_walk`` (API only),
``gan_live_train`` (the live panel's button); the rest is private wiring of the page.
"""

from __future__ import annotations

import random
from functools import partial
from typing import TYPE_CHECKING

import gradio as gr
import numpy as np
from gradio.data_classes import FileData
from PIL import Image

from gan import plots
from gan.digits import ANY_DIGIT, DIGITS
from shared import digit_pictures, live_training, ui
from shared.controls import Choice, Number, Seed
from shared.cpu import single_threaded
from shared.gpu import gpu
from shared.i18n import message, number, percent, widget_key
from shared.run_control import WeightsMissing
from shared.ui import ui_text

if TYPE_CHECKING:
    from gan.live import Snapshot

GALLERY_SCALE = 4
REAL_SHOWN = 16
# train.py keeps about 30 snapshots of training (never more than 60); the slider ends at the
# shipped story's last one once the page opens, and each frame is checked against that end.
MOST_SNAPSHOTS = 64

SEED = Seed("gan.seed", default=2024, named=True)
DIGIT = Choice("gan.digit", choices=(ANY_DIGIT, *DIGITS), default=ANY_DIGIT, labels="gan.digits",
               translated=(ANY_DIGIT,), dropdown=True, named=True)
COUNT = Number("gan.count", low=1, high=64, default=16, step=1, integer=True, named=True)
SEED_A = Seed("gan.seed_a", default=1)
DIGIT_A = Choice("gan.digit_a", choices=DIGITS, default=3, dropdown=True)
SEED_B = Seed("gan.seed_b", default=2)
DIGIT_B = Choice("gan.digit_b", choices=DIGITS, default=8, dropdown=True)
# The API may walk in more steps than the slider offers.
STEPS = Number("gan.steps", low=2, high=16, default=10, step=1, integer=True, api_high=24, named=True)
STORY_MOMENT = Number("gan.story.slider", low=0, high=MOST_SNAPSHOTS - 1, default=0, step=1, integer=True,
                      named=True)
LIVE_SECONDS = live_training.seconds_control(45)


def build() -> None:
    with gr.Accordion(ui_text("gan.grid.heading"), open=True):
        gr.Markdown(ui_text("gan.grid.explain"))
        with gr.Row():
            seed = ui.component(SEED, min_width=140)
            new_seed = gr.Button(ui_text("gan.new_seed"), min_width=120)
            digit = ui.component(DIGIT, min_width=140)
            count = ui.component(COUNT)
            generate_button = gr.Button(ui_text("gan.generate"), variant="primary")
        seed_used = gr.Markdown()
        grid = gr.Gallery(label=ui_text("gan.grid"), columns=8, height="auto", format="png", object_fit="contain")

    with gr.Accordion(ui_text("gan.walk.heading"), open=True):
        gr.Markdown(ui_text("gan.walk.explain"))
        with gr.Row():
            seed_a, digit_a = ui.component(SEED_A, min_width=120), ui.component(DIGIT_A, min_width=100)
            seed_b, digit_b = ui.component(SEED_B, min_width=120), ui.component(DIGIT_B, min_width=100)
            steps = ui.component(STEPS)
            walk_button = gr.Button(ui_text("gan.walk.button"), variant="primary")
        strip = gr.Image(label=ui_text("gan.walk"), format="png", interactive=False, buttons=[])

    with gr.Accordion(ui_text("gan.judge.heading"), open=True):
        gr.Markdown(ui_text("gan.judge.explain"))
        with gr.Row(equal_height=False):
            with gr.Column(scale=1):
                real = gr.Gallery(label=ui_text("gan.real"), columns=8, height="auto", format="png",
                                  object_fit="contain")
                real_button = gr.Button(ui_text("gan.show_real"))
            histogram = gr.Image(label=ui_text("gan.histogram"), format="png", interactive=False, buttons=[], scale=1)

    with gr.Accordion(ui_text("gan.story.heading"), open=True):
        story_text = gr.Markdown()
        story_slider = ui.component(STORY_MOMENT)
        story_step = gr.Markdown()
        with gr.Row(equal_height=False):
            story_image = gr.Image(label=ui_text("gan.story.image"), format="png", interactive=False, buttons=[])
            story_curves = gr.Image(label=ui_text("gan.story.curves"), format="png", interactive=False, buttons=[])

    with gr.Accordion(ui_text(widget_key("gan", "how")), open=False):
        how = gr.Markdown()

    ui.live_training_panel("gan", live_train, explain="gan.live.explain", plot="gan.live.plot",
                           preview="gan.live.preview", seconds=LIVE_SECONDS)

    generate_button.click(generate, inputs=[seed, count, digit], outputs=[grid, seed_used], api_name="gan_generate_ui",
                          api_visibility="private")
    new_seed.click(random_seed, inputs=None, outputs=seed, api_name="gan_new_seed", api_visibility="private",
                   queue=False).then(generate, inputs=[seed, count, digit], outputs=[grid, seed_used],
                                     api_name="gan_new_seed_generate", api_visibility="private")
    walk_button.click(walk, inputs=[seed_a, digit_a, seed_b, digit_b, steps], outputs=strip, api_name="gan_walk_ui",
                      api_visibility="private")
    real_button.click(judge_real, inputs=None, outputs=real, api_name="gan_real", api_visibility="private")
    story_slider.change(story_frame, inputs=story_slider, outputs=[story_step, story_image, story_curves],
                        api_name="gan_story", api_visibility="private", trigger_mode="always_last",
                        show_progress="hidden")
    gr.on(triggers=None, fn=page_opened, inputs=[seed, count, digit, seed_a, digit_a, seed_b, digit_b, steps],
          outputs=[grid, seed_used, strip, real, histogram, story_text, story_slider, story_step, story_image,
                   story_curves, how],
          api_name="gan_page", api_visibility="private", show_progress="hidden")

    ui.api(api_generate, api_name="gan_generate")
    ui.api(api_walk, api_name="gan_walk")


def _captioned(images: np.ndarray, digits: np.ndarray, probabilities: np.ndarray) -> list[tuple[Image.Image, str]]:
    """Each picture under its digit and the discriminator's probability that it is real."""
    return [(digit_pictures.digit_image(image, scale=GALLERY_SCALE),
             message("gan.caption", digit=int(d), probability=number(float(p), ".2f")))
            for image, d, p in zip(images, digits, probabilities, strict=True)]


def _generated(seed: int, count: int, digit: int) -> list[tuple[Image.Image, str]]:
    from gan import explore

    return _captioned(*explore.generate_grid(seed, count, digit))


def _walk_strip(seed_a: object, digit_a: object, seed_b: object, digit_b: object, steps: object, *,
                scale: int) -> Image.Image:
    """The walk from (seed A, digit A) to (seed B, digit B), each digit ``scale`` times its size."""
    from gan import explore

    seed_a, seed_b = SEED_A.check(seed_a), SEED_B.check(seed_b)
    digit_a, digit_b, steps = DIGIT_A.check(digit_a), DIGIT_B.check(digit_b), STEPS.check(steps)
    return digit_pictures.grid_image(explore.walk(seed_a, digit_a, seed_b, digit_b, steps), columns=steps,
                                     scale=scale)


# --- the page ---

@ui.handler
@single_threaded
def generate(seed: object, count: object, digit: object):
    seed, count, digit = SEED.check(seed), COUNT.check(count), DIGIT.check(digit)
    return _generated(seed, count, digit), message("gan.seed_used", seed=seed)


@ui.handler
def random_seed() -> int:
    return random.SystemRandom().randrange(0, 2**31)


@ui.handler
@single_threaded
def walk(seed_a: object, digit_a: object, seed_b: object, digit_b: object, steps: object):
    return _walk_strip(seed_a, digit_a, seed_b, digit_b, steps, scale=3)


@ui.handler
@single_threaded
def judge_real(seed: int | None = None):
    """``REAL_SHOWN`` real test digits with the discriminator's verdicts, picked by ``seed``
    (at random without one: the button shows other digits each time)."""
    from gan import explore

    seed = random.SystemRandom().randrange(0, 2**31) if seed is None else seed
    return _captioned(*explore.real_digits(seed, REAL_SHOWN))


def _histogram() -> Image.Image:
    from gan import explore

    real, generated = explore.probability_samples()
    return plots.probability_histogram(real, generated, {
        "real": message("gan.series.real"), "generated": message("gan.series.generated"),
        "probability": message("gan.axis.probability"), "count": message("gan.axis.count")})


@ui.handler
@single_threaded
def story_frame(index: object):
    from gan import explore

    story = explore.story()
    last = len(story["steps"]) - 1
    index = STORY_MOMENT.check(index, high=last)
    step = int(story["steps"][index])
    image = digit_pictures.grid_image(story["images"][index].astype(np.float32) / 255.0, columns=10, scale=3)
    history = explore.loss_history()
    curves = plots.loss_curves(history["step"], history["generator_loss"], history["discriminator_loss"], step, {
        "generator": message("gan.series.generator"), "discriminator": message("gan.series.discriminator"),
        "step": message("gan.axis.step"), "loss": message("gan.axis.loss")}) if len(history["step"]) else None
    text = message("gan.story.step", step=step, total=int(story["steps"][-1]), index=index, last=last)
    return text, image, curves


def explain_metrics() -> str:
    from gan import checkpoint

    metrics = checkpoint.shipped_metrics()
    if "frechet_distance_cnn" not in metrics:
        missing = message("gan.metrics_missing")
        return message("gan.how.explain", fd=missing, confidence=missing, shares=missing)
    shares = ", ".join(f"{d}: {percent(s)}" for d, s in enumerate(metrics["class_shares"]))
    return message("gan.how.explain", fd=number(metrics["frechet_distance_cnn"], ".2f"),
                   confidence=number(metrics["mean_top_probability"], ".3f"), shares=shares)


@ui.handler
@single_threaded
def page_opened(seed, count, digit, seed_a, digit_a, seed_b, digit_b, steps):
    """Everything the tab shows before anyone clicks: a first grid, walk, verdicts and the story's last frame."""
    from gan import explore

    try:
        story = explore.story()
    except WeightsMissing as missing:  # the tab opens empty, saying which file is missing
        empty = missing.text()
        return None, empty, None, None, None, "", gr.Slider(), "", None, None, empty
    last = len(story["steps"]) - 1
    step_text, story_image, curves = story_frame(last)
    grid, seed_used = generate(seed, count, digit)
    story_text = message("gan.story.explain", snapshots=last + 1)
    return (grid, seed_used, walk(seed_a, digit_a, seed_b, digit_b, steps), judge_real(0), _histogram(),
            story_text, gr.Slider(maximum=last, value=last), step_text, story_image, curves, explain_metrics())


# --- the API ---

@single_threaded
def api_generate(seed: int = SEED.default, count: int = COUNT.default,
                 digit: int = DIGIT.default) -> list[ui.Captioned]:
    """A seed (0 to 2^32-1), a count (1-64) and optionally a digit (0-9, or -1 for random digits)
    in; the generated 28×28 digits out, each captioned with its digit and the discriminator's
    probability that it is real. The same seed gives the same digits."""
    seed, count, digit = SEED.check(seed), COUNT.check(count), DIGIT.check(digit)
    return ui.gallery_files(_generated(seed, count, digit))


@single_threaded
def api_walk(seed_a: int = SEED_A.default, digit_a: int = DIGIT_A.default, seed_b: int = SEED_B.default,
             digit_b: int = DIGIT_B.default, steps: int = STEPS.default) -> FileData:
    """Seed A, digit A, seed B, digit B, steps (2-24) in; a strip of digits walking from A to B out."""
    return ui.picture_file(_walk_strip(seed_a, digit_a, seed_b, digit_b, steps, scale=1))


# --- live training ---

@gpu(duration=90)
def live_train(seconds: object, progress=gr.Progress()):
    """Stream a fresh GAN's training: (status, both loss curves, the fixed noise drawn now)."""
    from gan import checkpoint, live

    budget = LIVE_SECONDS.check(seconds)
    shipped_steps = checkpoint.shipped_metrics().get("steps", "—")
    yield from live_training.stream(partial(live.train_on_mnist, budget), budget,
                                    partial(_live_outputs, budget=budget, shipped_steps=shipped_steps), demo="gan",
                                    progress=progress)


def _live_outputs(snapshot: Snapshot, *, budget: float, shipped_steps: object) -> tuple:
    generator, discriminator = message("gan.series.generator"), message("gan.series.discriminator")
    rows = live_training.loss_rows(snapshot.losses, [generator, discriminator], before=(0.0, generator))
    plot = ui.live_training_plot("gan", rows, loss_title=message("gan.axis.loss"))
    preview = digit_pictures.grid_image(snapshot.preview, columns=10, scale=3)
    elapsed = number(snapshot.elapsed, ".1f")
    if snapshot.done:
        status = message("gan.live.done", step=snapshot.step, elapsed=elapsed, shipped=shipped_steps)
    else:
        status = message("gan.live.status", step=snapshot.step, elapsed=elapsed, seconds=number(budget, ".0f"),
                         d_real=number(snapshot.d_real, ".2f"), d_fake=number(snapshot.d_fake, ".2f"))
    return status, plot, preview
