"""Spoken digits: a 1-D CNN that listens to raw audio, from the lecture's LLM-written Keras code to a
network that works on speakers it never heard (Free Spoken Digit Dataset, trained here)."""

SECTION, ORDER = "sound", 5
REQUIRES = ("librosa", "soundfile", "matplotlib")
