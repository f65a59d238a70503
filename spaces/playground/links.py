"""A prepared experiment as a link: the classification settings in the page's address, as
TensorFlow Playground keeps them, so that a lecturer can send ``?tab=playground&dataset=xor&layers=1``.

``settings_from_query`` reads what a link sets (every value checked by its control's own check; a
value that does not pass is left out, so a mistyped link still opens the tab); ``query_for`` writes
the link of the settings on the page.
"""

from __future__ import annotations

from urllib.parse import urlencode

from playground.controls import (
    ACTIVATION,
    BATCH,
    CLASSES,
    DATASET,
    FEATURE_NAMES,
    LAYERS,
    LEARNING_RATE,
    LOSS,
    NEURONS,
    NOISE,
    REGULARISATION,
    REGULARISATION_RATE,
    SEED,
    TRAIN_SHARE,
)
from shared.errors import LabError

# The link's names for the controls, in the order the page shows them; "features" is separate.
IN_LINK = {"dataset": DATASET, "classes": CLASSES, "noise": NOISE, "train": TRAIN_SHARE, "layers": LAYERS,
           "neurons": NEURONS, "activation": ACTIVATION, "lr": LEARNING_RATE, "batch": BATCH, "loss": LOSS,
           "reg": REGULARISATION, "reg_rate": REGULARISATION_RATE, "seed": SEED}
NUMBERS = {"classes", "noise", "train", "layers", "neurons", "batch", "seed", "lr", "reg_rate"}


def settings_from_query(query: dict[str, str]) -> dict[str, object]:
    """``{link name: checked value}`` for what the link sets; ``"features"`` as a tuple of names."""
    found: dict[str, object] = {}
    for name, control in IN_LINK.items():
        if name not in query:
            continue
        value: object = query[name]
        try:
            if name in NUMBERS:
                value = float(value)
            found[name] = control.check(value)
        except (LabError, ValueError):
            continue
    if "features" in query:
        chosen = tuple(name for name in query["features"].split(",") if name in FEATURE_NAMES)
        if chosen:
            found["features"] = chosen
    return found


def query_for(values: dict[str, object], tab: str = "playground") -> str:
    """The query string of a link that opens the tab with these settings."""
    pairs = [("tab", tab)]
    for name in IN_LINK:
        if name in values:
            pairs.append((name, _written(values[name])))
    if "features" in values:
        pairs.append(("features", ",".join(values["features"])))
    return "?" + urlencode(pairs, safe=",")


def _written(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
