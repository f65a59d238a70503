"""The contract of a tab (CONTRIBUTING.md), checked for every demo: metadata only in
``__init__.py``, compute modules without Gradio, every event through the UI boundary, a page
built without torch, controls whose component and check agree, and ``shared/`` naming no demo."""

from __future__ import annotations

import ast
import importlib
import math
import subprocess
import sys
from pathlib import Path

import gradio as gr
import pytest

from shared import controls, demos
from shared.errors import LabError

REPO = Path(__file__).resolve().parents[1]
DEMOS = demos.names()
METADATA = {"SECTION", "ORDER", "REQUIRES", "MODELS"}
# What building the page must not import: each costs start-up time and memory for every visitor.
HEAVY = ("torch", "torchvision", "transformers", "diffusers", "demucs", "librosa", "matplotlib")


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("name", DEMOS)
def test_init_holds_only_metadata(name):
    path = REPO / "spaces" / name / "__init__.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 40
    assigned = {name.id for node in tree.body if isinstance(node, ast.Assign) for target in node.targets
                for name in (target.elts if isinstance(target, ast.Tuple) else [target])}
    assert assigned <= METADATA and {"SECTION", "ORDER", "REQUIRES"} <= assigned, assigned
    others = [node for node in tree.body if not isinstance(node, (ast.Assign, ast.ImportFrom, ast.Expr))]
    assert others == []
    assert imports_of(path) <= {"shared"}
    demo = demos.describe(name)
    assert demo.import_error is None and demo.section in demos.SECTIONS


# The server's door and its sessions are Gradio's server side, not a page (CONTRIBUTING.md).
SERVER_MODULES = ("server.py", "sessions.py")


PLAIN_MODULES = [p for p in [*(REPO / "spaces").rglob("*.py"), *(REPO / "shared").glob("*.py")]
                 if p.name != "ui.py" and not (p.parent.name == "shared" and p.name in SERVER_MODULES)]


@pytest.mark.parametrize("path", PLAIN_MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_compute_and_shared_modules_never_import_gradio(path):
    assert "gradio" not in imports_of(path)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # nor shared.ui, which brings Gradio along
        if isinstance(node, ast.ImportFrom):
            assert node.module != "shared.ui" and not (node.module == "shared" and "ui" in [a.name for a in node.names])
        elif isinstance(node, ast.Import):
            assert "shared.ui" not in [alias.name for alias in node.names]


def test_only_the_suite_and_the_test_configuration_set_the_import_path():
    editing = []
    for path in [*REPO.rglob("*.py")]:
        if any(part in (".git", "artifacts", ".venv") for part in path.parts) or path == REPO / "app.py":
            continue
        text = path.read_text(encoding="utf-8")
        if "sys.path" in text and path != Path(__file__):
            editing.append(str(path.relative_to(REPO)))
    assert editing == []


def test_shared_names_no_demo():
    """No string in shared/ is a demo's name, one of its keys or a path into its folder."""
    named = []
    for path in (REPO / "shared").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for name in DEMOS:
                    value = node.value
                    if value == name or value.startswith(f"{name}.") or f"spaces/{name}" in value or \
                            f'"{name}"' in value:
                        named.append(f"{path.name}: {value[:60]!r}")
    assert named == []


@pytest.mark.parametrize("name", [*DEMOS, None], ids=[*DEMOS, "whole-suite"])
def test_building_the_page_loads_no_heavy_library(name):
    """Start-up stays fast and light: the page of a tab (or of the whole suite) is built without
    torch or the model libraries, which load on the first event that needs them."""
    names = "None" if name is None else repr([name])
    code = (f"import sys, app; app.build_app({names}); "
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "[]"


def is_gradios_own(fn) -> bool:
    """gr.Examples' event that copies an example into its inputs: Gradio's code, not a tab's."""
    return fn.__qualname__.startswith("Examples.")


@pytest.mark.parametrize("name", DEMOS)
def test_every_event_goes_through_the_ui_boundary(name):
    import app

    built = app.build_app([name], header=False)
    unguarded = [fn.api_name for fn in built.fns.values()
                 if fn.fn is not None and not getattr(fn.fn, "lab_handler", False) and not is_gradios_own(fn.fn)]
    assert unguarded == []


def import_every_ui():
    for name in DEMOS:
        importlib.import_module(f"{name}.ui")
    return controls.declared_controls()


def test_a_number_control_and_its_slider_agree():
    import shared.ui as ui

    for control in [c for c in import_every_ui() if isinstance(c, controls.Number)]:
        component = ui.component(control)
        assert (component.minimum, component.maximum) == (control.low, control.high), control
        assert control.check(control.default) == control.default, control
        low = control.low if control.api_low is None else control.api_low
        high = control.high if control.api_high is None else control.api_high
        for inside in (low, high, component.value):
            control.check(inside)
        step = control.step or 1
        for outside in (high + step, low - step, math.nan, "ten"):
            with pytest.raises(LabError):
                control.check(outside)
        if control.integer:
            with pytest.raises(LabError):
                control.check(low + 0.5)


def test_a_choice_control_and_its_radio_agree():
    import shared.ui as ui

    for control in [c for c in import_every_ui() if isinstance(c, controls.Choice)]:
        component = ui.component(control)
        assert [value for _, value in component.choices] == list(control.choices), control
        assert control.default in control.choices
        for choice in control.choices:
            assert control.check(choice) == choice
            assert control.check(str(choice)) == choice  # what an API client may send
        with pytest.raises(LabError, match="must be one of"):
            control.check("no-such-choice")


def test_the_boundary_turns_a_lab_error_into_a_translated_gradio_error():
    from gradio.context import LocalContext

    import shared.ui as ui

    @ui.handler
    def refuses(text):
        raise LabError("shared.text.too_long", n=len(text), limit=2)

    @ui.handler
    def refuses_while_streaming():
        yield "first"
        raise LabError("shared.image.missing")

    class Request:
        headers = {"accept-language": "pl-PL,pl;q=0.9"}

    token = LocalContext.request.set(Request())
    try:
        with pytest.raises(gr.Error) as caught:
            refuses("abc")
        assert caught.value.message == "Tekst ma 3 znaków; limit to 2. Skróć go, proszę."
        stream = refuses_while_streaming()
        assert next(stream) == "first"
        with pytest.raises(gr.Error, match="Najpierw podaj obraz"):
            next(stream)
    finally:
        LocalContext.request.reset(token)
    assert refuses.lab_handler and ui.handler(refuses) is refuses


def test_the_boundary_gives_gpu_memory_back_before_the_message(monkeypatch):
    """The failed run's frames are cleared before the cache is emptied: its tensors are gone by then."""
    import weakref

    import torch

    import shared.ui as ui
    from shared import run_control

    held = []
    seen_when_freeing = []

    def compute():
        big = torch.zeros(1000)
        held.append(weakref.ref(big))
        raise torch.OutOfMemoryError("CUDA out of memory (simulated)")

    monkeypatch.setattr(run_control, "free_gpu_memory", lambda: seen_when_freeing.append(held[0]() is None))
    with pytest.raises(gr.Error, match="ran out of memory"):
        ui.handler(compute)()
    assert seen_when_freeing == [True]
