"""Speed and memory of the "Image generation" tab with full-size networks (random weights).

The real weights cannot be downloaded here, so the benchmark builds the architectures of
SD-Turbo (Stable Diffusion 2.1: UNet 865 M parameters, OpenCLIP-H text encoder, the SD VAE)
and of the safety checker (CLIP ViT-L/14) with random weights: the arithmetic, and so the time
and memory, are those of the real models. Not a test: it prints numbers for the README.

    python benchmarks/bench_image_generation.py [--size 512] [--steps 2] [--frames 5] [--device cpu]
    python benchmarks/bench_image_generation.py --app [--size 512] [--runs 3]

The first form times the parts (denoising steps, previews, VAE decode, safety check). ``--app``
saves the same networks in the layout of the Hub repositories, points the tab's model variables
at them and times what a visitor waits for: ``/generate_image`` with the tab's defaults through
the running app, the first call (which loads the models from disk) and the next ones.
"""

import argparse
import os
import platform
import time
from pathlib import Path

import psutil
import torch


def sd_turbo_architecture(device: torch.device, dtype: torch.dtype):
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    unet = UNet2DConditionModel(
        sample_size=64, block_out_channels=(320, 640, 1280, 1280), attention_head_dim=(5, 10, 20, 20),
        cross_attention_dim=1024, use_linear_projection=True, layers_per_block=2,
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3)
    vae = AutoencoderKL(block_out_channels=(128, 256, 512, 512), down_block_types=("DownEncoderBlock2D",) * 4,
                        up_block_types=("UpDecoderBlock2D",) * 4, latent_channels=4, layers_per_block=2,
                        sample_size=512)
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=49408, hidden_size=1024, intermediate_size=4096, num_hidden_layers=23, num_attention_heads=16,
        hidden_act="gelu", projection_dim=512, max_position_embeddings=77))
    words = ["a", "photo", "of", "cat", "on", "the", "moon"]
    vocab = {"<|startoftext|>": 49406, "<|endoftext|>": 49407}
    vocab.update({w + "</w>": n for n, w in enumerate(words)})
    vocab.update({c: 100 + n for n, c in enumerate("abcdefghijklmnopqrstuvwxyz")})
    tokenizer = CLIPTokenizer(vocab=vocab, merges=[])
    tokenizer.model_max_length = 77
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       timestep_spacing="trailing")
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    return pipe.to(device, dtype)


def safety_checker_architecture(device: torch.device, dtype: torch.dtype):
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPConfig, CLIPImageProcessor

    config = CLIPConfig(vision_config=dict(hidden_size=1024, intermediate_size=4096, num_hidden_layers=24,
                                           num_attention_heads=16, patch_size=14, image_size=224),
                        projection_dim=768)
    return StableDiffusionSafetyChecker(config).to(device, dtype).eval(), CLIPImageProcessor()


def save_hub_layout(folder: Path) -> None:
    """The two networks saved as ``stabilityai/sd-turbo`` and the SD 1.5 safety checker are published."""
    pipe = sd_turbo_architecture(torch.device("cpu"), torch.float32)
    pipe.save_pretrained(folder / "sd-turbo")
    checker, features = safety_checker_architecture(torch.device("cpu"), torch.float32)
    checker.save_pretrained(folder / "safety" / "safety_checker")
    features.save_pretrained(folder / "safety" / "feature_extractor")


def time_app(runs: int, size: int) -> None:
    """``/generate_image`` with the tab's CPU defaults, called through the running app."""
    import tempfile

    from gradio_client import Client

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _, save_s = timed(save_hub_layout, folder)
        print(f"saved the full-size networks in the Hub layout in {save_s:.0f} s")
        os.environ["LAB_MODEL_IMAGE_GENERATION"] = str(folder / "sd-turbo")
        os.environ["LAB_MODEL_IMAGE_GENERATION_SAFETY"] = str(folder / "safety")

        from app import build_app, launch_kwargs
        from image_generation import loading

        preset = loading.PRESETS[loading.DEFAULT_MODEL]
        defaults = (preset.choice, "a photo of a cat on the moon", "", preset.default_steps, preset.guidance, 0,
                    True, size, size, 1, "default")
        app = build_app(["image_generation"])
        app.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs())
        client = Client(app.local_url, verbose=False)
        process = psutil.Process()
        print(f"/generate_image{defaults}:")
        for n in range(runs):
            _, seconds = timed(client.predict, *defaults, api_name="/generate_image")
            what = "first call, loads the models" if n == 0 else "next call"
            print(f"  {what}: {seconds:.1f} s, resident memory {process.memory_info().rss / 2**30:.2f} GiB")
        app.close()


def timed(fn, *args, **kwargs):
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--steps", type=int, default=2, help="SD-Turbo on a CPU: the tab's default is 2")
    parser.add_argument("--frames", type=int, default=5, help="filmstrip frames (the tab: 5 on a CPU, 8 on a GPU)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--app", action="store_true", help="time /generate_image through the running app")
    parser.add_argument("--runs", type=int, default=3, help="with --app: calls, the first one loads the models")
    args = parser.parse_args()

    import numpy as np

    from image_generation.denoise import Result, denoise

    device = torch.device(args.device)
    dtype = torch.float16 if device.type == "cuda" else torch.float32
    process = psutil.Process()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, torch "
          f"{torch.__version__}, {torch.get_num_threads()} threads, device {device}, {dtype}")
    print(f"load average now: {os.getloadavg()[0]:.1f} (other work on the machine slows every number below)")
    if args.app:
        time_app(args.runs, args.size)
        return
    rss_before = process.memory_info().rss
    pipe, build_s = timed(sd_turbo_architecture, device, dtype)
    checker, features = safety_checker_architecture(device, dtype)
    unet_params = sum(p.numel() for p in pipe.unet.parameters()) / 1e6
    print(f"built SD-Turbo architecture (UNet {unet_params:.0f} M parameters) and the safety checker "
          f"in {build_s:.1f} s")

    def sync():
        if device.type == "cuda":
            torch.cuda.synchronize()

    runs = []
    for attempt in range(2):  # the first run warms up kernels and allocators
        started = time.perf_counter()
        step_times, last = [], started
        for event in denoise(pipe, pipe.scheduler, prompt="a photo of a cat on the moon", negative_prompt="",
                             steps=args.steps, guidance=0.0, seed=attempt, width=args.size, height=args.size,
                             max_frames=args.frames, preview_downscale=1 if device.type == "cuda" else 2):
            sync()
            now = time.perf_counter()
            if isinstance(event, Result):
                result = event
            else:
                step_times.append(now - last)
            last = now
        images = result.images + [f.latent for f in result.frames] + [f.predicted for f in result.frames if f.predicted]
        clip_input = features(images, return_tensors="pt").pixel_values.to(device, dtype)
        pixels = np.zeros((len(images), args.size, args.size, 3), dtype=np.float32)
        with torch.no_grad():
            _, check_s = timed(checker, images=pixels, clip_input=clip_input)
        sync()
        runs.append((time.perf_counter() - started, step_times, check_s, len(result.frames)))
    total, step_times, check_s, frames = runs[-1]
    with torch.no_grad():
        latents = torch.randn(1, 4, args.size // 8, args.size // 8, device=device, dtype=dtype)
        _, decode_s = timed(lambda: pipe.vae.decode(latents / pipe.vae.config.scaling_factor))
        sync()
    print(f"one image {args.size}×{args.size}, {args.steps} steps, {frames} filmstrip frames, safety check on "
          f"{len(images)} pictures:")
    print(f"  total {total:.1f} s (first run {runs[0][0]:.1f} s); per step incl. previews "
          f"{', '.join(f'{s:.1f}' for s in step_times)} s; one full VAE decode {decode_s:.1f} s; "
          f"safety check {check_s:.1f} s")
    if device.type == "cuda":
        print(f"  peak GPU memory {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")
    print(f"  resident memory {process.memory_info().rss / 2**30:.2f} GiB "
          f"(+{(process.memory_info().rss - rss_before) / 2**30:.2f} GiB for the models)")


if __name__ == "__main__":
    main()
