"""The music tab's models and how they are loaded.

- MusicGen (small, 300 M parameters, the default; medium, 1.5 B, on a GPU) through transformers'
  ``MusicgenForConditionalGeneration``: a T5 encoder reads the prompt, a transformer decoder
  writes four streams of EnCodec codes, and EnCodec's decoder turns the codes into 32 kHz sound.
- MusicGen-melody (1.5 B, on a GPU) through ``MusicgenMelodyForConditionalGeneration``: the same
  T5, decoder shape and EnCodec, and the decoder also reads a melody's chroma (``melody.py``) as a
  prefix before the prompt. Its configuration has the same names for everything the tab reads
  (the codec, its rate and codebooks, the decoder's streams, the pad token), so ``Composer``
  serves both; only the chroma's length and width are the melody model's own.
- CLAP (``ClapModel``), which maps a text and a sound into one space: the cosine of the two
  says how well the clip matches the prompt.

Both load safetensors only (``use_safetensors=True``): where a repository publishes only a
pickled ``pytorch_model.bin`` (laion/clap-htsat-unfused), transformers takes the safetensors file
of the Hub's conversion pull request, and without one the model is reported missing rather than
unpickled. torch and transformers are imported inside the loaders, so the page can be built without them.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared import models
from shared.device import on_gpu, pick_device, pick_dtype
from shared.errors import LabError


@dataclass(frozen=True)
class Preset:
    choice: str  # the value in the model dropdown and in the API
    key: str  # its entry in shared.models.registry()
    gpu_only: bool  # refused on a CPU, where a clip would take minutes
    melody: bool = False  # MusicGen-melody: follows a melody clip's chroma as well as the prompt


PRESETS = {
    "musicgen-small": Preset("musicgen-small", "music", gpu_only=False),
    "musicgen-medium": Preset("musicgen-medium", "music_medium", gpu_only=True),
    "musicgen-melody": Preset("musicgen-melody", "music_melody", gpu_only=True, melody=True),
}
DEFAULT_MODEL = "musicgen-small"
MELODY_MODEL = "musicgen-melody"  # the one model that follows a melody
CLAP_KEY = "music_clap"


@dataclass
class Composer:
    """A loaded MusicGen: the model and its tokenizer (and the melody model's feature extractor),
    and the codec's numbers the tab shows."""

    model: object
    tokenizer: object
    features: object = None  # MusicgenMelodyFeatureExtractor: a melody clip's chroma (melody.py)

    @property
    def codec(self):
        return self.model.audio_encoder

    @property
    def sampling_rate(self) -> int:
        return int(self.model.config.audio_encoder.sampling_rate)

    @property
    def frame_rate(self) -> int:
        """Code frames per second: the sampling rate over the product of EnCodec's strides."""
        return int(self.model.config.audio_encoder.frame_rate)

    @property
    def codebooks(self) -> int:
        return int(self.model.decoder.num_codebooks)

    @property
    def codebook_size(self) -> int:
        return int(self.model.config.audio_encoder.codebook_size)

    @property
    def pad_token(self) -> int:
        return int(self.model.generation_config.pad_token_id)

    @property
    def device(self):
        return self.model.device

    @property
    def melody(self) -> bool:
        """Whether this MusicGen reads a melody's chroma (``MusicgenMelodyConfig``)."""
        return self.model.config.model_type == "musicgen_melody"

    @property
    def chroma_length(self) -> int:
        """The most chroma frames the melody model reads (235, 30 s at 32 kHz): longer is cut, and
        a shorter melody is repeated up to it inside the model."""
        return int(self.model.config.chroma_length)

    @property
    def conditioning_dtype(self):
        """The dtype the chroma goes in as: the decoder's, whose projection reads it (EnCodec may be
        float32 beside a bfloat16 decoder, see ``_load_composer``)."""
        return self.model.decoder.dtype


@dataclass
class Listener:
    """A loaded CLAP: the model, its tokenizer and its feature extractor (log-mel windows)."""

    model: object
    tokenizer: object
    features: object


def check_hardware(preset: Preset) -> None:
    if preset.gpu_only and not on_gpu():
        raise LabError("music_generation.error.needs_gpu", model=preset.choice, default=DEFAULT_MODEL)


def load_composer(choice: str) -> Composer:
    """The MusicGen of ``choice``, cached by shared.models; the other one is released first."""
    preset = PRESETS[choice]
    for other in PRESETS.values():
        if other.key != preset.key and models.is_loaded(other.key):
            models.release(other.key)
    return models.load(preset.key, _load_melody_composer if preset.melody else _load_composer)


def _load_melody_composer(ident: str) -> Composer:
    return _load_composer(ident, melody=True)


def _load_composer(ident: str, melody: bool = False) -> Composer:
    """Half precision on a GPU; on a CPU with native bfloat16 (AVX-512 BF16, AMX) the text encoder
    and the decoder in bfloat16, which reads the decoder's weights at every step in half the time
    (``shared.device.pick_dtype``), and EnCodec in float32 there (a small share of the time)."""
    import torch
    from transformers import (
        AutoFeatureExtractor,
        AutoTokenizer,
        MusicgenForConditionalGeneration,
        MusicgenMelodyForConditionalGeneration,
    )

    device = pick_device()
    dtype = pick_dtype(device, cpu_bfloat16=True)
    # The melody checkpoint's weights are MusicgenMelody's (a decoder that reads the chroma and the prompt
    # as a prefix, no cross-attention): only its own class builds that decoder.
    kind = MusicgenMelodyForConditionalGeneration if melody else MusicgenForConditionalGeneration
    model = kind.from_pretrained(ident, dtype=dtype, use_safetensors=True)
    if dtype == torch.bfloat16:
        model.audio_encoder.to(torch.float32)
    model = model.to(device).eval()
    # The melody model's feature extractor makes the chroma it reads (``melody.py``).
    features = AutoFeatureExtractor.from_pretrained(ident) if melody else None
    return Composer(model=model, tokenizer=AutoTokenizer.from_pretrained(ident), features=features)


def load_listener() -> Listener:
    return models.load(CLAP_KEY, _load_listener)


def _load_listener(ident: str) -> Listener:
    from transformers import AutoFeatureExtractor, AutoTokenizer, ClapModel

    device = pick_device()
    model = ClapModel.from_pretrained(ident, use_safetensors=True).to(device).eval()
    return Listener(model=model, tokenizer=AutoTokenizer.from_pretrained(ident),
                    features=AutoFeatureExtractor.from_pretrained(ident))
