"""Demucs: loading its pretrained models and running them on a mix.

Hybrid Transformer Demucs (``htdemucs``) reads the waveform and its spectrogram at once:
two U-Nets (one over time, one over frequency) share a Transformer in the middle, and
the network writes out one waveform per source. ``htdemucs_6s`` adds guitar and piano.

Models come as the Hugging Face repositories Demucs itself publishes (``adefossez/HTDemucs``:
a ``<name>.yaml`` listing the models of the bag, and one ``<signature>.safetensors`` per
model, whose metadata names the class and its arguments). A local folder with the same
files works the same way, and so does a bare Demucs name (``htdemucs_ft``) or
``demucs_unittest``, the tiny untrained network Demucs ships for its own tests.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from shared.gpu import free_gpu_memory

UNITTEST_MODEL = "demucs_unittest"
# Each retry after the GPU runs out of memory keeps the track on the CPU (only the chunk
# being separated goes to the GPU) and cuts the chunk length (seconds) further.
SEGMENT_FRACTIONS = (1.0, 1.0, 0.5, 0.25)
OVERLAP = 0.25  # of neighbouring chunks, cross-faded (Demucs' default)


class Stopped(Exception):
    """The person pressed Stop while the network was running."""


def load_model(ident: str):
    """The Demucs model (a ``BagOfModels``) for a Hub id, a local folder or a Demucs name."""
    from demucs.pretrained import get_model

    if ident == UNITTEST_MODEL:
        return get_model(ident)
    folder = Path(ident).expanduser()
    if not folder.is_dir():
        folder = Path(_download(ident))
    return _bag_from_folder(folder)


def _download(ident: str) -> str:
    from demucs.hf import DEFAULT_NAMESPACE, hf_repo_name
    from huggingface_hub import snapshot_download

    repo_id = ident if "/" in ident else f"{DEFAULT_NAMESPACE}/{hf_repo_name(ident)}"
    return snapshot_download(repo_id, allow_patterns=["*.yaml", "*.safetensors"])


def _bag_from_folder(folder: Path):
    import yaml
    from demucs.apply import BagOfModels
    from demucs.hf import load_safetensors_model
    from safetensors import safe_open

    bags = sorted(folder.glob("*.yaml"))
    if len(bags) != 1:
        raise FileNotFoundError(f"{folder} must hold exactly one Demucs bag (.yaml), found {len(bags)}")
    bag = yaml.safe_load(bags[0].read_text())
    models = []
    for signature in bag["models"]:
        weights = folder / f"{signature}.safetensors"
        with safe_open(str(weights), framework="pt") as file:
            klass = (file.metadata() or {}).get("klass", "")  # a file without metadata names none
        # The metadata names the class to build; only Demucs' own classes are accepted.
        if not klass.startswith("demucs."):
            raise ValueError(f"{weights.name} names the class {klass!r}, which is not a Demucs model")
        models.append(load_safetensors_model(weights))
    model = BagOfModels(models, bag.get("weights"), bag.get("segment"))
    model.eval()
    return model


def separate(model, mix: np.ndarray, rate: int, *, device: str, shifts: int = 1,
             on_progress: Callable[[float], None] | None = None,
             stop: threading.Event | None = None) -> dict[str, np.ndarray]:
    """Run ``model`` on (channels, samples) float audio; one array of the same shape per source.

    On a GPU that runs out of memory the work is retried in smaller pieces
    (``SEGMENT_FRACTIONS``); when even the smallest does not fit, torch's out-of-memory error
    goes on to the UI boundary, which gives the memory back and says so.
    """
    import torch
    from demucs.apply import apply_model
    from demucs.audio import convert_audio

    wav = torch.from_numpy(np.ascontiguousarray(mix, dtype=np.float32))
    if rate != model.samplerate:
        wav = convert_audio(wav, rate, model.samplerate, model.audio_channels)
    # The network was trained on standardised mixes; its output is scaled back below.
    reference = wav.mean(0)
    mean, std = reference.mean(), reference.std() + 1e-8
    standardised = ((wav - mean) / std)[None]

    full_segment = _segment_seconds(model)
    length = standardised.shape[-1]
    stride = int((1 - OVERLAP) * full_segment * model.samplerate)

    def report(state: dict) -> None:
        if stop is not None and stop.is_set():
            raise Stopped  # raised inside Demucs' loop, which stops the remaining chunks
        if on_progress is not None and state.get("state") == "end":
            within = min((state["segment_offset"] + stride) / length, 1.0)
            shifts_done = (state["shift_idx"] + within) / max(shifts, 1)
            on_progress(min((state["model_idx_in_bag"] + shifts_done) / max(state["models"], 1), 1.0))

    last_attempt = len(SEGMENT_FRACTIONS) - 1
    for attempt, fraction in enumerate(SEGMENT_FRACTIONS):
        keep_on_device = attempt == 0 and device != "cpu"
        segment = full_segment * fraction if fraction < 1 else None
        try:
            sources = apply_model(model, standardised.to(device) if keep_on_device else standardised,
                                  device=device, shifts=shifts, split=True, overlap=OVERLAP, segment=segment,
                                  progress=False, num_workers=0, callback=report)
            break
        except torch.OutOfMemoryError:
            if attempt == last_attempt:
                raise
        # Here, after the except block, the failed attempt's traceback and the tensors its frames
        # held are gone, so the cache can really be given back before the next try.
        free_gpu_memory()
    sources = (sources[0] * std + mean).cpu()
    if model.samplerate != rate:
        sources = convert_audio(sources, model.samplerate, rate, sources.shape[-2])
    length = mix.shape[-1]
    return {name: _fit(sources[i].numpy(), length) for i, name in enumerate(model.sources)}


def _segment_seconds(model) -> float:
    """The chunk length the model was trained on (the shortest one in a bag)."""
    members = getattr(model, "models", [model])
    return min(float(member.segment) for member in members)


def _fit(samples: np.ndarray, length: int) -> np.ndarray:
    """Trim or zero-pad to exactly ``length`` samples (resampling may be off by one)."""
    if samples.shape[-1] >= length:
        return np.ascontiguousarray(samples[..., :length], dtype=np.float32)
    return np.pad(samples, ((0, 0), (0, length - samples.shape[-1]))).astype(np.float32)
