"""README.md stays true: the Space configuration, the two set-up commands, the model table."""

import re
from pathlib import Path

import gradio
import yaml

from shared.models import registry

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()


def front_matter() -> tuple[dict, str]:
    match = re.match(r"^---\n(.*?)\n---\n", README, re.S)
    assert match, "README.md must start with the Space's YAML front matter"
    return yaml.safe_load(match.group(1)), match.group(1)


def test_space_configuration():
    config, raw = front_matter()
    assert config["sdk"] == "gradio"
    pinned = re.search(r"^gradio==(\S+)$", (REPO / "requirements.txt").read_text(), re.M).group(1)
    assert config["sdk_version"] == pinned == gradio.__version__
    assert tuple(int(x) for x in pinned.split(".")[:2]) >= (6, 25)
    assert 'python_version: "3.12"' in raw  # quoted, or YAML reads a float
    assert config["app_file"] == "app.py" and (REPO / "app.py").is_file()
    assert config["suggested_hardware"]


def test_models_and_preloads_match_the_registry():
    config, _ = front_matter()
    hub_defaults = {m.default for m in registry().values() if m.source == "hub"}
    assert set(config["models"]) == hub_defaults
    for entry in config["preload_from_hub"]:
        assert entry.split()[0] in hub_defaults
    for spec in registry().values():
        assert f"`{spec.env_var}`" in README, spec.env_var
        assert spec.default in README and spec.license in README


def test_readme_opens_with_the_two_commands_that_ci_runs():
    body = README.split("\n---\n", 1)[1]
    first_block = re.search(r"```bash\n(.*?)```", body, re.S).group(1).strip().splitlines()
    assert first_block == ["pip install -r requirements.txt && python app.py", "bash tests/run.sh"]
    assert "bash tests/run.sh" in (REPO / ".ci" / "run").read_text()
    assert (REPO / "tests" / "run.sh").is_file()
