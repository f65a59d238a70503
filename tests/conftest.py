"""Test set-up: no network, a private Gradio temp dir, and a fixture that serves the app."""

from __future__ import annotations

import os
import socket
import tempfile
from contextlib import contextmanager

# Set before gradio, transformers or huggingface_hub are imported anywhere in the session.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
# One folder per test process (each pytest-xdist worker, each served app.py): a Blocks deletes the
# files it cached when it closes, and every app built from this code caches an example at the
# same path, so two processes sharing one folder delete each other's examples mid-test.
os.environ["GRADIO_TEMP_DIR"] = tempfile.mkdtemp(prefix=f"lab-gradio-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-")
os.environ.setdefault("MPLBACKEND", "Agg")
# The chat's poll and verdicts go to a file of this test session, never to the user's cache.
os.environ.setdefault("LAB_VOTES_DB", os.path.join(tempfile.mkdtemp(prefix="lab-votes-"), "votes.sqlite3"))

# The video tab refuses to generate on a CPU (a full-size clip takes far too long there); its tiny
# test models run there in seconds. Tests of the refusal unset this.
os.environ.setdefault("LAB_VIDEO_CPU", "1")
# The same for the music tab's song (ACE-Step), whose full-size transformer has 4 B parameters.
os.environ.setdefault("LAB_MUSIC_SONG_CPU", "1")
# And for the speech tab's cloning (OmniVoice: minutes for one sentence with the full-size model on a CPU).
os.environ.setdefault("LAB_SPEECH_CLONE_CPU", "1")

import pytest  # noqa: E402


@contextmanager
def local_models(**folders):
    """``local_models(deep_dream=folder)``: the registry's models load from these folders, as
    their LAB_MODEL_<KEY> override makes them, for the length of the block. Their cache entries
    are dropped before and after, so no other test sees these models."""
    from shared import models

    with pytest.MonkeyPatch.context() as patch:
        for key, folder in folders.items():
            patch.setenv(models.registry()[key].env_var, str(folder))
            models.release(key)
        try:
            yield
        finally:
            for key in folders:
                models.release(key)


def register_texts(*demo_names: str) -> None:
    """Put these demos' texts.yaml into the translation tables, as the suite does when it builds
    the page: for tests that call a tab's functions without building the app."""
    from shared import demos

    for name in demo_names:
        demos.register_texts(demos.describe(name))


def refused(call) -> str:
    """The English text of the ``LabError`` that ``call()`` raises, checked: it exists in both
    languages, differs between them, and shows no Python names."""
    from shared.errors import LabError

    with pytest.raises(LabError) as caught:
        call()
    english, polish = caught.value.text("en"), caught.value.text("pl")
    assert english and polish and english != polish
    for leak in ("Error", "Traceback", "None", "nan", "_"):
        assert leak not in english, english
    return english


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def serve_app():
    """``serve_app(["mnist_cnn"])`` builds the suite with those demos, serves it on a free
    local port with the production launch settings and returns its URL. Each distinct
    list of demos is served once per test session."""
    from app import build_app, launch_kwargs

    running: dict[tuple[str, ...], tuple[object, str]] = {}

    def serve(demos: list[str] | None = None) -> str:
        key = tuple(demos) if demos is not None else ("*",)
        if key not in running:
            app = build_app(demos)
            app.launch(server_name="127.0.0.1", server_port=free_port(), prevent_thread_lock=True,
                       quiet=True, **launch_kwargs())
            running[key] = (app, app.local_url)
        return running[key][1]

    yield serve
    for app, _ in running.values():
        app.close()


def garble_frames(path, header_bytes: int = 200):
    """Scramble a sound file past its first ``header_bytes`` (a FLAC's header and seek table):
    the header still reads, decoding the samples fails."""
    data = bytearray(path.read_bytes())
    data[header_bytes:] = bytes((byte * 7 + 13) % 256 for byte in data[header_bytes:])
    path.write_bytes(bytes(data))
    return path


def write_declared_png(path, width: int, height: int) -> None:
    """A PNG of a few bytes whose header declares ``width``×``height`` grey pixels (the
    pixel data is a stub): the cheap way an attacker asks a server for gigabytes."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
                     + chunk(b"IEND", b""))


@pytest.fixture
def declared_huge_png(tmp_path):
    """Path of a tiny PNG file declaring a 20 000 × 20 000 image."""
    path = tmp_path / "huge.png"
    write_declared_png(path, 20000, 20000)
    return path
