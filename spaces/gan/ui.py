"""The "GAN" tab: digits from a seed with the discriminator's verdicts, a walk between two seeds,
the discriminator on real digits, the training story (a slider through training) and live training.

Public API: ``gan_generate`` (seed, count, digit → images), ``gan_walk``; the rest is private.
"""

from __future__ import annotations

import random

import gradio as gr
import numpy as np
import pandas as pd

from gan import checkpoint, explore, live, plots
from shared import digit_pictures, live_training
from gan.sampling import ANY_DIGIT
from shared.cpu import single_threaded
from shared.gpu import gpu
from shared.i18n import error, message, number, percent, ui_text
from shared.validation import check_number, check_seed

MAX_COUNT = 64
MIN_STEPS, MAX_STEPS = 2, 24
GALLERY_SCALE = 4
REAL_SHOWN = 16


def _digit_choices():
    return [(ui_text("gan.any"), ANY_DIGIT)] + [(str(d), d) for d in range(10)]


def build() -> None:
    with gr.Accordion(ui_text("gan.grid.heading"), open=True):
        gr.Markdown(ui_text("gan.grid.explain"))
        with gr.Row():
            seed = gr.Number(value=2024, precision=0, label=ui_text("gan.seed"), min_width=140)
            new_seed = gr.Button(ui_text("gan.new_seed"), min_width=120)
            digit = gr.Dropdown(choices=_digit_choices(), value=ANY_DIGIT, label=ui_text("gan.digit"), min_width=140)
            count = gr.Slider(1, MAX_COUNT, value=16, step=1, label=ui_text("gan.count"))
            generate_button = gr.Button(ui_text("gan.generate"), variant="primary")
        seed_used = gr.Markdown()
        grid = gr.Gallery(label=ui_text("gan.grid"), columns=8, height="auto", format="png", object_fit="contain")

    with gr.Accordion(ui_text("gan.walk.heading"), open=True):
        gr.Markdown(ui_text("gan.walk.explain"))
        with gr.Row():
            seed_a = gr.Number(value=1, precision=0, label=ui_text("gan.seed_a"), min_width=120)
            digit_a = gr.Dropdown(choices=[(str(d), d) for d in range(10)], value=3, label=ui_text("gan.digit_a"),
                                  min_width=100)
            seed_b = gr.Number(value=2, precision=0, label=ui_text("gan.seed_b"), min_width=120)
            digit_b = gr.Dropdown(choices=[(str(d), d) for d in range(10)], value=8, label=ui_text("gan.digit_b"),
                                  min_width=100)
            steps = gr.Slider(MIN_STEPS, 16, value=10, step=1, label=ui_text("gan.steps"))
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
        story_slider = gr.Slider(0, 1, value=0, step=1, label=ui_text("gan.story.slider"))
        story_step = gr.Markdown()
        with gr.Row(equal_height=False):
            story_image = gr.Image(label=ui_text("gan.story.image"), format="png", interactive=False, buttons=[])
            story_curves = gr.Image(label=ui_text("gan.story.curves"), format="png", interactive=False, buttons=[])

    with gr.Accordion(ui_text("gan.how.heading"), open=False):
        how = gr.Markdown()

    live_training.panel("gan", live_train, default_seconds=45)

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

    # The public API: hidden inputs without bounds of their own, so every check below answers
    # with a translated message instead of the component's generic one.
    api_seed, api_count, api_digit = gr.Number(visible=False), gr.Number(visible=False), gr.Number(value=ANY_DIGIT, visible=False)
    api_seed_b, api_digit_b, api_steps = gr.Number(visible=False), gr.Number(visible=False), gr.Number(visible=False)
    api_gallery, api_strip = gr.Gallery(visible=False, format="png"), gr.Image(visible=False, format="png")
    gr.Button(visible=False).click(api_generate, inputs=[api_seed, api_count, api_digit], outputs=api_gallery,
                                   api_name="gan_generate",
                                   api_description="A seed (0 to 2^32-1), a count (1-64) and optionally a digit "
                                                   "(0-9, or -1 for random digits) in; the generated 28×28 digits out, "
                                                   "each captioned with its digit and the discriminator's probability "
                                                   "that it is real. The same seed gives the same digits.")
    gr.Button(visible=False).click(api_walk, inputs=[api_seed, api_digit, api_seed_b, api_digit_b, api_steps],
                                   outputs=api_strip, api_name="gan_walk",
                                   api_description="Seed A, digit A, seed B, digit B, steps (2-24) in; a strip of "
                                                   "digits walking from A to B out.")


def _weights(fn, *args):
    try:
        return fn(*args)
    except FileNotFoundError:
        raise error("gan.weights_missing") from None


def _check_digit(value: object, allow_any: bool) -> int:
    try:
        digit = check_number(value, message("gan.digit_name"), ANY_DIGIT if allow_any else 0, 9, integer=True)
    except gr.Error:
        raise error("gan.bad_digit", value=value) from None
    return int(digit)


def _captioned(images: np.ndarray, digits: np.ndarray, probabilities: np.ndarray) -> list:
    return [(digit_pictures.digit_image(image, scale=GALLERY_SCALE),
             message("gan.caption", digit=int(d), probability=number(float(p), ".2f")))
            for image, d, p in zip(images, digits, probabilities)]


@single_threaded
def generate(seed: object, count: object, digit: object):
    seed = check_seed(seed)
    count = check_number(count, message("gan.count_name"), 1, MAX_COUNT, integer=True)
    digit = _check_digit(digit, allow_any=True)
    images, digits, probabilities = _weights(explore.generate_grid, seed, count, digit)
    return _captioned(images, digits, probabilities), message("gan.seed_used", seed=seed)


@single_threaded
def api_generate(seed: object, count: object, digit: object):
    return generate(seed, count, ANY_DIGIT if digit is None else digit)[0]


def random_seed() -> int:
    return random.SystemRandom().randrange(0, 2**31)


@single_threaded
def walk(seed_a: object, digit_a: object, seed_b: object, digit_b: object, steps: object):
    seed_a, seed_b = check_seed(seed_a), check_seed(seed_b)
    digit_a, digit_b = _check_digit(digit_a, allow_any=False), _check_digit(digit_b, allow_any=False)
    steps = check_number(steps, message("gan.steps_name"), MIN_STEPS, MAX_STEPS, integer=True)
    return digit_pictures.grid_image(_weights(explore.walk, seed_a, digit_a, seed_b, digit_b, steps), columns=steps, scale=3)


@single_threaded
def api_walk(seed_a, digit_a, seed_b, digit_b, steps):
    image = walk(seed_a, digit_a, seed_b, digit_b, steps)
    return image.resize((image.width // 3, image.height // 3))


@single_threaded
def judge_real(seed: int | None = None):
    seed = random.SystemRandom().randrange(0, 2**31) if seed is None else seed
    return _captioned(*_weights(explore.real_digits, seed, REAL_SHOWN))


def _histogram():
    real, generated = _weights(explore.probability_samples)
    return plots.probability_histogram(real, generated, {
        "real": message("gan.series.real"), "generated": message("gan.series.generated"),
        "probability": message("gan.axis.probability"), "count": message("gan.axis.count")})


@single_threaded
def story_frame(index: object):
    story = _weights(explore.story)
    last = len(story["steps"]) - 1
    index = int(check_number(index, message("gan.story.slider_name"), 0, last, integer=True))
    step = int(story["steps"][index])
    image = digit_pictures.grid_image(story["images"][index].astype(np.float32) / 255.0, columns=10, scale=3)
    history = explore.loss_history()
    curves = plots.loss_curves(history["step"], history["generator_loss"], history["discriminator_loss"], step, {
        "generator": message("gan.series.generator"), "discriminator": message("gan.series.discriminator"),
        "step": message("gan.axis.step"), "loss": message("gan.axis.loss")}) if len(history["step"]) else None
    text = message("gan.story.step", step=step, total=int(story["steps"][-1]), index=index, last=last)
    return text, image, curves


def explain_metrics() -> str:
    metrics = checkpoint.shipped_metrics()
    if "frechet_distance_cnn" not in metrics:
        missing = message("gan.metrics_missing")
        return message("gan.how.explain", fd=missing, confidence=missing, shares=missing)
    shares = ", ".join(f"{d}: {percent(s)}" for d, s in enumerate(metrics["class_shares"]))
    return message("gan.how.explain", fd=number(metrics["frechet_distance_cnn"], ".2f"),
                   confidence=number(metrics["mean_top_probability"], ".3f"), shares=shares)


@single_threaded
def page_opened(seed, count, digit, seed_a, digit_a, seed_b, digit_b, steps):
    """Everything the tab shows before anyone clicks: a first grid, walk, verdicts and the story's last frame."""
    try:
        story = explore.story()
    except FileNotFoundError:
        empty = message("gan.weights_missing")
        return None, empty, None, None, None, "", gr.Slider(), "", None, None, empty
    last = len(story["steps"]) - 1
    step_text, story_image, curves = story_frame(last)
    grid, seed_used = generate(seed, count, digit)
    story_text = message("gan.story.explain", snapshots=last + 1)
    return (grid, seed_used, walk(seed_a, digit_a, seed_b, digit_b, steps), judge_real(0), _histogram(),
            story_text, gr.Slider(maximum=last, value=last), step_text, story_image, curves, explain_metrics())


@gpu(duration=90)
def live_train(seconds: object, progress=gr.Progress()):
    """Stream a fresh GAN's training: (status, both loss curves, the fixed noise drawn now)."""
    budget = check_number(seconds, message("gan.live.seconds_name"), 1, live_training.MAX_SECONDS)

    def start():
        from shared.mnist import load_mnist

        return live.train_live(*load_mnist("train"), budget)

    shipped_steps = checkpoint.shipped_metrics().get("steps", "—")
    yield from live_training.stream(start, budget, lambda snapshot: _live_outputs(snapshot, budget, shipped_steps),
                                    preparing_key="gan.live.preparing", heading_key="gan.live.heading",
                                    progress=progress)


def _live_outputs(snapshot: live.Snapshot, budget: float, shipped_steps):
    rows = []
    for step, loss_g, loss_d in snapshot.losses:
        rows.append({"step": step, "loss": loss_g, "curve": message("gan.series.generator")})
        rows.append({"step": step, "loss": loss_d, "curve": message("gan.series.discriminator")})
    plot = gr.LinePlot(value=pd.DataFrame(rows or [{"step": 0, "loss": 0.0, "curve": message("gan.series.generator")}]),
                       x_title=message("gan.axis.step"), y_title=message("gan.axis.loss"))
    preview = digit_pictures.grid_image(snapshot.preview, columns=10, scale=3)
    if snapshot.done:
        status = message("gan.live.done", step=snapshot.step, elapsed=number(snapshot.elapsed, ".1f"), shipped=shipped_steps)
    else:
        status = message("gan.live.status", step=snapshot.step, elapsed=number(snapshot.elapsed, ".1f"),
                         seconds=number(budget, ".0f"), d_real=number(snapshot.d_real, ".2f"), d_fake=number(snapshot.d_fake, ".2f"))
    return status, plot, preview

