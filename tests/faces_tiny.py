"""A tiny LDMPipeline with random weights, saved in the layout of ``CompVis/ldm-celebahq-256``
(unet/, vqvae/, scheduler/): the faces tab loads it through its own loader."""

from __future__ import annotations

from pathlib import Path

import torch


def build_ldm_folder(folder: Path) -> Path:
    """UNet on an 8×8×3 latent, a VQ autoencoder downsampling by 4 (32×32 pictures), and the
    model's DDIM noise schedule."""
    from diffusers import DDIMScheduler, LDMPipeline, UNet2DModel, VQModel

    torch.manual_seed(0)
    unet = UNet2DModel(sample_size=8, in_channels=3, out_channels=3, block_out_channels=(8, 16), layers_per_block=1,
                       down_block_types=("DownBlock2D", "AttnDownBlock2D"),
                       up_block_types=("AttnUpBlock2D", "UpBlock2D"), attention_head_dim=4, norm_num_groups=4)
    vqvae = VQModel(in_channels=3, out_channels=3, down_block_types=("DownEncoderBlock2D",) * 3,
                    up_block_types=("UpDecoderBlock2D",) * 3, block_out_channels=(4, 8, 8), layers_per_block=1,
                    latent_channels=3, num_vq_embeddings=32, vq_embed_dim=3, norm_num_groups=4, sample_size=32)
    scheduler = DDIMScheduler(beta_start=0.0015, beta_end=0.0195, beta_schedule="linear", clip_sample=False,
                              set_alpha_to_one=True)
    LDMPipeline(vqvae=vqvae, unet=unet, scheduler=scheduler).save_pretrained(folder)
    return folder
