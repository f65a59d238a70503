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

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[1] / "spaces")]

import numpy as np  # noqa: E402
import torch  # noqa: E402

import audio_separation  # noqa: E402
from audio_separation import audio_io, classical, deep, spectrogram  # noqa: E402
from shared import i18n  # noqa: E402

EXAMPLE = Path(audio_separation.__file__).parent / "examples" / "Kevin_MacLeod_-_Vibe_Ace.ogg"


def clip(seconds: float) -> np.ndarray:
    mix, _ = audio_io.to_working_format(audio_io.read_clip(str(EXAMPLE), limit=600, use_first=True, seconds=seconds))
    return mix


def timed(label: str, seconds: float, fn) -> None:
    began = time.perf_counter()
    fn()
    took = time.perf_counter() - began
    print(f"{label:<44} {seconds:5.0f} s audio  {took:7.2f} s  real-time factor {took / seconds:5.2f}")


def main() -> None:
    i18n.register(audio_separation.TEXTS)
    lengths = [float(a) for a in sys.argv[1:]] or [10.0, 30.0]
    print(f"torch threads: {torch.get_num_threads()}, device: cpu")
    from demucs.htdemucs import HTDemucs

    network = HTDemucs(sources=["drums", "bass", "other", "vocals"]).eval()
    print(f"HTDemucs (random weights): {sum(p.numel() for p in network.parameters()) / 1e6:.1f} M parameters")
    clip(1.0)  # first decode and resample, imports
    for seconds in lengths:
        mix = clip(seconds)
        timed("Demucs HTDemucs, shifts=1", seconds,
              lambda: deep.separate(network, mix, audio_io.WORKING_RATE, device="cpu", shifts=1))
        timed("classical HPSS", seconds, lambda: classical.harmonic_percussive(mix, audio_io.WORKING_RATE))
        timed("classical REPET-SIM", seconds, lambda: classical.repeating_background(mix, audio_io.WORKING_RATE))
        power = spectrogram.mel_power(mix, audio_io.WORKING_RATE)
        timed("one spectrogram picture", seconds,
              lambda: spectrogram.render(power, audio_io.WORKING_RATE, float(power.max()), time_label="t",
                                         frequency_label="f"))
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
