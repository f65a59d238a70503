"""A tiny OmniVoice of the real classes, with random weights, laid out as the ``k2-fsa/OmniVoice``
repository is: the model (``OmniVoice``, a PreTrainedModel over a Qwen3 language model) with its
text tokenizer at the top, and the audio tokenizer (transformers' ``HiggsAudioV2TokenizerModel``
and its feature extractor) in ``audio_tokenizer/``, the folder ``OmniVoice.from_pretrained`` looks
in before it would download ``eustlb/higgs-audio-v2-tokenizer``. Nothing needs the network.

- the text tokenizer is Qwen2's class over the 256 byte symbols and no merges (as in
  ``acestep_tiny``), with the special tokens OmniVoice writes into its prompt (``<|lang_start|>``…);
- the language model is a one-layer Qwen3 of width 16;
- the audio tokenizer keeps the real shape of things at a lower rate: 8 kHz sound, a hop of 320
  samples (25 frames a second, as the real one at 24 kHz with a hop of 960), 8 codebooks of 1024
  codes (2 kbps, as the real one), a two-block DAC and a one-layer HuBERT as its semantic half.
"""

from __future__ import annotations

from pathlib import Path

import torch

SAMPLING_RATE = 8000
HOP = 320  # 8 · 5 · 8: 25 frames a second at 8 kHz
CODEBOOKS = 8
# The text embedding also looks up the audio rows of the prompt (audio codes and the mask id 1024 sit
# there too, and are masked out afterwards), so the text vocabulary must reach past 1024, as
# Qwen3's 151 936 does.
TEXT_VOCAB = 1100
LOUDER = 60.0
FRAME_RATE = SAMPLING_RATE // HOP
# The words OmniVoice puts around the text and the style (omnivoice/models/omnivoice.py,
# _prepare_inference_inputs); the real tokenizer has them as added tokens.
SPECIAL_TOKENS = ["<|denoise|>", "<|lang_start|>", "<|lang_end|>", "<|instruct_start|>", "<|instruct_end|>",
                  "<|text_start|>", "<|text_end|>"]


def text_tokenizer():
    from acestep_tiny import byte_tokenizer

    tokenizer = byte_tokenizer()
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL_TOKENS})
    return tokenizer


def audio_tokenizer_config():
    from transformers import HiggsAudioV2TokenizerConfig

    # 8 codebooks: target_bandwidths' last entry (2 kbps) over 25 frames a second of 10-bit codes.
    return HiggsAudioV2TokenizerConfig(
        sample_rate=SAMPLING_RATE, target_bandwidths=[0.5, 1, 1.5, 2], codebook_size=1024, codebook_dim=8,
        acoustic_model_config=dict(encoder_hidden_size=4, downsampling_ratios=[8, 5, 8], decoder_hidden_size=16,
                                   upsampling_ratios=[8, 5, 8], hidden_size=8, sampling_rate=SAMPLING_RATE),
        # HuBERT at 16 kHz strides 320 samples (50 frames a second); every second frame is kept.
        semantic_model_config=dict(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
                                   conv_dim=(8, 8, 8, 8, 8), conv_stride=(5, 4, 4, 2, 2), conv_kernel=(10, 4, 4, 2, 2),
                                   num_conv_pos_embeddings=8, num_conv_pos_embedding_groups=2),
        downsample_factor=320)


def build_omnivoice_folder(folder: Path) -> Path:
    """Build the tiny OmniVoice (seeded, so every build is the same) and save it to ``folder``."""
    from omnivoice import OmniVoice, OmniVoiceConfig
    from transformers import DacFeatureExtractor, HiggsAudioV2TokenizerModel, Qwen3Config

    folder = Path(folder)
    torch.manual_seed(0)
    tokenizer = text_tokenizer()
    assert len(tokenizer) <= TEXT_VOCAB
    llm = Qwen3Config(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                      num_key_value_heads=1, head_dim=8, vocab_size=TEXT_VOCAB, max_position_embeddings=4096)
    model = OmniVoice(OmniVoiceConfig(audio_vocab_size=1025, audio_mask_id=1024, num_audio_codebook=CODEBOOKS,
                                      llm_config=llm))
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    audio = HiggsAudioV2TokenizerModel(audio_tokenizer_config())
    assert audio.config.num_quantizers == CODEBOOKS and audio.config.frame_rate == FRAME_RATE
    # Random weights make a whisper (about -45 dBFS), which OmniVoice's own post-processing would
    # cut away as silence; a louder last layer makes a clip that survives it, as speech does.
    # The codebooks are buffers that start as zeros (k-means fills them in training): random ones
    # make every code sound different, as trained ones do.
    with torch.no_grad():
        audio.acoustic_decoder.conv2.weight.mul_(LOUDER)
        for quantizer in audio.quantizer.quantizers:
            quantizer.codebook.embed.normal_()
    audio.save_pretrained(folder / "audio_tokenizer")
    DacFeatureExtractor(sampling_rate=SAMPLING_RATE, hop_length=HOP).save_pretrained(folder / "audio_tokenizer")
    return folder
