"""The "What AI does" tab: four sub-tabs, one per basic task of the lecture, each trained live.

- Classification: TensorFlow Playground's canvas (its four pictures, or points clicked in or
  uploaded), a small network trained by Play / Step, its decision regions redrawn as it learns,
  the loss curves, and the network as PyTorch and Keras code.
- Regression: a function known at a few points, fitted; under- and over-fitting in the errors.
- Clustering: k-means step by step and DBSCAN, with the adjusted Rand index.
- Reinforcement learning: a gridworld (Q-learning or SARSA against value iteration) and CartPole
  (the shipped agent, or a little live training).

API: ``playground_train``, ``rl_gridworld``, ``rl_cartpole_episode`` (API only); the rest is the
page's own wiring.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass

import gradio as gr
import numpy as np

from playground import datasets, gridworld
from playground.controls import (
    ACTIVATION,
    BATCH,
    CLASSES,
    CLUSTER_DATASET,
    CLUSTER_METHOD,
    DATASET,
    DEFAULT_GRID_TEXT,
    EPISODES,
    EPS,
    FEATURE_NAMES,
    FIT_NEURONS,
    FIT_NOISE,
    FIT_STEPS,
    FUNCTION,
    GRID_ALGORITHM,
    KNOWN_POINTS,
    LAYERS,
    LEARNING_RATE,
    LIVE_SECONDS,
    LOSS,
    MIN_SAMPLES,
    NEIGHBOURS,
    NEURONS,
    NOISE,
    POINT_CLASS,
    REGULARISATION,
    REGULARISATION_RATE,
    SEED,
    STEPS,
    TASK,
    TRAIN_SHARE,
    K,
)
from shared import ui
from shared.errors import LabError
from shared.i18n import message, number, percent, widget_key
from shared.ui import ui_text

DEMO = "playground"
FEATURE_LABELS = {"x": "x", "y": "y", "x2": "x²", "y2": "y²", "xy": "x·y", "sinx": "sin x", "siny": "sin y"}
FRAME_SECONDS = 0.1  # the live view redraws ten times a second
CURVE_SECONDS = 0.5
STEPS_PER_FRAME = 10
PLAY_SECONDS = 60  # Play stops by itself after this long
GRID_RESOLUTION = 60


@dataclass
class Run:
    """One visitor's classification run: the points and the training on them."""

    points: datasets.Points
    train: datasets.Points
    test: datasets.Points
    training: object  # playground.training.Training


def build() -> None:
    gr.Markdown(ui_text("playground.explain"))
    # The points clicked in (or uploaded) on the classification canvas, [[x, y, class], ...]: the
    # clustering tab groups them too.
    mine = gr.State([], time_to_live=ui.STATE_SECONDS)
    with gr.Tabs():
        with gr.Tab(ui_text("playground.tab.classify"), id="playground-classify"):
            _classification(mine)
        with gr.Tab(ui_text("playground.tab.regression"), id="playground-regression"):
            _regression()
        with gr.Tab(ui_text("playground.tab.clustering"), id="playground-clustering"):
            _clustering(mine)
        with gr.Tab(ui_text("playground.tab.rl"), id="playground-rl"):
            _reinforcement()
    ui.api(train_api, api_name="playground_train")
    ui.api(gridworld_api, api_name="rl_gridworld")
    ui.api(cartpole_api, api_name="rl_cartpole_episode")


# ---------------------------------------------------------------- classification


def _classification(mine: gr.State) -> None:
    gr.Markdown(ui_text("playground.classify.explain"))
    run = gr.State(None, time_to_live=ui.STATE_SECONDS)
    with gr.Row():
        with gr.Column(scale=1, min_width=280):
            dataset, classes = ui.component(DATASET), ui.component(CLASSES)
            noise, share = ui.component(NOISE), ui.component(TRAIN_SHARE)
            features = gr.CheckboxGroup(choices=[(FEATURE_LABELS[name], name) for name in FEATURE_NAMES],
                                        value=list(FEATURE_NAMES), label=ui_text("playground.features"))
            layers, neurons, activation = ui.component(LAYERS), ui.component(NEURONS), ui.component(ACTIVATION)
            with ui.advanced(demo=DEMO):
                learning_rate, batch, loss = ui.component(LEARNING_RATE), ui.component(BATCH), ui.component(LOSS)
                regularisation, rate = ui.component(REGULARISATION), ui.component(REGULARISATION_RATE)
                seed = ui.component(SEED)
        with gr.Column(scale=2):
            canvas = gr.Image(label=ui_text("playground.canvas"), type="pil", interactive=False, height=440,
                              elem_id="playground-canvas",
                              buttons=["fullscreen"])
            with gr.Row():
                point_class = ui.component(POINT_CLASS)
                upload = gr.File(label=ui_text("playground.csv"), file_types=[".csv"], height=90)
            with gr.Row():
                play = gr.Button(ui_text("playground.play"), variant="primary")
                pause = gr.Button(ui_text("playground.pause"), variant="stop")
                step = gr.Button(ui_text("playground.step"))
                reset = gr.Button(ui_text("playground.reset"))
            status = gr.Markdown()
            curves = gr.LinePlot(x="step", y="loss", color="curve", label=ui_text("playground.curves"), height=240)
            with gr.Accordion(ui_text("playground.neurons.heading"), open=False):
                gr.Markdown(ui_text("playground.neurons.explain"))
                show_neurons = gr.Button(ui_text("playground.neurons.show"))
                neuron_gallery = gr.Gallery(columns=8, height="auto", show_label=False, format="png", buttons=[])
            link = gr.Textbox(label=ui_text("playground.link"), info=ui_text("playground.link.info"),
                              interactive=False, buttons=["copy"], elem_id="playground-link")
            with gr.Accordion(ui_text("playground.export"), open=False):
                gr.Markdown(ui_text("playground.export.explain"))
                write_code = gr.Button(ui_text("playground.export.write"))
                torch_code = gr.Code(language="python", label="PyTorch")
                keras_code = gr.Code(language="python", label="Keras")
    settings = [dataset, classes, noise, share, features, layers, neurons, activation, learning_rate, batch, loss,
                regularisation, rate, seed]
    shown = [canvas, status, curves]
    gr.on(triggers=None, fn=from_link, inputs=None, outputs=settings, api_name="playground_from_link",
          api_visibility="private", show_progress="hidden", queue=False)
    gr.on(triggers=[c.change for c in settings], fn=link_for, inputs=settings, outputs=link,
          api_name="playground_link", api_visibility="private", show_progress="hidden", preprocess=False,
          trigger_mode="always_last")
    start = dict(fn=new_run, inputs=[*settings, mine], outputs=[run, *shown], show_progress="hidden",
                 preprocess=False)
    gr.on(triggers=[c.change for c in settings] + [reset.click], api_name="playground_reset",
          api_visibility="private", trigger_mode="always_last", **start)
    gr.on(triggers=None, api_name="playground_start", api_visibility="private", **start)  # when the page opens
    # Play, Step, the neurons and the code start a run from the page's settings if there is none
    # (the page's first one still being made, or one let go after an hour).
    with_settings = [run, *settings, mine]
    playing = play.click(play_run, inputs=with_settings, outputs=[run, *shown], api_name="playground_play",
                         api_visibility="private", show_progress="hidden", concurrency_limit=None, preprocess=False)
    pause.click(None, cancels=[playing], api_name="playground_pause", api_visibility="private", queue=False)
    step.click(step_run, inputs=with_settings, outputs=[run, *shown], api_name="playground_step",
               api_visibility="private", show_progress="hidden", preprocess=False)
    write_code.click(as_code, inputs=with_settings, outputs=[torch_code, keras_code], api_name="playground_export",
                     api_visibility="private", show_progress="minimal", preprocess=False)
    show_neurons.click(every_neuron, inputs=with_settings, outputs=neuron_gallery, api_name="playground_neurons",
                       api_visibility="private", show_progress="minimal", preprocess=False)
    canvas.select(add_point, inputs=[mine, point_class, dataset], outputs=[mine, dataset],
                  api_name="playground_add_point", api_visibility="private", show_progress="hidden",
                  preprocess=False).then(**start, api_name="playground_redraw", api_visibility="private")
    upload.upload(read_points, inputs=upload, outputs=[mine, dataset], api_name="playground_upload",
                  api_visibility="private", preprocess=False).then(**start, api_name="playground_reload",
                                                                  api_visibility="private")


def _settings(dataset, classes, noise, share, features, layers, neurons, activation, learning_rate, batch, loss,
              regularisation, rate, seed):
    """The controls' values, checked, as the training's ``Settings`` and the data's."""
    from playground.training import Settings

    kind = DATASET.check(dataset)
    chosen = tuple(name for name in FEATURE_NAMES if name in (features or []))
    if not chosen:
        raise LabError("playground.features.none")
    regularisation, rate = REGULARISATION.check(regularisation), REGULARISATION_RATE.check(rate)
    hidden = (NEURONS.check(neurons),) * LAYERS.check(layers)
    settings = Settings(features=chosen, hidden=hidden, activation=ACTIVATION.check(activation),
                        learning_rate=LEARNING_RATE.check(learning_rate), batch=BATCH.check(batch),
                        loss=LOSS.check(loss), l1=rate if regularisation == "l1" else 0.0,
                        l2=rate if regularisation == "l2" else 0.0, seed=SEED.check(seed))
    data = dict(kind=kind, classes=CLASSES.check(classes), noise=NOISE.check(noise) / 100,
                share=TRAIN_SHARE.check(share) / 100)
    return settings, data


LINK_ORDER = ("dataset", "classes", "noise", "train", "features", "layers", "neurons", "activation", "lr", "batch",
              "loss", "reg", "reg_rate", "seed")  # the order of ``settings`` in _classification


@ui.handler
def from_link(request: gr.Request):
    """``?tab=playground&dataset=xor&layers=1…``: the link's settings on the page (what does not
    pass its control's check is left as it is)."""
    from playground import links

    query = dict(request.query_params) if request else {}
    if query.get("tab") != DEMO:
        return tuple(gr.skip() for _ in LINK_ORDER)
    found = links.settings_from_query(query)
    return tuple(list(found[name]) if name == "features" and name in found else found.get(name, gr.skip())
                 for name in LINK_ORDER)


@ui.handler
def link_for(dataset, classes, noise, share, features, layers, neurons, activation, learning_rate, batch, loss,
             regularisation, rate, seed, request: gr.Request):
    """The address of this page with the settings as they are, to send or bookmark."""
    from playground import links

    values = (dataset, classes, noise, share, features, layers, neurons, activation, learning_rate, batch, loss,
              regularisation, rate, seed)
    found = links.settings_from_query({name: ",".join(value) if isinstance(value, list) else str(value)
                                       for name, value in zip(LINK_ORDER, values, strict=True)})
    headers = request.headers if request else {}
    host = headers.get("x-forwarded-host") or headers.get("host") or "127.0.0.1:7860"
    scheme = headers.get("x-forwarded-proto") or ("https" if host.endswith(".hf.space") else "http")
    return f"{scheme}://{host}/{links.query_for(found)}"


def _points(data: dict, mine: list, seed: int) -> datasets.Points:
    if data["kind"] == "mine":
        if not mine:
            raise LabError("playground.mine.empty")
        table = np.asarray(mine, dtype=np.float64).reshape(-1, 3)
        return datasets.check_points(table[:, :2], table[:, 2])
    classes = 2 if data["kind"] in datasets.TWO_CLASSES_ONLY else data["classes"]
    return datasets.generate(data["kind"], 500, classes=classes, noise=data["noise"], seed=seed)


@ui.handler
def new_run(*values):
    *controls, mine = values
    settings, data = _settings(*controls)
    if data["kind"] == "mine" and len({int(point[2]) for point in mine or []}) < 2:
        return (None, *_only_points(mine or []))  # still clicking: a hint, not an error
    run = _make_run(settings, data, mine)
    return (run, *_shown(run))


def _make_run(settings, data: dict, mine) -> Run:
    from playground.training import Training

    points = _points(data, mine or [], settings.seed)
    train, test = datasets.split(points, data["share"], seed=settings.seed)
    return Run(points, train, test, Training(train, test, settings))


def _ensure(run: Run | None, values: tuple) -> Run:
    """The visitor's run, or a new one from the page's settings where there is none."""
    if run is not None:
        return run
    *controls, mine = values
    settings, data = _settings(*controls)
    if data["kind"] == "mine" and len({int(point[2]) for point in mine or []}) < 2:
        raise LabError("playground.mine.another_class" if mine else "playground.mine.empty")
    return _make_run(settings, data, mine)


def _only_points(mine: list) -> tuple:
    """The canvas while a person is still clicking points in: the points, and what to do next."""
    from playground import pictures

    shown = None
    if mine:
        table = np.asarray(mine, dtype=np.float32).reshape(-1, 3)
        shown = datasets.Points(table[:, :2], table[:, 2].astype(np.int64), datasets.MAX_CLASSES)
    key = "playground.mine.another_class" if mine else "playground.mine.empty"
    return pictures.canvas(None, shown), message(key), None


def _shown(run: Run) -> tuple:
    from playground import pictures

    training = run.training
    picture = pictures.canvas(training.decision_grid(GRID_RESOLUTION), run.train, run.test)
    text = message("playground.status", step=training.steps_done,
                   train=number(training.record.train_loss[-1], ".3f"),
                   test=number(training.record.test_loss[-1], ".3f"), accuracy=percent(training.accuracy(run.test)))
    return picture, text, _curves(training.record)


@ui.handler
def as_code(run: Run | None, *values) -> tuple[str, str]:
    """The network as it is now, as a PyTorch and a Keras script."""
    from playground import export

    run = _ensure(run, values)
    activation = run.training.settings.activation
    return export.pytorch_snippet(run.training.model, activation), export.keras_snippet(run.training.model, activation)


def _curves(record) -> gr.LinePlot:
    import pandas as pd

    train, test = message("playground.curve.train"), message("playground.curve.test")
    rows = [{"step": s, "loss": v, "curve": train} for s, v in zip(record.steps, record.train_loss, strict=True)]
    rows += [{"step": s, "loss": v, "curve": test} for s, v in zip(record.steps, record.test_loss, strict=True)]
    return gr.LinePlot(value=pd.DataFrame(rows), x_title=message("playground.axis.step"),
                       y_title=message("playground.axis.loss"))


@ui.handler
def play_run(run: Run | None, *values):
    """Train on, redrawing ten times a second, until Pause or after a minute."""
    run = _ensure(run, values)
    started = last_curves = time.monotonic()
    while time.monotonic() - started < PLAY_SECONDS:
        frame_started = time.monotonic()
        while time.monotonic() - frame_started < FRAME_SECONDS * 0.6:
            run.training.step(STEPS_PER_FRAME)
        picture, text, curves = _shown(run)
        # The curves are redrawn twice a second: a plot is far heavier for a browser than a picture.
        if frame_started - last_curves < CURVE_SECONDS:
            curves = gr.skip()
        else:
            last_curves = frame_started
        yield run, picture, text, curves
        time.sleep(max(0.0, FRAME_SECONDS - (time.monotonic() - frame_started)))
    yield (run, *_shown(run))


@ui.handler
def step_run(run: Run | None, *values):
    run = _ensure(run, values)
    run.training.step(1)
    return (run, *_shown(run))


@ui.handler
def every_neuron(run: Run | None, *values) -> list:
    """Every neuron's picture over the canvas, layer by layer, captioned."""
    from playground import pictures

    run = _ensure(run, values)
    shown = []
    for depth, layer in enumerate(run.training.neuron_grids()):
        for index, values in enumerate(layer):
            name = (FEATURE_LABELS[run.training.settings.features[index]] if depth == 0 else
                    message("playground.neurons.caption", layer=depth, neuron=index + 1))
            shown.append((pictures.neuron_picture(values), name))
    return shown


@ui.handler
def add_point(mine, point_class, dataset, evt: gr.SelectData):
    """A click on the canvas adds a point of the chosen class there (and switches to "my points")."""
    from playground import pictures

    column, row = evt.index
    x, y = pictures.to_canvas(float(column), float(row))
    points = [*(mine or [])]
    if len(points) >= datasets.MAX_POINTS:
        raise LabError("playground.data.too_many", count=len(points) + 1, limit=datasets.MAX_POINTS)
    points.append([x, y, POINT_CLASS.check(point_class)])
    return points, "mine"


@ui.handler
def read_points(file_data):
    from shared.validation import uploaded_path

    path = uploaded_path(file_data, missing="playground.csv.missing", invalid="playground.data.bad_csv")
    with open(path, encoding="utf-8", errors="replace") as handle:
        points = datasets.read_csv(handle.read(200_000))
    table = np.concatenate([points.xy, points.labels[:, None]], axis=1).tolist()
    return table, "mine"


def train_api(task: str = "classification", dataset: str = "spiral", points: list[list[float]] | None = None,
              classes: int = 2, noise: int = 0, train_share: int = 50, features: list[str] | None = None,
              layers: int = 2, neurons: int = 8, activation: str = "tanh", learning_rate: float = 0.01,
              batch: int = 50, loss: str = "cross_entropy", regularisation: str = "none",
              regularisation_rate: float = 0.001, k: int = 3, method: str = "kmeans", neighbours: int = 8,
              eps: float = 0.7, min_samples: int = 5, steps: int = 2000, seed: int = 0) -> dict:
    """One of the playground's tasks, trained to the end.

    classification: a dataset (circle, xor, gauss, spiral) or your points ([[x, y, label], ...]
    with dataset "mine") and the network's settings; the final training and test loss and accuracy.
    regression: a function (sine, step, parabola, wave) as the dataset, or your points [[x, y], ...]
    with "mine" (every third one held out), a network of ``layers`` × ``neurons``; both errors.
    clustering: a dataset or your points ([[x, y], ...] or [[x, y, label], ...]) grouped by
    ``method``: "kmeans" into ``k`` (the centres and the sum of squared distances), "dbscan" with
    ``eps`` and ``min_samples`` (-1: in no group), or "network", the neighbourhood network of
    ``neighbours`` into ``k`` (its final loss); each point's group and, where the true groups are
    known, the adjusted Rand index (ARI) against them.
    """
    from playground.training import Training

    task = TASK.check(task)
    if task == "regression":
        return _regression_api(dataset, points, layers, neurons, steps, seed)
    if task == "clustering":
        return _clustering_api(dataset, points, classes, k, CLUSTER_METHOD.check(method), neighbours, eps,
                               min_samples, seed)
    chosen = list(FEATURE_NAMES) if features is None else features
    settings, data = _settings(dataset, classes, noise, train_share, chosen, layers, neurons, activation,
                               learning_rate, batch, loss, regularisation, regularisation_rate, seed)
    if data["kind"] == "mine" and points is not None and not isinstance(points, list):
        raise LabError("playground.data.not_points")
    table = np.asarray(points if points is not None else [], dtype=object)
    if data["kind"] == "mine" and (table.ndim != 2 or table.shape[-1] != 3):
        raise LabError("playground.data.not_points" if len(table) else "playground.data.empty")
    sample = _points(data, table.tolist() if data["kind"] == "mine" else [], settings.seed)
    train, test = datasets.split(sample, data["share"], seed=settings.seed)
    training = Training(train, test, settings)
    training.step(STEPS.check(steps))
    return {"steps": training.steps_done, "train_loss": training.record.train_loss[-1],
            "test_loss": training.record.test_loss[-1], "train_accuracy": training.accuracy(train),
            "test_accuracy": training.accuracy(test)}


def _table(points, width: tuple[int, ...]) -> np.ndarray:
    """API points as a float table of one of the ``width``s (columns), or a translated refusal."""
    if points is None or (isinstance(points, list) and not points):
        raise LabError("playground.data.empty")
    try:
        table = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise LabError("playground.data.not_points") from None
    if table.ndim != 2 or table.shape[1] not in width:
        raise LabError("playground.data.not_points")
    return table


def _regression_api(dataset, points, layers, neurons, steps, seed) -> dict:
    from playground import regression

    hidden = (FIT_NEURONS.check(neurons),) * LAYERS.check(layers)
    steps, seed = FIT_STEPS.check(steps), SEED.check(seed)
    if dataset == "mine":
        table = _table(points, (2,))
        samples = regression.check_samples(table[:, 0], table[:, 1])
        train, held_out = regression.split(samples)
    else:
        train, held_out = regression.sample(FUNCTION.check(dataset), KNOWN_POINTS.default, seed=seed)
    result = regression.fit(train, held_out, hidden=hidden, steps=steps, seed=seed)
    return {"steps": steps, "train_error": result.train_error[-1], "held_out_error": result.held_out_error[-1]}


def _clustering_api(dataset, points, classes, k, method, neighbours, eps, min_samples, seed) -> dict:
    from playground import clustering, embedding

    if dataset == "mine":
        table = _table(points, (2, 3))
        if len(table) > datasets.MAX_POINTS:
            raise LabError("playground.data.too_many", count=len(table), limit=datasets.MAX_POINTS)
        if not np.all(np.isfinite(table)):
            raise LabError("playground.data.not_finite")
        if np.any(np.abs(table[:, :2]) > datasets.CANVAS):
            raise LabError("playground.data.off_canvas", limit=int(datasets.CANVAS))
        xy, truth = table[:, :2], (table[:, 2] if table.shape[1] == 3 else None)
    else:
        sample = _cluster_points(dataset, classes)
        xy, truth = sample.xy.astype(np.float64), sample.labels
    if method == "dbscan":
        groups, found = clustering.dbscan(xy, EPS.check(eps), MIN_SAMPLES.check(min_samples)), {}
    elif method == "network":
        grouping = embedding.group(xy, K.check(k), neighbours=NEIGHBOURS.check(neighbours), seed=SEED.check(seed))
        groups, found = grouping.groups, {"loss": grouping.loss}
    else:
        final = clustering.kmeans(xy, K.check(k), seed=SEED.check(seed))[-1]
        groups, found = final.assignment, {"centres": np.round(final.centres, 4).tolist(), "inertia": final.inertia}
    return {**found, "groups": np.asarray(groups).tolist(),
            "ari": None if truth is None else clustering.agreement(groups, truth)}


# ---------------------------------------------------------------- regression


def _regression() -> None:
    gr.Markdown(ui_text("playground.regression.explain"))
    clicked = gr.State([], time_to_live=ui.STATE_SECONDS)  # the points clicked in, [[x, y], ...]
    with gr.Row():
        with gr.Column(scale=1, min_width=260):
            function, count = ui.component(FUNCTION), ui.component(KNOWN_POINTS)
            noise, neurons, steps = ui.component(FIT_NOISE), ui.component(FIT_NEURONS), ui.component(FIT_STEPS)
            fit_button = gr.Button(ui_text("playground.regression.fit"), variant="primary")
            clear = gr.Button(ui_text("playground.regression.clear"))
        with gr.Column(scale=2):
            picture = gr.Image(label=ui_text("playground.regression.picture"), interactive=False, buttons=[],
                               elem_id="playground-fit")
            errors = gr.LinePlot(x="step", y="error", color="curve", label=ui_text("playground.regression.errors"),
                                 height=240)
            text = gr.Markdown()
    data = [function, count, noise, clicked]
    fit_button.click(fit_regression, inputs=[*data, neurons, steps], outputs=[picture, errors, text],
                     api_name="playground_regression", api_visibility="private", preprocess=False)
    shown = dict(fn=show_fit_data, inputs=data, outputs=[picture, text], show_progress="hidden", preprocess=False)
    gr.on(triggers=[function.change, count.change, noise.change], api_name="playground_fit_data",
          api_visibility="private", trigger_mode="always_last", **shown)
    gr.on(triggers=None, api_name="playground_fit_start", api_visibility="private", queue=False, **shown)
    picture.select(add_fit_point, inputs=clicked, outputs=[clicked, function], api_name="playground_fit_point",
                   api_visibility="private", show_progress="hidden",
                   preprocess=False).then(api_name="playground_fit_redraw", api_visibility="private", **shown)
    clear.click(no_points, outputs=clicked, api_name="playground_fit_clear", api_visibility="private",
                queue=False).then(api_name="playground_fit_cleared", api_visibility="private", **shown)


def _fit_data(function, count, noise, clicked):
    """The points to learn from, the held-out ones and the true function (None for clicked points)."""
    from playground import regression

    function = FUNCTION.check(function)
    if function == "mine":
        table = np.asarray(clicked or [], dtype=np.float64).reshape(-1, 2)
        return (*regression.split(regression.check_samples(table[:, 0], table[:, 1])), None)
    train, held = regression.sample(function, KNOWN_POINTS.check(count), noise=FIT_NOISE.check(noise))
    return train, held, regression.FUNCTIONS[function]


@ui.handler
def show_fit_data(function, count, noise, clicked):
    """The points before any fit (and, for clicked points, what to do next)."""
    from playground import pictures, regression

    if FUNCTION.check(function) == "mine" and len(clicked or []) < regression.HELD_OUT_EVERY:
        table = np.asarray(clicked or [], dtype=np.float64).reshape(-1, 2)
        empty = np.zeros(0)
        return (pictures.regression_picture(table[:, 0], table[:, 1], empty, empty, None, None, None,
                                            regression.X_AXIS, regression.Y_AXIS),
                message("playground.regression.click_more", count=len(table), needed=regression.HELD_OUT_EVERY))
    train, held, truth = _fit_data(function, count, noise, clicked)
    x = np.linspace(regression.LOW, regression.HIGH, 200)
    return (pictures.regression_picture(train.x, train.y, held.x, held.y, x, None, None if truth is None else truth(x),
                                        regression.X_AXIS, regression.Y_AXIS),
            message("playground.regression.ready", train=len(train.x), held=len(held.x)))


@ui.handler
def no_points() -> list:
    return []


@ui.handler
def add_fit_point(clicked, evt: gr.SelectData):
    """A click on the picture adds a point there (and switches the data to "my points")."""
    from playground import pictures, regression

    column, row = evt.index
    points = [*(clicked or [])]
    if len(points) >= regression.MAX_POINTS:
        raise LabError("playground.data.too_many", count=len(points) + 1, limit=regression.MAX_POINTS)
    points.append(list(pictures.from_plot(float(column), float(row), regression.X_AXIS, regression.Y_AXIS)))
    return points, "mine"


@ui.handler
def fit_regression(function, count, noise, clicked, neurons, steps):
    """The fit drawn live: the curve and both errors about 25 times on the way."""
    from playground import regression

    train, held, truth = _fit_data(function, count, noise, clicked)
    neurons, steps = FIT_NEURONS.check(neurons), FIT_STEPS.check(steps)
    for result in regression.fitting(train, held, hidden=(neurons, neurons), steps=steps,
                                     record_every=max(1, steps // 25)):
        yield _fit_view(truth, train, held, result)


def _fit_view(truth, train, held, result) -> tuple:
    import pandas as pd

    from playground import pictures, regression

    x, y = regression.curve(result.model)
    image = pictures.regression_picture(train.x, train.y, held.x, held.y, x, y, None if truth is None else truth(x),
                                        regression.X_AXIS, regression.Y_AXIS)
    learn, held_name = message("playground.curve.train"), message("playground.curve.held_out")
    rows = [{"step": s, "error": e, "curve": learn} for s, e in zip(result.steps, result.train_error, strict=True)]
    rows += [{"step": s, "error": e, "curve": held_name}
             for s, e in zip(result.steps, result.held_out_error, strict=True)]
    best = int(np.argmin(result.held_out_error))
    text = message("playground.regression.result", train=number(result.train_error[-1], ".4f"),
                   held=number(result.held_out_error[-1], ".4f"), best=number(result.held_out_error[best], ".4f"),
                   best_step=result.steps[best])
    return image, gr.LinePlot(value=pd.DataFrame(rows), x_title=message("playground.axis.step"),
                              y_title=message("playground.axis.error")), text


# ---------------------------------------------------------------- clustering


def _clustering(mine: gr.State) -> None:
    gr.Markdown(ui_text("playground.clustering.explain"))
    state = gr.State(None, time_to_live=ui.STATE_SECONDS)
    with gr.Row():
        with gr.Column(scale=1, min_width=260):
            kind = ui.component(CLUSTER_DATASET)
            groups = ui.component(CLASSES)
            k = ui.component(K)
            with gr.Row():
                new = gr.Button(ui_text("playground.cluster.new"))
                half = gr.Button(ui_text("playground.cluster.half_step"), variant="primary")
                finish = gr.Button(ui_text("playground.cluster.finish"))
            eps, min_samples = ui.component(EPS), ui.component(MIN_SAMPLES)
        with gr.Column(scale=2):
            with gr.Row():
                kmeans_picture = gr.Image(label=ui_text("playground.cluster.kmeans"), interactive=False, buttons=[])
                dbscan_picture = gr.Image(label=ui_text("playground.cluster.dbscan"), interactive=False, buttons=[])
            text = gr.Markdown()
            elbow = gr.LinePlot(x="k", y="inertia", label=ui_text("playground.cluster.elbow"), height=220)
    with gr.Accordion(ui_text("playground.cluster.network.heading"), open=True):
        gr.Markdown(ui_text("playground.cluster.network.explain"))
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                neighbours = ui.component(NEIGHBOURS)
                learn = gr.Button(ui_text("playground.cluster.network.learn"), variant="primary")
                network_text = gr.Markdown()
            with gr.Column(scale=2):
                with gr.Row():
                    network_picture = gr.Image(label=ui_text("playground.cluster.network"), interactive=False,
                                               buttons=[])
                    network_loss = gr.LinePlot(x="step", y="loss", label=ui_text("playground.cluster.network.loss"),
                                               height=260)
    learn.click(cluster_network, inputs=[kind, groups, k, neighbours, mine],
                outputs=[network_picture, network_loss, network_text], api_name="playground_cluster_network",
                api_visibility="private", preprocess=False)
    inputs = [kind, groups, k, eps, min_samples, mine]
    outputs = [state, kmeans_picture, dbscan_picture, text, elbow]
    new.click(cluster_start, inputs=inputs, outputs=outputs, api_name="playground_cluster_start",
              api_visibility="private", preprocess=False)
    # New data, or a new k, starts k-means afresh (and the page opens with it started); the
    # suggested k is the number of groups the data was made with.
    gr.on(triggers=[kind.change, groups.change], fn=suggested_k, inputs=[kind, groups], outputs=k,
          api_name="playground_cluster_k", api_visibility="private", queue=False, preprocess=False)
    gr.on(triggers=[kind.change, groups.change, k.change], fn=cluster_start, inputs=inputs, outputs=outputs,
          api_name="playground_cluster_data", api_visibility="private", trigger_mode="always_last",
          show_progress="hidden", preprocess=False)
    gr.on(triggers=None, fn=cluster_start, inputs=inputs, outputs=outputs, api_name="playground_cluster_open",
          api_visibility="private", show_progress="hidden", preprocess=False)
    gr.on(triggers=[eps.change, min_samples.change], fn=cluster_redraw, inputs=[state, *inputs], outputs=outputs,
          api_name="playground_cluster_density", api_visibility="private", trigger_mode="always_last",
          show_progress="hidden", preprocess=False)
    half.click(cluster_half_step, inputs=[state, *inputs], outputs=outputs, api_name="playground_cluster_step",
               api_visibility="private", preprocess=False)
    finish.click(cluster_finish, inputs=[state, *inputs], outputs=outputs, api_name="playground_cluster_finish",
                 api_visibility="private", preprocess=False)


@dataclass
class Clustering:
    points: datasets.Points
    state: object  # clustering.KMeansState
    assigned_last: bool
    k: int


def _cluster_points(kind, groups, mine=None) -> datasets.Points:
    kind = CLUSTER_DATASET.check(kind)
    if kind == "mine":
        if not mine:
            raise LabError("playground.mine.empty")
        table = np.asarray(mine, dtype=np.float64).reshape(-1, 3)
        return datasets.check_points(table[:, :2], table[:, 2], min_classes=1)
    classes = 2 if kind in datasets.TWO_CLASSES_ONLY else CLASSES.check(groups)
    return datasets.generate(kind, 400, classes=classes, seed=0)


@ui.handler
def cluster_start(kind, groups, k, eps, min_samples, mine=None):
    from playground import clustering

    points = _cluster_points(kind, groups, mine)
    state = clustering.start(points.xy.astype(np.float64), K.check(k))
    return _cluster_view(Clustering(points, state, False, K.check(k)), eps, min_samples)


@ui.handler
def suggested_k(kind, groups):
    return 2 if CLUSTER_DATASET.check(kind) in datasets.TWO_CLASSES_ONLY else CLASSES.check(groups)


@ui.handler
def cluster_redraw(current, kind, groups, k, eps, min_samples, mine=None):
    """The same k-means state with DBSCAN's new settings."""
    if current is None:
        return cluster_start(kind, groups, k, eps, min_samples, mine)
    return _cluster_view(current, eps, min_samples)


@ui.handler
def cluster_half_step(current, kind, groups, k, eps, min_samples, mine=None):
    from playground import clustering

    if current is None:
        return cluster_start(kind, groups, k, eps, min_samples, mine)
    xy = current.points.xy.astype(np.float64)
    if current.assigned_last:
        current = Clustering(current.points, clustering.move(xy, current.state), False, current.k)
    else:
        current = Clustering(current.points, clustering.assign(xy, current.state), True, current.k)
    return _cluster_view(current, eps, min_samples)


@ui.handler
def cluster_finish(current, kind, groups, k, eps, min_samples, mine=None):
    from playground import clustering

    if current is None:
        current = cluster_start(kind, groups, k, eps, min_samples, mine)[0]
    xy = current.points.xy.astype(np.float64)
    state = clustering.assign(xy, current.state)
    for _ in range(100):
        moved = clustering.move(xy, state)
        if np.array_equal(moved.assignment, state.assignment):
            state = moved
            break
        state = moved
    return _cluster_view(Clustering(current.points, state, True, current.k), eps, min_samples)


@ui.handler
def cluster_network(kind, groups, k, neighbours, mine=None):
    """The neighbourhood network trained on the points, its groups and its loss on the way down."""
    import pandas as pd

    from playground import clustering, embedding, pictures

    points = _cluster_points(kind, groups, mine)
    xy = points.xy.astype(np.float64)
    found = embedding.group(xy, K.check(k), neighbours=NEIGHBOURS.check(neighbours))
    best = float(np.sum(embedding.smallest_eigenvalues(xy, K.check(k), NEIGHBOURS.check(neighbours))))
    loss = pd.DataFrame({"step": found.steps, "loss": found.losses})
    ari = clustering.agreement(found.groups, points.labels)
    text = message("playground.cluster.network_result", ari=number(ari, ".2f"), loss=number(found.loss, ".5f"),
                   best=number(max(best, 0.0), ".5f"))
    plot = gr.LinePlot(value=loss, x_title=message("playground.axis.step"), y_title=message("playground.axis.loss"))
    return pictures.clusters_picture(xy, found.groups), plot, text


def _cluster_view(current: Clustering, eps, min_samples) -> tuple:
    import pandas as pd

    from playground import clustering, pictures

    eps, min_samples = EPS.check(eps), MIN_SAMPLES.check(min_samples)
    xy, truth = current.points.xy.astype(np.float64), current.points.labels
    state = current.state
    by_density = clustering.dbscan(xy, eps, min_samples)
    lines = [message("playground.cluster.dbscan_result", ari=number(clustering.agreement(by_density, truth), ".2f"),
                     groups=len(set(by_density.tolist()) - {-1}), noise=int(np.sum(by_density < 0)))]
    if state.assignment is not None:
        lines.insert(0, message("playground.cluster.kmeans_result", inertia=number(state.inertia, ".1f"),
                                ari=number(clustering.agreement(state.assignment, truth), ".2f")))
    curve = clustering.elbow(xy, largest_k=8)
    elbow = pd.DataFrame({"k": list(range(1, len(curve) + 1)), "inertia": curve})
    return (current, pictures.clusters_picture(xy, state.assignment, state.centres),
            pictures.clusters_picture(xy, by_density), "  \n".join(lines),
            gr.LinePlot(value=elbow, x_title="k", y_title=message("playground.cluster.inertia")))


# ---------------------------------------------------------------- reinforcement learning


def _reinforcement() -> None:
    gr.Markdown(ui_text("playground.rl.explain"))
    with gr.Accordion(ui_text("playground.grid.heading"), open=True):
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                grid_text = gr.Textbox(DEFAULT_GRID_TEXT, lines=9, label=ui_text("playground.grid.cells"),
                                       info=ui_text("playground.grid.cells.info"), elem_classes=["lab-monospace"])
                algorithm, episodes = ui.component(GRID_ALGORITHM), ui.component(EPISODES)
                learn_button = gr.Button(ui_text("playground.grid.learn"), variant="primary")
            with gr.Column(scale=2):
                with gr.Row():
                    learnt = gr.Image(label=ui_text("playground.grid.learnt"), interactive=False, buttons=[])
                    optimal = gr.Image(label=ui_text("playground.grid.optimal"), interactive=False, buttons=[])
                returns = gr.LinePlot(x="episode", y="return", label=ui_text("playground.grid.returns"), height=220)
                grid_result = gr.Markdown()
        grid_outputs = [learnt, optimal, returns, grid_result]
        learn_button.click(learn_grid, inputs=[grid_text, algorithm, episodes], outputs=grid_outputs,
                           api_name="playground_grid_learn", api_visibility="private", preprocess=False)
        # A click on the optimum's picture changes that cell (free → wall → trap → free) and shows
        # the new optimum at once; "Learn" then learns the new maze.
        gr.on(triggers=[grid_text.change], fn=show_optimum, inputs=grid_text, outputs=optimal,
              api_name="playground_grid_optimum", api_visibility="private", preprocess=False, show_progress="hidden",
              trigger_mode="always_last")
        gr.on(triggers=None, fn=show_optimum, inputs=grid_text, outputs=optimal, api_name="playground_grid_first",
              api_visibility="private", preprocess=False, show_progress="hidden")
        optimal.select(toggle_cell, inputs=grid_text, outputs=[grid_text, optimal], api_name="playground_grid_edit",
                       api_visibility="private", preprocess=False, show_progress="hidden")
    with gr.Accordion(ui_text("playground.cartpole.heading"), open=True):
        gr.Markdown(ui_text("playground.cartpole.explain"))
        with gr.Row():
            with gr.Column(scale=1, min_width=260):
                episode_seed = ui.component(SEED)
                watch = gr.Button(ui_text("playground.cartpole.watch"), variant="primary")
                seconds = ui.component(LIVE_SECONDS)
                train_live = gr.Button(ui_text("playground.cartpole.train"))
                stop = gr.Button(ui_text(widget_key(DEMO, "stop")), variant="stop")
            with gr.Column(scale=2):
                animation = gr.Image(label=ui_text("playground.cartpole.animation"), interactive=False, buttons=[])
                cart_text = gr.Markdown()
                cart_curve = gr.LinePlot(x="episode", y="return", label=ui_text("playground.cartpole.curve"),
                                         height=220)
        watch.click(watch_cartpole, inputs=episode_seed, outputs=[animation, cart_text],
                    api_name="playground_cartpole_watch", api_visibility="private", preprocess=False)
        training = train_live.click(train_cartpole, inputs=seconds, outputs=[animation, cart_text, cart_curve],
                                    api_name="playground_cartpole_train", api_visibility="private",
                                    preprocess=False, concurrency_limit=2)
        stop.click(None, cancels=[training], api_name="playground_cartpole_stop", api_visibility="private",
                   queue=False)


def _grid_results(grid_text, algorithm, episodes, seed: int = 0):
    grid = gridworld.check_grid(grid_text)
    values, policy = gridworld.value_iteration(grid)
    algorithm = GRID_ALGORITHM.check(algorithm)
    learnt = gridworld.learn(grid, EPISODES.check(episodes), algorithm=algorithm, seed=SEED.check(seed),
                             **({"alpha": 0.1, "epsilon": 0.05} if algorithm == "sarsa" else {}))
    return grid, values, policy, learnt


GRID_CELL = 48  # pixels a cell in the gridworld's pictures


@ui.handler
def show_optimum(grid_text):
    from playground import pictures

    grid = gridworld.check_grid(grid_text)
    return pictures.values_and_policy(grid, *gridworld.value_iteration(grid), cell=GRID_CELL)


@ui.handler
def toggle_cell(grid_text, evt: gr.SelectData):
    from playground import pictures

    grid = gridworld.check_grid(grid_text)
    column, row = evt.index
    changed = gridworld.toggle(grid, (int(row) // GRID_CELL, int(column) // GRID_CELL))
    values, policy = gridworld.value_iteration(changed)
    return "\n".join(changed.cells), pictures.values_and_policy(changed, values, policy, cell=GRID_CELL)


@ui.handler
def learn_grid(grid_text, algorithm, episodes):
    """Learning shown live: the learnt values and arrows, and the returns, every 100 episodes."""
    import pandas as pd

    from playground import pictures

    grid = gridworld.check_grid(grid_text)
    values, policy = gridworld.value_iteration(grid)
    algorithm, episodes = GRID_ALGORITHM.check(algorithm), EPISODES.check(episodes)
    settings = {"alpha": 0.1, "epsilon": 0.05} if algorithm == "sarsa" else {}
    decision = np.array([[ch not in "#GT" for ch in row] for row in grid.cells])
    optimum = pictures.values_and_policy(grid, values, policy, cell=GRID_CELL)
    for learnt in gridworld.learning(grid, episodes, every=100, algorithm=algorithm, **settings):
        learnt_values, learnt_policy = learnt.q.max(axis=2), learnt.q.argmax(axis=2)
        agree = float(np.mean([np.isclose(values[cell], _value_of_action(grid, values, cell, learnt_policy))
                               for cell in zip(*np.nonzero(decision), strict=True)]))
        path = gridworld.greedy_path(grid, learnt_policy)
        reached = grid.at(path[-1]) == "G"
        text = message("playground.grid.result", agree=percent(agree),
                       path=message("playground.grid.reached" if reached else "playground.grid.not_reached",
                                    steps=len(path) - 1))
        curve = pd.DataFrame({"episode": np.arange(1, len(learnt.returns) + 1), "return": learnt.returns})
        yield (pictures.values_and_policy(grid, np.where(decision, learnt_values, 0.0), learnt_policy,
                                          cell=GRID_CELL), optimum, gr.LinePlot(value=curve), text)


def _value_of_action(grid, values, cell, policy, gamma: float = 0.95) -> float:
    """The value of taking the learnt action in ``cell`` and the optimum after: equal to the optimal
    value exactly where the learnt action is an optimal one."""
    landed, reward, ended = grid.move(cell, int(policy[cell]))
    return reward + (0.0 if ended else gamma * values[landed])


def gridworld_api(grid: list[str] | None = None, algorithm: str = "q_learning", episodes: int = 1500,
                  seed: int = 0) -> dict:
    """Learn a gridworld (rows of ``.`` free, ``#`` wall, ``S`` start, ``G`` goal, ``T`` trap; the
    default grid if none) by Q-learning or SARSA; the learnt values and policy (arrows), each
    episode's return, and value iteration's optimum beside them."""
    grid_checked, values, policy, learnt = _grid_results(grid or list(gridworld.DEFAULT_GRID), algorithm, episodes,
                                                         seed)
    arrows = lambda chosen: ["".join(gridworld.ARROWS[int(a)] if ch not in "#GT" else ch  # noqa: E731
                                     for a, ch in zip(row, cells, strict=True))
                             for row, cells in zip(chosen, grid_checked.cells, strict=True)]
    return {"values": np.round(learnt.q.max(axis=2), 4).tolist(), "policy": arrows(learnt.q.argmax(axis=2)),
            "returns": [round(r, 4) for r in learnt.returns], "optimal_values": np.round(values, 4).tolist(),
            "optimal_policy": arrows(policy)}


@ui.handler
def watch_cartpole(seed):
    from playground import cartpole, pictures, policy

    episode = cartpole.play(policy.load(), seed=SEED.check(seed))
    path = tempfile.NamedTemporaryFile(suffix=".gif", delete=False).name
    with open(path, "wb") as handle:
        handle.write(pictures.cartpole_animation(episode.observations))
    return path, message("playground.cartpole.result", total=int(episode.total))


@ui.handler
def train_cartpole(seconds):
    import pandas as pd

    from playground import cartpole, pictures

    budget = LIVE_SECONDS.check(seconds)
    agent = cartpole.Policy()
    shown, last = [], time.monotonic()
    for progress in cartpole.reinforce(agent, episodes=10**6, seconds=budget, seed=int(time.time()) % 1000):
        shown.append({"episode": progress.episode, "return": progress.total})
        if time.monotonic() - last > 0.5:
            last = time.monotonic()
            yield gr.skip(), message("playground.cartpole.training", episode=progress.episode,
                                     mean=number(progress.mean_last_20, ".0f"),
                                     elapsed=number(progress.elapsed, ".0f")), gr.LinePlot(value=pd.DataFrame(shown))
    episode = cartpole.play(agent, seed=0)
    path = tempfile.NamedTemporaryFile(suffix=".gif", delete=False).name
    with open(path, "wb") as handle:
        handle.write(pictures.cartpole_animation(episode.observations))
    yield path, message("playground.cartpole.trained", episodes=len(shown), total=int(episode.total)), \
        gr.LinePlot(value=pd.DataFrame(shown))


def cartpole_api(seed: int = 0) -> dict:
    """One episode of CartPole-v1 from the seeded start, played by the shipped agent: its return
    and every frame's state (cart position, cart speed, pole angle, pole turning speed)."""
    from playground import cartpole, policy

    episode = cartpole.play(policy.load(), seed=SEED.check(seed))
    return {"return": episode.total, "steps": len(episode.actions),
            "frames": np.round(episode.observations, 5).tolist(), "actions": episode.actions.tolist()}
