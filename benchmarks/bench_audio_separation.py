"""Speed and memory of the "Audio separation" tab on this machine: prints numbers, asserts nothing.

Demucs' real weights cannot be downloaded in CI, so the network timed here is an HTDemucs
built with the class's default arguments and random weights: the same architecture family
and about the same size as the released htdemucs (its parameter count is printed), which is
what decides the speed. The classical methods run on an example clip of the tab.

    python benchmarks/bench_audio_separation.py [seconds ...]
"""

import resource
import sys
import time
from pathlib import Path

import numpy as np
import torch

import audio_separation
from audio_separation import audio_io, classical, deep
from shared import demos, i18n, spectrogram
from shared.mnist_training import count_parameters
from shared.texts import read_texts

EXAMPLE = Path(audio_separation.__file__).parent / "examples" / "Kevin_MacLeod_-_Vibe_Ace.ogg"


def clip(seconds: float) -> np.ndarray:
    mix, _ = audio_io.to_working_format(audio_io.read_clip(str(EXAMPLE), limit=600, use_first=True, seconds=seconds))
    return mix


def timed(label: str, seconds: float, fn, *args, **kwargs) -> None:
    """Time one call ``fn(*args, **kwargs)`` on ``seconds`` of audio."""
    began = time.perf_counter()
    fn(*args, **kwargs)
    took = time.perf_counter() - began
    print(f"{label:<44} {seconds:5.0f} s audio  {took:7.2f} s  real-time factor {took / seconds:5.2f}")


def main() -> None:
    i18n.register(read_texts(demos.describe("audio_separation").texts_path, prefix="audio_separation"))
    lengths = [float(a) for a in sys.argv[1:]] or [10.0, 30.0]
    print(f"torch threads: {torch.get_num_threads()}, device: cpu")
    from demucs.htdemucs import HTDemucs

    network = HTDemucs(sources=["drums", "bass", "other", "vocals"]).eval()
    print(f"HTDemucs (random weights): {count_parameters(network) / 1e6:.1f} M parameters")
    clip(1.0)  # first decode and resample, imports
    for seconds in lengths:
        mix = clip(seconds)
        timed("Demucs HTDemucs, shifts=1", seconds,
              deep.separate, network, mix, audio_io.WORKING_RATE, device="cpu", shifts=1)
        timed("classical HPSS", seconds, classical.harmonic_percussive, mix, audio_io.WORKING_RATE)
        timed("classical REPET-SIM", seconds, classical.repeating_background, mix, audio_io.WORKING_RATE)
        power = spectrogram.mel_power(mix, audio_io.WORKING_RATE)
        timed("one spectrogram picture", seconds,
              spectrogram.render, power, audio_io.WORKING_RATE, float(power.max()), time_label="t", frequency_label="f")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
