"""The model registry: one place for every id, overridable, loaded once, failing clearly."""

import re

import huggingface_hub
import pytest
import torch
from safetensors.torch import load_file, save_file

from shared import models


def test_every_model_has_an_id_a_licence_its_own_variable_and_the_demo_that_declares_it():
    from shared import demos

    registered = models.registry()
    env_vars = [m.env_var for m in registered.values()]
    assert len(set(env_vars)) == len(env_vars) and len(registered) >= 14
    declared = {spec.key: demo.name for demo in demos.installed() for spec in demo.models}
    assert declared == {key: spec.tab for key, spec in registered.items()}
    for spec in registered.values():
        assert spec.default and spec.license and spec.source in ("hub", "torchvision")
        assert spec.env_var == "LAB_MODEL_" + spec.key.upper()
        assert spec.card_url.startswith("https://")


def test_two_demos_declaring_the_same_model_key_are_refused(monkeypatch):
    from shared import demos

    spec = models.PretrainedModel("lab_test_model", "someone/model", "MIT")
    twice = [demos.Demo("lab_first", None, models=(spec,)), demos.Demo("lab_second", None, models=(spec,))]
    monkeypatch.setattr(demos, "installed", lambda: twice)
    models.registry.cache_clear()
    try:
        with pytest.raises(ValueError, match="declared by both"):
            models.registry()
    finally:
        models.registry.cache_clear()


def test_environment_variable_overrides_the_default(monkeypatch):
    monkeypatch.delenv("LAB_MODEL_TEXT_GENERATION", raising=False)
    assert models.model_id("text_generation") == "openai-community/gpt2"
    monkeypatch.setenv("LAB_MODEL_TEXT_GENERATION", "someone/other-gpt")
    assert models.model_id("text_generation") == "someone/other-gpt"


def hub_weights(ident: str) -> dict:
    """A loader as the demos write them: Hub id or local folder, through huggingface_hub."""
    folder = huggingface_hub.snapshot_download(ident) if not ident.startswith("/") else ident
    return load_file(f"{folder}/model.safetensors")


def test_a_local_folder_loads_like_a_hub_id_and_is_cached(tmp_path, monkeypatch):
    save_file({"w": torch.arange(3.0)}, str(tmp_path / "model.safetensors"))
    monkeypatch.setenv("LAB_MODEL_TEXT_GENERATION", str(tmp_path))
    calls = []

    def loader(ident):
        calls.append(ident)
        return hub_weights(ident)

    models.release("text_generation")
    first = models.load("text_generation", loader)
    second = models.load("text_generation", loader)
    assert first is second and calls == [str(tmp_path)]
    assert torch.equal(first["w"], torch.arange(3.0))
    assert models.is_loaded("text_generation")
    assert "loaded" in models.status_markdown("text_generation")
    models.release("text_generation")
    assert not models.is_loaded("text_generation")


def test_choosing_another_model_releases_the_previous(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder, value in ((a, 1.0), (b, 2.0)):
        folder.mkdir()
        save_file({"w": torch.tensor([value])}, str(folder / "model.safetensors"))
    models.load("chat", hub_weights, ident=str(a))
    models.load("chat", hub_weights, ident=str(b))
    assert models.is_loaded("chat", str(b)) and not models.is_loaded("chat", str(a))
    models.release("chat")


# What an exception class's name looks like in a message: OSError, LocalEntryNotFoundError, URLError…
CLASS_NAME = re.compile(r"[A-Z][A-Za-z]*(Error|Exception)\b|\(\w+\)")


@pytest.mark.parametrize(("raised", "english", "polish"), [
    (MemoryError(), "does not have enough memory", "brakuje na niego pamięci"),
    (FileNotFoundError("model.safetensors"), "files are missing", "brakuje części jego plików"),
    (RuntimeError("size mismatch for conv1.weight"), "something went wrong", "coś poszło nie tak"),
])
def test_a_failed_load_says_why_in_words_in_both_languages(raised, english, polish):
    def failing(ident):
        raise raised

    models.release("chat")
    with pytest.raises(models.ModelUnavailable) as caught:
        models.load("chat", failing)
    assert english in caught.value.text("en") and polish in caught.value.text("pl")
    assert "log" in caught.value.text("en")
    for language in ("en", "pl"):
        assert not CLASS_NAME.search(caught.value.text(language)), caught.value.text(language)
    assert english in models.status_markdown("chat")
    assert models.load("chat", lambda ident: {"ok": ident})["ok"]  # not cached: the next request tries again
    models.release("chat")


def test_a_gated_model_says_to_accept_its_terms_and_set_a_token():
    import httpx
    from huggingface_hub.errors import GatedRepoError

    response = httpx.Response(401, request=httpx.Request("GET", "https://huggingface.co/org/gated"))
    try:
        try:
            raise GatedRepoError("401 Client Error: access to gated repo org/gated is restricted", response=response)
        except GatedRepoError as gated:  # as transformers hands it on
            raise OSError("org/gated is a gated repository. Make sure to request access.") from gated
    except OSError as raised:
        error = models.ModelUnavailable("chat", "org/gated", raised)
    assert "accept their terms" in error.text("en") and "HF_TOKEN" in error.text("en")
    assert "zaakceptował ich warunki" in error.text("pl") and "no network" not in error.text("en")
    assert not CLASS_NAME.search(error.text("en"))


def test_an_offline_hub_download_becomes_a_clear_translated_error(monkeypatch):
    monkeypatch.setenv("LAB_MODEL_TEXT_GENERATION", "nobody/not-cached-anywhere")
    models.release("text_generation")
    with pytest.raises(models.ModelUnavailable) as caught:
        models.load("text_generation", hub_weights)
    text = str(caught.value)
    assert "nobody/not-cached-anywhere" in text and "no network connection" in text
    assert not CLASS_NAME.search(text) and not CLASS_NAME.search(models.status_markdown("text_generation"))
    assert "could not be loaded" in models.status_markdown("text_generation")
    # the failure is not cached: a working loader succeeds on the next request
    assert models.load("text_generation", lambda ident: {"ok": ident})["ok"] == "nobody/not-cached-anywhere"
    assert models.last_failure("text_generation") is None
    models.release("text_generation")


def test_a_broken_checkpoint_is_reported_as_a_failed_load(tmp_path, monkeypatch):
    (tmp_path / "model.safetensors").write_bytes(b"not a safetensors file")
    monkeypatch.setenv("LAB_MODEL_CHAT", str(tmp_path))
    with pytest.raises(models.ModelUnavailable) as caught:
        models.load("chat", hub_weights)
    assert "damaged or in an unexpected format" in str(caught.value)
    assert not CLASS_NAME.search(str(caught.value)) and not CLASS_NAME.search(models.status_markdown("chat"))


def test_two_loaders_never_run_at_once():
    """Loaders import lazy library modules on first use, which break when two threads do it at
    once: ``load`` runs one loader at a time, even for different keys."""
    import threading
    import time

    from shared import models

    running, overlaps = [], []

    def slow_loader(ident):
        running.append(ident)
        overlaps.append(len(running))
        time.sleep(0.2)
        running.remove(ident)
        return ident

    keys = sorted(models.registry())[:2]
    threads = [threading.Thread(target=models.load, args=(key, slow_loader, f"test-{key}")) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for key in keys:
        models.release(key)
    assert overlaps == [1, 1]
