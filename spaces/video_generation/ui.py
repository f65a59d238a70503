"""The "Video generation" tab: a clip from a prompt (on a GPU) with the filmstrip of its denoising,
the cost explorer (anywhere: the tokens and the arithmetic of a clip), and the lecture's
commercial models beside the open one.

Events:
- the page's ``video_*`` events (private): the clip streams its progress, the Stop button ends
  it between two steps and keeps the clip predicted so far; the cost explorer answers every change;
- ``generate_video`` and ``video_cost`` (public, API only).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import gradio as gr

from shared import models, ui
from shared.controls import SEED_MAX
from shared.device import by_hardware
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message, number
from shared.run_control import StopSignals, session_of
from shared.ui import ui_text
from video_generation import loading
from video_generation.controls import (
    FLOW_SHIFT,
    FPS,
    FRAMES,
    GUIDANCE,
    HEIGHT,
    MODEL,
    NEGATIVE,
    PROMPT,
    RESOLUTION,
    SEED,
    STEPS,
    WIDTH,
)

if TYPE_CHECKING:
    from video_generation.denoise import Result
    from video_generation.generate import VideoRequest

DEMO = "video_generation"
STOP = StopSignals(DEMO)
EXAMPLES = (
    "Kot w okularach przeciwsłonecznych jedzie na deskorolce po słonecznej ulicy, kamera podąża za nim",
    "A paper boat drifts down a rain-soaked street at dusk, reflections of neon signs on the water",
    "Time-lapse of clouds rolling over snowy Tatra peaks, golden hour light",
)
COST_FRAMES = (1, 17, 33, 49, 65, 81, 121)


def build() -> None:
    status = ui.model_status(loading.PRESETS[loading.DEFAULT_MODEL].key)
    cpu_hint = "video_generation.hint.cpu_allowed" if loading.cpu_allowed() else "video_generation.hint.cpu"
    gr.Markdown(ui_text(by_hardware(cpu=cpu_hint, gpu="video_generation.hint.gpu")))
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            prompt = ui.component(PROMPT)
            gr.Examples([[e] for e in EXAMPLES], inputs=prompt, label=ui_text("video_generation.examples"),
                        api_name="video_example", api_visibility="private")
            negative = ui.component(NEGATIVE)
            with gr.Row():
                model = ui.component(MODEL)
                resolution = ui.component(RESOLUTION)
            seed = ui.component(SEED)
            with gr.Row():
                # On a CPU the buttons stay greyed out: the hint above says why and what it would take.
                new_clip = gr.Button(ui_text("video_generation.new_clip"), variant="primary",
                                     interactive=loading.can_generate())
                again = gr.Button(ui_text("video_generation.from_seed"), interactive=loading.can_generate())
                ui.stop_button(DEMO, cancels=[], signals=STOP, api_name="video_stop")
            with ui.advanced(demo=DEMO):
                frames, fps = ui.component(FRAMES), ui.component(FPS)
                steps, guidance = ui.component(STEPS), ui.component(GUIDANCE)
                flow_shift = ui.component(FLOW_SHIFT)
                first_frame = gr.Image(label=ui_text("video_generation.first_frame"), type="pil", sources=["upload"],
                                       height=200, visible=loading.PRESETS[loading.DEFAULT_MODEL].image_to_video)
        with gr.Column(scale=6, min_width=300):
            video = gr.Video(label=ui_text("video_generation.video"), interactive=False, autoplay=True, loop=True,
                             buttons=["download"], height=420)
            info = gr.Markdown(elem_classes="video-info")
    with gr.Accordion(ui_text("video_generation.filmstrip.heading"), open=True):
        gr.Markdown(ui_text("video_generation.filmstrip.explain"))
        previews = gr.Gallery(label=ui_text("video_generation.filmstrip.previews"), format="png", columns=8,
                              height=200, interactive=False, elem_classes="video-previews")
        strip = gr.Gallery(label=ui_text("video_generation.filmstrip.frames"), format="png", columns=8, height=200,
                           interactive=False, elem_classes="video-strip")
    with gr.Accordion(ui_text("video_generation.cost.heading"), open=True):
        gr.Markdown(ui_text("video_generation.cost.explain"))
        with gr.Row():
            cost_model = ui.component(MODEL)
            cost_width, cost_height = ui.component(WIDTH), ui.component(HEIGHT)
            cost_frames = ui.component(FRAMES)
        cost_table = gr.Markdown(elem_classes="video-cost")
        cost_plot = gr.LinePlot(x="frames", y="value", color="part", title=ui_text("video_generation.cost.plot"),
                                x_title=ui_text("video_generation.cost.plot.x"),
                                y_title=ui_text("video_generation.cost.plot.y"), height=280)
    with gr.Accordion(ui_text("video_generation.commercial.heading"), open=False):
        gr.Markdown(ui_text("video_generation.commercial.table"))

    settings = [prompt, negative, model, resolution, frames, fps, steps, guidance, flow_shift, seed, first_frame]
    outputs = [video, info, previews, strip, status]
    new_clip.click(random_seed, inputs=None, outputs=seed, api_name="video_new_seed", api_visibility="private",
                   queue=False).then(show_video, inputs=settings, outputs=outputs, api_name="video_new_clip",
                                     api_visibility="private", **GPU_EVENT)
    again.click(show_video, inputs=settings, outputs=outputs, api_name="video_from_seed", api_visibility="private",
                **GPU_EVENT)
    model.change(model_settings, inputs=model, outputs=[resolution, frames, fps, flow_shift, first_frame, status],
                 api_name="video_model_settings", api_visibility="private", queue=False, show_progress="hidden")
    cost_inputs = [cost_model, cost_width, cost_height, cost_frames]
    for trigger in cost_inputs:
        trigger.change(show_cost, inputs=cost_inputs, outputs=[cost_table, cost_plot], api_name=False,
                       queue=False, show_progress="hidden", preprocess=False)
    gr.on(triggers=None, fn=show_cost, inputs=cost_inputs, outputs=[cost_table, cost_plot],
          api_name="video_cost_page", api_visibility="private", queue=False, show_progress="hidden",
          preprocess=False)
    ui.api(generate_video_api, api_name="generate_video", **GPU_EVENT)
    ui.api(video_cost_api, api_name="video_cost")


@ui.handler
def random_seed() -> int:
    return random.SystemRandom().randrange(0, SEED_MAX + 1)


@ui.handler
def model_settings(choice):
    """The chosen model's sizes, length, frame rate and flow shift; a first frame where it takes one."""
    preset = loading.PRESETS[MODEL.check(choice)]
    sizes = ["{}x{}".format(*size) for size in preset.resolutions]
    return (gr.Dropdown(choices=sizes, value=sizes[0]),
            gr.Slider(maximum=preset.max_frames, value=preset.default_frames), gr.Slider(value=preset.fps),
            gr.Slider(value=preset.flow_shift), gr.Image(visible=preset.image_to_video),
            models.status_markdown(preset.key))


def _size(resolution) -> tuple[int, int]:
    width, height = str(RESOLUTION.check(resolution)).split("x")
    return int(width), int(height)


@ui.handler
@gpu(duration=300)
def show_video(prompt, negative, model, resolution, frames, fps, steps, guidance, flow_shift, seed, first_frame,
               request: gr.Request, progress=gr.Progress()):
    from video_generation.denoise import Progress
    from video_generation.generate import check_request, generate

    width, height = _size(resolution)
    checked = check_request(prompt, negative, width, height, frames, fps, steps, guidance, flow_shift, seed, model,
                            first_frame=first_frame)
    keep = gr.skip()
    with STOP.running(session_of(request)) as stop:
        yield keep, message("video_generation.loading"), keep, keep, keep
        for event in generate(checked, stop):
            if isinstance(event, Progress):
                progress((event.step, event.total), desc=_progress_text(event))
                yield keep, _progress_text(event), keep, keep, keep
            else:
                yield _present(checked, event)


def _progress_text(event) -> str:
    return message("video_generation.progress", step=event.step, total=event.total)


def _present(checked: VideoRequest, result: Result) -> tuple:
    from video_generation.video_file import strip_indices, write_mp4

    status = models.status_markdown(checked.preset.key)
    if not result.frames:
        return None, message("video_generation.stopped_before"), [], [], status
    path = write_mp4(result.frames, checked.fps)
    previews = [(p.picture, message("video_generation.filmstrip.step", step=p.step)) for p in result.previews]
    strip = [(result.frames[i], message("video_generation.filmstrip.frame", frame=i + 1))
             for i in strip_indices(len(result.frames))]
    return path, _result_text(checked, result), previews, strip, status


def _result_text(checked: VideoRequest, result: Result) -> str:
    seconds = number(len(result.frames) / checked.fps, ".2f")
    if result.interrupted:
        return message("video_generation.stopped", done=result.steps_done, total=result.steps_total,
                       frames=len(result.frames), seconds=seconds, seed=result.seed)
    return message("video_generation.done", frames=len(result.frames), seconds=seconds, fps=checked.fps,
                   seed=result.seed, steps=result.steps_total)


@ui.handler
def show_cost(model, width, height, frames):
    from video_generation.cost import clip_cost, length_sweep
    from video_generation.generate import geometry

    choice = MODEL.check(model)
    width, height, frames = WIDTH.check(width), HEIGHT.check(height), FRAMES.check(frames)
    try:
        shape = geometry(choice)
    except models.ModelUnavailable as missing:
        # Said in the table, not as a toast: this runs for every visitor when the page opens.
        return missing.text(), None
    costs = length_sweep(shape, width, height, sorted({*COST_FRAMES, frames}))
    chosen = clip_cost(shape, width, height, frames, steps=STEPS.default, guidance=GUIDANCE.default)
    return _cost_table(chosen, STEPS.default), _cost_rows(costs)


def _cost_table(cost, steps: int) -> str:
    pass_flops = cost.attention_flops + cost.linear_flops
    return message(
        "video_generation.cost.table", frames=cost.frames, width=cost.width, height=cost.height,
        pixels=_count(cost.pixel_values), latent=" × ".join(str(n) for n in cost.latent_shape),
        latent_values=_count(cost.latent_values), compression=_count(round(cost.compression)),
        grid=" × ".join(str(n) for n in cost.grid), tokens=_count(cost.tokens),
        frame_tokens=_count(cost.frame_tokens), image_tokens=_count(cost.image_tokens),
        attention_vs_image=number(cost.attention_vs_image, ".1f"), share=number(100 * cost.attention_share, ".0f"),
        forward_tflops=number(pass_flops / 1e12, ".2f"), steps=steps, forwards=cost.forwards,
        clip_pflops=number(cost.clip_flops / 1e15, ".3f"))


def _count(n: int) -> str:
    """A whole number with its thousands apart (a thin space, right in both languages)."""
    return f"{n:,}".replace(",", "\u2009")


def _cost_rows(costs: list):
    import pandas as pd

    rows = []
    for cost in costs:
        rows.append({"frames": cost.frames, "value": cost.attention_flops / 1e12,
                     "part": message("video_generation.cost.part.attention")})
        rows.append({"frames": cost.frames, "value": cost.linear_flops / 1e12,
                     "part": message("video_generation.cost.part.linear")})
    return pd.DataFrame(rows)


@gpu(duration=300)
def generate_video_api(prompt: str, negative_prompt: str = "", width: int = WIDTH.default,
                       height: int = HEIGHT.default, frames: int = FRAMES.default, fps: int = FPS.default,
                       steps: int = STEPS.default, guidance: float = GUIDANCE.default, seed: int = SEED.default,
                       model: str = MODEL.default) -> dict:
    """A clip from a prompt with Wan (``model``: "wan2.1-1.3b" or "wan2.2-5b"): width and height
    multiples of the model's patch (16 or 32 pixels), ``frames`` of the form 4k + 1 (at most 81 or
    121), denoised in ``steps`` steps with classifier-free ``guidance``, from ``seed``. Needs a GPU.
    Out: the MP4, the seed used, and a summary (frames, seconds, the latent's shape, tokens)."""
    from video_generation.denoise import result_of
    from video_generation.generate import check_request, generate, summary
    from video_generation.video_file import write_mp4

    preset = loading.PRESETS[MODEL.check(model)]
    checked = check_request(prompt, negative_prompt, width, height, frames, fps, steps, guidance,
                            preset.flow_shift, seed, model)
    result = result_of(generate(checked))
    return {"video": ui.file_data(write_mp4(result.frames, checked.fps)), "seed": result.seed,
            "summary": summary(checked, result)}


def video_cost_api(width: int = WIDTH.default, height: int = HEIGHT.default, frames: int = FRAMES.default,
                   model: str = MODEL.default, steps: int = STEPS.default, guidance: float = GUIDANCE.default) -> dict:
    """The cost explorer's numbers for a clip of ``frames`` at width × height with ``model``: the
    latent's shape (the VAE's strides, read from the model's configuration), the grid of patches,
    the tokens, the FLOPs of one transformer pass (self-attention's part ∝ tokens², the rest ∝
    tokens) and of the whole clip in ``steps`` steps, against one 512×512 image of Stable Diffusion 1.5."""
    from video_generation.cost import clip_cost
    from video_generation.generate import geometry

    choice = MODEL.check(model)
    cost = clip_cost(geometry(choice), WIDTH.check(width), HEIGHT.check(height), FRAMES.check(frames),
                     steps=STEPS.check(steps), guidance=GUIDANCE.check(guidance))
    return cost.summary()
