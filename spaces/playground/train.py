"""Train the shipped CartPole agent with REINFORCE (``cartpole.reinforce``).

    python spaces/playground/train.py [--episodes 1500] [--seed 0]

Every 50 episodes the greedy policy plays 20 validation episodes (seeds from 10 000 on); the best
one so far is kept. At the end it plays the 100 evaluation episodes (seeds 0-99, as
``python -m shared.evaluate`` does), and weights/cartpole.safetensors and weights/metrics.json
are written.
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import time
from pathlib import Path

import torch

from playground.cartpole import Policy, mean_return, reinforce
from shared.mnist_training import save_model

WEIGHTS = Path(__file__).resolve().parent / "weights"
VALIDATION_SEED = 10_000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=WEIGHTS)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    agent, best, best_score = Policy(), None, -1.0
    started = time.monotonic()
    for progress in reinforce(agent, episodes=args.episodes, seed=args.seed):
        if progress.episode % 50 == 0:
            score = mean_return(agent, 20, first_seed=VALIDATION_SEED)
            print(f"episode {progress.episode}: mean of the last 20 {progress.mean_last_20:.1f}, "
                  f"greedy on validation {score:.1f}", flush=True)
            if score > best_score:
                best, best_score = copy.deepcopy(agent.state_dict()), score
    agent.load_state_dict(best)
    evaluation = mean_return(agent, 100, first_seed=0)
    seconds = time.monotonic() - started
    print(f"best validation {best_score:.1f}; mean return over 100 evaluation episodes {evaluation:.1f}")
    args.out.mkdir(parents=True, exist_ok=True)
    save_model(agent, args.out / "cartpole.safetensors", seed=str(args.seed))
    metrics = {"env": "CartPole-v1", "algorithm": "REINFORCE", "episodes": args.episodes, "seed": args.seed,
               "validation_mean_return": best_score, "mean_return_100": evaluation, "train_seconds": round(seconds, 1),
               "machine": {"cpu": platform.processor() or platform.machine(), "torch": torch.__version__}}
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")


if __name__ == "__main__":
    main()
