"""Speech and voice cloning: Polish text to speech with VITS, its durations made visible; a voice
as 512 numbers (SpeechT5 driven by an x-vector); cloning a visitor's voice, with consent; and two
meters beside every result, intelligibility (Whisper's character error rate) and speaker
similarity (the cosine of two speaker embeddings). Lecture: voice cloning — ElevenLabs, Bark,
VITS, Toucan."""

from shared.models import PretrainedModel

SECTION, ORDER = "sound", 30
REQUIRES = ("librosa", "soundfile", "matplotlib")
MODELS = (
    PretrainedModel("speech_pl", "facebook/mms-tts-pol", "CC-BY-NC-4.0"),
    PretrainedModel("speech_en", "facebook/mms-tts-eng", "CC-BY-NC-4.0"),
    PretrainedModel("speech_t5", "microsoft/speecht5_tts", "MIT"),
    PretrainedModel("speech_t5_vocoder", "microsoft/speecht5_hifigan", "MIT"),
    PretrainedModel("speech_xvector", "speechbrain/spkrec-xvect-voxceleb", "Apache-2.0"),
    PretrainedModel("speech_asr", "openai/whisper-small", "Apache-2.0"),
    PretrainedModel("speech_similarity", "microsoft/wavlm-base-plus-sv", "MIT"),
    PretrainedModel("speech_clone", "k2-fsa/OmniVoice", "CC-BY-NC-4.0"),  # weights; the code is Apache-2.0
)
