"""Seconds per face and per walk of the faces tab, through the running app, with random weights of
the full-size architecture of ``CompVis/ldm-celebahq-256`` (the same arithmetic as the real
weights; they cannot be downloaded here). Run: ``python benchmarks/bench_faces.py``.

The architecture is the model's published configuration as diffusers converted it (UNet 274.1 M
and VQ-f4 autoencoder 55.3 M parameters, counted here)."""

import os
import tempfile
import time
from pathlib import Path

import measure
import psutil
import torch


def full_size_pipeline():
    from diffusers import DDIMScheduler, LDMPipeline, UNet2DModel, VQModel

    unet = UNet2DModel(sample_size=64, in_channels=3, out_channels=3, block_out_channels=(224, 448, 672, 896),
                       layers_per_block=2,
                       down_block_types=("DownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D", "AttnDownBlock2D"),
                       up_block_types=("AttnUpBlock2D", "AttnUpBlock2D", "AttnUpBlock2D", "UpBlock2D"),
                       attention_head_dim=32)
    vqvae = VQModel(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 3,
                    up_block_types=("UpDecoderBlock2D",) * 3, block_out_channels=(128, 256, 512), layers_per_block=2,
                    latent_channels=3, num_vq_embeddings=8192, vq_embed_dim=3, sample_size=256)
    scheduler = DDIMScheduler(beta_start=0.0015, beta_end=0.0195, beta_schedule="linear", clip_sample=False)
    return LDMPipeline(vqvae=vqvae, unet=unet, scheduler=scheduler)


def seconds(fn, **kwargs):
    started = time.perf_counter()
    fn(**kwargs)
    return time.perf_counter() - started


def main() -> None:
    from gradio_client import Client

    measure.print_machine()
    with tempfile.TemporaryDirectory() as tmp:
        pipe = full_size_pipeline()
        print(f"UNet {sum(p.numel() for p in pipe.unet.parameters()) / 1e6:.1f} M, "
              f"VQ {sum(p.numel() for p in pipe.vqvae.parameters()) / 1e6:.1f} M parameters")
        pipe.save_pretrained(Path(tmp) / "ldm")
        del pipe
        os.environ["LAB_MODEL_FACES"] = str(Path(tmp) / "ldm")

        from app import build_app, launch_kwargs
        from faces import controls

        app = build_app(["faces"])
        app.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs())
        client = Client(app.local_url, verbose=False)
        defaults = dict(seed=0, count=controls.COUNT.default, steps=controls.STEPS.default)
        for n in range(2):
            what = "first call, loads the model" if n == 0 else "next call"
            print(f"/generate_faces {defaults}, {what}: "
                  f"{seconds(client.predict, **defaults, api_name='/generate_faces'):.1f} s")
        walk = dict(seed_a=0, seed_b=1, frames=controls.FRAMES.default, steps=controls.WALK_STEPS.default)
        print(f"/face_walk {walk}: {seconds(client.predict, **walk, api_name='/face_walk'):.1f} s")
        print(f"resident memory {psutil.Process().memory_info().rss / 2**30:.2f} GiB, torch threads "
              f"{torch.get_num_threads()}")
        app.close()


if __name__ == "__main__":
    main()
