"""How well the shipped models recognise digits: the dataset's official test split, per speaker.

``python -m shared.evaluate --demos spoken_digits`` runs ``evaluate()``; the leave-one-speaker-out
numbers need training (``train.py --loso``) and are read from metrics.json.
"""

from __future__ import annotations

import numpy as np

DATASET = "fsdd"


def scores(predicted: np.ndarray, labels: np.ndarray, speakers: np.ndarray) -> dict:
    """Accuracy, the confusion matrix (rows: the digit said, columns: the answer) and accuracy per speaker."""
    predicted, labels, speakers = np.asarray(predicted), np.asarray(labels), np.asarray(speakers)
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (labels, predicted), 1)
    return {"accuracy": float((predicted == labels).mean()), "confusion": confusion.tolist(),
            "per_speaker": {s: float((predicted[speakers == s] == labels[speakers == s]).mean())
                            for s in sorted(set(speakers.tolist()))}}


def evaluate(limit: int | None = None) -> list[dict]:
    """Every shipped model on the official test split (the first ``limit`` clips of it with
    ``limit``), with the leave-one-speaker-out mean that train.py measured beside it."""
    from spoken_digits import data, predict

    _, testing = data.official_split(data.list_recordings())
    testing = testing[::max(1, len(testing) // limit)][:limit] if limit else testing
    clips, labels = data.read_prepared(testing)
    speakers = np.array([r.speaker for r in testing])
    recorded = predict.read_metrics()
    results = []
    for name in predict.MODELS:
        predicted = predict.logits(predict.load(name), clips).argmax(dim=1).numpy()
        measured = scores(predicted, labels, speakers)
        loso = recorded.get(name, {}).get("loso", {})
        results.append({"model": f"spoken_digits/{name}", "dataset": "fsdd", "test_clips": len(testing),
                        "official_test_accuracy": measured["accuracy"],
                        "per_speaker": measured["per_speaker"],
                        "leave_one_speaker_out_mean": loso.get("mean"),
                        "leave_one_speaker_out_worst": loso.get("worst")})
    return results
