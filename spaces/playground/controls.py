"""Every control of the playground, declared once (``shared.controls``): the page's widgets and
the server's checks of what arrives are both made from these."""

from __future__ import annotations

from playground import datasets, gridworld
from shared.controls import Choice, Number, Seed

# The network's choices, written out so that building the page needs no torch (a test checks them
# against playground.network and playground.training).
FEATURE_NAMES = ("x", "y", "x2", "y2", "xy", "sinx", "siny")
ACTIVATION_NAMES = ("tanh", "relu", "sigmoid", "linear")
LOSS_NAMES = ("cross_entropy", "squared")
MAX_LAYERS, MAX_NEURONS = 6, 8

DATASET = Choice("playground.dataset", choices=(*datasets.KINDS, "mine"), default="spiral",
                 labels="playground.datasets", named=True)
CLASSES = Number("playground.classes", low=datasets.MIN_CLASSES, high=datasets.MAX_CLASSES, default=2, step=1,
                 integer=True, named=True)
NOISE = Number("playground.noise", low=0, high=50, default=0, step=5, integer=True, named=True)  # percent
TRAIN_SHARE = Number("playground.train_share", low=10, high=90, default=50, step=10, integer=True, named=True)
LAYERS = Number("playground.layers", low=0, high=MAX_LAYERS, default=2, step=1, integer=True, named=True)
NEURONS = Number("playground.neurons", low=1, high=MAX_NEURONS, default=8, step=1, integer=True, named=True)
ACTIVATION = Choice("playground.activation", choices=ACTIVATION_NAMES, default="tanh", named=True)
LEARNING_RATE = Choice("playground.learning_rate", choices=(0.001, 0.003, 0.01, 0.03, 0.1, 0.3), default=0.01,
                       dropdown=True, named=True)
REGULARISATION = Choice("playground.regularisation", choices=("none", "l1", "l2"), default="none",
                        labels="playground.regularisations", named=True)
REGULARISATION_RATE = Choice("playground.regularisation_rate", choices=(0.0001, 0.001, 0.01, 0.1), default=0.001,
                             dropdown=True, named=True)
BATCH = Number("playground.batch", low=1, high=100, default=50, step=1, integer=True, named=True)
LOSS = Choice("playground.loss", choices=LOSS_NAMES, default="cross_entropy", labels="playground.losses", named=True)
POINT_CLASS = Choice("playground.point_class", choices=tuple(range(datasets.MAX_CLASSES)), default=0, named=True)
SEED = Seed("playground.seed", named=True)
STEPS = Number("playground.steps", low=1, high=10_000, default=2000, integer=True, named=True)
GRID_ALGORITHM = Choice("playground.grid.algorithm", choices=("q_learning", "sarsa"), default="q_learning",
                        labels="playground.grid.algorithms", named=True)
EPISODES = Number("playground.grid.episodes", low=1, high=5000, default=1500, step=1, integer=True, named=True)
K = Number("playground.cluster.k", low=1, high=8, default=3, step=1, integer=True, named=True)
LIVE_SECONDS = Number("playground.cartpole.seconds", low=5, high=60, default=30, step=5, integer=True, named=True)
DEFAULT_GRID_TEXT = "\n".join(gridworld.DEFAULT_GRID)
FUNCTION = Choice("playground.function", choices=("sine", "step", "parabola", "wave", "mine"), default="sine",
                  labels="playground.functions", named=True)
KNOWN_POINTS = Number("playground.regression.count", low=4, high=60, default=12, step=1, integer=True, named=True)
FIT_NOISE = Number("playground.regression.noise", low=0, high=0.5, default=0.1, step=0.05, named=True)
FIT_NEURONS = Number("playground.regression.neurons", low=1, high=64, default=16, step=1, integer=True, named=True)
FIT_STEPS = Number("playground.regression.steps", low=0, high=5000, default=1500, step=100, integer=True, named=True)
CLUSTER_DATASET = Choice("playground.cluster.dataset", choices=(*datasets.KINDS, "mine"), default="gauss",
                         labels="playground.datasets", named=True)
EPS = Number("playground.cluster.eps", low=0.1, high=2.0, default=0.7, step=0.05, named=True)
NEIGHBOURS = Number("playground.cluster.neighbours", low=2, high=30, default=8, step=1, integer=True, named=True)
CLUSTER_METHOD = Choice("playground.cluster.method", choices=("kmeans", "dbscan", "network"), default="kmeans",
                        labels="playground.cluster.methods", named=True)
MIN_SAMPLES = Number("playground.cluster.min_samples", low=2, high=20, default=5, step=1, integer=True, named=True)
TASK = Choice("playground.task", choices=("classification", "regression", "clustering"), default="classification",
              labels="playground.tasks", named=True)
