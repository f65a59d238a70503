"""Seconds to clone one Polish sentence (about 5 s of speech) from a 5 s reference on this
machine, with random weights of the full-size OmniVoice (the arithmetic of the real weights; the
voice is noise), through the tab's own ``clone.clone_voice``. It decides whether the tab may clone
on a CPU: only if this takes under a minute.

Sizes, as in the real checkpoint k2-fsa/OmniVoice:
- the language model is Qwen3-0.6B (its config.json on the Hub: hidden 1024, intermediate 3072,
  28 layers, 16 query and 8 key-value heads of 128, vocabulary 151 936); OmniVoice adds 8
  codebooks × 1025 audio embeddings and heads; about 613 M parameters, as model.safetensors
  (2.45 GB in float32) holds;
- the audio tokenizer is Higgs Audio v2 (transformers' HiggsAudioV2TokenizerConfig, its DAC and
  HuBERT-base halves at their defaults) at 25 frames a second: a hop of 960 = 8·5·4·2·3 samples at
  24 kHz and 8 codebooks (2 kbps), as the transformers documentation and Boson AI's model card
  describe it; about 200 M parameters (audio_tokenizer/model.safetensors is 806 MB).
The text tokenizer is the tests' byte-level stand-in (the real one needs the network), which cuts
text into more tokens than Qwen's BPE: the times are slightly pessimistic.

    python benchmarks/bench_speech_clone.py [--threads 2] [--steps 32]
"""

import argparse
import os
import time

import numpy as np
import torch

SENTENCE = "Dzień dobry, dziś na wykładzie posłuchamy, jak sieć neuronowa mówi cudzym głosem."
TRANSCRIPT = "To jest krótkie nagranie mojego głosu do sklonowania."


# The words OmniVoice puts around the text (omnivoice/models/omnivoice.py, _prepare_inference_inputs)
SPECIAL_TOKENS = ["<|denoise|>", "<|lang_start|>", "<|lang_end|>", "<|instruct_start|>", "<|instruct_end|>",
                  "<|text_start|>", "<|text_end|>"]


def text_tokenizer():
    """Qwen2's tokenizer class over the 256 byte symbols and no merges (Qwen's real one needs the
    network), with OmniVoice's special tokens."""
    from transformers import Qwen2Tokenizer
    from transformers.convert_slow_tokenizer import bytes_to_unicode

    tokenizer = Qwen2Tokenizer(vocab={symbol: i for i, symbol in enumerate(bytes_to_unicode().values())}, merges=[])
    tokenizer.add_special_tokens({"additional_special_tokens": SPECIAL_TOKENS})
    return tokenizer


def full_size_model():
    from omnivoice import OmniVoice, OmniVoiceConfig
    from omnivoice.utils.duration import RuleDurationEstimator
    from transformers import DacFeatureExtractor, HiggsAudioV2TokenizerConfig, HiggsAudioV2TokenizerModel, Qwen3Config

    torch.manual_seed(0)
    llm = Qwen3Config(hidden_size=1024, intermediate_size=3072, num_hidden_layers=28, num_attention_heads=16,
                      num_key_value_heads=8, head_dim=128, vocab_size=151936, max_position_embeddings=40960,
                      rope_theta=1000000.0, tie_word_embeddings=True)
    model = OmniVoice(OmniVoiceConfig(llm_config=llm)).eval()
    audio_config = HiggsAudioV2TokenizerConfig(
        target_bandwidths=[0.5, 1, 1.5, 2],
        acoustic_model_config=dict(downsampling_ratios=[8, 5, 4, 2, 3], upsampling_ratios=[8, 5, 4, 2, 3]))
    assert audio_config.frame_rate == 25 and audio_config.num_quantizers == 8
    model.audio_tokenizer = HiggsAudioV2TokenizerModel(audio_config).eval()
    # what OmniVoice.from_pretrained attaches after loading the weights
    model.text_tokenizer = text_tokenizer()
    model.feature_extractor = DacFeatureExtractor(sampling_rate=24000, hop_length=960)
    model.sampling_rate = 24000
    model.duration_estimator = RuleDurationEstimator()
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=32)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    os.environ["LAB_SPEECH_CLONE_CPU"] = "1"
    from shared import demos
    from speech import clone, recording

    demos.register_texts(demos.describe("speech"))
    started = time.perf_counter()
    model = full_size_model()
    clone._watch_steps(model)
    billions = sum(p.numel() for p in model.parameters()) / 1e9
    tokenizer_m = sum(p.numel() for p in model.audio_tokenizer.parameters()) / 1e6
    print(f"built in {time.perf_counter() - started:.0f} s: {billions:.3f} B parameters in all, "
          f"{tokenizer_m:.0f} M of them the audio tokenizer; {args.threads} threads, {args.steps} steps")
    t = np.arange(5 * recording.RATE) / recording.RATE
    reference = recording.from_samples((0.3 * np.sin(2 * np.pi * 180 * t)).astype(np.float32), recording.RATE)
    started = time.perf_counter()
    step_times = []
    for event in clone.clone_voice(model, reference, SENTENCE, "pl", 0, TRANSCRIPT, steps=args.steps):
        step_times.append(time.perf_counter() - started)
        if isinstance(event, clone.CloneResult):
            frames = event.tokens.shape[1]
    total = time.perf_counter() - started
    print(f"one sentence ({frames / 25:.1f} s of codes, {frames} frames) cloned in {total:.1f} s "
          f"({(step_times[-2] - step_times[0]) / args.steps:.2f} s a step); under a minute: {total < 60}")


if __name__ == "__main__":
    main()
