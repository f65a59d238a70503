"""Writing a piece: MusicGen's own ``generate``, watched at every step.

The decoder writes four streams of EnCodec codes at once, one token per stream per step, with
stream k delayed by k steps (the *delay pattern*): the first codebook of a frame comes first and
the finer ones, which depend on it, follow. A streamer would see the tokens too, but it cannot end
the run, so a stopping criterion, which ``generate`` calls after every step with every token so
far, watches instead: it hands the codes to the page and ends the run when Stop is pressed (a test
checks that it sees the same codes as the library's streamer).

The sound is decoded here from the watched codes with the library's own pieces (its delay
pattern, EnCodec's ``decode``), so that a run cut short still has its sound; a test checks that a
full run equals what ``generate`` returns.

MusicGen-melody runs the same way: its decoder (``MusicgenMelodyForCausalLM``) writes the same four
delayed streams with the same delay pattern, and ``generate`` takes the melody's chroma as
``input_features`` (1, frames, 12), which it puts before the prompt's hidden states as a prefix of
the decoder's input. With guidance, the library's run without the prompt also goes without the
melody: zeros for the prompt, and for the chroma every frame set to C (its "no melody"), so
guidance pushes towards both the prompt and the melody. The watch sees the decoder's codes only,
prefix or not.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from music_generation.loading import Composer
from shared.stepwise import in_steps

if TYPE_CHECKING:
    from music_generation.melody import Melody


@dataclass(frozen=True)
class Piece:
    """What to write: the prompt, the length and the sampling settings, checked (``generate.check_request``)."""

    prompt: str
    seconds: float
    temperature: float
    top_k: int
    top_p: float  # 0: not used
    guidance: float  # classifier-free guidance; 1 or less: none
    seed: int
    # the chroma MusicGen-melody follows (melody.melody_of), only with that model; arrays, so not compared
    melody: Melody | None = field(default=None, compare=False, repr=False)


@dataclass
class Progress:
    step: int
    total: int
    # (codebooks, positions so far) as the decoder wrote them: the pad token where a stream waits
    codes: np.ndarray


@dataclass
class Result:
    audio: np.ndarray  # (samples,) float32 in [-1, 1] (EnCodec's output, not clipped)
    rate: int
    codes: np.ndarray  # (codebooks, frames): the aligned codes EnCodec decoded
    written: np.ndarray  # (codebooks, positions): as the decoder wrote them, delays and all
    steps_done: int
    steps_total: int
    stopped: bool
    seed: int
    melody: Melody | None = None  # the chroma the piece followed, if any

    @property
    def seconds(self) -> float:
        return len(self.audio) / self.rate


class _Stopped(Exception):
    """Raised inside ``generate`` (from the watch) to end it at once when Stop is pressed."""


def frames_for(seconds: float, frame_rate: int) -> int:
    return max(1, round(seconds * frame_rate))


def steps_for(frames: int, codebooks: int) -> int:
    """Decoder steps for ``frames`` frames: the last codebook starts ``codebooks - 1`` steps late."""
    return frames + codebooks - 1


def delay_pattern(composer: Composer, steps: int):
    """The library's delay mask for a run of ``steps`` new tokens: -1 where a token is written,
    the pad token where a stream waits (its start) or has finished (its end)."""
    import torch

    start = torch.full((composer.codebooks, 1), composer.pad_token, dtype=torch.long)
    _, mask = composer.model.decoder.build_delay_pattern_mask(start, pad_token_id=composer.pad_token,
                                                              max_length=steps + 1)
    return mask


def undelay(written: np.ndarray, codebooks: int) -> np.ndarray:
    """(codebooks, frames) codes, each stream shifted back by its delay; only the frames that every
    stream has reached (so a run stopped early drops its last, unfinished frames)."""
    positions = written.shape[1]
    frames = max(0, positions - codebooks)
    return np.stack([written[k, k + 1:k + 1 + frames] for k in range(codebooks)])


def decode(composer: Composer, codes: np.ndarray, codebooks: int | None = None) -> np.ndarray:
    """EnCodec's decoder on ``codes`` (codebooks, frames) using only the first ``codebooks`` of them
    (residual quantisation: each one adds a correction to the ones before). (samples,) float32."""
    import torch

    use = codes[:codebooks] if codebooks else codes
    if use.shape[1] == 0:
        return np.zeros(0, dtype=np.float32)
    tensor = torch.as_tensor(use, dtype=torch.long, device=composer.device)[None, None]
    with torch.no_grad():
        audio = composer.codec.decode(tensor, audio_scales=[None]).audio_values
    return audio[0, 0].float().cpu().numpy()


def _watch_class():
    import torch
    from transformers import StoppingCriteria

    class Watch(StoppingCriteria):
        """Called by ``generate`` after each step with every token so far: hands them over, and
        ends the run (by raising) when the page has gone or Stop was pressed."""

        def __init__(self, hand_over, stop: threading.Event | None):
            self.hand_over, self.stop, self.written = hand_over, stop, None

        def __call__(self, input_ids, scores, **kwargs):
            self.written = input_ids.detach().cpu()
            if not self.hand_over(self.written) or (self.stop is not None and self.stop.is_set()):
                raise _Stopped
            return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)

    return Watch


def sampling(piece: Piece) -> dict:
    """``generate``'s sampling arguments: top-p only where asked for (0 leaves it out, as MusicGen's
    own demo does). Guidance is always given: MusicGen's generation_config.json on the Hub asks
    for 3, which a missing argument would silently keep; 1 turns it off in every branch of
    the library's ``generate`` (which applies it only above 1), so 1 or less is sent as 1."""
    settings = dict(do_sample=True, temperature=piece.temperature, top_k=piece.top_k,
                    guidance_scale=max(piece.guidance, 1.0))
    if piece.top_p > 0:
        settings["top_p"] = piece.top_p
    return settings


def conditioning(composer: Composer, piece: Piece) -> dict:
    """``generate``'s inputs: the tokenized prompt and, for the melody model, the chroma."""
    import torch

    inputs = dict(composer.tokenizer([piece.prompt], return_tensors="pt").to(composer.device))
    if piece.melody is not None:
        if not composer.melody:  # generate.check_request refuses this in words before any work
            raise ValueError("only MusicGen-melody reads a melody")
        inputs["input_features"] = torch.as_tensor(piece.melody.chroma[None], dtype=composer.conditioning_dtype,
                                                   device=composer.device)
    return inputs


def compose(composer: Composer, piece: Piece, stop: threading.Event | None = None) -> Iterator[Progress | Result]:
    """A ``Progress`` after every decoder step, then the ``Result``."""
    import torch

    frames = frames_for(piece.seconds, composer.frame_rate)
    total = steps_for(frames, composer.codebooks)
    mask = delay_pattern(composer, total)
    inputs = conditioning(composer, piece)

    def work(hand_over):
        watch = _watch_class()(hand_over, stop)
        torch.manual_seed(piece.seed)
        try:
            composer.model.generate(**inputs, max_new_tokens=total, stopping_criteria=[watch], **sampling(piece))
        except _Stopped:
            pass
        return watch.written

    def masked(ids) -> np.ndarray:
        return composer.model.decoder.apply_delay_pattern_mask(ids, mask).numpy()

    run = in_steps(work, name="music-generation")
    written = None
    while True:
        try:
            ids = next(run)
        except StopIteration as finished:
            written = finished.value
            break
        yield Progress(step=ids.shape[1] - 1, total=total, codes=masked(ids))
    written = masked(written) if written is not None else np.zeros((composer.codebooks, 0), dtype=np.int64)
    codes = undelay(written, composer.codebooks)
    steps_done = max(0, written.shape[1] - 1)
    yield Result(audio=decode(composer, codes), rate=composer.sampling_rate, codes=codes, written=written,
                 steps_done=steps_done, steps_total=total, stopped=steps_done < total, seed=piece.seed,
                 melody=piece.melody)
