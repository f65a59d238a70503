"""Numbers that say how good a separation is, or how loud a part is."""

from __future__ import annotations

import numpy as np

_TINY = 1e-12


def signal_to_distortion_ratio(reference: np.ndarray, estimate: np.ndarray) -> float:
    """SDR in dB: the reference's energy over the energy of what the estimate got wrong.

    The plain definition used by the Music Demixing challenges (no allowed filtering, unlike
    BSS Eval's), so it cannot be gamed by a scaled or delayed copy. 0 dB means the error is
    as loud as the source; every +10 dB divides the error's energy by 10.
    """
    reference = np.asarray(reference, dtype=np.float64)
    estimate = np.asarray(estimate, dtype=np.float64)
    error = np.sum((reference - estimate) ** 2)
    return float(10 * np.log10((np.sum(reference**2) + _TINY) / (error + _TINY)))


def level_db(samples: np.ndarray) -> float:
    """Root-mean-square level in dB relative to full scale (a full-scale sine is -3 dB)."""
    rms = np.sqrt(np.mean(np.asarray(samples, dtype=np.float64) ** 2))
    return float(20 * np.log10(rms + _TINY))
