"""Random changes to training clips that keep the digit but vary the voice and the room.

Six speakers are few: a network trained on them alone learns their voices. Each change below
imitates a way a new visitor differs (a faster or deeper voice, another place in the second,
another room, another microphone, background noise); the network must learn what stays.
Every function takes and returns a batch (N, 8000) of waveforms, uses only the given
``torch.Generator`` (training stays reproducible) and ends peak-normalised, as the tab's input is.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

SAMPLE_RATE = 8000


def uniform(n: int, low: float, high: float, generator: torch.Generator) -> torch.Tensor:
    return low + (high - low) * torch.rand(n, generator=generator)


def change_speed(batch: torch.Tensor, generator: torch.Generator, spread: float = 0.15) -> torch.Tensor:
    """Play each clip 1 ± ``spread`` times as fast: pitch and tempo change together (a deeper or
    higher voice, a slower or quicker speaker), then centre it again in the window."""
    n, length = batch.shape
    out = torch.zeros_like(batch)
    for i, factor in enumerate(uniform(n, 1 - spread, 1 + spread, generator).tolist()):
        size = max(2, round(length / factor))
        stretched = F.interpolate(batch[i].view(1, 1, -1), size=size, mode="linear", align_corners=False).view(-1)
        if size >= length:
            start = (size - length) // 2
            out[i] = stretched[start:start + length]
        else:
            start = (length - size) // 2
            out[i, start:start + size] = stretched
    return out


def shift(batch: torch.Tensor, generator: torch.Generator, most: int = 800) -> torch.Tensor:
    """Move each clip up to ``most`` samples (0.1 s) earlier or later; the clips are centred in
    silence, so wrapping around moves silence only."""
    offsets = torch.randint(-most, most + 1, (batch.shape[0],), generator=generator).tolist()
    return torch.stack([torch.roll(clip, k) for clip, k in zip(batch, offsets, strict=True)])


def reverberate(batch: torch.Tensor, generator: torch.Generator, probability: float = 0.5) -> torch.Tensor:
    """A synthetic room for some clips: convolve with an impulse response that starts with the
    direct sound and goes on as exponentially decaying noise (reverberation time 0.05–0.4 s)."""
    n, length = batch.shape
    chosen = torch.rand(n, generator=generator) < probability
    rt60 = uniform(n, 0.05, 0.4, generator)
    response = torch.randn(n, SAMPLE_RATE // 4, generator=generator)  # drawn for all: the stream stays aligned
    rooms = chosen.nonzero().flatten()
    if len(rooms) == 0:
        return batch
    t = torch.arange(response.shape[1]) / SAMPLE_RATE
    response = response[rooms] * torch.exp(-6.9 * t / rt60[rooms].unsqueeze(1))  # -60 dB (a factor 1000) at rt60
    response[:, 0] = 1.0
    response = response / response.norm(dim=1, keepdim=True)
    size = length + response.shape[1]
    wet = torch.fft.irfft(torch.fft.rfft(batch[rooms], size) * torch.fft.rfft(response, size), size)[:, :length]
    out = batch.clone()
    out[rooms] = wet
    return out


def colour(batch: torch.Tensor, generator: torch.Generator, most_db: float = 12.0) -> torch.Tensor:
    """Another microphone: tilt the spectrum by up to ± ``most_db`` between 0 and 4 kHz."""
    n, length = batch.shape
    spectrum = torch.fft.rfft(batch)
    position = torch.linspace(-1, 1, spectrum.shape[1])
    tilt_db = uniform(n, -most_db, most_db, generator).unsqueeze(1) * position
    return torch.fft.irfft(spectrum * 10 ** (tilt_db / 20), length)


def add_noise(batch: torch.Tensor, generator: torch.Generator, probability: float = 0.5,
              snr_db: tuple[float, float] = (10.0, 40.0)) -> torch.Tensor:
    """White noise at a signal-to-noise ratio of 10–40 dB, for some clips."""
    n, length = batch.shape
    snr = uniform(n, *snr_db, generator).unsqueeze(1)
    power = batch.pow(2).mean(dim=1, keepdim=True).clamp_min(1e-8)
    noise = torch.randn(n, length, generator=generator) * torch.sqrt(power / 10 ** (snr / 10))
    chosen = (torch.rand(n, generator=generator) < probability).unsqueeze(1)
    return torch.where(chosen, batch + noise, batch)


def peak_normalise(batch: torch.Tensor) -> torch.Tensor:
    return batch / batch.abs().amax(dim=1, keepdim=True).clamp_min(1e-8)


def augment(batch: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
    """All of the above, in the order a sound meets them: the voice, the room, the microphone, the noise."""
    batch = change_speed(batch, generator)
    batch = shift(batch, generator)
    batch = reverberate(batch, generator)
    batch = colour(batch, generator)
    batch = add_noise(batch, generator)
    return peak_normalise(batch)

