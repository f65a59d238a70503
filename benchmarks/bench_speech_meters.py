"""Speed of the speech tab's two meters on this machine: prints numbers, asserts nothing.

The real checkpoints cannot be downloaded in CI, so the networks timed here have random weights
and the sizes of the released ones (their parameter counts are printed): whisper-small (d_model
768, 12 encoder and 12 decoder layers, 12 heads, a vocabulary of 51 865) and, for comparison,
whisper-base (512, 6 + 6 layers, 8 heads), and WavLM Base+ with the x-vector head of
wavlm-base-plus-sv. Each is saved to a temporary folder and loaded through the tab's own loader.

Random weights almost never write "end of text", so every transcript runs to its cap: the cap is
what a sentence of that length needs, about 5 tokens a second of Polish speech (2.5 words a
second, about 2 tokens a word), so 30 tokens for 5 s and 60 for 10 s. Whisper's encoder always
hears a 30-second window (the feature extractor pads), so its cost does not depend on the clip.

    python benchmarks/bench_speech_meters.py
"""

import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from shared import models
from shared.mnist_training import count_parameters
from speech import meters

THREADS = 2
TOKENS_PER_SECOND = 6  # a budget of what speech needs (about 5 tokens a second of Polish), rounded up
SIZES = {
    "whisper-small": dict(d_model=768, encoder_layers=12, decoder_layers=12, encoder_attention_heads=12,
                          decoder_attention_heads=12, encoder_ffn_dim=3072, decoder_ffn_dim=3072),
    "whisper-base": dict(d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
                         decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048),
}
# The special tokens of the multilingual Whisper vocabulary (openai/whisper-small's generation_config.json)
END, START, ENGLISH, POLISH, TRANSLATE, TRANSCRIBE, NO_TIMESTAMPS = 50257, 50258, 50259, 50269, 50358, 50359, 50363


def save_whisper(folder: Path, sizes: dict) -> int:
    """A Whisper of these sizes with random weights, a byte-level tokenizer and the real special ids."""
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperTokenizer,
    )
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    torch.manual_seed(0)
    config = WhisperConfig(vocab_size=51865, num_mel_bins=80, max_source_positions=1500, max_target_positions=448,
                           pad_token_id=END, bos_token_id=END, eos_token_id=END, decoder_start_token_id=START,
                           **sizes)
    model = WhisperForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=START, bos_token_id=END, eos_token_id=END, pad_token_id=END, max_length=448,
        is_multilingual=True, lang_to_id={"<|en|>": ENGLISH, "<|pl|>": POLISH},
        task_to_id={"translate": TRANSLATE, "transcribe": TRANSCRIBE}, no_timestamps_token_id=NO_TIMESTAMPS)
    model.save_pretrained(folder)
    # the tokenizer only decodes; the timed part is generate
    WhisperTokenizer(vocab={s: i for i, s in enumerate(bytes_to_unicode().values())}, merges=[]).save_pretrained(folder)
    WhisperFeatureExtractor(feature_size=80).save_pretrained(folder)
    return count_parameters(model)


def save_wavlm(folder: Path) -> int:
    """WavLM Base+ with the x-vector head of wavlm-base-plus-sv (WavLMConfig's defaults are those sizes)."""
    from transformers import Wav2Vec2FeatureExtractor, WavLMConfig, WavLMForXVector

    torch.manual_seed(0)
    model = WavLMForXVector(WavLMConfig()).eval()
    model.save_pretrained(folder)
    Wav2Vec2FeatureExtractor(feature_size=1, sampling_rate=16000, padding_value=0.0, do_normalize=False,
                             return_attention_mask=True).save_pretrained(folder)
    return count_parameters(model)


def speech_like(seconds: float, seed: int = 0) -> np.ndarray:
    t = np.arange(int(seconds * meters.RATE)) / meters.RATE
    rng = np.random.default_rng(seed)
    return (0.3 * np.sin(2 * np.pi * 140 * t) * (1 + np.sin(2 * np.pi * 4 * t)) + 0.01 * rng.normal(size=t.size)
            ).astype(np.float32)


def best_of(repeats: int, fn, *args, **kwargs):
    times, result = [], None
    for _ in range(repeats):
        began = time.perf_counter()
        result = fn(*args, **kwargs)
        times.append(time.perf_counter() - began)
    return min(times), result


def main() -> None:
    torch.set_num_threads(THREADS)
    print(f"torch threads: {torch.get_num_threads()}, device: {meters.pick_device()}")
    with tempfile.TemporaryDirectory() as root:
        for name, sizes in SIZES.items():
            folder = Path(root) / name
            parameters = save_whisper(folder, sizes)
            os.environ[models.registry()[meters.ASR_KEY].env_var] = str(folder)
            models.release(meters.ASR_KEY)
            began = time.perf_counter()
            meters.load_recogniser()
            print(f"{name} (random weights): {parameters / 1e6:.1f} M parameters, loaded in "
                  f"{time.perf_counter() - began:.1f} s")
            for seconds in (5.0, 10.0):
                cap = int(TOKENS_PER_SECOND * seconds)
                meters.transcript_tokens(speech_like(1.0), "pl", max_new_tokens=2)  # warm up
                took, tokens = best_of(2, meters.transcript_tokens, speech_like(seconds), "pl", max_new_tokens=cap)
                print(f"  transcribe {seconds:4.0f} s: {took:6.2f} s  ({len(tokens)} tokens, cap {cap}; "
                      f"{took / len(tokens) * 1000:.0f} ms a token with the encoder included)")
            encoder_only, _ = best_of(2, meters.transcript_tokens, speech_like(5.0), "pl", max_new_tokens=1)
            print(f"  encoder + one token: {encoder_only:6.2f} s")
            models.release(meters.ASR_KEY)

        folder = Path(root) / "wavlm"
        parameters = save_wavlm(folder)
        os.environ[models.registry()[meters.SIMILARITY_KEY].env_var] = str(folder)
        models.release(meters.SIMILARITY_KEY)
        meters.load_verifier()
        print(f"wavlm-base-plus-sv sizes (random weights): {parameters / 1e6:.1f} M parameters")
        a, b = speech_like(5.0, seed=1), speech_like(5.0, seed=2)
        meters.speaker_embedding(speech_like(1.0))  # warm up

        def similarity():
            return meters.speaker_similarity(meters.speaker_embedding(a), meters.speaker_embedding(b))

        took, value = best_of(2, similarity)
        print(f"  similarity of two 5 s clips: {took:6.2f} s (cosine {value:.3f})")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
