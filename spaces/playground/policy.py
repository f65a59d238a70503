"""The shipped CartPole agent, for anyone's own Gymnasium loop (no Gradio, no rest of the lab):

    from playground import policy
    agent = policy.load()
    action = policy.act(agent, observation)   # observation: CartPole-v1's 4 numbers -> 0 (left) or 1 (right)

``weights/cartpole.safetensors`` is written by ``train.py``; its evaluation is in ``metrics.json``
and ``python -m shared.evaluate --demos playground`` repeats it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from playground.cartpole import Policy
from shared.mnist_training import load_model

WEIGHTS = Path(__file__).resolve().parent / "weights" / "cartpole.safetensors"


def load(path: Path = WEIGHTS) -> Policy:
    """The shipped agent (a missing file raises the translated "weights missing" message)."""
    return load_model(Policy, path)


def act(agent: Policy, observation: np.ndarray) -> int:
    """The likelier action for this observation: 0 pushes the cart left, 1 right."""
    with torch.no_grad():
        return int(agent(torch.as_tensor(np.asarray(observation), dtype=torch.float32)).argmax())
