"""The weights files of the MNIST networks (shared.mnist_training): the same tensors and metadata
give the same bytes on every run, and the files shipped before that still load."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from safetensors import safe_open

from autoencoder import checkpoint as autoencoder_checkpoint
from gan import checkpoint as gan_checkpoint
from shared import digit_classifier
from shared.digit_classifier import MnistCNN
from shared.mnist_training import load_model, read_metadata, save_model
from vae import checkpoint as vae_checkpoint

REPO_ROOT = Path(__file__).resolve().parents[1]

# Saves the same seeded network with the same metadata, given in the order of sys.argv[2:].
SAVE_IN_A_NEW_PROCESS = """
import sys
from pathlib import Path
import torch
from shared.digit_classifier import MnistCNN
from shared.mnist_training import save_model
torch.manual_seed(0)
metadata = {key: f"value of {key}" for key in sys.argv[2:]}
save_model(MnistCNN(conv1_channels=4, conv2_channels=8, dense_units=16), Path(sys.argv[1]), **metadata)
"""
KEYS = ["seed", "test_accuracy", "alpha", "zeta", "epochs", "note"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def small_model() -> MnistCNN:
    torch.manual_seed(0)
    return MnistCNN(conv1_channels=4, conv2_channels=8, dense_units=16)


def test_saving_twice_in_separate_processes_gives_identical_bytes(tmp_path):
    paths = [tmp_path / "first.safetensors", tmp_path / "second.safetensors"]
    for path, keys in zip(paths, (KEYS, KEYS[::-1]), strict=True):
        subprocess.run([sys.executable, "-c", SAVE_IN_A_NEW_PROCESS, str(path), *keys],
                       cwd=REPO_ROOT, check=True)
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_saving_in_any_metadata_order_gives_identical_bytes(tmp_path):
    model = small_model()
    hashes = set()
    for i in range(5):  # safetensors shuffles a metadata map anew each time it writes one
        keys = KEYS[i:] + KEYS[:i]
        path = tmp_path / f"{i}.safetensors"
        save_model(model, path, **{key: f"value of {key}" for key in keys})
        hashes.add(sha256(path))
    assert len(hashes) == 1


def test_the_file_records_config_and_metadata_and_loads_back(tmp_path):
    model = small_model().eval()
    path = tmp_path / "model.safetensors"
    save_model(model, path, seed="3", test_accuracy="0.5")
    assert read_metadata(path) == {"config": model.config(), "seed": "3", "test_accuracy": "0.5"}
    with safe_open(str(path), framework="pt") as f:
        assert len(f.metadata()) == 1  # one entry: safetensors writes several in a random order
    assert path.stat().st_mode & 0o777 == 0o644
    loaded = load_model(MnistCNN, path)
    assert loaded.config() == model.config() and not loaded.training
    assert not any(p.requires_grad for p in loaded.parameters())
    assert all(torch.equal(loaded.state_dict()[k], v) for k, v in model.state_dict().items())


def test_the_digit_classifier_is_saved_and_loaded_the_same_way(tmp_path):
    model = small_model()
    path = tmp_path / "digit_classifier.safetensors"
    digit_classifier.save(model, path, seed="0")
    save_model(model, tmp_path / "shared.safetensors", seed="0")
    assert path.read_bytes() == (tmp_path / "shared.safetensors").read_bytes()
    assert digit_classifier.load(path).config() == model.config()


def test_every_shipped_file_is_in_the_current_layout():
    """One sorted JSON entry of metadata in every shipped weights file (the files written before
    it were re-saved with the same tensors, and the reader for the old layout is gone)."""
    shipped = [*REPO_ROOT.glob("shared/weights/*.safetensors"), *REPO_ROOT.glob("spaces/*/weights/*.safetensors")]
    tensors_only = {"gan_story.safetensors", "mfcc_logreg.safetensors"}  # no network to rebuild: no config
    models = [path for path in shipped if path.name not in tensors_only]
    assert len(models) == 11
    for path in models:
        with safe_open(str(path), framework="pt") as f:
            assert list(f.metadata()) == ["json"], path.name


@pytest.mark.parametrize("path, config", [
    (digit_classifier.WEIGHTS_PATH, {"conv1_channels": 32, "conv2_channels": 64, "dense_units": 128}),
    (autoencoder_checkpoint.weights_path(8), {"code_size": 8, "hidden": [512, 256]}),
    (vae_checkpoint.weights_path("vae_2d"), {"latent_dim": 2, "hidden": [512, 256]}),
    (gan_checkpoint.GENERATOR_PATH, {"noise_dim": 64, "channels": 64}),
    (gan_checkpoint.DISCRIMINATOR_PATH, {"channels": 64}),
], ids=["digit_classifier", "autoencoder_8", "vae_2d", "gan_generator", "gan_discriminator"])
def test_every_shipped_file_names_its_network_and_seed(path, config):
    metadata = read_metadata(path)
    assert metadata["config"] == config and metadata["seed"] == "0"


def test_the_shipped_files_still_load():
    cnn = digit_classifier.load()
    assert cnn.config() == {"conv1_channels": 32, "conv2_channels": 64, "dense_units": 128}
    assert read_metadata(digit_classifier.WEIGHTS_PATH)["test_accuracy"] == "0.9955"
    for size in (2, 8, 32):
        assert autoencoder_checkpoint.load(autoencoder_checkpoint.weights_path(size)).code_size == size
    for name, latent in (("vae_2d", 2), ("vae_32d", 32)):
        assert vae_checkpoint.load(vae_checkpoint.weights_path(name)).latent_dim == latent
    assert gan_checkpoint.load_generator().noise_dim == 64
    assert gan_checkpoint.load_discriminator().channels == 64
