"""Hugging Face's `spaces` package (ZeroGPU) must never be shadowed by the repository.

A stand-in `spaces` package with a `GPU` decorator is put on PYTHONPATH, and the suite is
imported and built in a fresh interpreter started from the repository root, as on a Space.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import torch

from shared import device, gpu

REPO = Path(__file__).resolve().parents[1]

STAND_IN = '''
calls = []
def GPU(fn=None, duration=60):
    def wrap(f):
        def run(*a, **k):
            calls.append(f.__name__)
            return f(*a, **k)
        run.zero_gpu_duration = duration
        return run
    return wrap(fn) if callable(fn) else wrap
'''

PROBE = textwrap.dedent('''
    import json, sys
    import spaces
    origin_before = spaces.__file__
    from app import build_app
    from shared.gpu import gpu
    build_app()  # imports every demo, as app.py does
    import spaces as again

    @gpu(duration=30)
    def double(x):
        return 2 * x

    print(json.dumps({
        "origin_before": origin_before,
        "origin_after": again.__file__,
        "result": double(21),
        "calls": spaces.calls,
        "duration": getattr(double, "zero_gpu_duration", None),
    }))
''')


def run_probe(pythonpath: str | None) -> dict:
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_real_spaces_package_wins_and_wraps_gpu_functions(tmp_path):
    package = tmp_path / "site" / "spaces"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(STAND_IN)
    seen = run_probe(str(tmp_path / "site"))
    assert seen["origin_before"] == str(package / "__init__.py")
    assert seen["origin_after"] == seen["origin_before"]
    assert seen["result"] == 42
    assert seen["calls"] == ["double"]
    assert seen["duration"] == 30


def test_nothing_in_the_repository_is_importable_as_spaces():
    assert not (REPO / "spaces" / "__init__.py").exists()
    assert not (REPO / "spaces.py").exists()
    offenders = [p for p in REPO.rglob("spaces.py") if ".git" not in p.parts]
    offenders += [p for p in REPO.rglob("spaces/__init__.py") if ".git" not in p.parts]
    assert offenders == []


def test_without_the_package_gpu_returns_the_function_unchanged():
    assert gpu.spaces_package() is None  # our spaces/ folder is not mistaken for it

    def f(x):
        return x

    assert gpu.gpu(f) is f
    assert gpu.gpu(duration=10)(f) is f


def test_device_falls_back_to_cpu_and_full_precision(monkeypatch):
    monkeypatch.delenv("LAB_DEVICE", raising=False)
    if not torch.cuda.is_available():
        assert device.pick_device().type in ("cpu", "mps")
    assert device.pick_dtype(torch.device("cpu")) == torch.float32
    assert device.pick_dtype(torch.device("cuda")) == torch.float16
    # bfloat16 on a CPU only when asked and where oneDNN computes it natively
    native = torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()
    assert device.pick_dtype(torch.device("cpu"), cpu_bfloat16=True) == (torch.bfloat16 if native else torch.float32)
    assert device.pick_dtype(torch.device("cuda"), cpu_bfloat16=True) == torch.float16
    monkeypatch.setenv("LAB_DEVICE", "cpu")
    assert device.pick_device() == torch.device("cpu")
    assert device.on_gpu() is False
