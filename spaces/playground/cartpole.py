"""CartPole (Gymnasium's ``CartPole-v1``) learned by a policy gradient: a small network reads the
cart's position and speed and the pole's angle and turning speed, and gives the probability of
pushing left or right. REINFORCE raises the probability of the actions of an episode in
proportion to the return that followed them (normalised within the episode, as a baseline).

An episode ends when the pole leans more than 12°, the cart leaves the track, or after 500
steps; Gymnasium calls the task solved at a mean return of 475.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import gymnasium as gym
import numpy as np
import torch
from torch import nn

ENV_ID = "CartPole-v1"
HIDDEN = 32
GAMMA = 0.99
LEARNING_RATE = 0.01


class Policy(nn.Module):
    """Observation (4 numbers) → a hidden tanh layer → the two actions' scores."""

    def __init__(self, hidden: int = HIDDEN):
        super().__init__()
        self.hidden = hidden
        self.body = nn.Sequential(nn.Linear(4, hidden), nn.Tanh(), nn.Linear(hidden, 2))

    def config(self) -> dict:
        """What rebuilds this network (recorded in the weights file)."""
        return {"hidden": self.hidden}

    def forward(self, observation: torch.Tensor) -> torch.Tensor:
        return self.body(observation)


@dataclass(frozen=True)
class Episode:
    observations: np.ndarray  # steps × 4, the state before each action
    actions: np.ndarray  # steps
    total: float  # the return: one point per step the pole stayed up


def play(policy: Policy, seed: int, *, greedy: bool = True, rng: torch.Generator | None = None) -> Episode:
    """One episode of ``CartPole-v1`` from the seeded start; greedy takes the likelier action,
    else actions are drawn from the policy (with ``rng``)."""
    env = gym.make(ENV_ID)
    observation, _ = env.reset(seed=seed)
    observations, actions, total, done = [], [], 0.0, False
    while not done:
        with torch.no_grad():
            scores = policy(torch.as_tensor(observation, dtype=torch.float32))
        action = int(scores.argmax()) if greedy else int(torch.multinomial(scores.softmax(0), 1, generator=rng))
        observations.append(observation)
        actions.append(action)
        observation, reward, terminated, truncated, _ = env.step(action)
        total += float(reward)
        done = terminated or truncated
    env.close()
    return Episode(np.array(observations, dtype=np.float32), np.array(actions), total)


def discounted(rewards: int, gamma: float = GAMMA) -> np.ndarray:
    """The return from every step of an episode of ``rewards`` steps, each worth 1."""
    returns = np.zeros(rewards)
    running = 0.0
    for step in reversed(range(rewards)):
        running = 1.0 + gamma * running
        returns[step] = running
    return returns


@dataclass(frozen=True)
class Progress:
    episode: int
    total: float  # this episode's return
    mean_last_20: float
    elapsed: float


def reinforce(policy: Policy, *, episodes: int = 1000, seconds: float | None = None, seed: int = 0,
              learning_rate: float = LEARNING_RATE) -> Iterator[Progress]:
    """Train ``policy`` in place, one episode per update, for ``episodes`` or ``seconds``."""
    torch.manual_seed(seed)
    rng = torch.Generator().manual_seed(seed)
    optimiser = torch.optim.Adam(policy.parameters(), lr=learning_rate)
    started, totals = time.monotonic(), []
    for number in range(1, episodes + 1):
        episode = play(policy, seed=seed * 100_000 + number, greedy=False, rng=rng)
        returns = torch.as_tensor(discounted(len(episode.actions)), dtype=torch.float32)
        returns = (returns - returns.mean()) / (returns.std() + 1e-8) if len(returns) > 1 else returns * 0
        log_probabilities = policy(torch.from_numpy(episode.observations)).log_softmax(dim=1)
        chosen = log_probabilities[torch.arange(len(episode.actions)), torch.from_numpy(episode.actions)]
        loss = -(chosen * returns).sum()
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        totals.append(episode.total)
        elapsed = time.monotonic() - started
        yield Progress(number, episode.total, float(np.mean(totals[-20:])), elapsed)
        if seconds is not None and elapsed >= seconds:
            return


def mean_return(policy: Policy, episodes: int = 100, *, first_seed: int = 0) -> float:
    """The mean return of the greedy policy over ``episodes`` seeded episodes."""
    return float(np.mean([play(policy, seed=first_seed + n).total for n in range(episodes)]))
