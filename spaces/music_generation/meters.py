"""Two checks of a finished clip, which the music tab shows beside it.

- CLAP's text–audio similarity: CLAP maps a text and a sound into one space, trained so that a
  clip and its description land close; the cosine of the two vectors says how well the clip
  matches the prompt (about 0.3 for a good match of real music with real CLAP, near 0 for none).
- Tempo: librosa's beat tracker measures the beats per minute, to compare with a tempo asked for
  in the prompt ("120 bpm"); music models often miss it, and a tracker may hear half or double
  the tempo, which is said as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from music_generation.loading import Listener

TEMPO_IN_PROMPT = re.compile(r"(\d{2,3}(?:[.,]\d+)?)\s*(?:bpm\b|uderze[nń]\w* na minut)", re.IGNORECASE)
TEMPO_TOLERANCE = 0.04  # within 4 % counts as the asked tempo (MIREX's tempo accuracy uses 8 %)


@dataclass(frozen=True)
class TempoCheck:
    measured: float  # beats per minute
    asked: float | None
    verdict: str  # "match", "half", "double", "miss"; "none" when no tempo was asked for; "no_beat"


def clap_similarity(listener: Listener, text: str, audio: np.ndarray, rate: int) -> float:
    """The cosine of CLAP's text and audio embeddings. A clip longer than CLAP's window is cut into
    windows, and their embeddings are averaged (then normalised again)."""
    import librosa
    import torch

    extractor = listener.features
    samples = librosa.resample(np.asarray(audio, dtype=np.float32), orig_sr=rate, target_sr=extractor.sampling_rate)
    window = extractor.nb_max_samples
    pieces = [samples[i:i + window] for i in range(0, max(len(samples), 1), window)]
    device = listener.model.device
    sound = extractor(pieces, sampling_rate=extractor.sampling_rate, return_tensors="pt").to(device)
    words = listener.tokenizer([text], return_tensors="pt", padding=True, truncation=True).to(device)
    with torch.no_grad():
        out = listener.model(input_ids=words.input_ids, attention_mask=words.attention_mask, **sound)
    audio_embedding = torch.nn.functional.normalize(out.audio_embeds.mean(dim=0), dim=-1)
    return float(audio_embedding @ out.text_embeds[0])


def asked_tempo(prompt: str) -> float | None:
    """The tempo a prompt asks for ("120 bpm", "90 BPM", "100 uderzeń na minutę"), if any."""
    found = TEMPO_IN_PROMPT.search(prompt)
    return float(found.group(1).replace(",", ".")) if found else None


def measure_tempo(audio: np.ndarray, rate: int) -> float:
    """Beats per minute by librosa's beat tracker, on onsets every 3–6 ms: at librosa's default
    hop (23 ms at 22 kHz) the tempo can only take steps of about 2.5 bpm near 120."""
    import librosa

    hop = max(64, 2 ** int(np.log2(rate / 200)))
    tempo, _beats = librosa.beat.beat_track(y=np.asarray(audio, dtype=np.float32), sr=rate, hop_length=hop)
    return float(np.atleast_1d(tempo)[0])


def check_tempo(prompt: str, audio: np.ndarray, rate: int) -> TempoCheck:
    return tempo_verdict(measure_tempo(audio, rate), asked_tempo(prompt))


def tempo_verdict(measured: float, asked: float | None) -> TempoCheck:
    """How a measured tempo compares with the one asked for: within 4 % of it, of its half or of its double."""
    if measured <= 0:  # the tracker found no beats at all (silence, noise)
        return TempoCheck(measured, asked, "no_beat")
    if asked is None:
        return TempoCheck(measured, None, "none")
    for verdict, factor in (("match", 1.0), ("half", 0.5), ("double", 2.0)):
        if abs(measured - asked * factor) <= TEMPO_TOLERANCE * asked * factor:
            return TempoCheck(measured, asked, verdict)
    return TempoCheck(measured, asked, "miss")
