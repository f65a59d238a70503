"""Tiny stand-ins of the speech tab's two meters, of the real classes with random weights, laid out
as ``openai/whisper-small`` and ``microsoft/wavlm-base-plus-sv`` are. Nothing needs the network.

- Whisper: ``WhisperForConditionalGeneration`` of width 16 (one encoder and one decoder layer,
  80 mel bins as whisper-small, 1500 encoder positions because its feature extractor always pads to
  30 s), saved with a ``WhisperFeatureExtractor`` and a ``WhisperTokenizer`` (the tokenizers-backed
  class, byte-level BPE over the 256 byte symbols and no merges) whose special tokens are the ones
  ``WhisperGenerationMixin.generate`` looks up: the start of transcript, the two languages of the
  tab, the two tasks and "no timestamps". The generation config names them as the real one does
  (``lang_to_id``, ``task_to_id``, ``no_timestamps_token_id``, ``decoder_start_token_id``...).
- WavLM: ``WavLMForXVector`` of width 16 with two small TDNN layers and an 8-number embedding,
  saved with the ``Wav2Vec2FeatureExtractor`` the real checkpoint ships.
"""

from __future__ import annotations

from pathlib import Path

import torch

SPECIAL_TOKENS = ["<|endoftext|>", "<|startoftranscript|>", "<|en|>", "<|pl|>", "<|translate|>", "<|transcribe|>",
                  "<|startoflm|>", "<|startofprev|>", "<|nocaptions|>", "<|notimestamps|>"]
MAX_TARGET_POSITIONS = 64  # the longest token sequence the tiny decoder can hold (448 in whisper-small)


def whisper_tokenizer():
    """Whisper's tokenizer over the 256 byte symbols (ids 0-255) and no merges, the special tokens after them."""
    from transformers import WhisperTokenizer
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    vocab = {symbol: i for i, symbol in enumerate(bytes_to_unicode().values())}
    for token in SPECIAL_TOKENS:
        vocab[token] = len(vocab)
    tokenizer = WhisperTokenizer(vocab=vocab, merges=[])
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL_TOKENS[1:]})
    return tokenizer


def unprintable_ids() -> list[int]:
    """The byte tokens outside printable ASCII, which the tiny Whisper is told never to write, as it
    is told never to write a special token after the prompt (the real one suppresses some 90
    tokens): random weights then still write valid text, so that transcripts compare as strings,
    not as broken UTF-8 or as a second prompt in the middle."""
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    symbols = list(bytes_to_unicode().items())  # (byte, symbol) in the order of the vocabulary
    return [i for i, (byte, _) in enumerate(symbols) if not 32 <= byte < 127]


def build_whisper_folder(folder: Path) -> Path:
    """Build the tiny Whisper (seeded, so every build is the same) and save it to ``folder``."""
    from transformers import GenerationConfig, WhisperConfig, WhisperFeatureExtractor, WhisperForConditionalGeneration

    torch.manual_seed(0)
    tokenizer = whisper_tokenizer()
    ids = {token: tokenizer.convert_tokens_to_ids(token) for token in SPECIAL_TOKENS}
    end, start = ids["<|endoftext|>"], ids["<|startoftranscript|>"]
    config = WhisperConfig(
        vocab_size=len(tokenizer), num_mel_bins=80, d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_source_positions=1500, max_target_positions=MAX_TARGET_POSITIONS, init_std=0.5,
        pad_token_id=end, bos_token_id=end, eos_token_id=end, decoder_start_token_id=start)
    model = WhisperForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=start, bos_token_id=end, eos_token_id=end, pad_token_id=end,
        max_length=MAX_TARGET_POSITIONS, is_multilingual=True,
        lang_to_id={"<|en|>": ids["<|en|>"], "<|pl|>": ids["<|pl|>"]},
        task_to_id={"translate": ids["<|translate|>"], "transcribe": ids["<|transcribe|>"]},
        no_timestamps_token_id=ids["<|notimestamps|>"], prev_sot_token_id=ids["<|startofprev|>"],
        begin_suppress_tokens=[tokenizer.convert_tokens_to_ids("Ġ"), end],
        suppress_tokens=unprintable_ids() + [ids[token] for token in SPECIAL_TOKENS[1:]])
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    WhisperFeatureExtractor(feature_size=80).save_pretrained(folder)
    return folder


def build_wavlm_folder(folder: Path) -> Path:
    """Build the tiny WavLM x-vector model (seeded) and save it to ``folder``."""
    from transformers import Wav2Vec2FeatureExtractor, WavLMConfig, WavLMForXVector

    torch.manual_seed(0)
    config = WavLMConfig(
        hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32,
        conv_dim=(8, 8, 8), conv_stride=(5, 4, 4), conv_kernel=(10, 4, 4), num_conv_pos_embeddings=8,
        num_conv_pos_embedding_groups=2, num_buckets=16, max_bucket_distance=32,
        tdnn_dim=(16, 16), tdnn_kernel=(3, 1), tdnn_dilation=(1, 1), xvector_output_dim=8)
    WavLMForXVector(config).eval().save_pretrained(folder)
    # as the real checkpoint's preprocessor_config.json: 16 kHz, not normalised per clip, with the attention mask
    Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=False,
                             return_attention_mask=True).save_pretrained(folder)
    return folder
