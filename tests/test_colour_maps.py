"""The colour tables against matplotlib's linear colour maps, which interpolate the same way."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.colors import LinearSegmentedColormap

from shared.colour_maps import DIVERGING, HEAT, colour, gradient


@pytest.mark.parametrize(
    "anchors",
    [[(0, 0, 0), (255, 255, 255)], [(10, 200, 30), (250, 0, 128), (3, 90, 255)], [(1, 2, 3)] * 2 + [(200, 100, 50)]],
)
def test_a_gradient_is_matplotlibs_linear_map_through_the_same_anchors(anchors):
    table = gradient(anchors)
    reference = LinearSegmentedColormap.from_list("anchors", np.array(anchors) / 255.0, N=256)(np.arange(256))[:, :3]
    assert table.shape == (256, 3) and table.dtype == np.uint8
    assert np.abs(table.astype(int) - np.round(reference * 255).astype(int)).max() <= 1
    assert tuple(table[0]) == anchors[0] and tuple(table[-1]) == anchors[-1]


def test_the_shipped_tables_run_dark_to_bright_and_blue_through_white_to_red():
    brightness = HEAT.astype(float) @ [0.299, 0.587, 0.114]
    assert np.all(np.diff(brightness) > 0)
    assert tuple(DIVERGING[0]) == (33, 102, 172) and tuple(DIVERGING[-1]) == (178, 24, 43)
    assert np.all(DIVERGING[127:129] >= 240)


def test_values_pick_the_nearest_of_the_256_entries_and_nan_or_out_of_range_are_clamped():
    table = np.arange(256 * 3, dtype=np.int64).reshape(256, 3)  # every entry different
    values = np.array([[0.0, 1.0, 0.5], [np.nan, -3.0, 7.0]])
    out = colour(values, table)
    assert out.shape == (2, 3, 3)
    expected_rows = [[0, 255, 128], [0, 0, 255]]  # 0.5 * 255 = 127.5 rounds to 128
    assert np.array_equal(out, table[np.array(expected_rows)])
    assert np.array_equal(colour([0.2, 0.6], table), table[[round(0.2 * 255), round(0.6 * 255)]])
