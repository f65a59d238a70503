"""Text to speech with either engine of the tab, as ``/tts`` and the page's Speak button call it.

VITS (MMS-TTS) reads Polish or English and shows its durations (vits.py); SpeechT5 reads English
only, in a voice given as an x-vector (voice.py), here the x-vector of one speaker of the Free
Spoken Digit Dataset, so that a call without a recording still has a voice. SpeechT5 has no
speaking-rate control of its own: a rate other than 1 is refused with it rather than ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shared.controls import Choice
from shared.errors import LabError
from speech import vits

ENGINES = ("vits", "speecht5")
ENGINE = Choice("speech.tts.engine", choices=ENGINES, default="vits", names=("VITS (MMS-TTS)", "SpeechT5"))
SPEECHT5_LANGUAGE = "en"  # microsoft/speecht5_tts was fine-tuned on LibriTTS, English only


@dataclass
class Spoken:
    """One result of either engine."""

    waveform: np.ndarray  # (samples,) float32
    rate: int
    engine: str
    language: str
    text: str
    seed: int
    speech: vits.Speech | None  # VITS: every stage of the run; None for SpeechT5
    voice: str | None  # SpeechT5: the FSDD speaker whose x-vector it spoke with

    @property
    def duration_s(self) -> float:
        return len(self.waveform) / self.rate


def speak(text: object, language: object = "pl", engine: object = "vits", speaking_rate: object = 1.0,
          seed: object = 0, *, noise_scale: object = vits.NOISE_SCALE.default,
          noise_scale_duration: object = vits.NOISE_SCALE_DURATION.default) -> Spoken:
    """``text`` spoken by ``engine`` in ``language``, seeded; everything checked and refused in words."""
    engine = ENGINE.check(engine)
    language = vits.LANGUAGE.check(language)
    if engine == "vits":
        speech = vits.synthesize(vits.load_reader(language), text, speaking_rate=speaking_rate,
                                 noise_scale=noise_scale, noise_scale_duration=noise_scale_duration, seed=seed)
        return Spoken(waveform=speech.waveform, rate=speech.rate, engine=engine, language=language,
                      text=vits.TEXT.check(text), seed=speech.seed, speech=speech, voice=None)
    from speech import voice

    if language != SPEECHT5_LANGUAGE:
        raise LabError("speech.tts.error.speecht5_english")
    if vits.SPEAKING_RATE.check(speaking_rate) != 1.0:
        raise LabError("speech.tts.error.speecht5_rate")
    text = voice.TEXT.check(text)
    seed = voice.SEED.check(seed)
    embedding = voice.speaker_voice(voice.load_embedder(), voice.DEFAULT_SPEAKER)
    result = voice.speak(voice.load_talker(), text, embedding, seed=seed)
    return Spoken(waveform=result.waveform, rate=result.rate, engine=engine, language=language, text=text,
                  seed=seed, speech=None, voice=voice.DEFAULT_SPEAKER)


def summary(spoken: Spoken) -> dict:
    """What ``/tts`` returns beside the file: plain numbers and strings (JSON as it is); VITS adds
    the durations per character (alignment.summary)."""
    from speech.alignment import summary as vits_summary

    if spoken.speech is not None:
        facts = vits_summary(spoken.speech)
    else:
        facts = {"sample_rate": int(spoken.rate), "duration_s": round(float(spoken.duration_s), 4),
                 "samples": int(len(spoken.waveform)), "seed": int(spoken.seed), "voice": spoken.voice}
    return {"engine": spoken.engine, "language": spoken.language, **facts}
