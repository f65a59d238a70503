"""What the tab shows for one recording: the prepared input, the ten probabilities and what every
layer computed over time; and the first layer's filters as frequency responses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from spoken_digits import predict
from spoken_digits.preprocess import SAMPLE_RATE, Prepared, prepare

UNSURE_BELOW = 0.5  # a top probability below this is reported as a guess


@dataclass
class Analysis:
    prepared: Prepared
    model: str
    probabilities: np.ndarray  # (10,)
    activations: list[np.ndarray]  # per layer (channels, time steps); empty for the MFCC baseline

    @property
    def predicted(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def unsure(self) -> bool:
        return float(np.max(self.probabilities)) < UNSURE_BELOW


def one_hot(probabilities: np.ndarray) -> list[int]:
    return [int(i == int(np.argmax(probabilities))) for i in range(len(probabilities))]


def analyse(samples: np.ndarray, rate: int, model_name: str = predict.MODELS[0]) -> Analysis:
    prepared = prepare(samples, rate)
    model = predict.load(model_name)
    activations = []
    if isinstance(model, torch.nn.Module):
        with torch.no_grad():
            for layer in model.features(torch.from_numpy(prepared.model_input)[None]):
                layer = layer[0]
                # a spectrogram network's maps are (channels, mel bands, frames): summed over the bands
                activations.append((layer.mean(dim=1) if layer.dim() == 3 else layer).numpy())
    return Analysis(prepared, model_name, predict.probabilities(model, prepared.model_input), activations)


def filter_responses(kernels: np.ndarray, n_fft: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """First-layer kernels (filters, taps) → (frequencies in Hz, magnitude in dB per filter, (filters, bins)),
    filters sorted by the frequency they respond to most, each relative to its own peak."""
    kernels = np.asarray(kernels, dtype=np.float64)
    magnitude = np.abs(np.fft.rfft(kernels, n_fft, axis=1))
    decibels = 20 * np.log10(magnitude / (magnitude.max(axis=1, keepdims=True) + 1e-12) + 1e-6)
    order = np.argsort(np.argmax(magnitude, axis=1), kind="stable")
    return np.fft.rfftfreq(n_fft, 1 / SAMPLE_RATE), decibels[order]


def first_layer_kernels(model_name: str) -> np.ndarray:
    """The raw-waveform network's first-layer filters, (filters, taps)."""
    return predict.load(model_name).first.weight[:, 0].numpy()
