"""Speed of the speech tab's VITS on this machine: prints numbers, asserts nothing.

MMS-TTS's weights cannot be downloaded here, so the network timed is a VitsModel of the full-size
MMS-TTS architecture (VitsConfig's defaults, which are mms-tts-eng's and mms-tts-pol's, with a
vocabulary of Polish size) and random weights, run through the tab's own ``synthesize``. Random
weights would give every character about one frame; a forward hook on the duration predictor
gives each character 4 frames and each blank 1 instead (about 13 characters a second, the pace of
read speech), so that the sentence below lasts about 10 s, as it would with the real model. The
speed depends on the frames decoded (the HiFi-GAN decoder does most of the work), not on the
weights' values. Target: a real-time factor of at most 0.5 on two CPU threads.

    python benchmarks/bench_speech_vits.py [threads]
"""

import json
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import torch

from shared import demos, i18n
from shared.texts import read_texts
from speech import vits

POLISH_LETTERS = "aąbcćdeęfghijklłmnńoóprsśtuwyzźż"
SENTENCE = ("Dzień dobry, dziś posłuchamy, jak sieć neuronowa czyta po polsku zdanie, "
            "które trwa mniej więcej dziesięć sekund mowy.")
CHARACTER_FRAMES, BLANK_FRAMES = 4, 1
REPEATS = 3


def reader_of_full_size(folder: Path) -> vits.Reader:
    from transformers import VitsConfig, VitsModel, VitsTokenizer

    vocab = {character: index for index, character in enumerate(["_", " ", "'", "-", *POLISH_LETTERS])}
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    tokenizer = VitsTokenizer(str(folder / "vocab.json"), pad_token="_", unk_token="_", language="pol",
                              phonemize=False, is_uroman=False)
    torch.manual_seed(0)
    model = VitsModel(VitsConfig(vocab_size=len(vocab))).eval()
    return vits.Reader(model=model, tokenizer=tokenizer, lock=threading.Lock())


def read_speech_pace(module, args, log_duration):
    """Replace the random durations with those of read speech: blanks (even positions) short."""
    frames = torch.full_like(log_duration, CHARACTER_FRAMES - 0.1)
    frames[..., 0::2] = BLANK_FRAMES - 0.1
    return torch.log(frames)


def main() -> None:
    i18n.register(read_texts(demos.describe("speech").texts_path, prefix="speech"))
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    with tempfile.TemporaryDirectory() as folder:
        reader = reader_of_full_size(Path(folder))
    parameters = sum(p.numel() for p in reader.model.parameters())
    # the posterior encoder is only used in training; inference never runs it
    used = parameters - sum(p.numel() for p in reader.model.posterior_encoder.parameters())
    print(f"torch threads: {torch.get_num_threads()}, device: cpu")
    print(f"VitsModel (random weights, VitsConfig defaults): {parameters / 1e6:.1f} M parameters, "
          f"{used / 1e6:.1f} M used at inference")
    reader.model.duration_predictor.register_forward_hook(read_speech_pace)
    vits.synthesize(reader, "Ala ma kota.", seed=0)  # first run: allocations, lazy initialisation
    took = []
    for seed in range(REPEATS):
        began = time.perf_counter()
        speech = vits.synthesize(reader, SENTENCE, seed=seed)
        took.append(time.perf_counter() - began)
    seconds = statistics.median(took)
    print(f"text: {len(SENTENCE)} characters, {len(speech.ids)} tokens, {int(speech.frames.sum())} frames "
          f"× hop {speech.hop}")
    print(f"synthesize(): {seconds:.2f} s (median of {REPEATS}: {', '.join(f'{t:.2f}' for t in took)}) for "
          f"{speech.duration_s:.2f} s of audio at {speech.rate} Hz: real-time factor {seconds / speech.duration_s:.3f} "
          f"(target ≤ 0.5)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
