"""Music generation: a language model writes music token by token in the codes of a neural
audio codec (MusicGen over EnCodec), the codes made visible and audible, and two meters of the
result: how well it matches the prompt (CLAP) and its tempo (lecture: SUNO writes a whole song)."""

from shared.models import PretrainedModel

SECTION, ORDER = "sound", 20
REQUIRES = ("librosa", "soundfile", "matplotlib")
MODELS = (
    PretrainedModel("music", "facebook/musicgen-small", "CC-BY-NC-4.0 (weights), MIT (code)"),
    PretrainedModel("music_medium", "facebook/musicgen-medium", "CC-BY-NC-4.0 (weights), MIT (code)"),
    PretrainedModel("music_melody", "facebook/musicgen-melody", "CC-BY-NC-4.0 (weights), MIT (code)"),
    PretrainedModel("music_clap", "laion/clap-htsat-unfused", "Apache-2.0"),
    PretrainedModel("music_song", "ACE-Step/acestep-v15-xl-turbo-diffusers", "MIT"),
)
