"""What one clip of the video tab costs on this machine: each part of Wan2.1 T2V 1.3B timed with
random weights of its full-size architecture (the same arithmetic as the real weights, which
cannot be downloaded here), and the cost explorer through the running app.
Run: ``python benchmarks/bench_video.py [--parts transformer,vae,text,explorer]``; on a machine with
a GPU, ``--parts gpu`` times whole clips through the tab's own code (``denoise``) with the full-size
random-weight pipeline in bfloat16 and prints the peak GPU memory.

The architectures are the published configurations (diffusers' conversion script for
"Wan-T2V-1.3B" and Wan2.1's ``umt5_xxl``): a transformer of 30 layers, 12 heads × 128, feed-forward
8960; the VAE with base 96, z 16, strides 4 (time) and 8 (space); UMT5-XXL with 24 layers of
4096, feed-forward 10240, 64 heads, a 256 384-token vocabulary. The parts run as the tab runs them
on a CPU: float32, except the text encoder, in bfloat16 (11 GB instead of 23 GB).

A clip is then projected from the parts: the prompt and the negative prompt encoded, two
transformer passes a step (classifier-free guidance), one VAE decode of the whole clip.
"""

import argparse
import os
import tempfile
import time

import measure
import torch

# (frames, width, height): the tab's smallest preset, and the size of the issue's own measurement.
CLIPS = ((5, 416, 240), (9, 256, 256))
STEPS = 10


def transformer():
    from diffusers import WanTransformer3DModel

    return WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128, in_channels=16,
                                 out_channels=16, text_dim=4096, freq_dim=256, ffn_dim=8960, num_layers=30,
                                 cross_attn_norm=True, qk_norm="rms_norm_across_heads", eps=1e-6).eval()


def vae():
    from diffusers import AutoencoderKLWan

    return AutoencoderKLWan(base_dim=96, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=2,
                            temperal_downsample=[False, True, True]).eval()


def text_encoder():
    from transformers import UMT5Config, UMT5EncoderModel

    config = UMT5Config(vocab_size=256384, d_model=4096, d_kv=64, d_ff=10240, num_layers=24, num_heads=64,
                        feed_forward_proj="gated-gelu", dense_act_fn="gelu_new", is_gated_act=True)
    with torch.device("meta"):
        model = UMT5EncoderModel(config).to(torch.bfloat16)
    model = model.to_empty(device="cpu")
    model.encoder.embed_tokens = model.shared  # to_empty unties them; the real model shares one table
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(0, 0.02)
    return model.eval()


def seconds(fn) -> float:
    started = time.perf_counter()
    with torch.no_grad():
        fn()
    return time.perf_counter() - started


def millions(model) -> float:
    return sum(p.numel() for p in model.parameters()) / 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parts", default="transformer,vae,text,explorer")
    parts = parser.parse_args().parts.split(",")
    measure.print_machine()
    figures: dict[str, float] = {}
    if "transformer" in parts:
        net = transformer()
        print(f"transformer {millions(net):.1f} M parameters")
        for frames, width, height in CLIPS:
            latent = torch.randn(1, 16, (frames - 1) // 4 + 1, height // 8, width // 8)
            text = torch.randn(1, 512, 4096)
            def run(latent=latent, text=text):
                return net(hidden_states=latent, timestep=torch.tensor([500.0]), encoder_hidden_states=text,
                           return_dict=False)

            seconds(run)  # warm-up
            name = f"transformer {frames}x{width}x{height}"
            figures[name] = seconds(run)
            print(f"one transformer pass, {frames} frames {width}×{height} "
                  f"({latent.shape[2]}×{height // 16}×{width // 16} tokens): {figures[name]:.1f} s")
        del net
    if "vae" in parts:
        decoder = vae()
        print(f"VAE {millions(decoder):.1f} M parameters")
        for frames, width, height in CLIPS:
            latent = torch.randn(1, 16, (frames - 1) // 4 + 1, height // 8, width // 8)
            name = f"vae {frames}x{width}x{height}"
            figures[name] = seconds(lambda: decoder.decode(latent))  # noqa: B023 (called at once)
            print(f"one VAE decode, {frames} frames {width}×{height}: {figures[name]:.1f} s")
        del decoder
    if "text" in parts:
        started = time.perf_counter()
        encoder = text_encoder()
        print(f"UMT5-XXL encoder {millions(encoder):.0f} M parameters, built in {time.perf_counter() - started:.0f} s")
        ids, mask = torch.randint(0, 256384, (1, 512)), torch.ones(1, 512, dtype=torch.long)
        seconds(lambda: encoder(input_ids=ids[:, :16], attention_mask=mask[:, :16]))  # warm-up
        figures["text"] = seconds(lambda: encoder(input_ids=ids, attention_mask=mask))
        print(f"one prompt encoded (512 tokens, bfloat16): {figures['text']:.1f} s")
        measure.print_resident_memory()
        del encoder
    if {"transformer", "vae", "text"} <= set(parts):
        for frames, width, height in CLIPS:
            name = f"{frames}x{width}x{height}"
            total = 2 * figures["text"] + 2 * STEPS * figures[f"transformer {name}"] + figures[f"vae {name}"]
            print(f"projected clip, {frames} frames {width}×{height}, {STEPS} steps with guidance: {total:.0f} s "
                  f"({total / 60:.1f} min)")
    if "explorer" in parts:
        explorer()
    if "gpu" in parts:
        on_gpu()


def on_gpu() -> None:
    """Whole clips on the GPU: the tab's defaults (33 frames 832×480, 30 steps) and 81 frames."""
    from diffusers import UniPCMultistepScheduler, WanPipeline
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    from video_generation.denoise import Clip, run_clip

    words = Tokenizer(models.WordLevel({w: i for i, w in enumerate("<pad> </s> <unk> a boat in rain".split())},
                                       unk_token="<unk>"))
    words.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=words, pad_token="<pad>", eos_token="</s>",
                                        unk_token="<unk>", model_max_length=512)
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
    pipe = WanPipeline(tokenizer=tokenizer, text_encoder=text_encoder().cuda(), vae=vae().cuda(),
                       transformer=transformer().to("cuda", torch.bfloat16), scheduler=scheduler)
    pipe.set_progress_bar_config(disable=True)
    for frames, width, height in ((33, 832, 480), (81, 832, 480)):
        clip = Clip(prompt="a boat in rain", negative_prompt="", width=width, height=height, frames=frames, steps=30,
                    guidance=5.0, seed=0)
        torch.cuda.reset_peak_memory_stats()
        started = time.perf_counter()
        result = run_clip(pipe, UniPCMultistepScheduler.from_config(scheduler.config), clip, previews=8)
        took = time.perf_counter() - started
        print(f"GPU clip {frames} frames {width}×{height}, 30 steps, guidance 5: {took:.1f} s "
              f"({len(result.frames)} frames), peak {torch.cuda.max_memory_allocated() / 2**30:.1f} GiB")


def explorer() -> None:
    """The cost explorer's endpoint through the running app, reading the full-size configurations
    (it needs only the two config.json files, no weights)."""
    from pathlib import Path

    from gradio_client import Client

    from app import build_app, launch_kwargs

    with tempfile.TemporaryDirectory() as tmp:
        transformer().save_config(Path(tmp) / "transformer")
        vae().save_config(Path(tmp) / "vae")
        os.environ["LAB_MODEL_VIDEO"] = tmp
        app = build_app(["video_generation"])
        app.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs())
        client = Client(app.local_url, verbose=False)
        call = lambda: client.predict(width=832, height=480, frames=81, api_name="/video_cost")  # noqa: E731
        median, slowest = measure.timed(call, 10)
        numbers = call()
        print(f"/video_cost 832×480, 81 frames: {numbers['tokens']} tokens, attention share "
              f"{numbers['attention_share']:.0%}, {numbers['attention_vs_image']:.0f}× an image's attention; "
              f"through the app: median {median:.0f} ms, slowest {slowest:.0f} ms")
        app.close()


if __name__ == "__main__":
    main()
