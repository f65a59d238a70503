"""The "Image generation" tab on tiny Stable Diffusion parts built here (random weights, CPU).

The parts are real diffusers / transformers classes saved as the Hub repositories are laid
out; the models' environment variables point at them, so the production loaders run unchanged.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import numpy as np
import pytest
import torch
from conftest import local_models, register_texts
from diffusers import (
    DDIMScheduler,
    DPMSolverMultistepScheduler,
    EulerAncestralDiscreteScheduler,
    EulerDiscreteScheduler,
    StableDiffusionPipeline,
)
from gradio_client import Client
from image_generation_tiny import build_pipeline_folder, build_safety_folder
from PIL import Image, ImageOps

from image_generation import loading, safety
from image_generation.controls import HEIGHT, NUM_IMAGES, SCHEDULER, STEPS, WIDTH
from image_generation.denoise import Progress, denoise, frame_steps, predicted_original
from image_generation.generate import Outcome, check_request, check_sweep, generate, sweep
from image_generation.tokens import CUT, KEPT, SPECIAL, token_view
from shared import i18n, models
from shared.errors import LabError

register_texts("image_generation")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """Both models and both safety checkers (one flags everything, one nothing), as folders."""
    root = tmp_path_factory.mktemp("tiny_sd")
    folders = {
        "turbo": build_pipeline_folder(root / "turbo", turbo_like=True),
        "sd15": build_pipeline_folder(root / "sd15"),
        "clean": build_safety_folder(root / "clean", flags_everything=False),
        "flags": build_safety_folder(root / "flags", flags_everything=True),
    }
    with local_models(image_generation=folders["turbo"], image_generation_quality=folders["sd15"],
                      image_generation_safety=folders["clean"]), pytest.MonkeyPatch.context() as patch:
        patch.delenv("LAB_SAFETY_CHECKER", raising=False)
        yield folders


def request(model="sd-1.5", *, prompt="a photo of a cat", negative="", steps=2, guidance=5.0, seed=7,
            randomize=False, width=256, height=256, num_images=1, scheduler="default"):
    return check_request(model, prompt, negative, steps, guidance, seed, randomize, width, height, num_images,
                         scheduler)


def run(req, stop=None, **kwargs) -> tuple[Outcome, list[Progress]]:
    progress, outcome = [], None
    for event in generate(req, stop, **kwargs):
        if isinstance(event, Progress):
            progress.append(event)
        else:
            outcome = event
    return outcome, progress


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


# --- the run and its filmstrip ---------------------------------------------------------------

def test_the_production_loader_assembles_the_tiny_parts(tiny):
    pipe = loading.load_pipeline("sd-1.5")
    assert type(pipe).__name__ == "StableDiffusionPipeline"
    assert pipe.safety_checker is None  # the checker is separate, the same for both models
    assert models.is_loaded("image_generation_quality")
    loading.load_pipeline("sd-turbo")
    assert models.is_loaded("image_generation") and not models.is_loaded("image_generation_quality"), \
        "only one pipeline stays in memory"
    assert type(loading.make_scheduler(pipe, "euler_ancestral")).__name__ == "EulerAncestralDiscreteScheduler"


def test_filmstrip_starts_with_noise_and_follows_the_steps_in_order(tiny):
    outcome, progress = run(request(steps=4, scheduler="euler"), max_frames=3, preview_downscale=2)
    assert [p.step for p in progress] == [1, 2, 3, 4] and all(p.total == 4 for p in progress)
    steps = [f.step for f in outcome.frames]
    assert steps == [0] + sorted(frame_steps(4, 2)) == [0, 2, 4]
    assert all(f.latent.size == (256, 256) for f in outcome.frames), "previews are shown at the image's size"
    assert outcome.frames[0].predicted is None  # pure noise: nothing predicted yet
    assert all(f.predicted is not None for f in outcome.frames[1:])
    timesteps = [f.timestep for f in outcome.frames]
    assert timesteps == sorted(timesteps, reverse=True), "denoising runs from high noise to low"
    # The last frame's latent is the final image itself.
    assert np.array_equal(pixels(outcome.frames[-1].latent), pixels(outcome.images[0]))
    assert outcome.images[0].size == (256, 256) and not outcome.interrupted and outcome.steps_done == 4


def test_frame_count_is_capped_and_always_ends_on_the_last_step():
    for total in (1, 2, 5, 7, 25, 50):
        for cap in (1, 3, 7):
            chosen = frame_steps(total, cap)
            assert total in chosen and len(chosen) <= cap + 1 and min(chosen) >= 1


def test_the_seed_is_returned_and_each_image_can_be_made_again_from_it(tiny):
    batch, _ = run(request(randomize=True, num_images=2), max_frames=0)
    first_seed = batch.seed
    assert batch.captions == [f"seed {first_seed}", f"seed {first_seed + 1}"]
    # another seed, another image; the same seed, the same image (also alone, outside its batch)
    assert np.abs(pixels(batch.images[0]) - pixels(batch.images[1])).max() > 0
    again, _ = run(request(seed=first_seed + 1), max_frames=0)
    assert np.abs(pixels(batch.images[1]) - pixels(again.images[0])).max() <= 1
    assert again.seed == first_seed + 1


@pytest.mark.parametrize("name, model", [("euler", "sd-1.5"), ("euler_ancestral", "sd-turbo"),
                                         ("dpm++_2m", "sd-1.5"), ("ddim", "sd-turbo")])
def test_every_scheduler_runs(tiny, name, model):
    outcome, progress = run(request(model, steps=2, scheduler=name, guidance=0.0 if model == "sd-turbo" else 4.0),
                            max_frames=0)
    assert len(outcome.images) == 1 and [p.step for p in progress] == [1, 2]
    assert pixels(outcome.images[0]).std() > 0


# --- against diffusers' own StableDiffusionPipeline.__call__ --------------------------------------
#
# The reference is the pipeline loaded by diffusers itself from the same tiny folders, its
# scheduler swapped the documented way (``pipe.scheduler = X.from_config(config)``), each image
# seeded by its own CPU generator. Both run on this CPU in float32 with the same weights, so the
# same arithmetic in the same order: the final latents and images must be identical (tolerance
# 0). The x̂₀ previews are decoded two pictures per VAE call here (the latent and x̂₀ of a step
# together) and one at a time in the reference, which moves the float rounding by up to one
# grey level: tolerance 1 of 255 (a wrong x̂₀ is off by tens).

REFERENCE_SCHEDULERS = {"default": None, "euler": EulerDiscreteScheduler,
                        "euler_ancestral": EulerAncestralDiscreteScheduler, "dpm++_2m": DPMSolverMultistepScheduler,
                        "ddim": DDIMScheduler}
OWN_X0 = (DDIMScheduler, EulerDiscreteScheduler, EulerAncestralDiscreteScheduler)  # step returns pred_original_sample
PREVIEW_TOLERANCE = 1  # grey levels of 255, see above


def test_frame_steps_at_the_edges():
    assert frame_steps(10, 1) == {10}  # one frame: the last step
    assert frame_steps(9, 9) == set(range(1, 10))  # room for every step, and none past the last
    assert frame_steps(9, 3) == {3, 6, 9}


def finished(pipe, scheduler_name="ddim", steps=8, **settings):
    scheduler = loading.make_scheduler(pipe, scheduler_name)
    events = list(denoise(pipe, scheduler, prompt="a cat", negative_prompt="", steps=steps, guidance=5.0, seed=3,
                          width=64, height=48, **settings))
    return events[-1]


def test_denoise_defaults_to_one_image_and_eight_full_resolution_frames(tiny):
    pipe = loading.load_pipeline("sd-1.5")
    default = finished(pipe)
    explicit = finished(pipe, num_images=1, max_frames=8, preview_downscale=1)
    assert len(default.images) == 1 and default.seeds == [3]
    assert [f.step for f in default.frames] == [f.step for f in explicit.frames] == [0, 2, 4, 6, 8]
    for ours, asked in zip(default.frames, explicit.frames, strict=True):
        assert np.array_equal(pixels(ours.latent), pixels(asked.latent))
        assert (ours.predicted is None) == (asked.predicted is None)
        if ours.predicted is not None:
            assert np.array_equal(pixels(ours.predicted), pixels(asked.predicted))
    schedule = loading.make_scheduler(pipe, "ddim")
    schedule.set_timesteps(8)
    assert default.frames[-1].timestep == float(schedule.timesteps[-1])  # the result: after the last step
    assert [f.step for f in finished(pipe, max_frames=1).frames] == [0, 8]  # the noise and the result
    assert finished(pipe, max_frames=0).frames == []


def test_a_run_stopped_after_a_step_shows_that_steps_prediction_of_the_clean_image(tiny):
    pipe = loading.load_pipeline("sd-1.5")
    stop = threading.Event()
    events = denoise(pipe, loading.make_scheduler(pipe, "ddim"), prompt="a cat", negative_prompt="", steps=5,
                     guidance=5.0, seed=3, width=64, height=48, max_frames=8, stop=stop)
    assert next(events).step == 1
    stop.set()
    stopped = list(events)[-1]
    assert stopped.interrupted and stopped.steps_done == 1
    first = next(f for f in stopped.frames if f.step == 1)
    # x̂₀, not the noisy latent (the frame was decoded in one VAE batch with another: a level apart at most)
    assert np.abs(pixels(stopped.images[0]) - pixels(first.predicted)).max() <= 1

    def stop_after_the_first_step(pipeline, i, t, tensors):
        pipeline._interrupt = True
        return {}

    own = copy.copy(pipe)
    own.scheduler = loading.make_scheduler(pipe, "ddim")
    noisy = own("a cat", num_inference_steps=5, guidance_scale=5.0, height=48, width=64,
                generator=[torch.Generator("cpu").manual_seed(3)], output_type="latent", return_dict=False,
                callback_on_step_end=stop_after_the_first_step)[0]
    assert stopped.latents.shape == noisy.shape
    assert (stopped.latents - noisy).abs().max() > 1e-3  # the pipeline's latent after one step is still noise


def test_a_run_stopped_before_its_first_step_still_says_how_many_it_had(tiny):
    pipe = loading.load_pipeline("sd-1.5")
    stop = threading.Event()
    stop.set()
    result = finished(pipe, steps=3, stop=stop)
    assert result.images == [] and result.steps_done == 0 and result.steps_total == 3


def test_alpha_bar_between_two_timesteps_is_the_linear_interpolation_of_the_schedule():
    from image_generation.denoise import _alpha_bar

    ddim = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear")
    table = ddim.alphas_cumprod.double().numpy()
    for t in (0.0, 10.25, 500.5, 998.5, 999.0, 999.5):  # np.interp holds the last value past the end
        expected = np.interp(t, np.arange(len(table)), table)
        assert float(_alpha_bar(ddim, t)) == pytest.approx(expected, rel=1e-6), t


def test_predicted_original_keeps_the_latents_precision():
    ddim = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False)
    ddim.set_timesteps(10)
    sample, output = torch.randn(1, 4, 8, 8).half(), torch.randn(1, 4, 8, 8).half()
    found = predicted_original(ddim, sample, output, ddim.timesteps[3])
    assert found.dtype == torch.float16
    torch.testing.assert_close(found.float(), predicted_original(ddim, sample.float(), output.float(),
                                                                 ddim.timesteps[3]), atol=2e-2, rtol=2e-2)


def test_a_cpu_preview_is_decoded_from_the_pooled_latent_and_shown_at_the_images_size(tiny):
    import torch.nn.functional as F

    from image_generation.denoise import _decode, _decode_preview

    pipe = loading.load_pipeline("sd-1.5")
    latent = torch.randn(1, 4, 6, 8, generator=torch.Generator().manual_seed(2))  # wider than tall
    size = (8 * pipe.vae_scale_factor, 6 * pipe.vae_scale_factor)
    with torch.no_grad():
        full = _decode_preview(pipe, [latent], 1)[0]
        preview = _decode_preview(pipe, [latent], 2)[0]
        small = _decode(pipe, F.avg_pool2d(latent, 2))[0]
        plain = _decode(pipe, latent)[0]
    assert full.size == preview.size == size
    assert np.array_equal(pixels(full), pixels(plain))
    assert np.array_equal(pixels(preview), pixels(small.resize(size, Image.Resampling.BICUBIC)))


@pytest.fixture(scope="module")
def reference(tiny):
    """diffusers' StableDiffusionPipeline of each model, loaded by diffusers from the same folder,
    with its own scheduler's class and configuration."""
    pipes = {}
    for model, folder in (("sd-1.5", tiny["sd15"]), ("sd-turbo", tiny["turbo"])):
        pipe = StableDiffusionPipeline.from_pretrained(folder, safety_checker=None, feature_extractor=None,
                                                       requires_safety_checker=False)
        pipe.set_progress_bar_config(disable=True)
        pipes[model] = (pipe, type(pipe.scheduler), pipe.scheduler.config)
    return pipes


@dataclass
class Reference:
    images: list[Image.Image]
    latents: torch.Tensor  # the final ones, which the images are decoded from
    predicted: list[Image.Image]  # x̂₀ of the first image after each step, decoded


def reference_run(reference, model, scheduler, *, prompt, negative_prompt, steps, guidance, seed, width, height,
                  num_images=1) -> Reference:
    """The reference's images, and the x̂₀ of every step: the scheduler's own pred_original_sample
    where its step returns one, else DDIM's (its formula needs only ᾱ at the step's timestep)."""
    pipe, own_class, config = reference[model]
    pipe.scheduler = (REFERENCE_SCHEDULERS[scheduler] or own_class).from_config(config)
    ddim = DDIMScheduler.from_config(config, clip_sample=False, thresholding=False)
    ddim.set_timesteps(steps)
    x0, latents = [], {}
    real_step = pipe.scheduler.step

    @functools.wraps(real_step)  # the pipeline reads the step's signature (eta, generator)
    def recording_step(model_output, timestep, sample, **kwargs):
        output = real_step(model_output, timestep, sample, **kwargs)
        if isinstance(pipe.scheduler, OWN_X0):
            x0.append(output[1])  # (prev_sample, pred_original_sample)
        else:
            x0.append(ddim.step(model_output, timestep, sample).pred_original_sample)
        return output

    def keep_latents(pipeline, i, t, tensors):
        latents["last"] = tensors["latents"]
        return {}

    pipe.scheduler.step = recording_step
    images = pipe(prompt, negative_prompt=negative_prompt or None, num_inference_steps=steps, guidance_scale=guidance,
                  height=height, width=width, num_images_per_prompt=num_images,
                  generator=[torch.Generator("cpu").manual_seed(seed + i) for i in range(num_images)],
                  callback_on_step_end=keep_latents).images
    with torch.no_grad():
        predicted = [pipe.image_processor.postprocess(
            pipe.vae.decode(x[:1] / pipe.vae.config.scaling_factor, return_dict=False)[0], output_type="pil")[0]
            for x in x0]
    return Reference(images, latents["last"], predicted)


def test_the_reference_covers_every_scheduler_the_tab_offers():
    assert set(REFERENCE_SCHEDULERS) == set(SCHEDULER.choices) == set(loading.SCHEDULERS)


@pytest.mark.parametrize("guidance", [0.0, 7.5])
@pytest.mark.parametrize("name", list(REFERENCE_SCHEDULERS))
def test_images_and_predictions_are_those_of_the_diffusers_pipeline(tiny, reference, name, guidance):
    """The denoising run of the tab (at 64×64 pixels, below the page's sizes, to stay quick) against
    the pipeline's: every scheduler of the tab (SD 1.5's own is PNDM), without and with guidance."""
    settings = dict(prompt="a photo of a red cat", negative_prompt="blurry", steps=3, guidance=guidance, seed=11,
                    width=64, height=64, num_images=2)
    pipe = loading.load_pipeline("sd-1.5")
    events = list(denoise(pipe, loading.make_scheduler(pipe, name), max_frames=10, preview_downscale=1, **settings))
    ours, progress = events[-1], events[:-1]
    theirs = reference_run(reference, "sd-1.5", name, **settings)
    torch.testing.assert_close(ours.latents, theirs.latents, rtol=0, atol=0)
    assert len(ours.images) == len(theirs.images) == 2
    for mine, expected in zip(ours.images, theirs.images, strict=True):
        assert np.array_equal(pixels(mine), pixels(expected)), "the final images are the pipeline's, exactly"
    assert [f.step for f in ours.frames] == list(range(len(theirs.predicted) + 1)), "a frame at every step"
    assert [p.step for p in progress] == list(range(1, len(theirs.predicted) + 1))
    for frame in ours.frames[1:]:
        gap = np.abs(pixels(frame.predicted) - pixels(theirs.predicted[frame.step - 1])).max()
        assert gap <= PREVIEW_TOLERANCE, f"x̂₀ after step {frame.step} differs by {gap} grey levels"
    # the seeds are per image: the second one is not the first again
    assert np.abs(pixels(ours.images[0]) - pixels(ours.images[1])).max() > 0


def preset(device: str) -> dict:
    """The tab's defaults on ``device``, as loading.py picks them there (a fresh interpreter
    with LAB_DEVICE set: by_hardware decides when the module is imported)."""
    root = Path(__file__).resolve().parents[1]
    code = ("import json; from image_generation import loading as l; p = l.PRESETS[l.DEFAULT_MODEL]; "
            "print(json.dumps(dict(model=p.choice, steps=p.default_steps, guidance=p.guidance, "
            "frames=l.FILMSTRIP_FRAMES, downscale=l.PREVIEW_DOWNSCALE)))")
    env = {**os.environ, "LAB_DEVICE": device,
           "PYTHONPATH": os.pathsep.join([str(root / "spaces"), str(root), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True,
                          check=True, timeout=60)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_cpu_and_gpu_presets_run_the_same_pipeline_call(tiny, reference):
    cpu, gpu = preset("cpu"), preset("cuda")
    assert cpu["model"] == "sd-turbo" and gpu["model"] == "sd-1.5", "two different presets"
    for settings in (cpu, gpu):
        req = request(settings["model"], steps=settings["steps"], guidance=settings["guidance"], seed=4)
        outcome, progress = run(req, max_frames=settings["frames"], preview_downscale=settings["downscale"])
        theirs = reference_run(reference, req.model, req.scheduler, prompt=req.prompt, negative_prompt="",
                               steps=req.steps, guidance=req.guidance, seed=req.seed, width=req.width,
                               height=req.height)
        assert np.array_equal(pixels(outcome.images[0]), pixels(theirs.images[0])), settings
        assert len(outcome.frames) <= settings["frames"] and outcome.frames[-1].step == progress[-1].total


@pytest.mark.parametrize("prediction", ["epsilon", "v_prediction", "sample"])
def test_predicted_original_is_ddims_for_every_kind_of_prediction(prediction):
    ddim = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                         prediction_type=prediction)
    ddim.set_timesteps(10)
    generator = torch.Generator().manual_seed(0)
    sample, output = torch.randn(2, 4, 8, 8, generator=generator), torch.randn(2, 4, 8, 8, generator=generator)
    for t in ddim.timesteps[[0, 4, 9]]:
        expected = ddim.step(output, t, sample).pred_original_sample
        torch.testing.assert_close(predicted_original(ddim, sample, output, t), expected, atol=1e-5, rtol=1e-5)


# --- Stop ------------------------------------------------------------------------------------

def test_stop_between_steps_keeps_the_predicted_image(tiny):
    stop = threading.Event()
    events = generate(request(steps=5, scheduler="euler"), stop, max_frames=0)
    first = next(events)
    assert isinstance(first, Progress) and first.step == 1
    stop.set()
    outcome = list(events)[-1]
    assert outcome.interrupted and outcome.steps_done == 1 and outcome.steps_total == 5
    assert len(outcome.images) == 1 and outcome.images[0].size == (256, 256), "what was made is kept"


def test_a_run_left_early_ends_its_thread(tiny):
    """Gradio closes the generator of a cancelled event: the pipeline's thread must end too."""
    pipe = loading.load_pipeline("sd-1.5")
    scheduler = loading.make_scheduler(pipe, "ddim")
    events = denoise(pipe, scheduler, prompt="a cat", negative_prompt="", steps=20, guidance=5.0, seed=1, width=64,
                     height=64, max_frames=0)
    assert next(events).step == 1
    assert "step" in vars(scheduler), "watched while it runs"
    running = [t for t in threading.enumerate() if t.name == "image-generation"]
    assert len(running) == 1
    events.close()
    assert not running[0].is_alive()
    assert "step" not in vars(scheduler), "the scheduler's own step method is back"


def test_stop_before_the_first_step_makes_nothing(tiny):
    stop = threading.Event()
    stop.set()
    outcome, progress = run(request(steps=3), stop, max_frames=0)
    assert progress == [] and outcome.steps_done == 0 and outcome.images == []


# --- safety checker --------------------------------------------------------------------------

def test_a_withheld_image_is_reported_and_is_never_a_black_square(tiny, monkeypatch):
    monkeypatch.setenv("LAB_MODEL_IMAGE_GENERATION_SAFETY", str(tiny["flags"]))
    outcome, _ = run(request(num_images=2, seed=3), max_frames=3)
    assert outcome.withheld == 2
    for image in outcome.images:
        values = pixels(image)
        assert values.mean() > 100 and values.std() > 5, "a visible card, not a black square"
    assert all("withheld" in c for c in outcome.captions)
    # the filmstrip of a withheld image is withheld too
    card = safety.withheld((256, 256), i18n.message("image_generation.withheld.card"))
    assert np.array_equal(pixels(outcome.frames[-1].latent), pixels(card))
    assert all(np.array_equal(pixels(f.predicted), pixels(safety.withheld(f.predicted.size, card_text())))
               for f in outcome.frames[1:])


def card_text() -> str:
    return i18n.message("image_generation.withheld.card")


def test_the_clean_checker_passes_images_and_the_off_switch_skips_it(tiny, monkeypatch):
    checked, _ = run(request(seed=5), max_frames=0)
    assert checked.withheld == 0
    monkeypatch.setenv("LAB_MODEL_IMAGE_GENERATION_SAFETY", str(tiny["flags"]))
    monkeypatch.setenv("LAB_SAFETY_CHECKER", "off")
    unchecked, _ = run(request(seed=5), max_frames=0)
    assert unchecked.withheld == 0
    assert np.array_equal(pixels(checked.images[0]), pixels(unchecked.images[0]))


@pytest.mark.parametrize("setting, on", [(None, True), ("on", True), ("1", True), ("yes", True),
                                         ("off", False), (" OFF ", False), ("0", False), ("false", False),
                                         ("False", False), ("no", False), ("No", False)])
def test_the_checker_is_on_unless_the_variable_switches_it_off(monkeypatch, setting, on):
    if setting is None:
        monkeypatch.delenv("LAB_SAFETY_CHECKER", raising=False)
    else:
        monkeypatch.setenv("LAB_SAFETY_CHECKER", setting)
    assert safety.enabled() is on


def test_a_safety_checker_saved_only_as_a_pickle_is_not_loaded(tmp_path):
    """Weights are read from safetensors only: a pytorch_model.bin is never unpickled."""
    from safetensors.torch import load_file

    folder = build_safety_folder(tmp_path / "pickled", flags_everything=False)
    weights = folder / "safety_checker" / "model.safetensors"
    torch.save(load_file(str(weights)), folder / "safety_checker" / "pytorch_model.bin")
    weights.unlink()
    with pytest.raises(OSError):
        safety._load_checker(str(folder))


def test_the_withheld_card_wraps_its_words_within_the_frame_and_centres_them():
    from PIL import ImageDraw, ImageFont

    text = "This image was withheld by the safety checker of Stable Diffusion"
    card = safety.withheld((256, 192), text)
    picture = pixels(card)
    assert card.size == (256, 192) and (picture[0, 0] == 208).all() and (picture[-1, -1] == 208).all()
    margin = 192 // 16
    assert tuple(picture[margin, 128]) == (150, 40, 40) and tuple(picture[192 - margin, 128]) == (150, 40, 40)
    # the diagonal that crosses it out, from corner to corner of the frame: (70, 54) lies on it
    assert tuple(picture[margin + 42, margin + 58]) == (150, 40, 40)
    assert tuple(picture[margin + 58, margin + 42]) == (208, 208, 208)  # and only there
    dark = (picture < 60).all(axis=2)  # the text's ink
    rows, columns = np.flatnonzero(dark.any(axis=1)), np.flatnonzero(dark.any(axis=0))
    assert columns.min() >= 2 * margin - 2 and columns.max() <= 256 - 2 * margin + 2
    assert abs((columns.min() + columns.max()) / 2 - 128) <= 4 and abs((rows.min() + rows.max()) / 2 - 96) <= 8
    font = ImageFont.load_default(size=max(10, 192 // 18))
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    lines = safety._wrap(draw, text, font, 256 - 4 * margin)
    assert " ".join(lines) == text and len(lines) > 1
    assert all(draw.textlength(line, font=font) <= 256 - 4 * margin for line in lines)
    assert all(draw.textlength(f"{line} {following.split()[0]}", font=font) > 256 - 4 * margin
               for line, following in zip(lines, lines[1:], strict=False))  # each line as full as it can be
    assert safety._wrap(draw, "unbreakableword", font, 5) == ["unbreakableword"]
    exactly = draw.textlength("two words", font=font)
    assert safety._wrap(draw, "two words", font, exactly) == ["two words"]  # a line may fill the width
    assert safety._wrap(draw, "two words", font, exactly - 0.5) == ["two", "words"]
    assert safety._wrap(draw, " ", font, 50) == []


def ink_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) of each run of True in a 1-D mask."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    return [(int(a), int(b) - 1) for a, b in zip(edges[::2], edges[1::2], strict=True)]


@pytest.mark.parametrize("size, words", [((64, 64), 3), ((256, 192), 24), ((301, 211), 24), ((512, 384), 24)])
def test_the_withheld_card_is_laid_out_from_its_shorter_side(size, words):
    """Measured on the card: the frame 1/16 of the shorter side in (at least 4 px), a third of that
    thick (at least 2 px), the diagonal a quarter (at least 1 px), letters of 1/18 of the shorter
    side (at least 10 px) in lines the font's "Ag" height plus 4 px apart, the block and each line
    centred, and every pixel a blend of the card's grey with the frame's red or with the ink: the
    letters' grey halo keeps them off the red diagonal. The references are Pillow's own line and
    letters drawn alone on a blank card."""
    from PIL import ImageDraw, ImageFont

    width, height = size
    margin, red = max(4, min(size) // 16), (150, 40, 40)
    text = " ".join(["HHH"] * words)
    card = pixels(safety.withheld(size, text)).astype(int)
    colours = card.reshape(-1, 3) - 208
    ink_blend = (colours[:, 0] == colours[:, 1]) & (colours[:, 1] == colours[:, 2])
    red_blend = (colours[:, 1] == colours[:, 2]) & (np.abs(colours[:, 0] - 58 / 168 * colours[:, 1]) <= 0.7)
    assert (ink_blend | red_blend).all()
    frame = (np.abs(card - red).sum(axis=2) == 0)
    thick = max(2, margin // 3)
    assert ink_runs(frame[height // 2, : 3 * margin]) == [(margin, margin + thick - 1)]
    assert ink_runs(frame[height // 2, width - 3 * margin:]) == [(2 * margin - thick + 1, 2 * margin)]
    assert ink_runs(frame[: 3 * margin, width // 4]) == [(margin, margin + thick - 1)]
    assert ink_runs(frame[height - 3 * margin:, width // 4]) == [(2 * margin - thick + 1, 2 * margin)]

    reference = Image.new("RGB", size, (208, 208, 208))
    ImageDraw.Draw(reference).line([margin, margin, width - margin, height - margin], fill=red,
                                   width=max(1, margin // 4))
    row = margin + (height - 2 * margin) // 8  # above the text, inside the frame
    inside = slice(margin + thick, width - margin - thick)
    np.testing.assert_array_equal(frame[row, inside], (pixels(reference)[row, inside] == red).all(axis=1))

    font = ImageFont.load_default(size=max(10, min(size) // 18))
    alone = Image.new("RGB", size, (208, 208, 208))
    ImageDraw.Draw(alone).text((0, 0), "HHH", fill=(40, 40, 40), font=font, stroke_width=2,
                               stroke_fill=(208, 208, 208))
    letter_rows = ink_runs((pixels(alone) < 60).all(axis=2).any(axis=1))
    assert len(letter_rows) == 1
    (ink_top, ink_bottom) = letter_rows[0]
    dark = (card < 60).all(axis=2)
    lines = ink_runs(dark.any(axis=1))
    step = font.getbbox("Ag")[3] + 4
    assert len(lines) >= 3 and all(bottom - top == ink_bottom - ink_top for top, bottom in lines)  # same size
    assert [top - lines[0][0] for top, _ in lines] == [n * step for n in range(len(lines))]
    assert lines[0][0] == (height - step * len(lines)) // 2 + ink_top
    draw = ImageDraw.Draw(alone)
    words = safety._wrap(draw, text, font, width - 4 * margin)
    assert len(words) == len(lines)
    for (top, bottom), line in zip(lines, words, strict=True):
        single = Image.new("RGB", size, (208, 208, 208))
        ImageDraw.Draw(single).text((0, 0), line, fill=(40, 40, 40), font=font)
        bearing = np.flatnonzero((pixels(single) < 60).all(axis=2).any(axis=0)).min()
        columns = np.flatnonzero(dark[top:bottom + 1].any(axis=0))
        assert columns.min() == (width - draw.textlength(line, font=font)) // 2 + bearing  # centred


# --- sweeps ----------------------------------------------------------------------------------

def test_guidance_sweep_fills_a_labelled_grid_with_the_same_seed(tiny):
    kind, values = check_sweep("guidance", "1, 4", "sd-1.5")
    assert (kind, values) == ("guidance", [1.0, 4.0])
    results = list(sweep(request(steps=2, seed=9, scheduler="ddim"), kind, values, tile=64))
    assert results[-1][1] is None and all(p is not None for _, p in results[:-1])
    assert [p.step for _, p in results[:-1]] == [1, 2, 3, 4]
    grid = results[-1][0]
    assert grid.width > 2 * 64 and grid.height > 64
    # the tile for guidance 4 is the image a single run with guidance 4 and the same seed makes
    single, _ = run(request(steps=2, seed=9, guidance=4.0, scheduler="ddim"), max_frames=0)
    gap = max(4, 64 // 32)
    tile = pixels(grid)[grid.height - 64 - gap: grid.height - gap, 2 * gap + 64: 2 * gap + 128]
    assert np.abs(tile - pixels(ImageOps.contain(single.images[0], (64, 64)))).max() <= 1
    # every tile is filled (an empty tile is a white square with a grey frame)
    for n in range(2):
        left = gap + n * (64 + gap)
        assert pixels(grid)[grid.height - 64 - gap:grid.height - gap, left:left + 64].std() > 1


def ink_columns(picture: np.ndarray, top: int, bottom: int) -> np.ndarray:
    """The columns where a band of rows holds dark ink (the grid's text colour)."""
    return np.flatnonzero((picture[top:bottom] < 100).all(axis=2).any(axis=0))


@pytest.mark.parametrize("tile", [64, 256])
def test_the_labelled_row_places_each_tile_under_its_centred_label(tile):
    """The layout measured on the picture: a title band (when asked), a label band, then the tiles
    side by side with gaps of tile/32 (at least 4 px); a missing image is a grey frame, a
    non-square one is fitted and centred in its tile."""
    from PIL import ImageFont

    from image_generation.grid import labelled_row

    font = ImageFont.load_default(size=max(12, tile // 12))
    band = int(font.getbbox("Ag")[3] * 1.6)
    gap = max(4, tile // 32)
    wide = Image.new("RGB", (2 * tile, tile), (0, 200, 0))  # fitted to tile × tile/2
    images = [Image.new("RGB", (tile, tile), (200, 0, 0)), None, wide]
    labels = ["7.5", "x", "12"]
    for title in ("", "guidance"):
        grid = labelled_row(images, labels, tile=tile, title=title)
        top = (band if title else 0) + band
        assert grid.size == (3 * tile + 4 * gap, top + tile + gap)
        picture = pixels(grid)
        lefts = [gap + n * (tile + gap) for n in range(3)]
        assert (picture[top:top + tile, lefts[0]:lefts[0] + tile] == (200, 0, 0)).all()
        frame = picture[top:top + tile, lefts[1]:lefts[1] + tile]
        assert (frame[:2] == 180).all() and (frame[-2:] == 180).all() and (frame[:, :2] == 180).all()
        assert (frame[2:-2, 2:-2] == 255).all()  # an empty frame: nothing inside
        fitted = picture[top:top + tile, lefts[2]:lefts[2] + tile]
        quarter = tile // 4
        assert (fitted[quarter:tile - quarter] == (0, 200, 0)).all() and (fitted[:quarter - 1] == 255).all()
        assert (picture[top:top + tile, :gap] == 255).all() and (picture[-gap:] == 255).all()  # the margins
        for left, label in zip(lefts, labels, strict=True):
            ink = ink_columns(picture, top - band, top)
            mine = ink[(ink >= left) & (ink < left + tile)]
            assert len(mine) > 0 and abs((mine.min() + mine.max()) / 2 - (left + tile / 2)) <= 3, label
        if title:
            title_ink = ink_columns(picture, 0, band)
            assert abs((title_ink.min() + title_ink.max()) / 2 - grid.width / 2) <= 3


def test_a_labelled_row_shows_empty_frames_for_the_images_still_to_come():
    from image_generation.grid import labelled_row

    grid = pixels(labelled_row([Image.new("RGB", (64, 64), (0, 0, 255))], ["1", "2"], tile=64))
    second = grid[-64 - 4:-4, 4 + 64 + 4:4 + 64 + 4 + 64]
    assert (second[:2] == 180).all() and (second[2:-2, 2:-2] == 255).all()
    assert (second[:, -2:] == 180).all() and (grid[-64 - 4:-4, 4 + 64 + 4 + 64 + 1] == 255).all()  # its right side


def test_by_default_a_labelled_row_has_256_pixel_tiles_no_title_and_centres_a_tall_image():
    from image_generation.grid import labelled_row

    tall = Image.new("RGBA", (100, 200), (0, 0, 200, 255))  # fitted to 128 × 256, centred across
    grid = labelled_row([tall], ["a"])
    picture = pixels(grid)
    assert grid.width == 256 + 2 * 8
    top = grid.height - 8 - 256
    tile = picture[top:top + 256, 8:8 + 256]
    assert (tile[:, 64:192] == (0, 0, 200)).all() and (tile[:, :63] == 255).all() and (tile[:, 193:] == 255).all()
    assert len(ink_columns(picture, 0, top)) > 0 and top < 60  # one band of about 40 px, the label's: no title


def test_steps_sweep_counts_its_progress_over_all_runs_and_stops(tiny):
    kind, values = check_sweep("steps", "1, 3", "sd-turbo")
    results = list(sweep(request("sd-turbo", guidance=0.0), kind, values, tile=64))
    assert [p.step for _, p in results[:-1]] == [1, 2, 3, 4] and results[0][1].total == 4
    stop = threading.Event()
    stop.set()
    stopped = list(sweep(request("sd-turbo", guidance=0.0), kind, values, stop, tile=64))
    assert len(stopped) == 1 and stopped[0][1] is None  # only the empty grid, nothing run


def test_empty_sweep_values_use_the_model_defaults():
    assert check_sweep("steps", "", "sd-turbo") == ("steps", [1, 2, 3, 4])
    assert check_sweep("guidance", None, "sd-1.5")[1][3] == 7.5


# --- tokens ----------------------------------------------------------------------------------

def test_tokens_show_the_77_token_limit(tiny):
    tokenizer = loading.load_tokenizer("sd-turbo")
    short = token_view(tokenizer, "a photo of a cat")
    assert short.used == 5 and short.limit == 75 and short.cut_words == ""
    assert short.tokens[0][1] == SPECIAL and short.tokens[-1][1] == SPECIAL
    assert [t for t, _ in short.tokens[1:-1]] == ["a ", "photo ", "of ", "a ", "cat "]
    long = token_view(tokenizer, " ".join(["cat"] * 80) + " dog moon")
    kinds = [k for _, k in long.tokens]
    assert long.used == 75 and kinds.count(KEPT) == 75
    assert kinds[76] == SPECIAL, "the end mark sits right after the 75th prompt token"
    assert kinds.count(CUT) == 80 + 2 + 1 - 75  # "moon" is two pieces in the tiny vocabulary
    assert long.cut_words.endswith("dog moon")


# --- validation ------------------------------------------------------------------------------

@pytest.mark.parametrize("changes, expected", [
    ({"width": 513}, "multiple of 8"),
    ({"height": 96}, "between 256 and"),
    ({"height": 100}, "multiple of 8"),
    ({"width": 4096}, "between 256 and"),
    ({"steps": 0}, "between 1 and"),
    ({"steps": 500}, "between 1 and"),
    ({"steps": 2.5}, "whole number"),
    ({"guidance": -5}, "between 0 and 20"),
    ({"guidance": math.nan}, "finite"),
    ({"seed": -1}, "“seed” must be between 0 and"),
    ({"seed": 2**64}, "“seed” must be between 0 and"),
    ({"seed": 3.7}, "whole number"),
    ({"num_images": 9}, "between 1 and"),
    ({"prompt": "   "}, "Write a prompt first"),
    ({"prompt": "x" * 1001}, "limit is 1000"),
    ({"model": "dall-e"}, "“model” must be one of: sd-turbo, sd-1.5"),
    ({"scheduler": "magic"}, "“scheduler” must be one of: default, euler"),
    ({"randomize": "yes"}, "must be true or false"),
    ({"negative": "x" * 1001}, "limit is 1000"),
])
def test_bad_settings_get_a_clear_message(changes, expected):
    settings = dict(model="sd-1.5", prompt="a cat", negative="", steps=2, guidance=5.0, seed=1, randomize=False,
                    width=64 * 4, height=256, num_images=1, scheduler="default")
    settings.update(changes)
    with pytest.raises(LabError) as caught:
        check_request(*settings.values())
    assert expected in str(caught.value)


def test_the_checks_are_the_sliders_of_the_page():
    """check_request takes exactly what the page's sliders offer for each model on this hardware."""
    for model, preset in loading.PRESETS.items():
        assert (STEPS[model].high, STEPS[model].default) == (preset.max_steps, preset.default_steps)
        assert request(model, steps=preset.max_steps).steps == preset.max_steps
        with pytest.raises(LabError, match=f"between 1 and {preset.max_steps} "):
            request(model, steps=preset.max_steps + 1)
    assert request(width=WIDTH.high, height=HEIGHT.high, num_images=NUM_IMAGES.high).num_images == loading.IMAGES_MAX
    assert WIDTH.high == HEIGHT.high == loading.SIZE_MAX
    with pytest.raises(LabError, match=f"between 256 and {loading.SIZE_MAX} "):
        request(width=loading.SIZE_MAX + 8)
    with pytest.raises(LabError, match=f"between 1 and {loading.IMAGES_MAX} "):
        request(num_images=loading.IMAGES_MAX + 1)


def test_a_random_seed_leaves_room_for_the_whole_batch_and_a_given_one_is_kept(monkeypatch):
    assert request(seed="12", randomize=False).seed == 12  # an API client may send the number as text
    assert request(seed=2**32 - 1, num_images=2).seed == 2**32 - 2  # image 2 uses seed + 1
    monkeypatch.setattr(random, "randint", lambda low, high: high)  # the highest seed the draw may give
    assert request(seed="not used", randomize=True, num_images=2).seed == 2**32 - 2
    monkeypatch.setattr(random, "randint", lambda low, high: low)
    assert request(seed="not used", randomize=True, num_images=2).seed == 0


def test_multiple_of_8_message_suggests_the_neighbours():
    with pytest.raises(LabError) as caught:
        request(width=516, height=256)
    assert "516" in str(caught.value) and "512" in str(caught.value) and "520" in str(caught.value)


def test_bad_sweep_values_get_a_clear_message():
    for values, expected in (("5", "between 2 and 6"), ("1,2,3,4,5,6,7", "between 2 and 6"),
                             ("1, x", "must be a number"), ("1, 500", "between 1 and")):
        with pytest.raises(LabError) as caught:
            check_sweep("steps", values, "sd-1.5")
        assert expected in str(caught.value)
    with pytest.raises(LabError, match="“setting to sweep” must be one of: guidance, steps"):
        check_sweep("seed", "1,2", "sd-1.5")


def test_out_of_memory_becomes_a_message_and_the_next_request_works(tiny):
    """The simulated failure goes through the event's own boundary, as in the running app."""
    from image_generation.ui import run_generation

    pipe = loading.load_pipeline("sd-1.5")
    real_forward = pipe.unet.forward

    def fails_once(*args, **kwargs):  # fault injection: the GPU has no room for this step
        pipe.unet.forward = real_forward
        raise torch.OutOfMemoryError("CUDA out of memory (simulated)")

    def event(seed):
        return list(run_generation("sd-1.5", "a photo of a cat", "", 2, 5.0, seed, False, 256, 256, 1, "default",
                                   request=None, progress=lambda *args, **kwargs: None))

    pipe.unet.forward = fails_once
    with pytest.raises(gr.Error) as caught:
        event(seed=7)
    assert caught.value.message == i18n.message("shared.gpu.out_of_memory")
    gallery, seed, info, *_ = event(seed=7)[-1]
    assert len(gallery) == 1 and seed == 7 and "Done" in info


# --- the endpoints of the running app ----------------------------------------------------------

@pytest.fixture(scope="module")
def app_url(tiny, serve_app):
    return serve_app(["image_generation"])


def test_generate_image_endpoint_returns_images_the_seed_and_the_filmstrip(app_url):
    client = Client(app_url, verbose=False)
    result = client.predict("sd-1.5", "a red house on the moon", "blurry", 3, 5.0, 42, False, 256, 256, 2, "euler",
                            api_name="/generate_image")
    gallery, seed, info, caption, latent, predicted, strip, status = result
    assert len(gallery) == 2 and seed == 42
    assert "Done" in info and "seed 42" in info
    assert [item["caption"] for item in strip] == ["noise", "step 1", "step 2", "step 3"]
    assert "Step 3 of 3" in caption and latent and predicted
    assert "loaded" in status
    assert Image.open(gallery[0]["image"]).size == (256, 256)


def test_endpoints_answer_bad_input_in_polish_and_stay_up(app_url):
    client = Client(app_url, headers={"Accept-Language": "pl"}, verbose=False)
    with pytest.raises(Exception) as caught:
        client.predict("sd-1.5", "kot", "", 2, 5.0, 1, False, 513, 256, 1, "default", api_name="/generate_image")
    assert "wielokrotnością 8" in str(caught.value) and "Traceback" not in str(caught.value)
    with pytest.raises(Exception) as caught:
        client.predict("sd-1.5", "   ", "", 2, 5.0, 1, False, 256, 256, 1, "default", api_name="/generate_image")
    assert "Najpierw wpisz opis" in str(caught.value)
    with pytest.raises(Exception) as caught:
        client.predict("sd-1.5", "kot", "", 2, 5.0, 1, False, 256, 256, "default", "guidance", "7",
                       api_name="/image_generation_sweep")
    assert "od 2 do 6" in str(caught.value)
    english = Client(app_url, verbose=False)
    grid, note, seed = english.predict("sd-turbo", "a cat", "", 1, 0.0, 5, False, 256, 256, "default", "steps",
                                       "1, 2", api_name="/image_generation_sweep")
    assert seed == 5 and "Sweep done" in note and Image.open(grid).width > 2 * 192
    tokens, summary = english.predict("sd-turbo", "a photo of a cat", api_name="/image_generation_tokens")
    assert "5 of 75" in summary


def test_stop_endpoint_with_nothing_running_does_nothing(app_url):
    client = Client(app_url, verbose=False)
    assert client.predict(api_name="/image_generation_stop") in (None, ())  # no error


@pytest.fixture
def slow_steps(tiny):
    """Each UNet step of SD 1.5 takes a quarter of a second, so a Stop lands in the middle of a run."""
    pipe = loading.load_pipeline("sd-1.5")
    real_forward = pipe.unet.forward

    def slow(*args, **kwargs):
        time.sleep(0.25)
        return real_forward(*args, **kwargs)

    pipe.unet.forward = slow
    yield
    pipe.unet.forward = real_forward


def wait_for_outputs(job, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(job.outputs()) < count:
        assert time.monotonic() < deadline and not job.done(), "the run gave no progress"
        time.sleep(0.05)


def test_stop_ends_this_sessions_run_between_two_steps_and_keeps_the_picture(app_url, slow_steps):
    client = Client(app_url, verbose=False)
    job = client.submit("sd-1.5", "a red house", "", 10, 5.0, 3, False, 256, 256, 1, "euler",
                        api_name="/generate_image")
    wait_for_outputs(job, 1)  # the first step is done
    other = Client(app_url, verbose=False)
    assert other.predict(api_name="/image_generation_stop") in (None, ())  # another visitor's Stop…
    wait_for_outputs(job, len(job.outputs()) + 1)  # …leaves this run going
    assert client.predict(api_name="/image_generation_stop") in (None, ())
    gallery, seed, info, *_ = job.result(timeout=60)
    assert info.startswith("**Stopped** after step") and "of 10." in info
    assert len(gallery) == 1 and seed == 3, "the picture predicted at that step is kept"


def test_stop_ends_a_sweep_and_keeps_the_finished_images(app_url, slow_steps):
    client = Client(app_url, verbose=False)
    job = client.submit("sd-1.5", "a red house", "", 4, 5.0, 3, False, 256, 256, "euler", "guidance", "1, 4, 8",
                        api_name="/image_generation_sweep")
    wait_for_outputs(job, 1)
    # the sweep's own Stop button (a private endpoint) and the public one set the same signal
    client.predict(api_name="/image_generation_stop")
    grid, note, seed = job.result(timeout=60)
    assert note == i18n.message("image_generation.sweep.stopped") and seed == 3


def test_what_the_api_documents_is_accepted(app_url):
    """Every documented default reaches the checks unprocessed (preprocess=False) and passes them:
    only the prompt has none."""
    client = Client(app_url, verbose=False)
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    for name in ("/generate_image", "/image_generation_sweep", "/image_generation_tokens"):
        required = [p["parameter_name"] for p in endpoints[name]["parameters"] if not p["parameter_has_default"]]
        assert required == ["prompt"], name
    gallery, seed, info, *_ = client.predict(prompt="a photo of a cat", api_name="/generate_image")
    assert len(gallery) == 1 and "Done" in info and f"seed {seed}" in info
    grid, note, _ = client.predict(prompt="a photo of a cat", api_name="/image_generation_sweep")
    tiles = len(loading.PRESETS[loading.DEFAULT_MODEL].guidance_sweep)
    assert "Sweep done" in note and Image.open(grid).width > tiles * 192
    _, summary = client.predict(prompt="a photo of a cat", api_name="/image_generation_tokens")
    assert "5 of 75" in summary
