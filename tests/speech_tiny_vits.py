"""Tiny VITS text-to-speech models of the real classes (transformers' ``VitsModel`` and
``VitsTokenizer``) with random weights, saved as the MMS-TTS checkpoints are: a folder with
``config.json``, ``model.safetensors``, ``vocab.json`` and the tokenizer's settings.

The vocabularies are written by hand, as MMS-TTS's are: one entry per character the model
was trained on, no digits, so that the tab's handling of characters outside the vocabulary is
exercised the way the real checkpoints exercise it. As in facebook/mms-tts-pol (whose
special_tokens_map.json names "w" the pad token), id 0, which the tokenizer also puts between
every two characters as the blank, is a real letter: a "w" of the text and a blank share an id.
The tokenizer reads the letters as they are (``phonemize=False``, ``is_uroman=False``), which needs
neither espeak nor the network.
"""

from __future__ import annotations

import json
from pathlib import Path

# Id 0 first (a letter, as in MMS-TTS), then the space and two punctuation marks, then the other letters.
POLISH_LETTERS = "waąbcćdeęfghijklłmnńoóprsśtuyzźż"
ENGLISH_LETTERS = "kabcdefghijlmnopqrstuvwxyz"


def vocabulary(letters: str) -> dict[str, int]:
    characters = [letters[0], " ", "'", "-", *letters[1:]]
    return {character: index for index, character in enumerate(characters)}


def tiny_config(vocab_size: int):
    """A VitsConfig a few thousand parameters large, with the stochastic duration predictor
    (as MMS-TTS has) and a short hop (4 × 4 = 16 samples a frame) so that runs take milliseconds."""
    from transformers import VitsConfig

    return VitsConfig(
        vocab_size=vocab_size, hidden_size=16, num_hidden_layers=1, num_attention_heads=2, window_size=2,
        ffn_dim=32, flow_size=8, spectrogram_bins=9, upsample_initial_channel=16, upsample_rates=(4, 4),
        upsample_kernel_sizes=(8, 8), resblock_kernel_sizes=(3,), resblock_dilation_sizes=((1,),),
        depth_separable_num_layers=1, duration_predictor_num_flows=1, duration_predictor_filter_channels=16,
        prior_encoder_num_flows=1, prior_encoder_num_wavenet_layers=1, posterior_encoder_num_wavenet_layers=1,
        use_stochastic_duration_prediction=True, sampling_rate=16000,
    )


def build_vits_folder(folder: Path, letters: str = POLISH_LETTERS, language: str = "pol", seed: int = 0) -> Path:
    """A VitsModel and its VitsTokenizer for ``letters``, saved to ``folder`` with save_pretrained."""
    import torch
    from transformers import VitsModel, VitsTokenizer

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    vocab = vocabulary(letters)
    vocab_file = folder / "vocab.json"
    vocab_file.write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = VitsTokenizer(str(vocab_file), pad_token=letters[0], unk_token="<unk>", language=language,
                              add_blank=True, normalize=True, phonemize=False, is_uroman=False)
    tokenizer.save_pretrained(folder)
    torch.manual_seed(seed)
    model = VitsModel(tiny_config(len(vocab))).eval()
    # Random weights give durations near exp(0) = 1 frame; a larger bias on the duration
    # predictor's last projection spreads them over several frames, as a trained model's are.
    with torch.no_grad():
        for parameter in model.duration_predictor.parameters():
            parameter.add_(0.3 * torch.randn_like(parameter))
    model.save_pretrained(folder, safe_serialization=True)
    return folder


def build_polish_folder(folder: Path) -> Path:
    return build_vits_folder(folder, POLISH_LETTERS, "pol")


def build_english_folder(folder: Path) -> Path:
    return build_vits_folder(folder, ENGLISH_LETTERS, "eng", seed=1)
