"""The video tab: tiny Wan pipelines of the real classes (built in ``video_tiny``) through the
production loader; the clip equals diffusers' own pipeline output, the predicted clean video equals
the scheduler's own x̂₀, the cost explorer's shapes equal what the pipeline makes and its FLOPs
what torch counts; Stop, the filmstrip, the MP4, bad input, and the page and API through the app."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest
import torch
from conftest import local_models, refused, register_texts
from PIL import Image
from video_tiny import build_wan_folder

from shared.errors import LabError
from shared.i18n import message
from video_generation import cost, generate, loading
from video_generation.denoise import Clip, predicted_clean, preview_steps, run_clip

register_texts("video_generation")
WAN21, WAN22 = "wan2.1-1.3b", "wan2.2-5b"


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    base = tmp_path_factory.mktemp("wan")
    return {"video": build_wan_folder(base / "wan21"), "video_quality": build_wan_folder(base / "wan22", wan22=True)}


@pytest.fixture(scope="module")
def tiny(folders):
    """The tiny models, loaded once for the module (each test reloading them took a second)."""
    with pytest.MonkeyPatch.context() as patch, local_models(**folders):
        patch.setenv(loading.CPU_VARIABLE, "1")
        yield


def request(model=WAN21, *, prompt="a cat runs on the beach", negative="", width=64, height=48, frames=9, fps=8,
            steps=4, guidance=5.0, flow_shift=3.0, seed=7, first_frame=None):
    return generate.check_request(prompt, negative, width, height, frames, fps, steps, guidance, flow_shift, seed,
                                  model, first_frame=first_frame)


def as_array(frames: list[Image.Image]) -> np.ndarray:
    return np.stack([np.asarray(frame, dtype=np.float32) / 255 for frame in frames])


def library_clip(pipe, clip: Clip, flow_shift: float, **extra) -> np.ndarray:
    """diffusers' own pipeline, called the documented way, on the same parts, seed and schedule."""
    run = copy.copy(pipe)
    run.scheduler = loading.make_scheduler(pipe, flow_shift)
    return run(prompt=clip.prompt, negative_prompt=clip.negative_prompt or None, height=clip.height, width=clip.width,
               num_frames=clip.frames, num_inference_steps=clip.steps, guidance_scale=clip.guidance,
               generator=torch.Generator().manual_seed(clip.seed), output_type="np",
               max_sequence_length=clip.text_tokens, **extra).frames[0]


def events_of(checked, stop=None):
    return list(generate.generate(checked, stop))


# ---------------------------------------------------------------- the clip against the library

@pytest.mark.parametrize("model", [WAN21, WAN22])
@pytest.mark.parametrize("guidance", [0.0, 5.0])
def test_the_clip_equals_the_pipelines_own_output(tiny, model, guidance):
    checked = request(model, width=64, height=64 if model == WAN22 else 48, guidance=guidance,
                      negative="dog" if guidance else "")
    result = events_of(checked)[-1]
    expected = library_clip(loading.load_pipeline(model), checked.clip, checked.flow_shift)
    assert len(result.frames) == checked.clip.frames == expected.shape[0]
    assert result.frames[0].size == (checked.clip.width, checked.clip.height)
    # Ours are 8-bit frames of the same decode: at most half a level of rounding apart.
    assert np.abs(as_array(result.frames) - expected).max() <= 0.5 / 255 + 1e-6


def test_a_first_frame_goes_through_the_image_to_video_pipeline(tiny):
    picture = Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8))
    checked = request(WAN22, width=64, height=64, first_frame=picture)
    result = events_of(checked)[-1]
    from diffusers import WanImageToVideoPipeline

    i2v = WanImageToVideoPipeline.from_pipe(loading.load_pipeline(WAN22))
    expected = library_clip(i2v, checked.clip, checked.flow_shift, image=picture)
    assert np.abs(as_array(result.frames) - expected).max() <= 0.5 / 255 + 1e-6
    without = events_of(request(WAN22, width=64, height=64))[-1]
    assert np.abs(as_array(without.frames) - expected).max() > 0.01  # the picture changed the clip


def test_the_same_seed_gives_the_same_clip_and_another_seed_another(tiny):
    first, again = events_of(request(seed=3))[-1], events_of(request(seed=3))[-1]
    other = events_of(request(seed=4))[-1]
    assert np.array_equal(as_array(first.frames), as_array(again.frames))
    assert np.abs(as_array(first.frames) - as_array(other.frames)).max() > 0.01


def test_the_flow_shift_reaches_the_scheduler(tiny):
    pipe = loading.load_pipeline(WAN21)
    shifted = loading.make_scheduler(pipe, 7.0)
    assert shifted.config.flow_shift == 7.0 and pipe.scheduler.config.flow_shift == 3.0
    shifted.set_timesteps(4)
    plain = loading.make_scheduler(pipe, 1.0)
    plain.set_timesteps(4)
    assert shifted.sigmas[1] > plain.sigmas[1]  # a larger shift stays at high noise longer
    a = events_of(request(flow_shift=1.0))[-1]
    b = events_of(request(flow_shift=7.0))[-1]
    assert np.abs(as_array(a.frames) - as_array(b.frames)).max() > 0.01


@pytest.mark.parametrize("scheduler_name", ["UniPCMultistepScheduler", "FlowMatchEulerDiscreteScheduler"])
def test_the_predicted_clean_video_equals_the_schedulers_own(scheduler_name):
    """UniPC converts the velocity to x̂₀ itself (``convert_model_output``); a flow-matching Euler
    step to σ = 0 lands exactly on x̂₀."""
    import diffusers

    if scheduler_name == "UniPCMultistepScheduler":
        scheduler = diffusers.UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True,
                                                      flow_shift=3.0)
    else:
        scheduler = diffusers.FlowMatchEulerDiscreteScheduler(shift=3.0)
    scheduler.set_timesteps(5)
    scheduler.set_begin_index(0)
    generator = torch.Generator().manual_seed(0)
    sample = torch.randn(1, 4, 3, 6, 8, generator=generator)
    for i, t in enumerate(scheduler.timesteps):
        velocity = torch.randn(sample.shape, generator=generator)
        ours = predicted_clean(scheduler, sample, velocity)
        if scheduler_name == "UniPCMultistepScheduler":
            if scheduler.step_index is None:
                scheduler._init_step_index(t)
            theirs = scheduler.convert_model_output(velocity, sample=sample)
            torch.testing.assert_close(ours, theirs)
        sigma, sigma_next = float(scheduler.sigmas[i]), float(scheduler.sigmas[i + 1])
        stepped = scheduler.step(velocity, t, sample, return_dict=False)[0]
        if scheduler_name == "FlowMatchEulerDiscreteScheduler":
            # x_next = x + (σ_next − σ)·v, so the line through x along −v reaches σ = 0 at x̂₀
            torch.testing.assert_close(ours, sample + (0 - sigma) * velocity)
            torch.testing.assert_close(stepped, sample + (sigma_next - sigma) * velocity)
        sample = stepped


# ---------------------------------------------------------------- Stop and the filmstrip

def test_stop_keeps_the_clip_predicted_so_far(tiny):
    import threading

    stop = threading.Event()
    checked = request(steps=6)
    results = []
    for event in generate.generate(checked, stop):
        if getattr(event, "step", 0) == 2:
            stop.set()
        results.append(event)
    result = results[-1]
    assert [e.step for e in results[:-1]] == [1, 2]
    assert result.interrupted and result.steps_done == 2 and result.steps_total == 6
    assert len(result.frames) == checked.clip.frames  # a whole clip: the last x̂₀ decoded
    finished = events_of(checked)[-1]
    assert np.abs(as_array(result.frames) - as_array(finished.frames)).max() > 0.001


def test_a_run_left_early_ends_its_thread(tiny):
    """Gradio closes the generator of a cancelled event: the pipeline's thread must end too, and
    the scheduler gets its own step back."""
    import threading

    from video_generation.denoise import denoise

    pipe = loading.load_pipeline(WAN21)
    scheduler = loading.make_scheduler(pipe, 3.0)
    events = denoise(pipe, scheduler, request(steps=10).clip, previews=0)
    assert next(events).step == 1 and "step" in vars(scheduler)
    running = [t for t in threading.enumerate() if t.name == "video-generation"]
    assert len(running) == 1
    events.close()
    assert not running[0].is_alive() and "step" not in vars(scheduler)


def test_stop_before_the_first_step_makes_nothing(tiny):
    import threading

    stop = threading.Event()
    stop.set()
    result = events_of(request(), stop)[-1]
    assert result.frames == [] and result.steps_done == 0 and not result.latent_shape


def test_the_filmstrip_shows_the_middle_frame_every_few_steps(tiny):
    checked = request(steps=9)
    result = run_clip(loading.load_pipeline(WAN21), loading.make_scheduler(loading.load_pipeline(WAN21), 3.0),
                      checked.clip, previews=4)
    assert [p.step for p in result.previews] == sorted(preview_steps(9, 4)) == [2, 4, 6, 8]
    assert all(p.picture.size == (64, 48) for p in result.previews)
    assert len({p.picture.tobytes() for p in result.previews}) == 4  # the prediction changes as it denoises


def test_preview_steps_are_spread_and_leave_out_the_last():
    assert preview_steps(30, 8) == {4, 8, 12, 16, 20, 24, 28}
    assert preview_steps(3, 8) == {1, 2}
    assert preview_steps(1, 8) == set() and preview_steps(20, 0) == set()


# ---------------------------------------------------------------- the cost explorer

@pytest.mark.parametrize("model", [WAN21, WAN22])
@pytest.mark.parametrize(("width", "height", "frames"), [(64, 48, 9), (32, 64, 5), (96, 32, 1), (64, 64, 13)])
def test_the_explorers_latent_and_tokens_are_what_the_pipeline_makes(tiny, model, width, height, frames):
    geometry = generate.geometry(model)
    if width % geometry.side_multiple or height % geometry.side_multiple:
        with pytest.raises(LabError):
            cost.check_size(geometry, width, height, frames)
        return
    pipe = loading.load_pipeline(model)
    tokens_seen = []
    hook = pipe.transformer.patch_embedding.register_forward_hook(
        lambda module, args, out: tokens_seen.append(math.prod(out.shape[2:])))
    try:
        latents = pipe(prompt="a cat", height=height, width=width, num_frames=frames, num_inference_steps=1,
                       guidance_scale=1.0, output_type="latent", max_sequence_length=16).frames
    finally:
        hook.remove()
    explained = cost.clip_cost(geometry, width, height, frames)
    assert tuple(latents.shape[1:]) == explained.latent_shape
    assert tokens_seen == [explained.tokens]
    assert explained.latent_values == latents[0].numel()


def test_the_strides_are_read_from_the_models_configuration(tiny):
    a, b = generate.geometry(WAN21), generate.geometry(WAN22)
    assert (a.temporal_stride, a.spatial_stride, a.latent_channels, a.patch) == (4, 8, 4, (1, 2, 2))
    assert (b.temporal_stride, b.spatial_stride, b.latent_channels, b.patch) == (4, 16, 12, (1, 2, 2))
    assert (a.side_multiple, b.side_multiple) == (16, 32)
    assert (a.layers, a.width, a.ffn) == (2, 16, 32)


def test_a_configuration_without_the_stride_entries_gets_the_librarys_defaults(tmp_path):
    """Wan2.1's published VAE file predates ``scale_factor_*``: from_pretrained fills in 4 and 8."""
    import json

    build_wan_folder(tmp_path / "wan")
    config_path = tmp_path / "wan" / "vae" / "config.json"
    config = json.loads(config_path.read_text())
    for name in ("scale_factor_temporal", "scale_factor_spatial"):
        config.pop(name)
    config_path.write_text(json.dumps(config))
    configs = loading._load_configs(str(tmp_path / "wan"))
    assert (configs["vae"]["scale_factor_temporal"], configs["vae"]["scale_factor_spatial"]) == (4, 8)


def test_the_explorers_flops_are_what_torch_counts_in_the_transformer(tiny):
    """FlopCounterMode counts every matrix product of the transformer's blocks (attention in its
    math kernel, whose products torch can see): exactly the explorer's attention + the rest."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    from torch.utils.flop_counter import FlopCounterMode

    pipe = loading.load_pipeline(WAN21)
    geometry = generate.geometry(WAN21)
    explained = cost.clip_cost(geometry, 64, 48, 9)
    latent = torch.randn(1, *explained.latent_shape)
    text = torch.randn(1, geometry.text_tokens, pipe.transformer.config.text_dim)
    with sdpa_kernel(SDPBackend.MATH), FlopCounterMode(display=False) as counter, torch.no_grad():
        pipe.transformer(hidden_states=latent, timestep=torch.tensor([500.0]), encoder_hidden_states=text)
    counts = counter.get_flop_counts()
    blocks = [name for name in counts if name.count(".") == 2 and ".blocks." in name]
    assert len(blocks) == geometry.layers
    counted = sum(sum(counts[name].values()) for name in blocks)
    assert counted == explained.attention_flops + explained.linear_flops
    # Self-attention alone: the token-by-token products, 4n²d per layer, the quadratic part.
    assert explained.attention_flops == geometry.layers * 4 * explained.tokens ** 2 * geometry.width


def test_the_explorers_comparisons():
    geometry = cost.Geometry(temporal_stride=4, spatial_stride=8, latent_channels=16, patch=(1, 2, 2), layers=30,
                             width=1536, ffn=8960, text_tokens=512)
    clip = cost.clip_cost(geometry, 832, 480, 81, steps=30, guidance=5.0)
    assert clip.latent_shape == (16, 21, 60, 104) and clip.grid == (21, 30, 52) and clip.tokens == 32760
    assert clip.image_tokens == 4096 and clip.frame_tokens == 30 * 52
    assert clip.attention_vs_image == pytest.approx((32760 / 4096) ** 2)
    assert clip.compression == pytest.approx(3 * 81 * 832 * 480 / (16 * 21 * 60 * 104))
    assert clip.forwards == 60 and clip.clip_flops == pytest.approx(60 * (clip.attention_flops + clip.linear_flops))
    assert cost.clip_cost(geometry, 832, 480, 81, steps=30, guidance=1.0).forwards == 30
    assert 0.5 < clip.attention_share < 1  # at 5 s of 480p attention is most of the work
    short, long = cost.length_sweep(geometry, 832, 480, [41, 81])
    assert long.tokens / short.tokens == pytest.approx(21 / 11)
    assert long.attention_flops / short.attention_flops == pytest.approx((21 / 11) ** 2)
    summary = clip.summary()
    assert summary["tokens"] == 32760 and summary["latent_shape"] == [16, 21, 60, 104]


# ---------------------------------------------------------------- bad input

def test_bad_sizes_and_lengths_are_refused_with_the_nearest_good_ones(tiny):
    text = refused(lambda: request(width=840))
    assert "multiple of 16" in text and "832 or 848" in text
    assert "height" in refused(lambda: request(height=50))
    assert "multiple of 32" in refused(lambda: request(WAN22, width=48, height=64))
    text = refused(lambda: request(frames=10))
    assert "4k + 1" in text and "9 or 13" in text
    assert "81" in refused(lambda: request(frames=85))  # longer than Wan2.1 was trained for
    assert refused(lambda: request(frames=10**4))
    assert refused(lambda: request(WAN22, frames=125))
    assert refused(lambda: request(width=832, height=832))  # more pixels than its largest trained size


@pytest.mark.parametrize("values", [dict(guidance=float("nan")), dict(steps=0), dict(steps=10**4),
                                    dict(fps=0), dict(flow_shift=float("inf")), dict(seed=-1), dict(prompt=""),
                                    dict(prompt="   "), dict(prompt="x" * 10**6), dict(model="sora-2"),
                                    dict(width="wide"), dict(frames=None)])
def test_bad_values_are_refused_in_words(tiny, values):
    refused(lambda: request(**values))


def test_only_the_5b_model_starts_from_a_picture(tiny):
    picture = Image.new("RGB", (64, 48))
    assert "Wan2.2" in refused(lambda: request(WAN21, first_frame=picture))


def test_without_a_gpu_generation_is_refused_but_the_explorer_works(folders, monkeypatch):
    monkeypatch.delenv(loading.CPU_VARIABLE, raising=False)
    with local_models(**folders):
        assert "GPU" in refused(lambda: request())
        assert generate.geometry(WAN21).spatial_stride == 8
        assert not any(loading.models.is_loaded(key) for key in ("video", "video_quality"))


def test_the_explorer_says_in_its_table_when_the_configuration_cannot_be_read(tmp_path, monkeypatch):
    from video_generation.ui import show_cost

    monkeypatch.setenv("LAB_MODEL_VIDEO", str(tmp_path / "nothing-here"))
    loading.models.release("video_configs")
    table, plot = show_cost(WAN21, 832, 480, 33)
    assert "could not be loaded" in table and str(tmp_path / "nothing-here") in table and plot is None


def test_a_small_gpu_is_refused_for_the_5b_model(monkeypatch):
    monkeypatch.setattr(loading, "on_gpu", lambda: True)
    monkeypatch.setattr(loading, "gpu_memory_gib", lambda: 16.0)
    loading.check_hardware(loading.PRESETS[WAN21])
    text = refused(lambda: loading.check_hardware(loading.PRESETS[WAN22]))
    assert "24" in text and "16" in text


# ---------------------------------------------------------------- the files

def test_the_mp4_is_written_and_reads_back(tiny):
    import imageio.v3 as iio

    from video_generation.video_file import strip_indices, write_mp4

    result = events_of(request(frames=13))[-1]
    path = write_mp4(result.frames, 8)
    frames = iio.imread(path)
    assert frames.shape == (13, 48, 64, 3)
    assert iio.immeta(path)["fps"] == 8
    assert iio.immeta(path)["codec"] == "h264"
    # lossy, but the same picture: the mean colour of each frame within a few levels
    assert np.abs(frames.mean(axis=(1, 2, 3)) - (255 * as_array(result.frames)).mean(axis=(1, 2, 3))).max() < 8
    assert strip_indices(13, 8) == [0, 2, 3, 5, 7, 9, 10, 12] and strip_indices(5, 8) == [0, 1, 2, 3, 4]


def test_the_summary_says_what_was_made(tiny):
    checked = request(frames=13, fps=8)
    result = events_of(checked)[-1]
    summary = generate.summary(checked, result)
    assert summary["frames"] == 13 and summary["seconds"] == pytest.approx(13 / 8, abs=1e-3)
    assert summary["latent_shape"] == [4, 4, 6, 8] and summary["tokens"] == 4 * 3 * 4
    assert summary["seed"] == 7 and not summary["stopped"]


# ---------------------------------------------------------------- through the running app

@pytest.fixture(scope="module")
def client(serve_app, folders):
    from gradio_client import Client

    patch = pytest.MonkeyPatch()
    patch.setenv(loading.CPU_VARIABLE, "1")
    with local_models(**folders):
        yield Client(serve_app(["video_generation"]), verbose=False, headers={"Accept-Language": "en"})
    patch.undo()


def test_the_api_makes_a_clip_with_its_summary(client):
    import imageio.v3 as iio

    out = client.predict(prompt="a paper boat in the rain", width=64, height=48, frames=9, fps=8, steps=3,
                         seed=11, api_name="/generate_video")
    assert out["seed"] == 11
    assert out["summary"]["frames"] == 9 and out["summary"]["latent_shape"] == [4, 3, 6, 8]
    assert str(out["video"]).endswith(".mp4") and iio.imread(out["video"]).shape == (9, 48, 64, 3)


def test_the_api_refuses_a_bad_size_in_words(client):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="multiple of 16"):
        client.predict(prompt="a boat", width=70, height=48, frames=9, api_name="/generate_video")


def test_the_cost_endpoint_equals_the_explorer(client, folders):
    out = client.predict(width=64, height=48, frames=9, model=WAN21, steps=10, guidance=5.0, api_name="/video_cost")
    with local_models(**folders):
        expected = cost.clip_cost(generate.geometry(WAN21), 64, 48, 9, steps=10, guidance=5.0).summary()
    assert out == expected


def _no_progress(*args, **kwargs):
    pass


def test_the_page_streams_its_steps_and_ends_with_the_clip(tiny):
    from video_generation.ui import show_video

    outputs = list(show_video("a cat runs", "", WAN21, "416x240", 5, 8, 3, 5.0, 3.0, 5, None, request=None,
                              progress=_no_progress))
    assert [o[1] for o in outputs[:-1]] == [message("video_generation.loading"),
                                            *(f"Denoising step {k} of 3…" for k in (1, 2, 3))]
    video, info, previews, strip, status = outputs[-1]
    assert video.endswith(".mp4") and info == "5 frames (0.62 s at 8 fps) in 3 steps, seed 5."
    assert [caption for _, caption in strip] == [f"frame {k}" for k in range(1, 6)]
    assert [caption for _, caption in previews] == [f"after step {k}" for k in sorted(preview_steps(3, 8))]
    assert "loaded" in status


def test_the_page_explains_the_cost(tiny):
    import gradio as gr

    from video_generation.ui import COST_FRAMES, show_cost

    table, rows = show_cost(WAN21, 64, 48, 9)
    assert "4 × 3 × 6 × 8" in table and "**36 tokens**" in table
    assert set(rows["part"]) == {message("video_generation.cost.part.attention"),
                                 message("video_generation.cost.part.linear")}
    assert sorted(set(rows["frames"])) == sorted({*COST_FRAMES, 9})
    with pytest.raises(gr.Error, match="multiple of 16"):
        show_cost(WAN21, 70, 48, 9)
