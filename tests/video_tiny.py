"""Tiny Wan pipelines with random weights, saved in the layout of the Wan-AI ``*-Diffusers``
repositories (text_encoder/, tokenizer/, transformer/, vae/, scheduler/): the video tab loads them
through its own loader. The tokenizer is a word-level one built here (the real one is UMT5's
SentencePiece model, which cannot be downloaded)."""

from __future__ import annotations

from pathlib import Path

import torch

WORDS = ("<pad> </s> <unk> a cat dog runs on the beach paper boat street rain kot biegnie po plaży łódka ulica "
         "deszcz in at dusk").split()


def build_wan_folder(folder: Path, *, wan22: bool = False) -> Path:
    """Wan2.1's layout (VAE strides 4 × 8 × 8, patches 1 × 2 × 2, UniPC with flow sigmas), or with
    ``wan22`` the TI2V layout (a VAE of stride 16 that patchifies 2 × 2 pixels, ``expand_timesteps``)."""
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast, UMT5Config, UMT5EncoderModel

    torch.manual_seed(0)
    words = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    words.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=words, pad_token="<pad>", eos_token="</s>",
                                        unk_token="<unk>", model_max_length=512)
    text_encoder = UMT5EncoderModel(UMT5Config(vocab_size=len(WORDS), d_model=16, d_kv=4, d_ff=32, num_layers=1,
                                               num_heads=2, relative_attention_num_buckets=8))
    if wan22:
        channels = 12
        vae = AutoencoderKLWan(base_dim=8, z_dim=channels, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                               temperal_downsample=[False, True, True], is_residual=True, patch_size=2,
                               in_channels=12, out_channels=12, scale_factor_spatial=16,
                               latents_mean=[0.1] * channels, latents_std=[0.9] * channels)
    else:
        channels = 4
        vae = AutoencoderKLWan(base_dim=8, z_dim=channels, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                               temperal_downsample=[False, True, True], latents_mean=[0.1] * channels,
                               latents_std=[0.9] * channels)
    transformer = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=8,
                                        in_channels=channels, out_channels=channels, text_dim=16, freq_dim=16,
                                        ffn_dim=32, num_layers=2, cross_attn_norm=True)
    # The schedule the Wan-AI repositories publish: UniPC over flow-matching sigmas.
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0,
                                        num_train_timesteps=1000)
    WanPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, scheduler=scheduler,
                transformer=transformer, expand_timesteps=wan22).save_pretrained(folder)
    return folder
