"""Reinforcement learning on a small grid: an agent walks from the start to the goal, around
walls and traps, and learns which way to go from the rewards alone (tabular Q-learning or SARSA),
beside the optimum that value iteration computes from the known rules.

A grid is written as rows of characters: ``.`` a free cell, ``#`` a wall, ``S`` the start, ``G``
the goal (+1, the episode ends), ``T`` a trap (-1, the episode ends). Every move costs
``STEP_REWARD``; a move into a wall or off the grid leaves the agent where it was.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from shared.errors import LabError

DEFAULT_GRID = (
    "S...#...",
    ".##.#.#.",
    "....#.#.",
    ".#T...#.",
    ".#.##.#.",
    ".#...T..",
    ".####.#.",
    "......#G",
)
ACTIONS = ((-1, 0), (0, 1), (1, 0), (0, -1))  # up, right, down, left: (row, column) steps
ARROWS = "↑→↓←"
REWARDS = {"G": 1.0, "T": -1.0}
STEP_REWARD = -0.01
MAX_SIDE = 12


@dataclass(frozen=True)
class Grid:
    cells: tuple[str, ...]

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.cells), len(self.cells[0])

    def at(self, cell: tuple[int, int]) -> str:
        return self.cells[cell[0]][cell[1]]

    @property
    def start(self) -> tuple[int, int]:
        return next((r, c) for r, row in enumerate(self.cells) for c, ch in enumerate(row) if ch == "S")

    def is_end(self, cell: tuple[int, int]) -> bool:
        return self.at(cell) in REWARDS

    def move(self, cell: tuple[int, int], action: int) -> tuple[tuple[int, int], float, bool]:
        """The rules: where ``action`` takes the agent from ``cell``, the reward, whether it ended."""
        rows, columns = self.shape
        row, column = cell[0] + ACTIONS[action][0], cell[1] + ACTIONS[action][1]
        if not (0 <= row < rows and 0 <= column < columns) or self.cells[row][column] == "#":
            row, column = cell
        landed = (row, column)
        ended = self.is_end(landed)
        return landed, STEP_REWARD + REWARDS.get(self.at(landed), 0.0), ended


def check_grid(rows: object) -> Grid:
    """A grid a person edited or a client sent: rows of equal length, at most ``MAX_SIDE`` a side,
    only the five characters, one start and at least one goal."""
    if isinstance(rows, str):
        rows = rows.split()
    if not isinstance(rows, (list, tuple)) or not rows or not all(isinstance(r, str) and r for r in rows):
        raise LabError("playground.grid.not_a_grid")
    rows = tuple(row.strip() for row in rows)
    if len({len(row) for row in rows}) != 1 or len(rows) > MAX_SIDE or len(rows[0]) > MAX_SIDE:
        raise LabError("playground.grid.not_a_grid", limit=MAX_SIDE)
    if set("".join(rows)) - set(".#SGT"):
        raise LabError("playground.grid.unknown_cell")
    text = "".join(rows)
    if text.count("S") != 1 or "G" not in text:
        raise LabError("playground.grid.start_and_goal")
    return Grid(rows)


def value_iteration(grid: Grid, gamma: float = 0.95, tolerance: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """The optimal value of every cell (0 at walls and ends) and the greedy action there."""
    rows, columns = grid.shape
    values = np.zeros((rows, columns))
    while True:
        q = _q_from_values(grid, values, gamma)
        updated = np.where(_decision_cells(grid), q.max(axis=2), 0.0)
        if np.max(np.abs(updated - values)) < tolerance:
            return updated, q.argmax(axis=2)
        values = updated


def _q_from_values(grid: Grid, values: np.ndarray, gamma: float) -> np.ndarray:
    rows, columns = grid.shape
    q = np.zeros((rows, columns, len(ACTIONS)))
    for row in range(rows):
        for column in range(columns):
            for action in range(len(ACTIONS)):
                landed, reward, ended = grid.move((row, column), action)
                q[row, column, action] = reward + (0.0 if ended else gamma * values[landed])
    return q


def _decision_cells(grid: Grid) -> np.ndarray:
    """Where the agent chooses: every cell but the walls and the ends."""
    return np.array([[ch not in "#GT" for ch in row] for row in grid.cells])


@dataclass
class Learning:
    q: np.ndarray  # rows × columns × actions
    returns: list[float]  # each episode's sum of rewards


def learn(grid: Grid, episodes: int = 500, **settings) -> Learning:
    """The whole learning at once (``learning``'s last state)."""
    return deque(learning(grid, episodes, every=episodes, **settings), maxlen=1)[0]


def learning(grid: Grid, episodes: int = 500, *, every: int = 100, algorithm: str = "q_learning", alpha: float = 0.5,
             gamma: float = 0.95, epsilon: float = 0.2, max_steps: int = 200, seed: int = 0) -> Iterator[Learning]:
    """Tabular Q-learning (off-policy: learns the greedy policy's values) or SARSA (on-policy:
    the ε-greedy walker's own), ε-greedy exploration from the start cell; what was learnt after
    every ``every`` episodes (and at the end)."""
    rng = np.random.default_rng(seed)
    rows, columns = grid.shape
    q = np.zeros((rows, columns, len(ACTIONS)))
    returns = []

    def choose(cell):
        if rng.random() < epsilon:
            return int(rng.integers(len(ACTIONS)))
        best = np.flatnonzero(q[cell] == q[cell].max())
        return int(rng.choice(best))  # ties broken at random, so that no direction is favoured

    for _ in range(episodes):
        cell, total = grid.start, 0.0
        action = choose(cell)
        for _ in range(max_steps):
            landed, reward, ended = grid.move(cell, action)
            total += reward
            next_action = choose(landed)
            if ended:
                target = reward
            elif algorithm == "sarsa":
                target = reward + gamma * q[landed][next_action]
            else:
                target = reward + gamma * q[landed].max()
            q[cell][action] += alpha * (target - q[cell][action])
            if ended:
                break
            cell, action = landed, next_action
        returns.append(total)
        if len(returns) % every == 0 or len(returns) == episodes:
            yield Learning(q.copy(), list(returns))


def toggle(grid: Grid, cell: tuple[int, int]) -> Grid:
    """The grid with one cell changed, as a click changes it: free → wall → trap → free; the
    start and the goals stay."""
    row, column = cell
    rows, columns = grid.shape
    if not (0 <= row < rows and 0 <= column < columns):
        return grid
    following = {".": "#", "#": "T", "T": "."}
    kind = grid.cells[row][column]
    if kind not in following:
        return grid
    line = grid.cells[row]
    changed = line[:column] + following[kind] + line[column + 1:]
    return Grid(grid.cells[:row] + (changed,) + grid.cells[row + 1:])


def greedy_path(grid: Grid, policy: np.ndarray, max_steps: int = 200) -> list[tuple[int, int]]:
    """The cells the agent visits from the start when it always follows ``policy``."""
    cell, path = grid.start, [grid.start]
    for _ in range(max_steps):
        cell, _, ended = grid.move(cell, int(policy[cell]))
        path.append(cell)
        if ended:
            break
    return path
