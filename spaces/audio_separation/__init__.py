"""Audio separation: split a song into vocals, drums, bass, guitar and piano with Demucs, and compare
with two classical methods without learned weights (lecture: separating tracks, as Moises does)."""

from shared.models import PretrainedModel

SECTION, ORDER = "sound", 10
REQUIRES = ("demucs", "librosa", "soundfile", "matplotlib")
MODELS = (PretrainedModel("audio_separation", "adefossez/HTDemucs", "MIT (Demucs)"),
          PretrainedModel("audio_separation_6s", "adefossez/HTDemucs-6s", "MIT (Demucs)"))
