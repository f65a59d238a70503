"""The networks that listen to a spoken digit, as plain ``nn.Module``s.

- ``SlideNet``: the lecture's LLM-written Keras model, layer for layer (Conv1D 32·3, pool 2,
  Conv1D 64·3, pool 2, Flatten, Dense 128, then the head). ``head="sigmoid"`` is the slide's
  single sigmoid unit (binary cross-entropy: it can answer only "0" or "1"); ``head="softmax"``
  is the fix, ten outputs and cross-entropy. ``Flatten`` hands 64 × 1 998 = 127 872 numbers to
  the dense layer: 16.4 M weights, almost the whole model, for 2 700 training clips.
- ``M5``: a raw-waveform CNN after Dai et al. (2017), "Very deep convolutional neural networks
  for raw waveforms": a wide strided first layer (a learned filter bank), small convolutions,
  then global average pooling, so it does not care where in the second the word is.
- ``MelCNN``: the same idea on a log-mel spectrogram (a picture of the sound), Conv2d layers.

Every model maps a batch (N, 8000) of waveforms to ten logits (``SlideNet`` with the sigmoid
head: one logit), and ``config()`` is what its weights file records.
"""

from __future__ import annotations

from functools import partial

import torch
import torch.nn.functional as F
from torch import nn

SAMPLE_RATE = 8000
LENGTH = 8000
CLASSES = 10


def conv_blocks(x: torch.Tensor, convs: nn.ModuleList, norms: nn.ModuleList, pool) -> list[torch.Tensor]:
    """Convolution, batch norm and ReLU per block, ``pool`` between blocks; every block's output."""
    activations = []
    for i, (conv, norm) in enumerate(zip(convs, norms, strict=True)):
        x = F.relu(norm(conv(x)))
        if i < len(convs) - 1:
            x = pool(x)
        activations.append(x)
    return activations


class SlideNet(nn.Module):
    def __init__(self, head: str = "softmax", length: int = LENGTH):
        super().__init__()
        if head not in ("sigmoid", "softmax"):
            raise ValueError(f"head must be 'sigmoid' or 'softmax', not {head!r}")
        self.head, self.length = head, length
        self.conv1 = nn.Conv1d(1, 32, kernel_size=3)  # Keras Conv1D pads 'valid': no padding
        self.conv2 = nn.Conv1d(32, 64, kernel_size=3)
        flat = 64 * (((length - 2) // 2 - 2) // 2)
        self.dense = nn.Linear(flat, 128)
        self.out = nn.Linear(128, 1 if head == "sigmoid" else CLASSES)

    def config(self) -> dict:
        return {"head": self.head, "length": self.length}

    def features(self, waveform: torch.Tensor) -> list[torch.Tensor]:
        """The activations after each convolution block, (N, channels, time)."""
        a1 = F.max_pool1d(F.relu(self.conv1(waveform.unsqueeze(1))), 2)
        a2 = F.max_pool1d(F.relu(self.conv2(a1)), 2)
        return [a1, a2]

    def forward(self, waveform: torch.Tensor) -> torch.Tensor:
        hidden = F.relu(self.dense(self.features(waveform)[-1].flatten(1)))
        return self.out(hidden)


class M5(nn.Module):
    def __init__(self, channels: int = 64, first_kernel: int = 80, first_stride: int = 16):
        super().__init__()
        self.channels, self.first_kernel, self.first_stride = channels, first_kernel, first_stride
        widths = [channels, channels, 2 * channels, 2 * channels]
        self.first = nn.Conv1d(1, channels, kernel_size=first_kernel, stride=first_stride, padding=first_kernel // 2)
        self.blocks = nn.ModuleList(
            nn.Conv1d(cin, cout, kernel_size=3, padding=1) for cin, cout in zip(widths[:-1], widths[1:], strict=True))
        self.norms = nn.ModuleList(nn.BatchNorm1d(w) for w in widths)
        self.out = nn.Linear(widths[-1], CLASSES)

    def config(self) -> dict:
        return {"channels": self.channels, "first_kernel": self.first_kernel, "first_stride": self.first_stride}

    def features(self, waveform: torch.Tensor) -> list[torch.Tensor]:
        x = F.max_pool1d(F.relu(self.norms[0](self.first(waveform.unsqueeze(1)))), 4)
        return [x, *conv_blocks(x, self.blocks, self.norms[1:], lambda t: F.max_pool1d(t, 4))]

    def forward(self, waveform: torch.Tensor) -> torch.Tensor:
        return self.out(self.features(waveform)[-1].mean(dim=2))


class LogMel(nn.Module):
    """Waveform → log-mel spectrogram (N, mels, frames) with a fixed (not learned) mel filter bank."""

    def __init__(self, n_fft: int = 256, hop: int = 80, mels: int = 40):
        super().__init__()
        import librosa  # only to build the filter bank once

        self.n_fft, self.hop = n_fft, hop
        self.register_buffer("window", torch.hann_window(n_fft), persistent=False)
        bank = librosa.filters.mel(sr=SAMPLE_RATE, n_fft=n_fft, n_mels=mels)
        self.register_buffer("bank", torch.from_numpy(bank).float(), persistent=False)

    def forward(self, waveform: torch.Tensor) -> torch.Tensor:
        spectrum = torch.stft(waveform, self.n_fft, self.hop, window=self.window, return_complex=True).abs() ** 2
        return torch.log(self.bank @ spectrum + 1e-6)


class MelCNN(nn.Module):
    def __init__(self, channels: int = 16, mels: int = 40):
        super().__init__()
        self.channels, self.mels = channels, mels
        self.mel = LogMel(mels=mels)
        # four blocks, three poolings: the last layer sees about 0.4 s of the word, enough for a whole syllable
        widths = [1, channels, 2 * channels, 4 * channels, 4 * channels]
        self.convs = nn.ModuleList(nn.Conv2d(cin, cout, 3, padding=1)
                                   for cin, cout in zip(widths[:-1], widths[1:], strict=True))
        self.norms = nn.ModuleList(nn.BatchNorm2d(w) for w in widths[1:])
        self.out = nn.Linear(widths[-1], CLASSES)

    def config(self) -> dict:
        return {"channels": self.channels, "mels": self.mels}

    def features(self, waveform: torch.Tensor) -> list[torch.Tensor]:
        x = self.mel(waveform).unsqueeze(1)
        x = (x - x.mean(dim=(2, 3), keepdim=True)) / (x.std(dim=(2, 3), keepdim=True) + 1e-5)
        return conv_blocks(x, self.convs, self.norms, lambda t: F.max_pool2d(t, 2))

    def forward(self, waveform: torch.Tensor) -> torch.Tensor:
        return self.out(self.features(waveform)[-1].mean(dim=(2, 3)))


# Each name builds its network; a weights file's config (``head`` included) overrides these defaults.
ARCHITECTURES = {"slide_sigmoid": partial(SlideNet, head="sigmoid"), "slide_softmax": partial(SlideNet, head="softmax"),
                 "m5": M5, "mel_cnn": MelCNN}
