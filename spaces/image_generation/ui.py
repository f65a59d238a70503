"""The "Image generation" tab: prompt and settings on the left, the images on the right, and
below them the three teaching views (denoising filmstrip, sweeps, tokens).

Events:
- ``generate_image`` (public): the run, streaming its progress; the Stop button ends it
  between two steps and keeps what was made;
- ``image_generation_sweep`` (public): a labelled row of images, one per value of the guidance
  scale or the number of steps, with the same seed;
- ``image_generation_tokens`` (public): the prompt split into the text encoder's tokens;
- ``image_generation_stop`` (public): stops this session's running generation or sweep;
- private helpers: the filmstrip slider and the model switch.
"""

from __future__ import annotations

import threading
import time

import gradio as gr

from image_generation import loading, safety
from image_generation.denoise import Progress
from image_generation.generate import Outcome, check_request, check_sweep, default_sweep, generate, sweep
from image_generation.tokens import CUT, KEPT, SPECIAL, token_view
from shared import models
from shared.device import on_gpu
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message, ui_text, warn

EXAMPLES = [
    "a watercolor painting of a lighthouse on a cliff at sunset",
    "a photo of a red fox in fresh snow, morning light, detailed fur",
    "an isometric illustration of a tiny robot workshop, pastel colors",
    "a portrait of an old fisherman, oil painting, dramatic lighting",
]
# One Stop per browser session (or API client): set by the Stop button, read between steps.
_stops: dict[str, threading.Event] = {}
_stops_lock = threading.Lock()


def build() -> None:
    choice = loading.default_choice()
    preset = loading.PRESETS[choice]
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=320):
            model = gr.Dropdown(choices=[(ui_text(p.label_key), p.choice) for p in loading.PRESETS.values()],
                                value=choice,
                                label=ui_text("image_generation.model"), info=ui_text("image_generation.model.info"))
            model_status = models.status_component(preset.key)
            gr.Markdown(ui_text("image_generation.safety"), padding=False)
            models.status_component(safety.KEY)
            prompt = gr.Textbox(label=ui_text("image_generation.prompt"), lines=2, max_length=1000,
                                placeholder=ui_text("image_generation.prompt.placeholder"))
            negative = gr.Textbox(label=ui_text("image_generation.negative"), lines=1, max_length=1000,
                                  placeholder=ui_text("image_generation.negative.placeholder"))
            with gr.Row():
                run = gr.Button(ui_text("image_generation.generate"), variant="primary")
                stop = gr.Button(ui_text("image_generation.stop"), variant="stop")
            with gr.Accordion(ui_text("image_generation.settings"), open=True):
                steps = gr.Slider(1, preset.max_steps(), value=preset.default_steps(), step=1,
                                  label=ui_text("image_generation.steps"))
                guidance = gr.Slider(0, loading.GUIDANCE_MAX, value=preset.guidance, step=0.5,
                                     label=ui_text("image_generation.guidance"),
                                     info=ui_text("image_generation.guidance.info"))
                with gr.Row():
                    width = gr.Slider(loading.SIZE_MIN, loading.size_max(), value=loading.SIZE_DEFAULT, step=64,
                                      label=ui_text("image_generation.width"))
                    height = gr.Slider(loading.SIZE_MIN, loading.size_max(), value=loading.SIZE_DEFAULT, step=64,
                                       label=ui_text("image_generation.height"))
                with gr.Row():
                    num_images = gr.Slider(1, loading.images_max(), value=1, step=1,
                                           label=ui_text("image_generation.num_images"))
                    scheduler = gr.Dropdown(
                        choices=[(ui_text("image_generation.scheduler.default"), "default")]
                        + [(name, name) for name in loading.SCHEDULERS if name != "default"],
                        value="default", label=ui_text("image_generation.scheduler"))
                with gr.Row():
                    seed = gr.Number(value=0, precision=0, minimum=0, maximum=2**32 - 1,
                                     label=ui_text("image_generation.seed"), info=ui_text("image_generation.seed.info"))
                    randomize = gr.Checkbox(value=True, label=ui_text("image_generation.randomize"))
            gr.Examples(examples=[[e] for e in EXAMPLES], inputs=[prompt], label=ui_text("image_generation.examples"),
                        api_name="image_generation_example", api_visibility="private")
        with gr.Column(scale=6, min_width=320):
            info = gr.Markdown(ui_text("image_generation.hint" if on_gpu() else "image_generation.hint.cpu"))
            gallery = gr.Gallery(label=ui_text("image_generation.gallery"), format="png", columns=2, height=560,
                                 object_fit="contain", buttons=["download", "download_all", "fullscreen"],
                                 interactive=False)

    with gr.Accordion(ui_text("image_generation.filmstrip.heading"), open=True):
        gr.Markdown(ui_text("image_generation.filmstrip.explain"))
        frames = gr.State([])
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
            sweep_kind = gr.Radio(choices=[(ui_text("image_generation.sweep.kind.guidance"), "guidance"),
                                           (ui_text("image_generation.sweep.kind.steps"), "steps")],
                                  value="guidance", label=ui_text("image_generation.sweep.kind"))
            sweep_values = gr.Textbox(label=ui_text("image_generation.sweep.values"), max_length=100,
                                      placeholder=_values_text(default_sweep("guidance", choice)))
        with gr.Row():
            sweep_run = gr.Button(ui_text("image_generation.sweep.run"), variant="primary")
            sweep_stop = gr.Button(ui_text("image_generation.stop"), variant="stop")
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
    stop_inputs = dict(fn=request_stop, inputs=None, outputs=None, queue=False, show_progress="hidden")
    stop.click(api_name="image_generation_stop", **stop_inputs)
    sweep_stop.click(api_name="image_generation_sweep_stop", api_visibility="private", **stop_inputs)
    sweep_run.click(run_sweep, inputs=settings[:-2] + [scheduler, sweep_kind, sweep_values],
                    outputs=[sweep_grid, sweep_info, seed], api_name="image_generation_sweep",
                    preprocess=False, show_progress="minimal", **GPU_EVENT)
    frame.change(show_frame, inputs=[frames, frame], outputs=[frame_caption, frame_latent, frame_predicted],
                 api_name="image_generation_frame", api_visibility="private", show_progress="hidden",
                 trigger_mode="always_last")
    gr.on(triggers=[prompt.change, model.change], fn=show_tokens, inputs=[model, prompt],
          outputs=[tokens, tokens_summary], api_name="image_generation_tokens", show_progress="hidden",
          trigger_mode="always_last")
    model.change(switch_model, inputs=[model, sweep_kind], outputs=[steps, guidance, sweep_values, model_status],
                 api_name="image_generation_model", api_visibility="private", show_progress="hidden")
    sweep_kind.change(sweep_placeholder, inputs=[model, sweep_kind], outputs=sweep_values,
                      api_name="image_generation_sweep_kind", api_visibility="private", show_progress="hidden",
                      queue=False)


def _session(request: gr.Request | None) -> str:
    return getattr(request, "session_hash", None) or "no-session"


def _start(request: gr.Request | None) -> threading.Event:
    event = threading.Event()
    with _stops_lock:
        _stops[_session(request)] = event
    return event


def _finish(request: gr.Request | None, event: threading.Event) -> None:
    with _stops_lock:
        if _stops.get(_session(request)) is event:
            del _stops[_session(request)]


def request_stop(request: gr.Request) -> None:
    """Ask this session's running generation or sweep to stop after its current step."""
    with _stops_lock:
        event = _stops.get(_session(request))
    if event is None:
        warn("image_generation.warn.nothing_to_stop")
    else:
        event.set()


@gpu(duration=120)
def run_generation(model, prompt, negative, steps, guidance, seed, randomize, width, height, num_images, scheduler,
                   request: gr.Request, progress=gr.Progress()):
    checked = check_request(model, prompt, negative, steps, guidance, seed, randomize, width, height, num_images,
                            scheduler)
    if checked.negative_prompt and checked.guidance <= 1:
        warn("image_generation.warn.negative_ignored")
    stop_event = _start(request)
    keep = gr.skip()
    try:
        if not models.is_loaded(loading.PRESETS[checked.model].key):
            yield keep, checked.seed, message("image_generation.info.loading"), *(keep,) * 6
        for event in generate(checked, stop_event, max_frames=8 if on_gpu() else 5,
                              preview_downscale=1 if on_gpu() else 2):
            if isinstance(event, Progress):
                progress((event.step, event.total), desc=message("image_generation.info.progress",
                                                                 step=event.step, total=event.total))
                yield (keep, checked.seed, message("image_generation.info.progress", step=event.step,
                                                   total=event.total), *(keep,) * 6)
            else:
                yield _show_outcome(checked.model, checked.guidance, event)
    finally:
        _finish(request, stop_event)


def _show_outcome(model: str, guidance: float, outcome: Outcome) -> tuple:
    frames = [{"step": f.step, "timestep": f.timestep, "total": outcome.steps_total, "seed": outcome.seed,
               "latent": f.latent, "predicted": f.predicted} for f in outcome.frames]
    last = len(frames) - 1
    caption, latent, predicted = show_frame(frames, last) if frames else ("", None, None)
    strip = [(f["latent"], _gallery_caption(f)) for f in frames]
    return (list(zip(outcome.images, outcome.captions)), outcome.seed, _info_text(outcome, guidance), frames,
            caption, latent, predicted, strip, models.status_markdown(loading.PRESETS[model].key))


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
        lines = [message("image_generation.info.done", seconds=f"{outcome.seconds:.1f}", n=len(outcome.images),
                         steps=outcome.steps_total, guidance=f"{guidance:g}", seed=outcome.seed)]
    if outcome.withheld:
        lines.append(message("image_generation.info.withheld", n=outcome.withheld))
    if not safety.enabled():
        lines.append(message("image_generation.info.safety_off"))
    return "\n\n".join(lines)


def _gallery_caption(frame: dict) -> str:
    if frame["step"] == 0:
        return message("image_generation.frame.gallery_noise")
    return message("image_generation.frame.gallery", step=frame["step"])


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


@gpu(duration=180)
def run_sweep(model, prompt, negative, steps, guidance, seed, randomize, width, height, scheduler, kind, values,
              request: gr.Request, progress=gr.Progress()):
    checked = check_request(model, prompt, negative, steps, guidance, seed, randomize, width, height, 1, scheduler)
    kind, values = check_sweep(kind, values, checked.model)
    stop_event = _start(request)
    started = time.monotonic()
    try:
        for grid, step in sweep(checked, kind, values, stop_event, tile=256 if len(values) <= 4 else 192):
            if step is not None:
                progress((step.step, step.total))
                yield grid, message("image_generation.info.progress", step=step.step, total=step.total), checked.seed
            else:
                key = "image_generation.sweep.stopped" if stop_event.is_set() else "image_generation.sweep.done"
                yield grid, message(key, seconds=f"{time.monotonic() - started:.1f}", seed=checked.seed), checked.seed
    finally:
        _finish(request, stop_event)


def show_tokens(model, prompt):
    """The prompt's tokens, marked read / cut off, and a one-line summary (never an error toast
    while typing: a model that cannot load is reported in the summary)."""
    if not isinstance(prompt, str) or not prompt.strip() or model not in loading.PRESETS:
        return None, message("image_generation.tokens.empty")
    try:
        view = token_view(loading.load_tokenizer(model), prompt[:5000])
    except models.ModelUnavailable as unavailable:
        return None, str(unavailable)
    names = {KEPT: message("image_generation.tokens.kept"), CUT: message("image_generation.tokens.cut"),
             SPECIAL: message("image_generation.tokens.special")}
    summary = message("image_generation.tokens.summary", used=view.used, limit=view.limit)
    if view.cut_words:
        summary += "  \n" + message("image_generation.tokens.cut_words", words=view.cut_words)
    colours = {names[KEPT]: "#16a34a", names[CUT]: "#dc2626", names[SPECIAL]: "#6b7280"}
    return gr.HighlightedText(value=[(text, names[kind]) for text, kind in view.tokens], color_map=colours), summary


def switch_model(model, kind):
    """Defaults and caps of the chosen model, and its status line."""
    if model not in loading.PRESETS:
        return gr.skip(), gr.skip(), gr.skip(), gr.skip()
    preset = loading.PRESETS[model]
    return (gr.Slider(maximum=preset.max_steps(), value=preset.default_steps()), gr.Slider(value=preset.guidance),
            sweep_placeholder(model, kind), models.status_markdown(preset.key))


def sweep_placeholder(model, kind):
    if model not in loading.PRESETS or kind not in ("guidance", "steps"):
        return gr.skip()
    return gr.Textbox(placeholder=_values_text(default_sweep(kind, model)))


def _values_text(values) -> str:
    return ", ".join(f"{v:g}" for v in values)
