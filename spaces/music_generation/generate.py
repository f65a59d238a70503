"""What the music tab runs, checked: a request is checked against the controls and the hardware
before any work starts; then the model is loaded (cached by ``shared.models``), ``compose``
writes, and the meters measure the result. ui.py only wires this to the page and the API, and
the tests call it directly."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from music_generation import controls, loading
from music_generation.codec import Clip
from music_generation.compose import Piece, Progress, Result
from shared import models
from shared.errors import LabError
from shared.stepwise import final


@dataclass(frozen=True)
class MusicRequest:
    model: str
    piece: Piece
    # the melody clip, read and checked; its chroma is computed once the model (its rate) is loaded
    melody: Clip | None = field(default=None, compare=False, repr=False)

    @property
    def preset(self) -> loading.Preset:
        return loading.PRESETS[self.model]


@dataclass
class Measured:
    """The meters of one clip; ``clap`` is None where CLAP could not be loaded (``clap_missing`` says why)."""

    clap: float | None
    clap_missing: str | None
    tempo: object  # meters.TempoCheck


def check_request(prompt: object, seconds: object, temperature: object, top_k: object, top_p: object,
                  guidance: object, seed: object, model: object = loading.DEFAULT_MODEL, melody: object = None, *,
                  duration=controls.DURATION) -> MusicRequest:
    """Every value checked in the order the page shows them, then the hardware. ``melody``: the
    path of a clip for MusicGen-melody to follow, or None; with another model it is refused in
    words rather than ignored, so that nobody waits for a piece that does not follow their clip."""
    model = controls.MODEL.check(model)
    piece = Piece(prompt=controls.PROMPT.check(prompt), seconds=duration.check(seconds),
                  temperature=controls.TEMPERATURE.check(temperature), top_k=controls.TOP_K.check(top_k),
                  top_p=controls.TOP_P.check(top_p), guidance=controls.GUIDANCE.check(guidance),
                  seed=controls.SEED.check(seed))
    preset, clip = loading.PRESETS[model], None
    if melody is not None:
        if not preset.melody:
            raise LabError("music_generation.error.melody_model", model=model, melody_model=loading.MELODY_MODEL)
        from music_generation.melody import read_melody_clip

        clip = read_melody_clip(melody)
    loading.check_hardware(preset)
    return MusicRequest(model=model, piece=piece, melody=clip)


def generate(request: MusicRequest, stop: threading.Event | None = None) -> Iterator[Progress | Result]:
    from music_generation.compose import compose

    composer = loading.load_composer(request.model)
    piece = request.piece
    if request.melody is not None:
        from music_generation.melody import melody_of

        piece = replace(piece, melody=melody_of(request.melody, composer))
    yield from compose(composer, piece, stop)


def result_of(events: Iterator[Progress | Result]) -> Result:
    return final(events, Result, "music_generation.stopped_before")


def measure(prompt: str, result: Result) -> Measured:
    """CLAP's similarity of the prompt and the clip, and its tempo against the one asked for."""
    from music_generation.meters import check_tempo, clap_similarity

    tempo = check_tempo(prompt, result.audio, result.rate)
    try:
        listener = loading.load_listener()
    except models.ModelUnavailable as missing:
        return Measured(clap=None, clap_missing=missing.text(), tempo=tempo)
    return Measured(clap=clap_similarity(listener, prompt, result.audio, result.rate), clap_missing=None, tempo=tempo)


def sweep_requests(request: MusicRequest, setting: str) -> list[MusicRequest]:
    """The same request (seed included) at each value of the sweep of ``setting``."""
    setting = controls.SWEEP.check(setting)
    return [replace(request, piece=replace(request.piece, **{setting: value})) for value in controls.SWEEPS[setting]]


def summary(request: MusicRequest, result: Result, measured: Measured | None = None) -> dict:
    """What the API returns beside the file."""
    out = {"model": request.model, "sample_rate": result.rate, "duration_s": round(result.seconds, 3),
           "frames": int(result.codes.shape[1]), "codebooks": int(result.codes.shape[0]),
           "tokens_generated": int(result.codes.size), "steps_done": result.steps_done,
           "steps_total": result.steps_total, "stopped": result.stopped, "seed": result.seed}
    if result.melody is not None:
        out["melody_frames"] = result.melody.frames
        out["melody_seconds"] = round(result.melody.seconds, 3)
    if measured is not None:
        out["clap_score"] = None if measured.clap is None else round(measured.clap, 4)
        out["tempo_bpm"] = round(measured.tempo.measured, 1)
        out["tempo_asked_bpm"] = measured.tempo.asked
        out["tempo_verdict"] = measured.tempo.verdict
    return out


def write_clip(audio, rate: int, audio_format: str) -> str:
    """The clip, (samples,) mono or (channels, samples), as a 16-bit WAV or an MP3 in a new temporary file; its path."""
    from shared.sound_files import temporary_audio

    return temporary_audio(audio, rate, controls.FORMAT.check(audio_format))
