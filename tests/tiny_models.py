"""Tiny models of the real classes, with random weights, saved the way the production loaders
read them (a local folder works like a Hub id): Demucs, GoogLeNet, VGG-19's features, and every
pretrained model of the suite at once (``every_model``). They prove the plumbing, not the
arithmetic: the tests compare numbers with the libraries where it matters."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import save_file


def export_tiny_demucs(folder: Path, sources=None, klass="demucs.hdemucs.HDemucs") -> Path:
    """Demucs' own unit-test network (HDemucs with 4 channels, random weights), written in the
    layout Demucs publishes on the Hub: a bag ``.yaml`` and one ``.safetensors`` per model."""
    from demucs.hdemucs import HDemucs
    from demucs.pretrained import demucs_unittest

    torch.manual_seed(0)
    model = demucs_unittest() if sources is None else HDemucs(channels=4, sources=sources)
    args, kwargs = model._init_args_kwargs
    folder.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(folder / "tiny0001.safetensors"),
              metadata={"klass": klass, "args": json.dumps(list(args)), "kwargs": json.dumps(kwargs)})
    (folder / "tiny.yaml").write_text("models: ['tiny0001']\n")
    return folder


def save_random_googlenet(folder: Path) -> Path:
    """A random-weight GoogLeNet saved like a local override, aux heads included (as torchvision's file)."""
    from torchvision.models import GoogLeNet

    from shared.torchvision_weights import save

    torch.manual_seed(0)
    net = GoogLeNet(aux_logits=True, transform_input=False, init_weights=False)
    save(net.state_dict(), folder / "model.safetensors")
    return folder


def save_random_vgg_features(folder: Path) -> Path:
    """Random VGG-19 features saved like a local override (only the features.* tensors)."""
    from shared.torchvision_weights import save
    from style_transfer.vgg import build_features

    torch.manual_seed(0)
    features = build_features()
    save({f"features.{k}": v for k, v in features.state_dict().items()}, folder / "model.safetensors")
    return folder


def every_model(base: Path) -> dict[str, Path]:
    """A folder for every key of the model registry: ``{key: folder}`` for ``conftest.local_models``."""
    from acestep_tiny import build_acestep_folder
    from faces_tiny import build_ldm_folder
    from image_generation_tiny import build_pipeline_folder, build_safety_folder
    from music_tiny import build_clap_folder, build_musicgen_folder, build_musicgen_melody_folder
    from speech_tiny_clone import build_omnivoice_folder
    from speech_tiny_meters import build_wavlm_folder, build_whisper_folder
    from speech_tiny_vits import build_english_folder, build_polish_folder
    from speech_tiny_voice import build_hifigan_folder, build_speecht5_folder, build_xvector_folder
    from tiny_text_models import save_tiny_chat_model, save_tiny_gpt2, save_tiny_sentiment_model
    from video_tiny import build_wan_folder

    gpt2, chat, sentiment = save_tiny_gpt2(base / "gpt2"), save_tiny_chat_model(base / "chat"), \
        save_tiny_sentiment_model(base / "sentiment")
    six = ["drums", "bass", "other", "vocals", "guitar", "piano"]
    folders = {
        "text_generation": gpt2, "text_generation_pl": gpt2, "text_generation_pl_7b": gpt2,
        "text_generation_pl_13b": gpt2,
        "chat": chat, "chat_large": chat,
        "chat_bielik_small": save_tiny_chat_model(base / "chat-llama", family="llama"),
        "chat_bielik": save_tiny_chat_model(base / "chat-mistral", family="mistral"), "chat_pllum": chat,
        "sentiment_en": sentiment, "sentiment_pl": sentiment,
        "image_generation": build_pipeline_folder(base / "turbo", turbo_like=True),
        "image_generation_quality": build_pipeline_folder(base / "sd15"),
        "image_generation_safety": build_safety_folder(base / "safety", flags_everything=False),
        "audio_separation": export_tiny_demucs(base / "demucs4"),
        "audio_separation_6s": export_tiny_demucs(base / "demucs6", six),
        "deep_dream": save_random_googlenet(base / "googlenet"),
        "style_transfer": save_random_vgg_features(base / "vgg"),
        "faces": build_ldm_folder(base / "ldm"),
        "video": build_wan_folder(base / "wan21"),
        "video_quality": build_wan_folder(base / "wan22", wan22=True),
        "music": (musicgen := build_musicgen_folder(base / "musicgen")), "music_medium": musicgen,
        "music_melody": build_musicgen_melody_folder(base / "musicgen-melody"),
        "music_clap": build_clap_folder(base / "clap"),
        "music_song": build_acestep_folder(base / "acestep"),
        "speech_pl": build_polish_folder(base / "mms-tts-pol"),
        "speech_en": build_english_folder(base / "mms-tts-eng"),
        "speech_t5": build_speecht5_folder(base / "speecht5"),
        "speech_t5_vocoder": build_hifigan_folder(base / "hifigan"),
        "speech_xvector": build_xvector_folder(base / "xvector"),
        "speech_asr": build_whisper_folder(base / "whisper"), "speech_similarity": build_wavlm_folder(base / "wavlm"),
        "speech_clone": build_omnivoice_folder(base / "omnivoice"),
    }
    from shared.models import registry

    uncovered = sorted(set(registry()) - set(folders))
    assert not uncovered, f"no tiny model for {uncovered}: add one here (tests/tiny_models.py)"
    return folders
