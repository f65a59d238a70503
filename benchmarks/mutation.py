"""Mutation testing of the compute modules, one module at a time with its own tests.

    pip install mutmut==3.8.1
    OMP_NUM_THREADS=1 python benchmarks/mutation.py vae.latent gan.quality   # some modules
    OMP_NUM_THREADS=1 python benchmarks/mutation.py --all                    # every module below
    python benchmarks/mutation.py --list                                     # the modules and their tests

For each module the script makes a scratch copy of the checkout under
``artifacts/mutation/<module>/`` (git-ignored, outside ruff and the pytest testpaths), writes
mutmut's settings for that one module into the copy's ``pyproject.toml`` and runs ``mutmut run``
there; mutmut's own ``mutants/`` folder lives inside the scratch copy, so the checkout is never
mutated. The copy's conftest deselects every test that uses the ``serve_app`` fixture (directly or
through another fixture), whatever its name. mutmut forks each mutant's test run from the process
that has already run the tests once, so the copy's conftest also gets an autouse fixture that
empties the module's own ``lru_cache``s before every test: a result cached by the first run would
hide a mutant of a function it called, and a session fixture that deletes the run's temporary
folder at its end (mutmut ends each mutant's run with ``os._exit``, so pytest's own clean-up never
frees those folders, and a run of a few hundred mutants filled the disk). It prints
``module: killed/total = score % in N min`` (the wall time of ``mutmut run``) and, with
``--survivors``, the diff of every mutant that lived (``mutmut show``). One mutant is tested at a
time unless ``--max-children`` says otherwise.

mutmut names a mutant after its file's path (``spaces/vae/latent.py`` -> ``spaces.vae.latent``),
while the tests import the demos as top-level packages (``vae.latent``, ``spaces/`` being on the
import path). So for a demo module the scratch copy also holds the demo's folder at its root
(``<scratch>/vae/``), which is the copy mutmut mutates and the one the tests import (the root comes
before ``spaces/`` on pytest's ``pythonpath``).

Killed counts what the tests detected (a failing test or a time-out); the score is killed/total,
where total also counts the mutants no selected test reaches ("no tests").
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = ROOT / "artifacts" / "mutation"
MUTMUT_VERSION = "3.8.1"
# A test of a mutant that runs longer than this (wall clock) fails: the slowest selected test takes
# about 10 s here, and a deadlocked one would otherwise wait for ever.
WALL_SECONDS = 120

# module -> the pytest arguments that select its tests: its own test file, without the tests that
# serve the app (each of those would start a Gradio server in every mutant's run): the names below,
# and in the scratch copy every test that uses the serve_app fixture, directly or through another.
NOT_SERVED = "not endpoint and not serve and not page and not api"
# and the spoken digits without the end-to-end training and the shipped network's evaluation.
SPOKEN_FAST = "not training and not shipped and not learned and not analysis"
MODULES: dict[str, list[str]] = {
    "vae.latent": ["tests/test_vae.py", "-k", NOT_SERVED],
    "gan.explore": ["tests/test_gan.py", "-k", NOT_SERVED],
    # without the shipped GAN's metrics on 2000 samples (minutes per mutant of sample_quality)
    "gan.quality": ["tests/test_gan.py", "-k", f"{NOT_SERVED} and not shipped_gan"],
    "autoencoder.reconstruct": ["tests/test_autoencoder.py", "-k", NOT_SERVED],
    "shared.colour_maps": ["tests/test_colour_maps.py"],
    "shared.validation": ["tests/test_validation.py"],
    "style_transfer.transfer": ["tests/test_style_transfer.py", "-k", NOT_SERVED],
    "deep_dream.class_visualization": ["tests/test_deep_dream.py", "-k", NOT_SERVED],
    "spoken_digits.augment": ["tests/test_spoken_digits.py", "-k", SPOKEN_FAST],
    "spoken_digits.preprocess": ["tests/test_spoken_digits.py", "-k", SPOKEN_FAST],
    "deep_dream.dream": ["tests/test_deep_dream.py", "-k", NOT_SERVED],
    "mnist_cnn.visualize": ["tests/test_mnist_cnn.py", "-k", NOT_SERVED],
    "mnist_cnn.predict": ["tests/test_mnist_cnn.py", "-k", NOT_SERVED],
    "spoken_digits.mfcc_baseline": ["tests/test_spoken_digits.py", "-k", SPOKEN_FAST],
    **{f"faces.{name}": ["tests/test_faces.py", "-k", NOT_SERVED] for name in ("denoise", "walk", "game")},
    **{f"video_generation.{name}": ["tests/test_video_generation.py", "-k", NOT_SERVED]
       for name in ("cost", "denoise", "generate", "video_file")},
    **{f"image_generation.{name}": ["tests/test_image_generation.py", "-k", NOT_SERVED]
       for name in ("denoise", "generate", "grid", "tokens", "safety")},
    **{f"sentiment.{name}": ["tests/test_sentiment.py", "-k", NOT_SERVED] for name in ("classifier", "batch")},
    "text_generation.next_token": ["tests/test_text_generation.py", "-k", NOT_SERVED],
    **{f"audio_separation.{name}": ["tests/test_audio_separation.py"]
       for name in ("classical", "deep", "separation", "metrics", "audio_io")},
    "chat.votes": ["tests/test_chat_votes.py"],
    "chat.compare": ["tests/test_chat_compare.py", "-k", NOT_SERVED],
    **{f"playground.{name}": ["tests/test_playground.py"]
       for name in ("datasets", "network", "training", "regression", "clustering", "embedding", "gridworld",
                    "cartpole", "export", "links", "pictures", "policy")},
    "vae.live": ["tests/test_vae.py", "-k", NOT_SERVED],
    "gan.sampling": ["tests/test_gan.py", "-k", f"{NOT_SERVED} and not shipped_gan"],
    "deep_dream.fool": ["tests/test_deep_dream.py", "-k", NOT_SERVED],
    "spoken_digits.analysis": ["tests/test_spoken_digits.py", "-k", "not training and not shipped"],
    "shared.spectrogram": ["tests/test_spectrogram.py"],
    "shared.live_training": ["tests/test_live_training.py"],
    # without the check of the course folder's files: the scratch copy is not beside it (MNIST_DIR says where)
    "shared.mnist": ["tests/test_mnist_loader.py", "-k", "not course_copy"],
    "shared.run_control": ["tests/test_run_control.py"],
    "shared.llm_stream": ["tests/test_llm_stream.py", "tests/test_chat.py", "tests/test_text_generation.py",
                          "-k", NOT_SERVED],
    "chat.conversation": ["tests/test_chat.py", "-k", NOT_SERVED],
    **{f"music_generation.{name}": ["tests/test_music_generation.py", "tests/test_music_melody.py", "-k", NOT_SERVED]
       for name in ("codec", "compose", "generate", "melody", "meters", "pictures")},
    **{f"speech.{name}": ["tests/test_speech_meters.py", "tests/test_speech_voice.py", "tests/test_speech_vits.py",
                          "tests/test_speech_clone.py", "tests/test_speech_recording.py", "-k", NOT_SERVED]
       for name in ("alignment", "meters", "recording", "speaker_map", "tts", "voice")},
}

FRESH_CACHES = """


def pytest_collection_modifyitems(config, items):  # written by benchmarks/mutation.py: no served app
    served = [item for item in items if "serve_app" in getattr(item, "fixturenames", ())]
    if served:
        config.hook.pytest_deselected(items=served)
        items[:] = [item for item in items if item not in served]


@pytest.fixture(autouse=True, scope="session")
def _mutation_no_temp_left(tmp_path_factory):  # written by benchmarks/mutation.py: each mutant's run
    yield  # ends with os._exit, so pytest never frees its numbered temp folder (a VGG-19 file each)
    import shutil
    import sys

    shutil.rmtree(tmp_path_factory.getbasetemp(), ignore_errors=True)
    tiny_text = sys.modules.get("tiny_text_models")  # it remembers the folders it built there, once a process
    if tiny_text is not None:
        tiny_text._installed.clear()


@pytest.fixture(autouse=True)
def _mutation_wall_clock():  # written by benchmarks/mutation.py: a mutant that deadlocks two threads uses no
    import signal  # CPU, so mutmut's CPU-time limit never ends it; this one fails the test after a while

    def too_long(signum, frame):
        raise TimeoutError("the test ran past the mutation run's wall-clock limit")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm({wall_seconds})
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@pytest.fixture(autouse=True)
def _mutation_fresh_caches():  # written by benchmarks/mutation.py into its scratch copy only
    import importlib

    for value in vars(importlib.import_module("{module}")).values():
        if callable(getattr(value, "cache_clear", None)):
            value.cache_clear()
"""

SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")


def toml_list(items: list[str]) -> str:
    return "[" + ", ".join(json.dumps(item) for item in items) + "]"


def prepare(module: str) -> Path:
    """The scratch copy for ``module``, with mutmut's settings for it in its pyproject.toml."""
    package, _, name = module.rpartition(".")
    scratch = SCRATCH / module
    if scratch.exists():
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True)
    for folder in ("shared", "spaces", "tests"):
        shutil.copytree(ROOT / folder, scratch / folder, ignore=SKIP)
    shutil.copy2(ROOT / "app.py", scratch / "app.py")
    if package == "shared":
        source, also_copy = "shared", ["spaces", "app.py"]
    else:
        shutil.copytree(ROOT / "spaces" / package, scratch / package, ignore=SKIP)
        source, also_copy = package, ["shared", "spaces", "app.py"]
    settings = f"""
[tool.mutmut]
source_paths = [{json.dumps(source)}]
only_mutate = [{json.dumps(f"{package}/{name}.py")}]
also_copy = {toml_list(also_copy)}
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]
pytest_add_cli_args_test_selection = {toml_list(MODULES[module])}
use_git_change_detection = false
"""
    with (scratch / "tests" / "conftest.py").open("a", encoding="utf-8") as conftest:
        conftest.write(FRESH_CACHES.format(module=module, wall_seconds=WALL_SECONDS))
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (scratch / "pyproject.toml").write_text(pyproject + settings, encoding="utf-8")
    return scratch


def count(scratch: Path, module: str) -> dict[str, int]:
    """Mutants per status, from the meta file mutmut keeps for the module."""
    from mutmut.stats import status_by_exit_code

    package, _, name = module.rpartition(".")
    meta = json.loads((scratch / "mutants" / package / f"{name}.py.meta").read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for exit_code in meta["exit_code_by_key"].values():
        status = status_by_exit_code[exit_code]
        counts[status] = counts.get(status, 0) + 1
    return counts


def survivors(scratch: Path, env: dict[str, str]) -> list[str]:
    listing = subprocess.run(["mutmut", "results"], cwd=scratch, env=env, capture_output=True, text=True)
    return [line.strip().split(":")[0] for line in listing.stdout.splitlines() if line.strip().endswith("survived")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="modules as tests import them (vae.latent, shared.validation)")
    parser.add_argument("--all", action="store_true", help="every module the script knows")
    parser.add_argument("--list", action="store_true", help="print the modules and their test selection")
    parser.add_argument("--max-children", type=int, default=1,
                        help="mutants tested at once (default 1: the measurements ran on a shared machine)")
    parser.add_argument("--survivors", action="store_true", help="print the diff of every surviving mutant")
    args = parser.parse_args()
    if args.list:
        for module, selection in MODULES.items():
            print(f"{module}: pytest {' '.join(selection)} (and no test that uses serve_app)")
        return 0
    modules = list(MODULES) if args.all else args.modules
    unknown = [module for module in modules if module not in MODULES]
    if unknown or not modules:
        parser.error(f"pick modules from: {', '.join(MODULES)}")
    try:
        from mutmut import __version__ as version
    except ImportError:
        sys.exit(f"mutmut is not installed: pip install mutmut=={MUTMUT_VERSION}")
    if version != MUTMUT_VERSION:
        print(f"note: measured with mutmut {MUTMUT_VERSION}, this is {version}", file=sys.stderr)
    env = {**os.environ, "OMP_NUM_THREADS": os.environ.get("OMP_NUM_THREADS", "1")}
    # The scratch copy is not beside the course's data folder, which shared.mnist and the spoken
    # digits' data module look in.
    course_data = ROOT.parent / "shared" / "data"
    folders = {"MNIST_DIR": course_data / "mnist", "LAB_FSDD_DIR": course_data / "fsdd" / "recordings"}
    for variable, folder in folders.items():
        if variable not in env and folder.is_dir():
            env[variable] = str(folder)
    scores = []
    for module in modules:
        scratch = prepare(module)
        started = time.monotonic()
        run = subprocess.run(["mutmut", "run", "--max-children", str(args.max_children)], cwd=scratch, env=env)
        if run.returncode != 0:
            print(f"{module}: mutmut failed ({run.returncode})")
            scores.append(f"{module}: mutmut failed")
            continue
        counts = count(scratch, module)
        total = sum(counts.values())
        killed = counts.get("killed", 0) + counts.get("timeout", 0)
        rest = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()) if status not in ("killed",))
        minutes = (time.monotonic() - started) / 60
        line = (f"{module}: {killed}/{total} = {100 * killed / total:.1f} %" + (f" ({rest})" if rest else "")
                + f" in {minutes:.1f} min")
        scores.append(line)
        print(line, flush=True)
        if args.survivors:
            for name in survivors(scratch, env):
                subprocess.run(["mutmut", "show", name], cwd=scratch, env=env)
    print("\n".join(scores))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
