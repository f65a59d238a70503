"""The classical baseline: 20 MFCCs per frame, their mean and standard deviation over the clip
(40 numbers), then multinomial logistic regression. No network, seconds to train.

The fitted model is stored as plain tensors (the standardisation's mean and scale, the weights
and biases) in a safetensors file, so loading it runs no code, unlike a pickled scikit-learn model.
"""

from __future__ import annotations

import librosa
import numpy as np
import torch

SAMPLE_RATE = 8000
N_MFCC = 20


def mfcc_statistics(waveforms: np.ndarray) -> np.ndarray:
    """(N, 8000) → (N, 40): each clip's MFCC means, then standard deviations."""
    features = []
    for clip in np.asarray(waveforms, dtype=np.float32):
        mfcc = librosa.feature.mfcc(y=clip, sr=SAMPLE_RATE, n_mfcc=N_MFCC, n_fft=256, hop_length=80, n_mels=40)
        features.append(np.concatenate([mfcc.mean(axis=1), mfcc.std(axis=1)]))
    return np.stack(features).astype(np.float32)


def fit(waveforms: np.ndarray, labels: np.ndarray, seed: int = 0) -> dict[str, torch.Tensor]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    features = mfcc_statistics(waveforms)
    scaler = StandardScaler().fit(features)
    classifier = LogisticRegression(C=1.0, max_iter=2000, random_state=seed).fit(scaler.transform(features), labels)
    if list(classifier.classes_) != list(range(10)):
        raise ValueError(f"training labels must cover the digits 0-9, got {classifier.classes_}")
    return {"mean": torch.tensor(scaler.mean_, dtype=torch.float32),
            "scale": torch.tensor(scaler.scale_, dtype=torch.float32),
            "weight": torch.tensor(classifier.coef_, dtype=torch.float32),
            "bias": torch.tensor(classifier.intercept_, dtype=torch.float32)}


def logits(tensors: dict[str, torch.Tensor], waveforms: np.ndarray) -> torch.Tensor:
    features = torch.from_numpy(mfcc_statistics(waveforms))
    return ((features - tensors["mean"]) / tensors["scale"]) @ tensors["weight"].T + tensors["bias"]
