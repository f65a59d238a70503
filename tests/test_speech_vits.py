"""The speech tab's VITS: tiny VitsModels of the real class with hand-written Polish and English
vocabularies (built in ``speech_tiny_vits``), loaded through the production loader.

The waveform equals what ``VitsModel.forward`` gives on its own with the same seed and settings,
bit for bit; the durations are the ones that run used (the latent it decoded is rebuilt from them);
they add up to the waveform's length, and so do the strip's cells; the tokens are the tokenizer's,
blanks between the characters; a faster speaking rate gives fewer frames, five seeds five rhythms;
bad text and settings are refused in words in both languages."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from conftest import local_models, refused, register_texts
from speech_tiny_vits import build_english_folder, build_polish_folder

from shared import models
from speech import alignment, vits

register_texts("speech")
POLISH = "Zażółć gęślą jaźń, Ala ma kota."
ENGLISH = "Good morning, this is a test."


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("vits")
    return {"pl": build_polish_folder(root / "pl"), "en": build_english_folder(root / "en")}


@pytest.fixture(scope="module")
def readers(folders):
    with local_models(speech_pl=folders["pl"], speech_en=folders["en"]):
        yield {"pl": vits.load_reader("pl"), "en": vits.load_reader("en")}


@pytest.fixture(scope="module")
def plain(folders):
    """The Polish folder loaded by transformers itself, without the tab: the library's answer."""
    from transformers import VitsModel, VitsTokenizer

    from shared.device import pick_device

    model = VitsModel.from_pretrained(folders["pl"]).to(pick_device()).eval()  # where the tab runs it
    return model, VitsTokenizer.from_pretrained(folders["pl"])


def polish(call) -> str:
    """The Polish text of the LabError that ``call()`` raises (``refused`` gives the English one)."""
    from shared.errors import LabError

    with pytest.raises(LabError) as caught:
        call()
    return caught.value.text("pl")


def library_waveform(plain, text, *, speaking_rate, noise_scale, noise_scale_duration, seed):
    """VitsModel's own forward, its settings set where it reads them, seeded as the tab seeds."""
    model, tokenizer = plain
    model.speaking_rate, model.noise_scale, model.noise_scale_duration = speaking_rate, noise_scale, \
        noise_scale_duration
    torch.manual_seed(seed)
    with torch.no_grad():
        output = model(**tokenizer(text, return_tensors="pt").to(model.device))
    return output.waveform[0].cpu().numpy(), int(output.sequence_lengths[0])


# ---------------------------------------------------------------- loading


def test_the_production_loader_loads_the_real_classes_and_caches_them(readers, folders):
    from transformers import VitsModel, VitsTokenizer

    reader = readers["pl"]
    assert isinstance(reader.model, VitsModel) and isinstance(reader.tokenizer, VitsTokenizer)
    assert not reader.model.training
    assert reader.tokenizer.add_blank and not reader.tokenizer.phonemize
    with local_models(speech_pl=folders["pl"]):
        assert vits.load_reader("pl") is vits.load_reader("pl")
        assert models.is_loaded("speech_pl", str(folders["pl"]))
    polish_letters = "ą" in readers["pl"].tokenizer.encoder, "ą" in readers["en"].tokenizer.encoder
    assert polish_letters == (True, False)


def test_the_defaults_are_those_of_vits_config_and_so_of_mms_tts():
    from transformers import VitsConfig

    config = VitsConfig()
    assert vits.SPEAKING_RATE.default == config.speaking_rate == 1.0
    assert vits.NOISE_SCALE.default == config.noise_scale == 0.667
    assert vits.NOISE_SCALE_DURATION.default == config.noise_scale_duration == 0.8
    assert int(np.prod(config.upsample_rates)) == 256


# ---------------------------------------------------------------- the run against the library


@pytest.mark.parametrize("speaking_rate, noise_scale, noise_scale_duration, seed",
                         [(1.0, 0.667, 0.8, 0), (1.5, 0.3, 1.2, 7), (0.5, 0.0, 0.0, 123), (2.0, 1.5, 1.5, 2**32 - 1)])
def test_the_waveform_is_the_librarys_own_bit_for_bit(readers, plain, speaking_rate, noise_scale, noise_scale_duration,
                                                      seed):
    speech = vits.synthesize(readers["pl"], POLISH, speaking_rate=speaking_rate, noise_scale=noise_scale,
                             noise_scale_duration=noise_scale_duration, seed=seed)
    expected, samples = library_waveform(plain, POLISH, speaking_rate=speaking_rate, noise_scale=noise_scale,
                                         noise_scale_duration=noise_scale_duration, seed=seed)
    assert speech.waveform.dtype == np.float32
    np.testing.assert_array_equal(speech.waveform, expected)
    assert len(speech.waveform) == samples == int(speech.frames.sum()) * speech.hop
    assert speech.rate == 16000 and speech.hop == 16  # the tiny config's 4 × 4
    assert speech.settings == vits.Settings(speaking_rate, noise_scale, noise_scale_duration) and speech.seed == seed


def test_the_durations_are_the_ones_the_decoder_was_given(readers):
    """With noise_scale 0 the latent is the flow (reversed) of the text encoder's means, each
    repeated for its token's frames: rebuilt from our frames, it is the latent the run decoded."""
    reader = readers["pl"]
    speech = vits.synthesize(reader, POLISH, noise_scale=0.0, seed=5)
    model, tokenizer = reader.model, reader.tokenizer
    device = model.device
    ids = torch.tensor([tokenizer(POLISH)["input_ids"]], device=device)
    with torch.no_grad():
        encoded = model.text_encoder(input_ids=ids, padding_mask=torch.ones(1, ids.shape[1], 1, device=device))
        means = encoded.prior_means[0]  # (tokens, channels)
        expanded = torch.repeat_interleave(means, torch.from_numpy(speech.frames).to(device), dim=0).T[None]
        latent = model.flow(expanded, torch.ones(1, 1, expanded.shape[2], device=device), None, reverse=True)
    np.testing.assert_allclose(speech.latent, latent[0].cpu().numpy(), rtol=1e-5, atol=1e-5)
    one_frame_off = speech.frames.copy()
    one_frame_off[np.argmax(one_frame_off)] -= 1
    one_frame_off[0] += 1
    assert not np.array_equal(one_frame_off, speech.frames)


def test_tokens_are_the_tokenizers_with_blanks_between_the_characters(readers):
    reader = readers["pl"]
    speech = vits.synthesize(reader, "Ala ma kota", seed=1)
    assert speech.ids == reader.tokenizer("Ala ma kota")["input_ids"]
    assert len(speech.ids) == 2 * len("Ala ma kota") + 1
    assert speech.ids[0::2] == [0] * (len("Ala ma kota") + 1)
    assert speech.blanks == [index % 2 == 0 for index in range(len(speech.ids))]
    assert "".join(speech.tokens[1::2]) == "ala␣ma␣kota"
    assert set(speech.tokens[0::2]) == {vits.BLANK_SHOWN}
    assert len(speech.frames) == len(speech.ids) and (speech.frames >= 1).all()
    np.testing.assert_allclose(speech.seconds_per_token, speech.frames * 16 / 16000)


def test_a_letter_that_shares_the_blanks_id_is_still_a_letter(readers):
    """In mms-tts-pol id 0 is the letter "w", its pad token, which is also the blank's id."""
    speech = vits.synthesize(readers["pl"], "wow", seed=0)
    # transformers splits the text at the pad token before it inserts blanks: no blanks around "w"
    assert speech.ids == readers["pl"].tokenizer("wow")["input_ids"] == [0, 0, 23, 0, 0]
    assert speech.tokens == ["w", "·", "o", "·", "w"]
    assert speech.blanks == [False, True, False, True, False]
    sentence = vits.synthesize(readers["pl"], "ala w domu", seed=0)
    assert "".join(t for t, blank in zip(sentence.tokens, sentence.blanks, strict=True) if not blank) == "ala␣w␣domu"
    assert sum(sentence.blanks) == len(sentence.ids) - len("ala w domu")
    cells = alignment.cells(sentence)
    assert cells[-1].end == len(sentence.waveform)


def test_a_faster_speaking_rate_gives_fewer_frames(readers):
    slow = vits.synthesize(readers["pl"], POLISH, speaking_rate=1.0, seed=3)
    fast = vits.synthesize(readers["pl"], POLISH, speaking_rate=2.0, seed=3)
    assert fast.frames.sum() < slow.frames.sum()
    assert (fast.frames <= slow.frames).all()  # the same sampled durations, halved before rounding up
    assert len(fast.waveform) < len(slow.waveform)


def test_five_seeds_give_five_rhythms_each_the_run_of_its_seed(readers):
    runs = vits.five_seeds(readers["pl"], POLISH, seed=10)
    assert [run.seed for run in runs] == [10, 11, 12, 13, 14]
    assert len({tuple(run.frames) for run in runs}) == 5
    assert {tuple(run.ids) for run in runs} == {tuple(runs[0].ids)}
    np.testing.assert_array_equal(runs[2].waveform, vits.synthesize(readers["pl"], POLISH, seed=12).waveform)


def test_five_seeds_take_one_sentence_not_a_paragraph(readers):
    assert "the limit is 200" in refused(lambda: vits.five_seeds(readers["pl"], "ala ma kota " * 20))
    assert "limit to 200" in polish(lambda: vits.five_seeds(readers["en"], "good " * 41))
    assert "Write something" in refused(lambda: vits.five_seeds(readers["en"], ""))
    assert "between" in refused(lambda: vits.five_seeds(readers["pl"], POLISH, seed=2**32 - 2))


def test_without_rhythm_noise_every_seed_has_the_same_durations(readers):
    runs = [vits.synthesize(readers["pl"], POLISH, noise_scale_duration=0.0, seed=s) for s in (0, 1, 2)]
    assert len({tuple(run.frames) for run in runs}) == 1
    without_any_noise = [vits.synthesize(readers["pl"], POLISH, noise_scale=0, noise_scale_duration=0, seed=s)
                         for s in (0, 1)]
    np.testing.assert_array_equal(without_any_noise[0].waveform, without_any_noise[1].waveform)


def test_english_speaks_with_its_own_vocabulary(readers):
    speech = vits.synthesize(readers["en"], "Zażółć good", seed=0)
    assert speech.dropped == ["ż", "ó", "ł", "ć"]
    assert "".join(speech.tokens[1::2]) == "za␣good"
    assert int(speech.frames.sum()) * speech.hop == len(speech.waveform)


# ---------------------------------------------------------------- what the tokenizer drops


def test_characters_outside_the_vocabulary_are_reported_once_each(readers):
    speech = vits.synthesize(readers["pl"], "Mam 2 koty 🐈🐈 i 12 psów!", seed=0)
    assert speech.dropped == ["2", "🐈", "1", "!"]
    assert speech.dropped_digits
    assert "numbers as words" in vits.dropped_note(speech, "en")
    assert "słowami" in vits.dropped_note(speech, "pl")
    assert vits.dropped_note(speech, "en").endswith(": 2 🐈 1")  # punctuation is not worth a line
    plain_speech = vits.synthesize(readers["pl"], "ALA ma kota.", seed=0)
    assert plain_speech.dropped == ["."] and not plain_speech.dropped_digits  # capitals are lower-cased
    assert vits.dropped_note(plain_speech, "en") is None  # a full stop is dropped, as expected, without a word
    emoji = vits.synthesize(readers["pl"], "ala ma kota 🐈", seed=0)
    assert "numbers" not in vits.dropped_note(emoji, "en") and "🐈" in vits.dropped_note(emoji, "en")
    assert vits.dropped_note(vits.synthesize(readers["pl"], "ala ma kota", seed=0)) is None


# ---------------------------------------------------------------- bad input, in both languages


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("text, english, polish_words", [
    ("", "Write something", "Napisz coś"),
    ("  \n ", "Write something", "Napisz coś"),
    ("a" * 10**5, "the limit is 400", "limit to 400"),
    ("a" * 401, "the limit is 400", "limit to 400"),
    ("😀🎉👍", "Nothing here for the model to read", "nie ma tu czego"),
    ("123 456", "numbers as words", "liczby słowami"),
    (None, "Write something", "Napisz coś"),
])
def test_bad_text_is_refused_in_words(readers, language, text, english, polish_words):
    assert english in refused(lambda: vits.synthesize(readers[language], text))
    assert polish_words in polish(lambda: vits.synthesize(readers[language], text))


@pytest.mark.parametrize("language", ["pl", "en"])
@pytest.mark.parametrize("setting, value, english", [
    ("speaking_rate", float("nan"), "finite"), ("speaking_rate", 0.0, "between 0.5 and 2"),
    ("speaking_rate", 2.5, "between 0.5 and 2"), ("noise_scale", float("inf"), "finite"),
    ("noise_scale", -0.1, "between 0 and 1.5"), ("noise_scale_duration", float("nan"), "finite"),
    ("noise_scale_duration", 1.6, "between 0 and 1.5"), ("seed", -1, "between"), ("seed", 1.5, "whole"),
    ("speaking_rate", "fast", "number"),
])
def test_bad_settings_are_refused_in_words(readers, language, setting, value, english):
    call = lambda: vits.synthesize(readers[language], ENGLISH, **{setting: value})  # noqa: E731
    assert english in refused(call)
    assert polish(call) != refused(call)


def test_an_unknown_language_is_refused_in_words():
    assert "pl, en" in refused(lambda: vits.load_reader("de"))


# ---------------------------------------------------------------- pictures and the summary


def test_the_strips_cells_cover_exactly_the_waveform(readers):
    speech = vits.synthesize(readers["pl"], POLISH, seed=4)
    cells = alignment.cells(speech)
    assert cells[0].start == 0 and cells[-1].end == len(speech.waveform)
    assert all(a.end == b.start for a, b in zip(cells, cells[1:], strict=False))
    assert [cell.end - cell.start for cell in cells] == list(speech.frames * speech.hop)
    assert [cell.label for cell in cells] == speech.tokens and [cell.blank for cell in cells] == speech.blanks


def test_the_pictures_are_rgb_one_column_wide_and_stack_five_seeds(readers):
    speech = vits.synthesize(readers["pl"], POLISH, seed=4)
    one = alignment.alignment_picture(speech, "time (s)", "strip")
    assert one.dtype == np.uint8 and one.ndim == 3 and one.shape[1:] == (900, 3)
    assert (np.abs(one.astype(int) - np.array([0x3A, 0x6E, 0xA5])).sum(axis=2) < 10).any()  # a character's cell
    assert (np.abs(one.astype(int) - 0xE6).sum(axis=2) < 4).any()  # a blank's
    runs = vits.five_seeds(readers["pl"], POLISH, seed=0)
    five = alignment.seeds_picture(runs, "time (s)", [f"seed {run.seed}" for run in runs])
    rows = 5 * (alignment.STACKED_WAVE_INCHES + alignment.STRIP_INCHES) + 0.5
    assert five.shape == (round(rows * alignment.DPI), 900, 3)


def test_the_figure_draws_each_cell_where_its_frames_are_and_labels_the_wide_ones(readers):
    """Read back from the figure: under each waveform (its envelope, on the time axis of the longest
    run) one rectangle per token from its first to its last sample, characters in alternating
    colours and blanks in grey, a label only where the cell is at least 11 pixels wide."""
    from matplotlib.colors import to_hex

    from shared.waveform import envelope

    runs = vits.five_seeds(readers["pl"], POLISH, seed=0)[:2]
    figure = alignment.seeds_figure(runs, "czas (s)", ["seed 0", "seed 1"])
    axes = figure.axes
    assert len(axes) == 4
    seconds = max(len(run.waveform) / run.rate for run in runs)
    for k, run in enumerate(runs):
        wave, strip = axes[2 * k], axes[2 * k + 1]
        assert wave.get_title(loc="left") == f"seed {run.seed}"
        line = wave.get_lines()[0]
        times, values = envelope(np.asarray(run.waveform, dtype=np.float32), run.rate)
        np.testing.assert_allclose(line.get_xdata(), times)
        np.testing.assert_allclose(line.get_ydata(), values)
        assert wave.get_xlim() == pytest.approx((0, seconds)) and wave.get_ylim() == pytest.approx((-1.05, 1.05))
        assert strip.get_xlim() == pytest.approx((0, seconds)) and strip.get_ylim() == pytest.approx((0, 1))
        cells = alignment.cells(run)
        assert len(strip.patches) == len(cells)
        character = 0
        pixels_per_second = 900 * 0.95 / seconds
        labelled = []
        for patch, cell in zip(strip.patches, cells, strict=True):
            assert patch.get_x() == pytest.approx(cell.start / run.rate)
            assert patch.get_width() == pytest.approx((cell.end - cell.start) / run.rate)
            assert (patch.get_y(), patch.get_height()) == (0.0, 1.0)
            expected = alignment.BLANK_COLOUR if cell.blank else alignment.CHARACTER_COLOURS[character % 2]
            character += not cell.blank
            assert to_hex(patch.get_facecolor()) == expected
            if patch.get_width() * pixels_per_second >= alignment.MIN_LABEL_PIXELS:
                labelled.append((cell.label, (cell.start + cell.end) / 2 / run.rate,
                                 alignment.BLANK_TEXT if cell.blank else alignment.CHARACTER_TEXT))
        texts = [(t.get_text(), t.get_position()[0], to_hex(t.get_color())) for t in strip.texts]
        assert len(texts) == len(labelled) and 0 < len(texts) < len(cells)  # the narrowest go unlabelled
        for (text, x, colour), (label, centre, ink) in zip(texts, labelled, strict=True):
            assert text == label and x == pytest.approx(centre) and colour == ink
    assert axes[-1].get_xlabel() == "czas (s)" and axes[1].get_xlabel() == ""


def test_the_figure_is_drawn_for_a_projector(readers):
    """The look the tab promises the back of a lecture hall, read back from the figure: 9 inches at
    100 dpi (the 900-pixel column), letters of 15 points in the cells and 12 for the titles, bare
    strips (no y axis, no frame but the time axis), one time axis shared by every row, only the
    bottom one numbered."""
    from matplotlib.colors import to_hex
    from matplotlib.layout_engine import ConstrainedLayoutEngine
    from matplotlib.text import Text

    runs = vits.five_seeds(readers["pl"], POLISH, seed=0)[:3]
    for shown, wave_inches in ((runs[:1], alignment.WAVE_INCHES), (runs, alignment.STACKED_WAVE_INCHES)):
        figure = alignment.seeds_figure(shown, "czas (s)", ["seed"] * len(shown))
        rows = len(shown)
        assert tuple(figure.get_size_inches()) == pytest.approx((9.0, rows * (wave_inches + 0.75) + 0.5))
        assert figure.get_dpi() == 100 and isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine)
        axes = figure.axes
        assert axes[0].get_subplotspec().get_gridspec().get_height_ratios() == [wave_inches, 0.75] * rows
        assert all(axes[0].get_shared_x_axes().joined(axes[0], other) for other in axes[1:])
        for k, ax in enumerate(axes):
            assert list(ax.get_yticks()) == []
            assert [ax.spines[side].get_visible() for side in ("top", "right", "left", "bottom")] == [
                False, False, False, True]
            numbered = ax.xaxis.get_tick_params(which="major").get("labelbottom", True)
            assert numbered == (k == len(axes) - 1), k
        for wave in axes[::2]:
            (line,) = wave.get_lines()
            assert line.get_linewidth() == 0.6 and to_hex(line.get_color()) == alignment.WAVE_COLOUR
            (title,) = [t for t in wave.get_children() if isinstance(t, Text) and t.get_text() == "seed"]
            assert wave.get_title(loc="left") == "seed" and title.get_fontsize() == 12
        for strip in axes[1::2]:
            assert {(to_hex(p.get_edgecolor()), p.get_linewidth()) for p in strip.patches} == {("#ffffff", 0.5)}
            assert strip.texts and all(
                (t.get_ha(), t.get_va(), t.get_fontsize(), t.get_clip_on(), t.get_position()[1])
                == ("center", "center", 15, True, 0.5) for t in strip.texts)
        assert axes[-1].xaxis.label.get_fontsize() == 12
        assert axes[-1].xaxis.get_tick_params(which="major")["labelsize"] == 11


def test_the_pictures_are_the_figures_drawn(readers):
    """A picture is its figure rendered: the time axis named as asked, and a single run's strip
    without a title unless one is given."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    def rendered(figure):
        FigureCanvasAgg(figure).draw()
        return np.asarray(figure.canvas.buffer_rgba())[..., :3]

    runs = vits.five_seeds(readers["pl"], POLISH, seed=0)[:2]
    np.testing.assert_array_equal(alignment.seeds_picture(runs, "czas (s)", ["a", "b"]),
                                  rendered(alignment.seeds_figure(runs, "czas (s)", ["a", "b"])))
    single = alignment.alignment_picture(runs[0], "czas (s)")
    np.testing.assert_array_equal(single, rendered(alignment.seeds_figure(runs[:1], "czas (s)", [""])))
    assert not np.array_equal(single, rendered(alignment.seeds_figure(runs[:1], "", [""])))


def test_a_cell_carries_its_letter_from_11_pixels_of_the_column_s_95_percent(readers):
    """The label threshold, on a run made by hand: 1000 frames of 1 ms fill one second, drawn over
    95 % of 900 pixels, 0.855 px a frame, so a cell of 13 frames (11.1 px) is labelled and one of 12
    (10.3 px) is not."""
    from types import SimpleNamespace

    frames = [13, 12, 975]
    run = SimpleNamespace(frames=np.array(frames), hop=16, rate=16000, tokens=["a", "b", "c"],
                          blanks=[False, False, False], waveform=np.zeros(16000, np.float32))
    (strip,) = alignment.seeds_figure([run], "t", [""]).axes[1:]
    assert [t.get_text() for t in strip.texts] == ["a", "c"]


def test_the_summary_is_json_and_its_numbers_are_the_runs(readers):
    speech = vits.synthesize(readers["pl"], "Mam 2 koty.", speaking_rate=1.25, noise_scale=0.5, seed=9)
    summary = json.loads(json.dumps(alignment.summary(speech), ensure_ascii=False))
    assert summary["sample_rate"] == 16000 and summary["hop"] == 16
    assert summary["samples"] == len(speech.waveform)
    assert summary["duration_s"] == pytest.approx(len(speech.waveform) / 16000, abs=1e-4)
    assert [c["frames"] for c in summary["characters"]] == list(speech.frames)
    assert sum(c["frames"] for c in summary["characters"]) * summary["hop"] == summary["samples"]
    assert sum(c["seconds"] for c in summary["characters"]) == pytest.approx(summary["duration_s"], abs=1e-3)
    assert [c["char"] for c in summary["characters"]][:4] == ["·", "m", "·", "a"]
    assert summary["dropped"] == ["2", "."] and summary["seed"] == 9
    assert summary["settings"] == {"speaking_rate": 1.25, "noise_scale": 0.5, "noise_scale_duration": 0.8}
    assert [c["blank"] for c in summary["characters"]] == list(speech.blanks)
    assert sum(c["blank"] for c in summary["characters"]) == len(speech.blanks) // 2 + 1  # between and around
    # rounded to 4 places (0.1 ms), not to whole seconds
    assert summary["duration_s"] == round(float(speech.duration_s), 4)
    assert [c["seconds"] for c in summary["characters"]] == [round(float(s), 4) for s in speech.seconds_per_token]
