"""Tiny MusicGen and CLAP models with random weights, saved in the layout of their Hub
repositories (one folder with the model, its tokenizer and, for CLAP, its feature extractor): the
music tab loads them through its own loaders. The tokenizers are word-level ones built here (the
real ones are T5's SentencePiece and RoBERTa's BPE, which cannot be downloaded)."""

from __future__ import annotations

from pathlib import Path

import torch

WORDS = ("<pad> </s> <unk> <s> jazz piano rock drums guitar calm lo-fi beat 120 90 bpm with a and "
         "spokojny fortepian perkusja gitara z i").split()
CODEBOOK_SIZE = 32  # the real EnCodec has 2048 entries per codebook
CLAP_SECONDS = 2  # the length one CLAP window takes (the real one: 10 s)
MELODY_FRAMES = 40  # the tiny melody model's chroma_length (the real one: 235)


def _tokenizer(model_max_length: int):
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    words = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="<unk>"))
    words.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=words, pad_token="<pad>", eos_token="</s>", bos_token="<s>",
                                   unk_token="<unk>", model_max_length=model_max_length)


def _text_and_codec():
    """The tiny T5 text encoder and the tiny 32 kHz mono EnCodec with 4 codebooks at 50 frames per
    second (strides 8·5·4·4 = 640 samples) that both MusicGens share."""
    from transformers import EncodecConfig, T5Config

    text = T5Config(vocab_size=len(WORDS), d_model=16, d_kv=4, d_ff=32, num_layers=1, num_heads=2)
    # 4 codebooks of 32 entries (5 bits) at 50 frames/s are 1 kbit/s; the real 2048 entries make 2.2 kbit/s.
    codec = EncodecConfig(sampling_rate=32000, audio_channels=1, num_filters=4, upsampling_ratios=[8, 5, 4, 4],
                          codebook_size=CODEBOOK_SIZE, codebook_dim=16, hidden_size=16, num_lstm_layers=1,
                          num_residual_layers=1, target_bandwidths=[1.0], normalize=False)
    return text, codec


# Like the real decoder, the pad / start token is one past the codebook's entries.
_DECODER = dict(vocab_size=CODEBOOK_SIZE, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, ffn_dim=32,
                num_codebooks=4, max_position_embeddings=2048, pad_token_id=CODEBOOK_SIZE, bos_token_id=CODEBOOK_SIZE)


def _save(model, folder: Path) -> Path:
    model.generation_config.pad_token_id = model.generation_config.decoder_start_token_id = CODEBOOK_SIZE
    # A new EnCodec's codebooks are all zeros (the real ones are learned): random entries, so that every
    # codebook changes the sound, as in the trained codec.
    with torch.no_grad():
        for layer in model.audio_encoder.quantizer.layers:
            layer.codebook.embed.normal_()
    model.save_pretrained(folder)
    _tokenizer(512).save_pretrained(folder)
    return folder


def build_musicgen_folder(folder: Path) -> Path:
    """MusicGen's layout: a T5 text encoder, a 32 kHz mono EnCodec with 4 codebooks at 50 frames per
    second (strides 8·5·4·4 = 640 samples), and the decoder that writes the codes, all tiny."""
    from transformers import MusicgenConfig, MusicgenDecoderConfig, MusicgenForConditionalGeneration

    torch.manual_seed(0)
    text, codec = _text_and_codec()
    decoder = MusicgenDecoderConfig(**_DECODER, decoder_start_token_id=CODEBOOK_SIZE)
    return _save(MusicgenForConditionalGeneration(MusicgenConfig(text_encoder=text, audio_encoder=codec,
                                                                 decoder=decoder)), folder)


def build_musicgen_melody_folder(folder: Path) -> Path:
    """MusicGen-melody's layout: the same tiny T5 and EnCodec, and a decoder that reads the prompt's
    hidden states and a melody's chroma (12 numbers per 4096 samples, projected to the decoder's
    width) as a prefix before the codes it writes. Its generation config asks for guidance 3, as the
    Hub's generation_config.json of every MusicGen does."""
    from transformers import (
        MusicgenMelodyConfig,
        MusicgenMelodyDecoderConfig,
        MusicgenMelodyFeatureExtractor,
        MusicgenMelodyForConditionalGeneration,
    )

    torch.manual_seed(0)
    text, codec = _text_and_codec()
    decoder = MusicgenMelodyDecoderConfig(**_DECODER)
    # MELODY_FRAMES chroma frames (5.1 s at 32 kHz) where the real model takes 235 (30 s): a short
    # cap, so that the tests can show a longer clip cut to it.
    config = MusicgenMelodyConfig(text_encoder=text, audio_encoder=codec, decoder=decoder, num_chroma=12,
                                  chroma_length=MELODY_FRAMES)
    model = MusicgenMelodyForConditionalGeneration(config)
    model.generation_config.guidance_scale = 3.0
    # The chroma's projection gets the spread of a trained layer (the default 0.02 is a nudge that a
    # 16-wide random decoder barely feels), so that another melody writes other codes, as it does
    # in the real model.
    with torch.no_grad():
        model.audio_enc_to_dec_proj.weight.normal_()
    _save(model, folder)
    # The checkpoint's chroma extractor, at its real settings (32 kHz, 16384-point windows, hop 4096).
    MusicgenMelodyFeatureExtractor().save_pretrained(folder)
    return folder


def build_clap_folder(folder: Path) -> Path:
    """CLAP's layout (laion/clap-htsat-unfused): a RoBERTa text tower, an HTSAT (Swin) audio tower
    on 48 kHz log-mel windows, both projected to one shared space, and its feature extractor."""
    from transformers import ClapAudioConfig, ClapConfig, ClapFeatureExtractor, ClapModel, ClapTextConfig

    torch.manual_seed(0)
    text = ClapTextConfig(vocab_size=len(WORDS), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                          intermediate_size=32, max_position_embeddings=80, projection_dim=8, pad_token_id=0)
    audio = ClapAudioConfig(spec_size=64, window_size=4, num_mel_bins=16, patch_embeds_hidden_size=8, hidden_size=16,
                            depths=[1, 1], num_attention_heads=[1, 2], patch_size=4, patch_stride=(4, 4),
                            projection_dim=8, enable_fusion=False)
    ClapModel(ClapConfig(text_config=text.to_dict(), audio_config=audio.to_dict(), projection_dim=8)).save_pretrained(
        folder)
    ClapFeatureExtractor(feature_size=16, sampling_rate=48000, hop_length=480, max_length_s=CLAP_SECONDS,
                         fft_window_size=1024, truncation="rand_trunc").save_pretrained(folder)
    _tokenizer(64).save_pretrained(folder)
    return folder
