"""Playground benchmark: frames a second of the live classification view, and the time to train
each default. Not a test: it prints numbers for the README.

    python benchmarks/bench_playground.py [--seconds 5]

The live view's work per frame is ``STEPS_PER_FRAME`` training steps, the decision regions over
the canvas (``GRID_RESOLUTION``²  points through the network) and the canvas picture with 250
training and 250 test points; the page streams at most 10 frames a second. The defaults: the
spiral classifier to 2000 steps, the sine regression, k-means on four blobs, Q-learning on the
default grid (1500 episodes), CartPole's shipped agent for one episode and a 30-second live run.
"""

from __future__ import annotations

import argparse
import os
import time

import torch

from playground import cartpole, clustering, datasets, embedding, gridworld, pictures, policy, regression
from playground.training import Training
from playground.ui import GRID_RESOLUTION, STEPS_PER_FRAME


def timed(label: str, work) -> float:
    started = time.perf_counter()
    work()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    torch.set_num_threads(1)
    points = datasets.generate("spiral", 500, seed=0)
    train, test = datasets.split(points, 0.5, seed=0)
    run = Training(train, test)
    frames, started = 0, time.perf_counter()
    while time.perf_counter() - started < args.seconds:
        run.step(STEPS_PER_FRAME)
        pictures.canvas(run.decision_grid(GRID_RESOLUTION), train, test)
        frames += 1
    rate = frames / (time.perf_counter() - started)
    print(f"live view: {rate:.0f} frames/s of work ({STEPS_PER_FRAME} steps + regions + picture each; "
          f"the page shows 10 a second, target >= 10)")
    fresh = Training(train, test)
    timed("spiral, defaults, 2000 steps", lambda: fresh.step(2000))
    print(f"  test accuracy {fresh.accuracy(test):.1%}")
    known, held = regression.sample("sine", 12, seed=0)
    timed("regression, sine, 2 x 16 neurons, 1500 steps", lambda: regression.fit(known, held, steps=1500))
    blobs = datasets.generate("gauss", 400, classes=4, seed=0)
    timed("k-means, four blobs, to the end, and the elbow (k = 1-8)",
          lambda: (clustering.kmeans(blobs.xy, 4), clustering.elbow(blobs.xy)))
    moons = datasets.generate("moons", 400, seed=0)
    found = []
    timed("the grouping network, two moons (400 points), 8 neighbours, 1500 steps",
          lambda: found.append(embedding.group(moons.xy, 2)))
    print(f"  ARI {clustering.agreement(found[0].groups, moons.labels):.2f}")
    grid = gridworld.check_grid(gridworld.DEFAULT_GRID)
    timed("Q-learning, default grid, 1500 episodes, and value iteration",
          lambda: (gridworld.learn(grid, 1500), gridworld.value_iteration(grid)))
    agent = policy.load()
    timed("CartPole, the shipped agent, one episode of 500 steps", lambda: cartpole.play(agent, seed=0))
    timed("CartPole, its animated GIF", lambda: pictures.cartpole_animation(cartpole.play(agent, seed=0).observations))
    print(f"machine: {os.cpu_count()} cores, one torch thread, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
