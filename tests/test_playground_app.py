"""The playground through the running suite: its three API endpoints, with good and bad input, in
both languages."""

from __future__ import annotations

import httpx
import numpy as np
import pytest
from gradio_client import Client

from shared import i18n


@pytest.fixture(scope="module")
def clients(serve_app):
    url = serve_app(["playground"])
    return {language: Client(url, verbose=False, headers={"Accept-Language": language}) for language in ("pl", "en")}


def test_the_spiral_with_the_defaults_through_the_api(clients):
    result = clients["en"].predict(api_name="/playground_train")
    assert result["steps"] == 2000 and result["test_accuracy"] >= 0.95
    assert result["test_loss"] >= result["train_loss"] * 0.5


def test_regression_and_clustering_through_the_api(clients):
    fitted = clients["en"].predict(task="regression", dataset="sine", layers=2, neurons=16, steps=1500,
                                   api_name="/playground_train")
    assert fitted["held_out_error"] < 0.1
    grouped = clients["en"].predict(task="clustering", dataset="gauss", classes=4, k=4, api_name="/playground_train")
    assert grouped["ari"] >= 0.9 and len(grouped["centres"]) == 4
    mine = clients["en"].predict(task="clustering", dataset="mine", points=[[-3, -3], [-3.2, -2.9], [3, 3], [3.1, 2.8]],
                                 k=2, api_name="/playground_train")
    assert mine["ari"] is None and sorted(round(c[0]) for c in mine["centres"]) == [-3, 3]


def test_the_three_ways_of_grouping_through_the_api(clients):
    by = {method: clients["en"].predict(task="clustering", dataset="moons", k=2, method=method,
                                        api_name="/playground_train") for method in ("kmeans", "dbscan", "network")}
    assert by["network"]["ari"] >= 0.95 > 0.5 > by["kmeans"]["ari"]
    assert len(by["network"]["groups"]) == 400 and set(by["network"]["groups"]) == {0, 1}
    assert by["network"]["loss"] < 0.01 and "centres" in by["kmeans"] and min(by["dbscan"]["groups"]) >= -1
    with pytest.raises(Exception) as refused:
        clients["pl"].predict(task="clustering", method="network", neighbours=1, api_name="/playground_train")
    name = i18n.message("playground.cluster.neighbours.name", "pl")
    assert i18n.message("shared.number.out_of_range", "pl", name=name, low=2, high=30, value=1) in str(refused.value)


@pytest.mark.parametrize("language", ["pl", "en"])
def test_your_own_curve_points_are_fitted_and_bad_ones_refused(clients, language):
    points = [[x / 2, float(np.sin(x / 2))] for x in range(-10, 11)]
    fitted = clients[language].predict(task="regression", dataset="mine", points=points, steps=800,
                                       api_name="/playground_train")
    assert fitted["train_error"] < 0.05 and fitted["held_out_error"] < 0.1
    for bad, key, values in (([[0, 0], [1, 1]], "playground.regression.too_few", {"count": 3}),
                             ([[0, 0], [1, 1], [2, 3]], "playground.regression.off_picture", {"x": 5, "y": 2.5})):
        with pytest.raises(Exception) as refused:
            clients[language].predict(task="regression", dataset="mine", points=bad, api_name="/playground_train")
        assert i18n.message(key, language, **values) in str(refused.value)


def test_your_own_points_are_learnt(clients):
    points = [[x / 2 - 5, y / 2 - 5, int(x > 10)] for x in range(0, 21, 2) for y in range(0, 21, 4)]
    result = clients["en"].predict(dataset="mine", points=points, steps=300, api_name="/playground_train")
    assert result["train_accuracy"] >= 0.9


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize(("points", "key", "values"), [
    ([[0, 0, 0], [7, 0, 1]], "playground.data.off_canvas", {"limit": 6}),
    ([], "playground.data.empty", {}),
    ([[0, 0, 1], [1, 1, 1]], "playground.data.one_class", {}),
    # JSON has no NaN (gradio_client refuses to send one): a client that means it sends "NaN"
    ([[0, "NaN", 0], [1, 1, 1]], "playground.data.not_finite", {}),
    ([[0, "inf", 0], [1, 1, 1]], "playground.data.not_finite", {}),
])
def test_bad_points_are_refused_in_words(clients, language, points, key, values):
    with pytest.raises(Exception) as refused:
        clients[language].predict(dataset="mine", points=points, api_name="/playground_train")
    assert i18n.message(key, language, **values) in str(refused.value)


def test_too_many_points_are_refused_in_words(clients):
    one_too_many = [[0.0, 0.0, n % 2] for n in range(2001)]
    with pytest.raises(Exception) as refused:
        clients["pl"].predict(dataset="mine", points=one_too_many, api_name="/playground_train")
    assert i18n.message("playground.data.too_many", "pl", count=2001, limit=2000) in str(refused.value)


def test_a_million_points_are_turned_away_at_the_door(clients, serve_app):
    """10⁶ points are about 20 MB of JSON: the door answers before anything reads them."""
    base = serve_app(["playground"])
    info = httpx.get(f"{base}gradio_api/info").json()["named_endpoints"]["/playground_train"]
    million = [[0.0, 0.0, n % 2] for n in range(10**6)]
    data = [million if p["parameter_name"] == "points" else p["parameter_default"] for p in info["parameters"]]
    config = httpx.get(f"{base}config").json()
    index = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "playground_train")
    answer = httpx.post(f"{base}gradio_api/queue/join", headers={"Accept-Language": "pl"},
                        json={"data": data, "fn_index": index, "session_hash": "million"})
    assert answer.status_code == 413 and answer.json()["detail"] == i18n.message("shared.request.too_large", "pl")
    served = clients["en"].predict(task="clustering", dataset="gauss", classes=4, k=4, api_name="/playground_train")
    assert served["ari"] >= 0.9


def test_the_gridworld_endpoint_learns_the_optimal_way(clients):
    result = clients["en"].predict(api_name="/rl_gridworld")
    assert len(result["returns"]) == 1500 and result["returns"][-1] > result["returns"][0]
    assert result["policy"][7][7] == "G" and len(result["values"]) == 8
    assert result["optimal_policy"][0][0] in "→↓"
    with pytest.raises(Exception) as refused:
        clients["pl"].predict(grid=["S.X", "..G"], api_name="/rl_gridworld")
    assert i18n.message("playground.grid.unknown_cell", "pl") in str(refused.value)


def test_the_cartpole_endpoint_plays_the_shipped_agent(clients):
    result = clients["en"].predict(seed=7, api_name="/rl_cartpole_episode")
    assert result["return"] == result["steps"] == len(result["frames"]) == len(result["actions"])
    assert result["return"] >= 475 and len(result["frames"][0]) == 4
