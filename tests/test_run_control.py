"""Stop for the visitor who started a run, in this process and across processes (ZeroGPU runs a
GPU function in a worker process), and the missing-weights error."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from shared.errors import LabError
from shared.run_control import StopSignals, WeightsMissing, is_out_of_memory, out_of_memory_guard, session_of


def test_stop_ends_the_run_of_its_own_session_only():
    signals = StopSignals("lab_test_same_process")
    with signals.running("visitor") as visitors_run, signals.running("other") as others_run:
        assert not visitors_run.is_set() and not others_run.is_set()
        assert signals.stop("visitor") is True
        assert visitors_run.is_set() and not others_run.is_set()
    assert signals.stop("visitor") is False  # nothing runs any more


def test_a_new_run_of_the_same_session_stops_the_one_still_going():
    signals = StopSignals("lab_test_new_run")
    first = signals.start("visitor")
    second = signals.start("visitor")
    assert first.is_set() and not second.is_set()


def test_a_stop_pressed_before_a_run_does_not_stop_it():
    signals = StopSignals("lab_test_before")
    signals.stop("visitor")
    time.sleep(0.01)
    with signals.running("visitor") as run:
        assert not run.is_set()


def run_until_stopped(name: str, session: str, started, stopped) -> None:
    with StopSignals(name).running(session) as run:
        started.set()
        deadline = time.monotonic() + 20
        while not run.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        if run.is_set():
            stopped.set()


def test_stop_reaches_a_run_in_another_process():
    """As on ZeroGPU: the run lives in a worker process, the Stop button in the page's process."""
    context = multiprocessing.get_context("spawn")
    started, stopped = context.Event(), context.Event()
    worker = context.Process(target=run_until_stopped, args=("lab_test_processes", "visitor", started, stopped))
    worker.start()
    try:
        assert started.wait(30), "the worker did not start its run"
        signals = StopSignals("lab_test_processes")
        signals.stop("someone else")
        time.sleep(0.2)
        assert not stopped.is_set()  # another visitor's Stop leaves the run going
        assert signals.stop("visitor") is False  # not running in this process…
        assert stopped.wait(10), "…and yet the run in the worker saw the Stop"
    finally:
        worker.join(timeout=10)
        if worker.is_alive():
            worker.kill()


def test_missing_weights_name_the_file_relative_to_the_repository(tmp_path):
    from shared.run_control import REPO_ROOT

    inside = WeightsMissing(REPO_ROOT / "spaces" / "gan" / "weights" / "gone.safetensors")
    assert "`spaces/gan/weights/gone.safetensors`" in str(inside) and isinstance(inside, FileNotFoundError)
    outside = WeightsMissing(tmp_path / "gone.safetensors")
    assert str(tmp_path / "gone.safetensors") in str(outside)


def test_missing_weights_keep_the_full_path_for_the_code_that_catches_them(tmp_path):
    assert WeightsMissing(tmp_path / "gone.safetensors").path == (tmp_path / "gone.safetensors").resolve()


def test_a_stop_is_a_file_named_after_the_session_in_the_tabs_folder_under_the_temporary_folder(
        tmp_path, monkeypatch):
    """Where every process of the Space looks; made with its parents on a machine that never had one."""
    import hashlib
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "fresh"))
    (tmp_path / "fresh").mkdir()
    StopSignals("lab_test_where").stop("visitor")
    name = hashlib.sha256(b"visitor").hexdigest()[:32]
    assert [p.relative_to(tmp_path) for p in (tmp_path / "fresh").rglob("*") if p.is_file()] == [
        Path("fresh") / "lab-stop" / "lab_test_where" / name]


def test_the_session_of_a_request_is_its_browser_session_or_empty_outside_one():
    class Request:
        def __init__(self, session_hash):
            self.session_hash = session_hash

    assert session_of(Request("abc123")) == "abc123"
    assert session_of(Request(None)) == "" and session_of(object()) == "" and session_of(None) == ""


def test_running_out_of_gpu_memory_becomes_the_translated_message_and_other_errors_pass_unchanged():
    import torch

    class Subclass(torch.OutOfMemoryError):
        pass

    assert is_out_of_memory(torch.OutOfMemoryError("CUDA out of memory")) and is_out_of_memory(Subclass())
    assert not is_out_of_memory(MemoryError()) and not is_out_of_memory(RuntimeError("out of memory"))
    with pytest.raises(LabError) as refused, out_of_memory_guard():
        raise torch.OutOfMemoryError("CUDA out of memory")
    assert refused.value.key == "shared.gpu.out_of_memory" and refused.value.__cause__ is None
    with pytest.raises(ValueError, match="not memory"), out_of_memory_guard():
        raise ValueError("not memory")
    with out_of_memory_guard():
        finished = True
    assert finished
