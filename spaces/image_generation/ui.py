"""The "Image generation" tab: prompt and settings on the left, the images on the right, and
below them the three teaching views (denoising filmstrip, sweeps, tokens).

Events:
- ``generate_image`` (public): the run, streaming its progress; the Stop button ends it
  between two steps and keeps what was made;
- ``image_generation_sweep`` (public): a labelled row of images, one per value of the guidance
  scale or the number of steps, with the same seed;
- ``image_generation_tokens`` (public): the prompt split into the text encoder's tokens;
- ``image_generation_stop`` (public): stops this session's running generation or sweep (the
  sweep's own Stop button is the private ``image_generation_sweep_stop``);
- private helpers: the filmstrip slider and the model switch.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import gradio as gr

from image_generation import loading, safety
from image_generation.controls import (
    GUIDANCE,
    HEIGHT,
    MODEL,
    NEGATIVE,
    NUM_IMAGES,
    PROMPT,
    RANDOMIZE,
    SCHEDULER,
    SEED,
    STEPS,
    SWEEP_KIND,
    SWEEP_VALUES,
    WIDTH,
)
from image_generation.tokens import CUT, KEPT, SPECIAL, token_view
from shared import models, ui
from shared.device import by_hardware
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message, number
from shared.run_control import StopSignals, session_of
from shared.ui import ui_text

if TYPE_CHECKING:
    from image_generation.generate import Outcome

DEMO = "image_generation"
EXAMPLES = [
    "a watercolor painting of a lighthouse on a cliff at sunset",
    "a photo of a red fox in fresh snow, morning light, detailed fur",
    "an isometric illustration of a tiny robot workshop, pastel colors",
    "a portrait of an old fisherman, oil painting, dramatic lighting",
]
# One Stop per browser session (or API client), for the generation and the sweep alike: both
# wait in the one GPU queue, so a session runs one of them at a time.
STOP = StopSignals("image_generation")


def build() -> None:
    preset = loading.PRESETS[loading.DEFAULT_MODEL]
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            model = ui.component(MODEL)
            model_status = ui.model_status(preset.key)
            gr.Markdown(ui_text("image_generation.safety"), padding=False)
            ui.model_status(safety.KEY)
            prompt = ui.component(PROMPT)
            negative = ui.component(NEGATIVE)
            with gr.Row():
                run = gr.Button(ui_text("image_generation.generate"), variant="primary")
                # Nothing to cancel: the run itself ends between two steps and shows what it made.
                ui.stop_button(DEMO, cancels=[], signals=STOP, api_name="image_generation_stop",
                               api_visibility="public")
            with ui.advanced(demo=DEMO, open=True):
                steps = ui.component(STEPS[preset.choice])
                guidance = ui.component(GUIDANCE)
                with gr.Row():
                    width = ui.component(WIDTH)
                    height = ui.component(HEIGHT)
                with gr.Row():
                    num_images = ui.component(NUM_IMAGES)
                    scheduler = ui.component(SCHEDULER)
                with gr.Row():
                    seed = ui.component(SEED)
                    randomize = ui.component(RANDOMIZE)
            gr.Examples(examples=[[e] for e in EXAMPLES], inputs=[prompt], label=ui_text("image_generation.examples"),
                        api_name="image_generation_example", api_visibility="private")
        with gr.Column(scale=6, min_width=320):
            info = gr.Markdown(ui_text(by_hardware(cpu="image_generation.hint.cpu", gpu="image_generation.hint")))
            gallery = gr.Gallery(label=ui_text("image_generation.gallery"), format="png", columns=2, height=560,
                                 object_fit="contain", buttons=["download", "download_all", "fullscreen"],
                                 interactive=False)

    with gr.Accordion(ui_text("image_generation.filmstrip.heading"), open=True):
        gr.Markdown(ui_text("image_generation.filmstrip.explain"))
        frames = gr.State([], time_to_live=ui.STATE_SECONDS)
        # Not a setting but a scrubber over the frames of the last run: its range follows the run
        # (fit_frame_slider), and show_frame takes the nearest frame.
        frame = gr.Slider(0, 1, value=0, step=1, label=ui_text("image_generation.frame"), interactive=True)
        frame_caption = gr.Markdown()
        with gr.Row():
            frame_latent = gr.Image(label=ui_text("image_generation.frame.latent"), format="png", interactive=False,
                                    height=320, buttons=["fullscreen"])
            frame_predicted = gr.Image(label=ui_text("image_generation.frame.predicted"), format="png",
                                       interactive=False, height=320, buttons=["fullscreen"])
        filmstrip = gr.Gallery(label=ui_text("image_generation.filmstrip"), format="png", columns=8, height=180,
                               allow_preview=False, interactive=False)

    with gr.Accordion(ui_text("image_generation.sweep.heading"), open=False):
        gr.Markdown(ui_text("image_generation.sweep.explain"))
        with gr.Row():
            sweep_kind = ui.component(SWEEP_KIND)
            sweep_values = ui.component(SWEEP_VALUES, placeholder=_sweep_values_text(preset.choice, SWEEP_KIND.default))
        with gr.Row():
            sweep_run = gr.Button(ui_text("image_generation.sweep.run"), variant="primary")
            ui.stop_button(DEMO, cancels=[], signals=STOP, api_name="image_generation_sweep_stop")
        sweep_info = gr.Markdown()
        sweep_grid = gr.Image(label=ui_text("image_generation.sweep.grid"), format="png", interactive=False,
                              buttons=["download", "fullscreen"])

    with gr.Accordion(ui_text("image_generation.tokens.heading"), open=False):
        gr.Markdown(ui_text("image_generation.tokens.explain"))
        tokens = gr.HighlightedText(label=ui_text("image_generation.tokens"), show_legend=True,
                                    show_inline_category=False)
        tokens_summary = gr.Markdown(ui_text("image_generation.tokens.empty"))

    settings = [model, prompt, negative, steps, guidance, seed, randomize, width, height, num_images, scheduler]
    gr.on(triggers=[run.click, prompt.submit], fn=run_generation, inputs=settings,
          outputs=[gallery, seed, info, frames, frame_caption, frame_latent, frame_predicted, filmstrip, model_status],
          api_name="generate_image",
          api_description="Text to image with Stable Diffusion: prompt, negative prompt, steps, guidance scale, seed, "
                          "randomize (true: a new seed; the seed used is returned), width, height (multiples of 8), "
                          "number of images, scheduler, model ('sd-turbo' or 'sd-1.5').",
          # preprocess=False: the raw values reach check_request, whose messages are translated and
          # explain more than the components' own range checks ("a multiple of 8").
          preprocess=False, show_progress="minimal", **GPU_EVENT,
          ).then(fit_frame_slider, inputs=frames, outputs=frame, api_name="image_generation_fit_slider",
                 api_visibility="private", show_progress="hidden", queue=False)
    sweep_run.click(run_sweep, inputs=[model, prompt, negative, steps, guidance, seed, randomize, width, height,
                                       scheduler, sweep_kind, sweep_values],
                    outputs=[sweep_grid, sweep_info, seed], api_name="image_generation_sweep",
                    preprocess=False, show_progress="minimal", **GPU_EVENT)
    frame.change(show_frame, inputs=[frames, frame], outputs=[frame_caption, frame_latent, frame_predicted],
                 api_name="image_generation_frame", api_visibility="private", show_progress="hidden",
                 trigger_mode="always_last")
    gr.on(triggers=[prompt.change, model.change], fn=show_tokens, inputs=[model, prompt],
          outputs=[tokens, tokens_summary], api_name="image_generation_tokens", show_progress="hidden",
          trigger_mode="always_last", preprocess=False)  # the raw values reach show_tokens' own checks
    model.change(switch_model, inputs=[model, sweep_kind], outputs=[steps, guidance, sweep_values, model_status],
                 api_name="image_generation_model", api_visibility="private", show_progress="hidden",
                 preprocess=False)
    sweep_kind.change(sweep_placeholder, inputs=[model, sweep_kind], outputs=sweep_values,
                      api_name="image_generation_sweep_kind", api_visibility="private", show_progress="hidden",
                      queue=False)


@ui.handler
@gpu(duration=120)
def run_generation(model, prompt, negative, steps, guidance, seed, randomize, width, height, num_images, scheduler,
                   request: gr.Request, progress=gr.Progress()):
    from image_generation.denoise import Progress
    from image_generation.generate import check_request, generate

    checked = check_request(model, prompt, negative, steps, guidance, seed, randomize, width, height, num_images,
                            scheduler)
    if checked.negative_prompt and checked.guidance <= 1:
        ui.warn("image_generation.warn.negative_ignored")
    keep = gr.skip()
    with STOP.running(session_of(request)) as stop:
        if not models.is_loaded(loading.PRESETS[checked.model].key):
            yield keep, checked.seed, message("image_generation.info.loading"), *(keep,) * 6
        for event in generate(checked, stop, max_frames=loading.FILMSTRIP_FRAMES,
                              preview_downscale=loading.PREVIEW_DOWNSCALE):
            if isinstance(event, Progress):
                status = message("image_generation.info.progress", step=event.step, total=event.total)
                progress((event.step, event.total), desc=status)
                yield keep, checked.seed, status, *(keep,) * 6
            else:
                yield _show_outcome(checked.model, checked.guidance, event)


def _show_outcome(model: str, guidance: float, outcome: Outcome) -> tuple:
    """The values of the gallery, the seed, the note, the filmstrip and the model's status line."""
    frames = [{"step": f.step, "timestep": f.timestep, "total": outcome.steps_total, "seed": outcome.seed,
               "latent": f.latent, "predicted": f.predicted} for f in outcome.frames]
    caption, latent, predicted = show_frame(frames, len(frames) - 1)
    strip = [(f["latent"], _gallery_caption(f)) for f in frames]
    return (list(zip(outcome.images, outcome.captions, strict=True)), outcome.seed, _info_text(outcome, guidance),
            frames, caption, latent, predicted, strip, models.status_markdown(loading.PRESETS[model].key))


@ui.handler
def fit_frame_slider(frames: list[dict] | None):
    """The slider spans the frames of the last run and stands on the last one."""
    last = max(len(frames or []) - 1, 0)
    return gr.Slider(minimum=0, maximum=max(last, 1), value=last, step=1, interactive=last > 0)


def _info_text(outcome: Outcome, guidance: float) -> str:
    if outcome.steps_done == 0:
        lines = [message("image_generation.info.stopped_before")]
    elif outcome.interrupted:
        lines = [message("image_generation.info.stopped", done=outcome.steps_done, total=outcome.steps_total)]
    else:
        lines = [message("image_generation.info.done", seconds=number(outcome.seconds), n=len(outcome.images),
                         steps=outcome.steps_total, guidance=number(guidance, "g"), seed=outcome.seed)]
    if outcome.withheld:
        lines.append(message("image_generation.info.withheld", n=outcome.withheld))
    if not safety.enabled():
        lines.append(message("image_generation.info.safety_off"))
    return "\n\n".join(lines)


def _gallery_caption(frame: dict) -> str:
    if frame["step"] == 0:
        return message("image_generation.frame.gallery_noise")
    return message("image_generation.frame.gallery", step=frame["step"])


@ui.handler
def show_frame(frames: list[dict] | None, index: object):
    """The caption and the two pictures of one frame of the filmstrip."""
    if not frames:
        return "", None, None
    try:
        position = min(max(int(index), 0), len(frames) - 1)
    except (TypeError, ValueError):
        position = len(frames) - 1
    frame = frames[position]
    if frame["step"] == 0:
        caption = message("image_generation.frame.caption_noise", seed=frame["seed"])
    else:
        caption = message("image_generation.frame.caption", step=frame["step"], total=frame["total"],
                          timestep=round(frame["timestep"]))
    return caption, frame["latent"], frame["predicted"]


@ui.handler
@gpu(duration=180)
def run_sweep(model, prompt, negative, steps, guidance, seed, randomize, width, height, scheduler, kind, values,
              request: gr.Request, progress=gr.Progress()):
    from image_generation.generate import check_request, check_sweep, sweep

    checked = check_request(model, prompt, negative, steps, guidance, seed, randomize, width, height, 1, scheduler)
    kind, values = check_sweep(kind, values, checked.model)
    started = time.monotonic()
    with STOP.running(session_of(request)) as stop:
        for grid, step in sweep(checked, kind, values, stop, tile=256 if len(values) <= 4 else 192):
            if step is not None:
                progress((step.step, step.total))
                yield grid, message("image_generation.info.progress", step=step.step, total=step.total), checked.seed
            elif stop.is_set():
                yield grid, message("image_generation.sweep.stopped"), checked.seed
            else:
                yield grid, message("image_generation.sweep.done", seconds=number(time.monotonic() - started),
                                    seed=checked.seed), checked.seed


@ui.handler
def show_tokens(model, prompt):
    """The prompt's tokens, marked read / cut off, and a one-line summary (never an error toast
    while typing: a model that cannot load is reported in the summary)."""
    model = MODEL.check(model)  # only an API call sends another: refused in words
    if not isinstance(prompt, str) or not prompt.strip():
        return None, message("image_generation.tokens.empty")
    try:
        view = token_view(loading.load_tokenizer(model), prompt[:PROMPT.max_chars])
    except models.ModelUnavailable as unavailable:
        return None, str(unavailable)
    names = {KEPT: message("image_generation.tokens.kept"), CUT: message("image_generation.tokens.cut"),
             SPECIAL: message("image_generation.tokens.special")}
    summary = message("image_generation.tokens.summary", used=view.used, limit=view.limit)
    if view.cut_words:
        summary += "  \n" + message("image_generation.tokens.cut_words", words=view.cut_words)
    colours = {names[KEPT]: "#16a34a", names[CUT]: "#dc2626", names[SPECIAL]: "#6b7280"}
    return gr.HighlightedText(value=[(text, names[kind]) for text, kind in view.tokens], color_map=colours), summary


@ui.handler
def switch_model(model, kind):
    """Defaults and caps of the chosen model, and its status line."""
    if model not in MODEL.choices:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    steps = STEPS[model]
    return (gr.Slider(maximum=steps.high, value=steps.default), gr.Slider(value=loading.PRESETS[model].guidance),
            sweep_placeholder(model, kind), models.status_markdown(loading.PRESETS[model].key))


@ui.handler
def sweep_placeholder(model, kind):
    if model not in MODEL.choices or kind not in SWEEP_KIND.choices:
        return gr.skip()
    return gr.Textbox(placeholder=_sweep_values_text(model, kind))


def _sweep_values_text(model: str, kind: str) -> str:
    """The model's own values of a sweep, as the values box takes them (decimal points, since
    commas separate the values)."""
    return ", ".join(f"{v:g}" for v in loading.PRESETS[model].default_sweep(kind))
