"""One separation from start to end: decode, convert, separate, measure, write the files.

The same steps serve every method, deep or classical, so the tab can compare them on the
same clip: the same 44.1 kHz stereo mix goes in, named stems of the same length come out,
and the residual (mix minus the sum of the stems) shows what no stem took.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from audio_separation import audio_io, classical, deep
from audio_separation.metrics import level_db
from shared import models, sound_files, spectrogram
from shared.device import by_hardware, pick_device
from shared.errors import LabError
from shared.gpu import free_gpu_memory, gpu
from shared.i18n import message, number

DEMUCS_MODELS = {"htdemucs": "audio_separation", "htdemucs_6s": "audio_separation_6s"}  # method -> registry key
CLASSICAL = ("hpss", "repet")
METHODS = tuple(DEMUCS_MODELS) + CLASSICAL
# The parts each method can give: the sources of htdemucs_6s (those of htdemucs and two more),
# and the two parts of each classical method.
DEMUCS_SOURCES = ("vocals", "drums", "bass", "other", "guitar", "piano")
CLASSICAL_PARTS = ("harmonic", "percussive", "foreground", "background")
ALL_STEMS = "all"
FORMATS = ("wav", "mp3")
# Longest clip per run, in seconds. Demucs on a CPU takes one to three times the clip's
# length; on a GPU a few seconds per minute. The classical methods always run on the CPU.
CPU_LIMIT_S = 60.0
GPU_LIMIT_S = 300.0
MAX_SHIFTS = 4
OUTPUT_ROOT = Path(tempfile.gettempdir()) / "lab-audio-separation"
OUTPUT_TTL_S = 2 * 3600


@dataclass
class Separation:
    method: str
    rate: int
    mix: np.ndarray  # (channels, samples)
    stems: dict[str, np.ndarray]
    start: float
    file_seconds: float
    notes: list[str] = field(default_factory=list)
    seconds_taken: float = 0.0
    model_id: str | None = None

    @property
    def residual(self) -> np.ndarray:
        return self.mix - np.sum(list(self.stems.values()), axis=0)


def limit_seconds(method: str) -> float:
    """The longest clip ``method`` separates in one run on this hardware."""
    return by_hardware(cpu=CPU_LIMIT_S, gpu=GPU_LIMIT_S) if method in DEMUCS_MODELS else CPU_LIMIT_S


def run(path: object, method: str, *, stems: str = ALL_STEMS, use_first: bool = True, seconds: float = 20.0,
        start: float = 0.0, shifts: int = 1, hpss_margin: float = 1.0,
        on_progress: Callable[[float, str], None] | None = None, stop: threading.Event | None = None) -> Separation:
    """Separate the chosen part of the audio file at ``path`` with ``method``."""
    if method not in METHODS:
        raise LabError("audio_separation.error.method", choices=", ".join(METHODS))
    limit = limit_seconds(method)
    clip = audio_io.read_clip(path, limit=limit, use_first=use_first, seconds=seconds, start=start)
    mix, conversion_notes = audio_io.to_working_format(clip)
    rate = audio_io.WORKING_RATE
    progress = on_progress or (lambda fraction, text: None)
    began = time.perf_counter()
    model_id = None
    if method in DEMUCS_MODELS:
        key = DEMUCS_MODELS[method]
        model_id = models.model_id(key)
        progress(0.0, message("audio_separation.progress.loading"))
        model = models.load(key, deep.load_model)
        if stems != ALL_STEMS and stems not in model.sources:
            raise LabError("audio_separation.error.stem", stem=stems, choices=", ".join(model.sources))
        progress(0.05, message("audio_separation.progress.network"))
        parts = _run_demucs(model, mix, rate, shifts=shifts, stop=stop,
                            on_progress=lambda f: progress(0.05 + 0.9 * f,
                                                           message("audio_separation.progress.network")))
        if stems != ALL_STEMS:
            parts = {stems: parts[stems], f"no_{stems}": np.sum([v for k, v in parts.items() if k != stems], axis=0)}
    elif method == "hpss":
        progress(0.1, message("audio_separation.progress.classical"))
        parts = classical.harmonic_percussive(mix, rate, margin=hpss_margin)
    else:
        progress(0.1, message("audio_separation.progress.classical"))
        parts = classical.repeating_background(mix, rate)
    return Separation(method, rate, mix, parts, clip.start, clip.file_seconds, clip.notes + conversion_notes,
                      time.perf_counter() - began, model_id)


@gpu(duration=120)
def _run_demucs(model, mix: np.ndarray, rate: int, *, shifts: int, on_progress, stop) -> dict[str, np.ndarray]:
    device = pick_device().type
    try:
        return deep.separate(model, mix, rate, device=device, shifts=shifts, on_progress=on_progress, stop=stop)
    except deep.Stopped:
        raise LabError("audio_separation.error.stopped") from None
    finally:
        if device == "cuda":
            free_gpu_memory()  # the cache this run filled, back for the other tabs


def save(separation: Separation, audio_format: str,
         name: str = "clip") -> tuple[Path, dict[str, Path], Path, list[str]]:
    """Write the mix, every stem and the residual; returns their paths and notes on scaling.

    All files share one gain: if any of them would clip, all are turned down together, so
    their levels stay comparable (and the stems still add up to the mix).
    """
    _remove_old_outputs()
    folder = OUTPUT_ROOT / uuid.uuid4().hex
    folder.mkdir(parents=True)
    residual = separation.residual
    signals = [separation.mix, residual, *separation.stems.values()]
    peak = max(float(np.max(np.abs(s))) for s in signals)
    notes = []
    gain = 1.0
    if peak > 0.999:
        gain = 0.99 / peak
        notes.append(message("audio_separation.note.scaled", db=number(20 * np.log10(gain))))
    stem = _safe_name(name)

    def write(label: str, samples: np.ndarray) -> Path:
        return sound_files.write_audio(folder / f"{stem}_{label}.{audio_format}", samples * gain, separation.rate,
                                    audio_format)

    mix_path = write("mix", separation.mix)
    stem_paths = {label: write(label, samples) for label, samples in separation.stems.items()}
    residual_path = write("residual", residual)
    return mix_path, stem_paths, residual_path, notes


def levels(separation: Separation) -> list[tuple[str, float, float]]:
    """(part, level in dBFS, level relative to the mix in dB) for every stem and the residual."""
    mix_level = level_db(separation.mix)
    rows = [(label, level_db(samples), level_db(samples) - mix_level) for label, samples in separation.stems.items()]
    residual_level = level_db(separation.residual)
    rows.append(("residual", residual_level, residual_level - mix_level))
    return rows


def spectrograms(separation: Separation) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """The pictures of the mix, of every stem and of the residual (RGB arrays): mel spectrograms
    on one dB scale, below the mix's loudest cell, with the axes named in the reader's language."""
    mix_power = spectrogram.mel_power(separation.mix, separation.rate)
    reference = float(mix_power.max()) or 1.0
    labels = {"time_label": message("audio_separation.axis.time"),
              "frequency_label": message("audio_separation.axis.frequency"), "start": separation.start}

    def picture(power: np.ndarray) -> np.ndarray:
        return spectrogram.render(power, separation.rate, reference, **labels)

    def picture_of(samples: np.ndarray) -> np.ndarray:
        return picture(spectrogram.mel_power(samples, separation.rate))

    stems = {label: picture_of(samples) for label, samples in separation.stems.items()}
    return picture(mix_power), stems, picture_of(separation.residual)


def _safe_name(name: str) -> str:
    kept = "".join(c if c.isalnum() or c in "-_" else "_" for c in Path(str(name)).stem)[:40].strip("_")
    return kept or "clip"


def _remove_old_outputs() -> None:
    if not OUTPUT_ROOT.is_dir():
        return
    now = time.time()
    for folder in OUTPUT_ROOT.iterdir():
        try:
            if now - folder.stat().st_mtime > OUTPUT_TTL_S:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass
