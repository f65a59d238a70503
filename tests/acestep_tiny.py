"""A tiny ACE-Step 1.5 pipeline with random weights, saved in the layout of the
``ACE-Step/acestep-v15-xl-turbo-diffusers`` repository (vae/, text_encoder/, tokenizer/,
transformer/, condition_encoder/, scheduler/): the song part of the music tab loads it through its
own loader. Every part is the real class, only small:

- the VAE is an Oobleck with the real strides (2·4·4·6·10 = 1920 samples per latent frame at
  48 kHz stereo, so 25 latent frames a second) but 4 channels instead of 128;
- the text encoder is a one-layer Qwen3 over a byte-level Qwen2 tokenizer without merges (the real
  one is Qwen3-Embedding-0.6B's BPE, which cannot be downloaded); every text, Polish included, is
  tokenised one byte per token;
- the transformer is a two-layer DiT marked ``is_turbo`` like the production checkpoint, so the
  pipeline ignores guidance as it does there.

The sizes that must agree: the latent has ``ACOUSTIC`` channels (the VAE's
``decoder_input_channels``, the transformer's ``audio_acoustic_hidden_dim`` and the condition
encoder's ``timbre_hidden_dim``), and the transformer reads three such latents side by side (the
noisy one, the source latent and the mask), ``in_channels = 3 × ACOUSTIC``.
"""

from __future__ import annotations

from pathlib import Path

import torch

ACOUSTIC = 8  # latent channels (the real model has 64)
HIDDEN = 16  # width of the text encoder, the condition encoder and the transformer
SAMPLING_RATE = 48000
STRIDES = [2, 4, 4, 6, 10]  # the real Oobleck's: 1920 samples per latent frame


def byte_tokenizer():
    """Qwen2's tokenizer class over the 256 byte symbols of byte-level BPE and no merges, with
    ``<|endoftext|>`` as its end and padding token, as Qwen's own tokenizers have it."""
    from transformers import Qwen2Tokenizer
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    return Qwen2Tokenizer(vocab={symbol: i for i, symbol in enumerate(bytes_to_unicode().values())}, merges=[])


def build_acestep_folder(folder: Path) -> Path:
    """Build the tiny pipeline (seeded, so every build is the same) and ``save_pretrained`` it to ``folder``."""
    from diffusers import (
        AceStepPipeline,
        AceStepTransformer1DModel,
        AutoencoderOobleck,
        FlowMatchEulerDiscreteScheduler,
    )
    from diffusers.pipelines.ace_step import AceStepConditionEncoder
    from transformers import Qwen3Config, Qwen3Model

    torch.manual_seed(0)
    tokenizer = byte_tokenizer()
    attention = dict(num_attention_heads=2, num_key_value_heads=1, head_dim=8)
    text_encoder = Qwen3Model(Qwen3Config(hidden_size=HIDDEN, intermediate_size=32, num_hidden_layers=1,
                                          vocab_size=len(tokenizer), max_position_embeddings=4096, **attention))
    condition_encoder = AceStepConditionEncoder(hidden_size=HIDDEN, intermediate_size=32, text_hidden_dim=HIDDEN,
                                                timbre_hidden_dim=ACOUSTIC, num_lyric_encoder_hidden_layers=1,
                                                num_timbre_encoder_hidden_layers=1, rope_theta=10000.0,
                                                sliding_window=16, **attention)
    transformer = AceStepTransformer1DModel(hidden_size=HIDDEN, intermediate_size=32, num_hidden_layers=2,
                                            in_channels=3 * ACOUSTIC, audio_acoustic_hidden_dim=ACOUSTIC,
                                            patch_size=2, rope_theta=10000.0, sliding_window=16, is_turbo=True,
                                            **attention)
    vae = AutoencoderOobleck(encoder_hidden_size=4, downsampling_ratios=STRIDES, channel_multiples=[1] * len(STRIDES),
                             decoder_channels=4, decoder_input_channels=ACOUSTIC, audio_channels=2,
                             sampling_rate=SAMPLING_RATE)
    # The schedule the pipeline expects: it computes ACE-Step's own shifted sigmas in [0, 1] and
    # hands them to a flow-matching Euler scheduler that takes them as they are.
    scheduler = FlowMatchEulerDiscreteScheduler(num_train_timesteps=1, shift=1.0)
    AceStepPipeline(vae=vae, text_encoder=text_encoder, tokenizer=tokenizer, transformer=transformer,
                    condition_encoder=condition_encoder, scheduler=scheduler).save_pretrained(folder)
    return folder
