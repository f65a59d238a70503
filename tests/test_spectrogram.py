"""The mel spectrogram pictures (shared.spectrogram): the power against librosa, and what the
picture shows (its decibels, time axis, pitch ticks, colour scale and layout) read back from the
figure instead of guessed from pixels."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from shared import spectrogram

RATE = 22050


def power_with_known_levels(frames: int = 40) -> tuple[np.ndarray, float]:
    """A (mels, frames) power whose levels relative to the reference run from +10 dB (above the
    scale's top) through −75 dB (inside the range, below a top_db of 80 under the maximum) to
    −120 dB (below the floor)."""
    reference = 4.0
    levels_db = np.linspace(10.0, -120.0, spectrogram.N_MELS * frames).reshape(spectrogram.N_MELS, frames)
    return reference * 10.0 ** (levels_db / 10.0), reference


@pytest.mark.parametrize("rate", [16000, 44100])  # not librosa's default rate, 22 050 Hz
def test_mel_power_is_float32_and_librosa_s_mel_spectrogram_of_the_channels_average(rate):
    rng = np.random.default_rng(0)
    stereo = rng.normal(0.0, 0.1, (2, rate)).astype(np.float64)
    ours = spectrogram.mel_power(stereo, rate)
    assert ours.dtype == np.float32  # the samples are read as float32 whatever they come as
    expected = librosa.feature.melspectrogram(y=stereo.astype(np.float32).mean(axis=0), sr=rate, n_fft=2048,
                                              hop_length=1024, n_mels=128, fmax=rate / 2)
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-9)


def test_the_picture_shows_decibels_below_the_reference_clipped_to_the_80_db_scale():
    power, reference = power_with_known_levels()
    image = spectrogram.draw(power, RATE, reference, time_label="t", frequency_label="f").axes[0].images[0]
    expected = np.clip(10.0 * np.log10(power / reference), -80.0, 0.0)
    np.testing.assert_allclose(np.asarray(image.get_array()), expected, atol=1e-4)
    assert image.get_clim() == (-80.0, 0.0)
    assert image.get_cmap().name == "magma" and image.origin == "lower" and image.get_interpolation() == "nearest"


def test_a_quiet_part_keeps_the_scale_of_the_reference_so_it_looks_darker():
    """The colour scale is fixed at [−80, 0] dB below the reference, not stretched to the picture's
    own levels: a part between −50 and −20 dB uses only the dark middle of the colours."""
    quiet = np.full((spectrogram.N_MELS, 30), 1.0)
    quiet[:, ::2] = 1e-3  # −20 and −50 dB below a reference of 100
    image = spectrogram.draw(quiet, RATE, 100.0, time_label="t", frequency_label="f").axes[0].images[0]
    assert image.get_clim() == (-80.0, 0.0)
    assert np.asarray(image.get_array()).min() == pytest.approx(-50.0)


@pytest.mark.parametrize("start", [None, 2.5])
def test_the_time_axis_runs_from_the_start_for_the_frames_hop_seconds(start):
    power, reference = power_with_known_levels(frames=40)  # 40 frames, not the 128 mels
    settings = {} if start is None else {"start": start}
    figure = spectrogram.draw(power, RATE, reference, time_label="time (s)", frequency_label="pitch", **settings)
    axes = figure.axes[0]
    begin = start or 0.0
    assert axes.images[0].get_extent() == pytest.approx([begin, begin + 40 * 1024 / RATE, 0, 128])
    assert axes.get_aspect() == "auto"
    assert axes.get_xlabel() == "time (s)" and axes.get_ylabel() == "pitch"


@pytest.mark.parametrize("rate, labels", [
    (16000, ["100", "250", "500", "1k", "2k", "4k"]),  # 8 kHz is the top edge itself: no tick there
    (22050, ["100", "250", "500", "1k", "2k", "4k", "8k"]),
    (44100, ["100", "250", "500", "1k", "2k", "4k", "8k", "16k"]),
])
def test_the_pitch_ticks_sit_at_their_frequencies_on_the_mel_rows(rate, labels):
    power, reference = power_with_known_levels()
    axes = spectrogram.draw(power, rate, reference, time_label="t", frequency_label="f").axes[0]
    assert [tick.get_text() for tick in axes.get_yticklabels()] == labels
    hertz = [int(label[:-1]) * 1000 if label.endswith("k") else int(label) for label in labels]
    centres = librosa.mel_frequencies(n_mels=128, fmax=rate / 2)
    np.testing.assert_allclose(axes.get_yticks(), np.interp(hertz, centres, np.arange(128)))


def test_the_picture_is_900_by_260_with_a_thin_db_colour_bar_beside_the_axes_and_nothing_cut_off():
    power, reference = power_with_known_levels()
    figure = spectrogram.draw(power, RATE, reference, time_label="time (s)", frequency_label="pitch")
    pixels = spectrogram.render(power, RATE, reference, time_label="time (s)", frequency_label="pitch")
    assert pixels.shape == (260, 900, 3) and pixels.dtype == np.uint8
    figure.canvas.draw()
    axes, bar = figure.axes
    assert bar.get_ylabel() == "dB"
    assert bar.collections or bar.images  # the colour ramp itself
    axes_box, bar_box = axes.get_position(), bar.get_position()
    assert axes_box.width > 0.8  # the layout gives the spectrogram the width, not empty margins
    assert bar_box.width < 0.05 and 0 <= bar_box.x0 - axes_box.x1 < 0.02
    drawn = figure.get_tightbbox(figure.canvas.get_renderer())
    assert drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= 9 + 1e-6 and drawn.y1 <= 2.6 + 1e-6


@pytest.mark.parametrize("start", [None, 2.5])
def test_the_pixels_are_those_of_the_figure_with_its_labels_and_start(start):
    power, reference = power_with_known_levels()
    settings = {} if start is None else {"start": start}
    figure = spectrogram.draw(power, RATE, reference, time_label="czas (s)", frequency_label="wysokość",
                              start=start or 0.0)
    figure.canvas.draw()
    expected = np.asarray(figure.canvas.buffer_rgba())[..., :3]
    shown = spectrogram.render(power, RATE, reference, time_label="czas (s)", frequency_label="wysokość", **settings)
    assert np.array_equal(shown, expected)
    other_labels = spectrogram.render(power, RATE, reference, time_label="time", frequency_label="pitch", **settings)
    assert not np.array_equal(shown, other_labels)
