"""What every long run shares: Stop for the visitor who started it, the GPU running out of
memory, and trained weights that are missing.

- ``StopSignals``: one flag per browser session and tab. The run checks it between its steps (or
  a ``StoppingCriteria`` does inside ``generate``); the tab's Stop button sets it, also across
  processes. Gradio's ``cancels=`` only stops iterating a generator, not work already running.
- ``out_of_memory_guard``: turns ``torch.OutOfMemoryError`` into the translated "out of GPU
  memory" message, once the failed run's memory is given back, so the next request works.
  ``shared.ui.handler`` applies it to every event.
- ``WeightsMissing``: raised by ``shared.mnist_training.load_model`` when a shipped weights
  file is not there.

Nothing here imports Gradio or torch.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
import time
import traceback
from contextlib import contextmanager
from pathlib import Path

from shared.errors import LabError
from shared.gpu import free_gpu_memory

REPO_ROOT = Path(__file__).resolve().parents[1]


def session_of(request: object) -> str:
    """The key of a Gradio request's browser session ("" outside a request)."""
    return getattr(request, "session_hash", None) or ""


class RunFlag:
    """A run's Stop flag: set here (``set()``, e.g. when its stream is abandoned) or by the Stop
    button, which may live in another process: ZeroGPU runs GPU functions in a worker, where an
    ``Event`` of the page's process is never seen, so the button also touches a file that every
    process can stat. A run sees only a touch made after it started."""

    def __init__(self, signal_file: Path):
        self._local = threading.Event()
        self._signal_file = signal_file
        self._started_ns = time.time_ns()

    def set(self) -> None:
        self._local.set()

    def is_set(self) -> bool:
        if self._local.is_set():
            return True
        try:
            return self._signal_file.stat().st_mtime_ns > self._started_ns
        except FileNotFoundError:
            return False


class StopSignals:
    """Stop for the visitor who started a run: one flag per browser session and tab, so that Stop
    ends that visitor's run only. ``name`` (the tab's) keeps the tabs' signals apart."""

    def __init__(self, name: str):
        self._folder = Path(tempfile.gettempdir()) / "lab-stop" / name
        self._runs: dict[str, RunFlag] = {}
        self._lock = threading.Lock()

    def _signal_file(self, session: str) -> Path:
        return self._folder / hashlib.sha256(session.encode()).hexdigest()[:32]

    def start(self, session: str) -> RunFlag:
        """A fresh flag for a new run of ``session`` (an older run still going is stopped)."""
        flag = RunFlag(self._signal_file(session))
        with self._lock:
            previous = self._runs.get(session)
            if previous is not None:
                previous.set()
            self._runs[session] = flag
        return flag

    def stop(self, session: str) -> bool:
        """Ask the running run of ``session`` to stop, in this process or another; False when none
        runs in this one (a run in a GPU worker still sees the request)."""
        self._folder.mkdir(parents=True, exist_ok=True)
        self._signal_file(session).touch()
        with self._lock:
            flag = self._runs.get(session)
        if flag is None:
            return False
        flag.set()
        return True

    def finish(self, session: str, flag: RunFlag) -> None:
        with self._lock:
            if self._runs.get(session) is flag:
                del self._runs[session]

    @contextmanager
    def running(self, session: str):
        """``with signals.running(session) as stop:`` a run that ``stop.is_set()`` ends early."""
        flag = self.start(session)
        try:
            yield flag
        finally:
            self.finish(session, flag)


def is_out_of_memory(exc: BaseException) -> bool:
    """torch's out-of-memory error, recognised without importing torch."""
    return any(cls.__name__ == "OutOfMemoryError" for cls in type(exc).__mro__)


@contextmanager
def out_of_memory_guard():
    """Run the block; if the GPU runs out of memory, free what the failed run held and raise the
    translated message instead.

    The traceback keeps every frame of the failed computation alive, and with it its tensors:
    their locals are cleared first, then the cache is emptied (inside a plain ``except`` block the
    frames would still hold the memory that ``empty_cache`` is meant to return).
    """
    try:
        yield
    except Exception as exc:
        if not is_out_of_memory(exc):
            raise
        traceback.clear_frames(exc.__traceback__)
        del exc
        free_gpu_memory()
        raise LabError("shared.gpu.out_of_memory") from None


class WeightsMissing(LabError, FileNotFoundError):
    """A trained weights file that the suite ships is not there (not trained yet, or deleted)."""

    def __init__(self, path: Path | str):
        path = Path(path).resolve()
        shown = path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path
        super().__init__("shared.weights.missing", file=str(shown))
        self.path = path
