"""The Free Spoken Digit Dataset (FSDD): 3 000 WAV files at 8 kHz, six speakers saying each digit 50 times.

A file is named ``{digit}_{speaker}_{index}.wav``. The dataset's own split puts recordings 0–4 of
every speaker and digit in the test set (300 clips) and 5–49 in the training set. That split
shares the six speakers between training and test, so the lab also measures every model
*leave-one-speaker-out*: trained on five speakers, tested on all 500 clips of the sixth.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from shared.errors import LabError
from spoken_digits.preprocess import prepare_clip

SAMPLE_RATE = 8000
SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
TEST_INDICES = range(5)  # the official split: recordings 0-4 are the test set
# ../shared/data beside the repository (this machine and CI); a Space sets LAB_FSDD_DIR or has none.
DEFAULT_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "fsdd" / "recordings"


@dataclass(frozen=True)
class Recording:
    digit: int
    speaker: str
    index: int
    path: Path

    @property
    def official_test(self) -> bool:
        return self.index in TEST_INDICES


def recordings_dir() -> Path:
    return Path(os.environ.get("LAB_FSDD_DIR") or DEFAULT_DIR)


def parse_name(path: Path) -> Recording:
    digit, speaker, index = path.stem.split("_")
    return Recording(int(digit), speaker, int(index), path)


def list_recordings(directory: Path | None = None) -> list[Recording]:
    """Every recording, sorted by (speaker, digit, index); raises ``LabError`` if the folder is missing."""
    directory = directory or recordings_dir()
    paths = sorted(directory.glob("*_*_*.wav")) if directory.is_dir() else []
    if not paths:
        raise LabError("spoken_digits.data_missing", path=str(directory))
    return sorted((parse_name(p) for p in paths), key=lambda r: (r.speaker, r.digit, r.index))


def read_clip(path: Path) -> np.ndarray:
    samples, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    if rate != SAMPLE_RATE:
        raise ValueError(f"{path}: {rate} Hz, expected {SAMPLE_RATE}")
    return samples.mean(axis=1)


def read_prepared(recordings: list[Recording]) -> tuple[np.ndarray, np.ndarray]:
    """(N, 8000) float32 network inputs, prepared as the tab prepares a recording, and (N,) digits."""
    clips = np.stack([prepare_clip(read_clip(r.path)) for r in recordings])
    return clips, np.array([r.digit for r in recordings])


def official_split(recordings: list[Recording]) -> tuple[list[Recording], list[Recording]]:
    """(training, test) as the dataset defines them."""
    return [r for r in recordings if not r.official_test], [r for r in recordings if r.official_test]


def speaker_split(recordings: list[Recording], held_out: str) -> tuple[list[Recording], list[Recording]]:
    """(the other five speakers' clips, all of ``held_out``'s)."""
    return [r for r in recordings if r.speaker != held_out], [r for r in recordings if r.speaker == held_out]


def checksum(recordings: list[Recording]) -> str:
    """sha256 over the files' names and bytes, recorded beside the weights trained on them."""
    digest = hashlib.sha256()
    for r in sorted(recordings, key=lambda r: r.path.name):
        digest.update(r.path.name.encode())
        digest.update(r.path.read_bytes())
    return digest.hexdigest()
