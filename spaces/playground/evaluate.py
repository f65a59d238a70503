"""The shipped CartPole agent's mean return over 100 seeded episodes of ``CartPole-v1`` (seeds
0-99); ``python -m shared.evaluate --demos playground`` runs it. Solved: a mean of at least 475."""

from __future__ import annotations

DATASET = "CartPole-v1"


def evaluate(limit: int | None = None) -> list[dict]:
    from playground import policy
    from playground.cartpole import mean_return

    episodes = min(limit or 100, 100)
    return [{"model": "cartpole_reinforce", "episodes": episodes,
             "mean_return": mean_return(policy.load(), episodes, first_seed=0)}]
