"""Seconds per result of the speech tab through the running app, with random weights of the
full-size networks (the arithmetic of the real weights; the speech is noise): ``/tts`` with VITS
(MMS-TTS sizes) for a Polish sentence of about 10 s, ``/tts`` with SpeechT5 (speecht5_tts,
speecht5_hifigan and the spkrec-xvect-voxceleb x-vector sizes) for an English one, and the page's
meters step (Whisper small and WavLM Base+ x-vector sizes) on the VITS result. The networks are
the ones benchmarks/bench_speech_vits.py, bench_speech_voice.py and bench_speech_meters.py build
and describe; here they are saved to folders, named by their LAB_MODEL_* variables and loaded by
the app itself.

Random weights do not know when to stop, so hooks give them the pace of read speech, as in those
scripts: VITS's duration predictor 4 frames a character and 1 a blank (about 13 characters a second),
SpeechT5's stop head "stop" after the steps the sentence needs, and Whisper a transcript cut after
the tokens the real tokenizer gives such a text (about one token per 3.5 characters of Polish).

    python benchmarks/bench_speech.py [--runs 3]
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import psutil
import torch
from bench_speech_meters import SIZES, save_wavlm, save_whisper
from bench_speech_vits import SENTENCE, read_speech_pace, reader_of_full_size
from bench_speech_voice import ReadAloudPace, save_hifigan, save_speecht5, save_xvector

ENGLISH = "A voice is a point among numbers we can mix, and every point between two voices is a voice."
TIMESTAMP_BEGIN = 50364  # the first timestamp token of the multilingual Whisper vocabulary
CHARACTERS_PER_TOKEN = 3.5  # Whisper's multilingual BPE on Polish text, roughly


def save_vits(folder: Path) -> None:
    reader = reader_of_full_size(folder)
    reader.model.save_pretrained(folder)
    reader.tokenizer.save_pretrained(folder)


def median_of(runs: int, call) -> tuple[float, list[float], object]:
    took, out = [], None
    for _ in range(runs):
        began = time.perf_counter()
        out = call()
        took.append(time.perf_counter() - began)
    return statistics.median(took), took, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "vits").mkdir()
        save_vits(root / "vits")
        save_speecht5(root / "speecht5")
        save_hifigan(root / "hifigan")
        save_xvector(root / "xvector")
        save_whisper(root / "whisper", SIZES["whisper-small"])
        save_wavlm(root / "wavlm")
        for key, name in (("SPEECH_PL", "vits"), ("SPEECH_T5", "speecht5"), ("SPEECH_T5_VOCODER", "hifigan"),
                          ("SPEECH_XVECTOR", "xvector"), ("SPEECH_ASR", "whisper"), ("SPEECH_SIMILARITY", "wavlm")):
            os.environ[f"LAB_MODEL_{key}"] = str(root / name)

        from gradio_client import Client

        from app import build_app, launch_kwargs
        from speech import meters, ui, vits, voice

        app = build_app(["speech"])
        app.launch(prevent_thread_lock=True, quiet=True, **launch_kwargs())
        client = Client(app.local_url, verbose=False)

        began = time.perf_counter()
        reader = vits.load_reader("pl")  # the app's own cached model: the hook below is on it
        print(f"VITS loaded in {time.perf_counter() - began:.1f} s")
        reader.model.duration_predictor.register_forward_hook(read_speech_pace)
        client.predict(text="Ala ma kota.", language="pl", api_name="/tts")  # warm up
        seconds, took, out = median_of(args.runs, lambda: client.predict(text=SENTENCE, language="pl", seed=0,
                                                                          api_name="/tts"))
        spoken = out["summary"]["duration_s"]
        print(f"/tts VITS, {len(SENTENCE)} characters: {seconds:.2f} s (median of {args.runs}: "
              f"{', '.join(f'{t:.2f}' for t in took)}) for {spoken:.2f} s of speech: real-time factor "
              f"{seconds / spoken:.3f} (target ≤ 0.5)")

        began = time.perf_counter()
        talker = voice.load_talker()
        voice.speaker_voice(voice.load_embedder(), voice.DEFAULT_SPEAKER)
        print(f"SpeechT5, HiFi-GAN and the x-vector loaded, the default voice computed, in "
              f"{time.perf_counter() - began:.1f} s")
        pace = ReadAloudPace(talker.model)
        reduction = talker.model.config.reduction_factor

        def speecht5():
            pace.expect(ENGLISH, reduction)
            return client.predict(text=ENGLISH, language="en", engine="speecht5", seed=0, api_name="/tts")

        seconds, took, out = median_of(args.runs, speecht5)
        spoken = out["summary"]["duration_s"]
        print(f"/tts SpeechT5, {len(ENGLISH)} characters: {seconds:.2f} s (median of {args.runs}: "
              f"{', '.join(f'{t:.2f}' for t in took)}) for {spoken:.2f} s of speech: real-time factor "
              f"{seconds / spoken:.2f}")

        # The meters are the page's second step (a private event): its handler, as the page calls it.
        import soundfile as sf

        samples, rate = sf.read(client.predict(text=SENTENCE, language="pl", seed=0, api_name="/tts")["audio"],
                                dtype="float32")
        heard = {"samples": samples, "rate": rate, "text": SENTENCE, "language": "pl"}
        real_tokens = round(len(SENTENCE) / CHARACTERS_PER_TOKEN)
        budget = meters.transcript_budget
        meters.transcript_budget = lambda text: real_tokens  # where the real Whisper writes "end of text"
        began = time.perf_counter()
        whisper, _ = meters.load_recogniser()
        meters.load_verifier()
        # Random weights write timestamp tokens (ids from 50364 on) as often as any other, and each one
        # makes generate start another segment of the 30-s window: up to five passes where the real
        # model, told "no timestamps", writes one. They are suppressed, as text is all the real one writes.
        whisper.generation_config.suppress_tokens = list(range(TIMESTAMP_BEGIN, whisper.config.vocab_size))
        print(f"Whisper small and WavLM loaded in {time.perf_counter() - began:.1f} s")
        ui.show_meters(heard)  # warm up
        seconds, took, _ = median_of(args.runs, lambda: ui.show_meters(heard))
        print(f"meters (Whisper, {real_tokens} tokens, and the CER) on {len(samples) / rate:.2f} s: {seconds:.2f} s "
              f"(median of {args.runs}: {', '.join(f'{t:.2f}' for t in took)})")
        reference = samples[: 5 * rate]
        seconds, took, _ = median_of(args.runs, lambda: meters.speaker_similarity(
            meters.speaker_embedding(reference), meters.speaker_embedding(samples)))
        print(f"speaker similarity (WavLM, a 5 s reference and the result): {seconds:.2f} s")
        meters.transcript_budget = budget
        print(f"resident memory {psutil.Process().memory_info().rss / 2**30:.2f} GiB")
        app.close()


if __name__ == "__main__":
    main()
