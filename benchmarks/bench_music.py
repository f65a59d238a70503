"""Seconds per clip of the music tab on this machine, with random weights of the full-size
networks (the arithmetic of the real weights; the music is noise): MusicGen small (T5-base, a
24-layer 1024-wide decoder over four 2048-entry codebooks, EnCodec 32 kHz) and CLAP
(RoBERTa-base, HTSAT), called through the running app's ``/generate_music`` with the tab's
defaults, and the parts timed on their own.

    python benchmarks/bench_music.py [--seconds 5] [--runs 2]
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

import psutil
import torch


def tokenizer():
    """A word-level stand-in for T5's and RoBERTa's tokenizers (which need the network): the
    prompt's length in tokens is about the same, and the encoders' cost is small beside the decoder's."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    words = "<pad> </s> <unk> <s> calm jazz piano and double bass , 90 bpm".split()
    model = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    model.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=model, pad_token="<pad>", eos_token="</s>", bos_token="<s>",
                                   unk_token="<unk>", model_max_length=512)


def save_musicgen_small(folder: Path) -> None:
    """facebook/musicgen-small's configuration (its config.json), random weights."""
    from transformers import (
        EncodecConfig,
        MusicgenConfig,
        MusicgenDecoderConfig,
        MusicgenForConditionalGeneration,
        T5Config,
    )

    text = T5Config(vocab_size=32128, d_model=768, d_kv=64, d_ff=3072, num_layers=12, num_heads=12)
    codec = EncodecConfig(sampling_rate=32000, audio_channels=1, num_filters=64, upsampling_ratios=[8, 5, 4, 4],
                          codebook_size=2048, codebook_dim=128, hidden_size=128, num_lstm_layers=2,
                          num_residual_layers=1, target_bandwidths=[2.2], normalize=False, use_causal_conv=False,
                          compress=2, residual_kernel_size=3, kernel_size=7, last_kernel_size=7)
    decoder = MusicgenDecoderConfig(vocab_size=2048, hidden_size=1024, num_hidden_layers=24, num_attention_heads=16,
                                    ffn_dim=4096, num_codebooks=4, max_position_embeddings=2048, pad_token_id=2048,
                                    bos_token_id=2048, decoder_start_token_id=2048)
    model = MusicgenForConditionalGeneration(MusicgenConfig(text_encoder=text, audio_encoder=codec, decoder=decoder))
    model.generation_config.pad_token_id = model.generation_config.decoder_start_token_id = 2048
    counts = {name: sum(p.numel() for p in part.parameters()) / 1e6
              for name, part in (("T5", model.text_encoder), ("EnCodec", model.audio_encoder),
                                 ("decoder", model.decoder))}
    print("MusicGen small: " + ", ".join(f"{name} {n:.1f} M" for name, n in counts.items()))
    model.save_pretrained(folder)
    tokenizer().save_pretrained(folder)


def save_clap(folder: Path) -> None:
    """laion/clap-htsat-unfused's layout: transformers' default CLAP sizes, without fusion."""
    from transformers import ClapAudioConfig, ClapConfig, ClapFeatureExtractor, ClapModel, ClapTextConfig

    config = ClapConfig(text_config=ClapTextConfig().to_dict(), audio_config=ClapAudioConfig(enable_fusion=False)
                        .to_dict(), projection_dim=512)
    model = ClapModel(config)
    print(f"CLAP: {sum(p.numel() for p in model.parameters()) / 1e6:.1f} M")
    model.save_pretrained(folder)
    ClapFeatureExtractor(truncation="rand_trunc").save_pretrained(folder)
    tokenizer().save_pretrained(folder)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=None, help="length of the clip (the tab's default)")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        save_musicgen_small(folder / "musicgen")
        save_clap(folder / "clap")
        os.environ["LAB_MODEL_MUSIC"] = str(folder / "musicgen")
        os.environ["LAB_MODEL_MUSIC_CLAP"] = str(folder / "clap")

        from gradio_client import Client

        from app import build_app, launch_kwargs
        from music_generation import controls, generate

        seconds = args.seconds or controls.DURATION.default
        app = build_app(["music_generation"])
        app.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs())
        client = Client(app.local_url, verbose=False)
        prompt = "calm jazz piano and double bass, 90 bpm"
        print(f"/generate_music({prompt!r}, duration_s={seconds:g}, the tab's other defaults):")
        for n in range(args.runs):
            started = time.perf_counter()
            out = client.predict(prompt=prompt, duration_s=seconds, seed=n, api_name="/generate_music")
            took = time.perf_counter() - started
            what = "first call, loads the models" if n == 0 else "next call"
            print(f"  {what}: {took:.1f} s for {out['summary']['duration_s']} s of music "
                  f"(real-time factor {took / out['summary']['duration_s']:.1f}), "
                  f"resident memory {psutil.Process().memory_info().rss / 2**30:.2f} GiB")
        app.close()

        checked = generate.check_request(prompt, seconds, 1.0, 250, 0, 3.0, 0)
        started = time.perf_counter()
        result = generate.result_of(generate.generate(checked))
        writing = time.perf_counter() - started
        started = time.perf_counter()
        generate.measure(prompt, result)
        print(f"  parts: writing the codes and decoding {writing:.1f} s "
              f"({result.steps_total / writing:.1f} steps/s), CLAP and tempo {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        checked = generate.check_request(prompt, seconds, 1.0, 250, 0, 1.0, 0)
        generate.result_of(generate.generate(checked))
        print(f"  without guidance (one pass per step instead of two): {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
