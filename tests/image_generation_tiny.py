"""Tiny Stable Diffusion parts with random weights, saved in the layout of the Hub repositories.

The "Image generation" tab loads `stabilityai/sd-turbo` or `stable-diffusion-v1-5/...` by
id; the tests point the models' environment variables at these folders instead, so the very
same loading code runs on parts of the very same classes, small enough for a CPU.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

# A word-level vocabulary: every word of the test prompts is one token; unknown words become
# the end token, as in CLIP. The first entries are the byte-level letters BPE falls back on.
WORDS = ("a", "photo", "of", "cat", "dog", "red", "blue", "house", "on", "the", "moon", "painting", "tree",
         "blurry", "sky", "green", "small", "big", "and", "with")


def write_tokenizer(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    vocab = {"<|startoftext|>": 0, "<|endoftext|>": 1}
    letters = sorted({c for w in WORDS for c in w})
    for c in letters:
        vocab.setdefault(c, len(vocab))
        vocab.setdefault(c + "</w>", len(vocab))
    merges = []
    for word in WORDS:
        # merge the letters of each word left to right, the last one carrying the end-of-word mark
        pieces = list(word[:-1]) + [word[-1] + "</w>"]
        while len(pieces) > 1:
            merged = pieces[0] + pieces[1]
            merge = f"{pieces[0]} {pieces[1]}"
            if merge not in merges:
                merges.append(merge)
            vocab.setdefault(merged, len(vocab))
            pieces = [merged] + pieces[2:]
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    (folder / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "CLIPTokenizer", "model_max_length": 77, "bos_token": "<|startoftext|>",
        "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>",
        "do_lower_case": True}))


def build_pipeline_folder(folder: Path, *, turbo_like: bool = False) -> Path:
    """A StableDiffusionPipeline folder: tiny UNet, VAE (scale factor 8), CLIP text encoder."""
    from diffusers import (
        AutoencoderKL,
        EulerDiscreteScheduler,
        PNDMScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        block_out_channels=(8, 16), layers_per_block=1, sample_size=8, in_channels=4, out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=16, attention_head_dim=2, norm_num_groups=4)
    vae = AutoencoderKL(
        block_out_channels=(4, 4, 4, 4), in_channels=3, out_channels=3, latent_channels=4, norm_num_groups=2,
        layers_per_block=1, down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4)
    tokenizer_dir = folder.parent / f"{folder.name}_tokenizer_source"
    write_tokenizer(tokenizer_dir)
    tokenizer = CLIPTokenizer.from_pretrained(tokenizer_dir)
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=2, num_attention_heads=2,
        max_position_embeddings=77, bos_token_id=0, eos_token_id=1, pad_token_id=1, projection_dim=16))
    if turbo_like:
        scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                           timestep_spacing="trailing")
    else:
        scheduler = PNDMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                  skip_prk_steps=True, steps_offset=1)
    pipe = StableDiffusionPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, unet=unet,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.save_pretrained(folder)
    return folder


def build_safety_folder(folder: Path, *, flags_everything: bool) -> Path:
    """A safety checker in the layout of the SD 1.5 repository (safety_checker/, feature_extractor/).

    Its concept thresholds decide the verdict: a threshold below any cosine similarity flags
    every image, one above flags none.
    """
    from diffusers.pipelines.stable_diffusion.safety_checker import StableDiffusionSafetyChecker
    from transformers import CLIPConfig, CLIPImageProcessor

    torch.manual_seed(0)
    config = CLIPConfig(
        text_config=dict(vocab_size=100, bos_token_id=0, eos_token_id=1, pad_token_id=1, hidden_size=16,
                         intermediate_size=32, num_hidden_layers=1, num_attention_heads=2),
        vision_config=dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                           image_size=32, patch_size=8),
        projection_dim=8)
    checker = StableDiffusionSafetyChecker(config).eval()
    threshold = -2.0 if flags_everything else 2.0
    with torch.no_grad():
        checker.concept_embeds_weights.fill_(threshold)
        checker.special_care_embeds_weights.fill_(threshold)
    checker.save_pretrained(folder / "safety_checker")
    CLIPImageProcessor(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}).save_pretrained(
        folder / "feature_extractor")
    return folder
