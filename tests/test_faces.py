"""The faces tab's compute: the denoising loop against diffusers' own LDMPipeline on a tiny model
of the same classes, loaded through the tab's loader; seeds, the walk, the filmstrip, Stop."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import torch
from conftest import local_models, register_texts
from faces_tiny import build_ldm_folder

from shared.interpolation import slerp

register_texts("faces")


@pytest.fixture(scope="module")
def pipe(tmp_path_factory):
    from faces import loading

    folder = build_ldm_folder(tmp_path_factory.mktemp("faces") / "ldm")
    with local_models(faces=folder):
        yield loading.load_pipeline()


def _faces(pipe, seeds, steps, **options):
    from faces import denoise, loading

    return denoise.run(pipe, loading.make_scheduler(pipe), denoise.seed_noise(pipe, seeds), steps, **options)


def _pixels(pictures) -> np.ndarray:
    return np.stack([np.asarray(p, dtype=np.int16) for p in pictures])


def test_the_loader_gives_diffusers_ldm_pipeline_with_a_ddim_scheduler(pipe):
    from diffusers import DDIMScheduler, LDMPipeline

    from faces import loading

    assert isinstance(pipe, LDMPipeline)
    assert isinstance(loading.make_scheduler(pipe), DDIMScheduler)
    assert loading.make_scheduler(pipe) is not loading.make_scheduler(pipe)  # one per run


@pytest.mark.parametrize("steps", [1, 4, 12])
def test_the_faces_are_those_of_ldm_pipeline_for_the_same_seeds(pipe, steps):
    seeds = [7, 8, 9]
    expected = [pipe(generator=torch.Generator("cpu").manual_seed(s), num_inference_steps=steps, eta=0.0).images[0]
                for s in seeds]  # the pipeline one face at a time, as the tab runs the networks
    ours = _faces(pipe, seeds, steps)
    assert ours.steps_done == ours.steps_total == steps and not ours.interrupted
    assert [face.size for face in ours.faces] == [(32, 32)] * 3
    # Exactly equal: the same noise, the same arithmetic, the same rounding to 8 bits.
    assert np.array_equal(_pixels(ours.faces), _pixels(expected))


def test_one_seed_gives_one_face_alone_or_in_a_batch_and_other_seeds_other_faces(pipe):
    alone = _faces(pipe, [8], 6).faces[0]
    batch = _faces(pipe, [7, 8, 9], 6).faces
    assert np.array_equal(_pixels([alone]), _pixels(_faces(pipe, [8], 6).faces))  # run again: identical
    assert np.array_equal(_pixels([alone]), _pixels(batch[1:2]))
    assert np.abs(_pixels(batch[:1]) - _pixels(batch[1:2])).mean() > 5


def test_the_number_of_steps_changes_the_face_of_a_seed(pipe):
    assert not np.array_equal(_pixels(_faces(pipe, [3], 2).faces), _pixels(_faces(pipe, [3], 12).faces))


def test_the_filmstrip_shows_the_noise_then_the_scheduler_own_prediction_of_the_face(pipe):
    from faces import denoise, loading

    steps, frames = 10, 3
    run = _faces(pipe, [5], steps, frames=frames)
    assert [f.step for f in run.frames] == [0, *sorted(denoise.frame_steps(steps, frames)), steps]
    assert run.frames[-1].predicted is run.faces[0]
    # A frame's prediction is DDIM's own pred_original_sample at that step, decoded.
    scheduler = loading.make_scheduler(pipe)
    scheduler.set_timesteps(steps)
    latents = denoise.seed_noise(pipe, [5]) * scheduler.init_noise_sigma
    wanted = {f.step: f for f in run.frames[1:-1]}
    for done, t in enumerate(scheduler.timesteps, start=1):
        with torch.no_grad():
            out = scheduler.step(pipe.unet(scheduler.scale_model_input(latents, t), t).sample, t, latents, eta=0.0)
        latents = out.prev_sample
        if done in wanted:
            assert wanted[done].timestep == int(t)
            own = denoise.decode(pipe, out.pred_original_sample)
            assert np.array_equal(_pixels([wanted[done].predicted]), _pixels(own))
    assert run.frames[0].latent.size == (32, 32)  # the 8×8 latent, enlarged 4 times


def test_frame_steps_are_spread_and_leave_out_the_last_step():
    from faces.denoise import frame_steps

    assert frame_steps(20, 4) == {4, 8, 12, 16}
    assert frame_steps(50, 8) == {6, 11, 17, 22, 28, 33, 39, 44}
    assert frame_steps(3, 8) == {1, 2}
    assert frame_steps(1, 4) == set() and frame_steps(20, 0) == set()
    assert frame_steps(10, 1) == {5} and frame_steps(2, 1) == {1}


def test_the_latent_is_drawn_channel_by_channel_over_its_own_range_in_blocks():
    from faces.denoise import latent_picture

    # ranges of 0.2, 10 and 0: each channel spread over its own (a constant one is drawn black)
    latent = torch.stack([torch.tensor([[-0.1, 0.1], [0.0, 0.05]]), torch.tensor([[10.0, 20.0], [15.0, 12.5]]),
                          torch.full((2, 2), 5.0)])
    picture = np.asarray(latent_picture(latent, scale=3))
    assert picture.shape == (6, 6, 3)
    expected = np.array([[[0, 0, 0], [255, 255, 0]], [[128, 128, 0], [191, 64, 0]]], dtype=np.uint8)
    assert np.array_equal(picture, expected.repeat(3, axis=0).repeat(3, axis=1))  # each value a 3×3 block


def test_a_run_that_yields_no_result_is_a_bug_said_as_such():
    from faces.denoise import Progress, result_of

    with pytest.raises(AssertionError, match="denoise ended without a result"):
        result_of(iter([Progress(1, 2)]))


def test_a_preview_decoded_from_a_smaller_latent_is_shown_at_the_size_of_the_face(pipe):
    from faces import denoise

    latents = denoise.seed_noise(pipe, [1])
    full, small = denoise.decode(pipe, latents)[0], denoise.decode(pipe, latents, downscale=2)[0]
    assert full.size == small.size == (32, 32)
    assert not np.array_equal(_pixels([full]), _pixels([small]))


def test_stop_between_steps_keeps_the_face_predicted_so_far(pipe):
    from faces import denoise, loading
    from faces.denoise import Progress, Result

    stop = threading.Event()
    events = []
    for event in denoise.denoise(pipe, loading.make_scheduler(pipe), denoise.seed_noise(pipe, [2]), 10, stop=stop):
        events.append(event)
        if isinstance(event, Progress) and event.step == 3:
            stop.set()
    result = events[-1]
    assert isinstance(result, Result) and result.interrupted
    assert (result.steps_done, result.steps_total) == (3, 10) and len(result.faces) == 1
    assert [e.step for e in events[:-1]] == [1, 2, 3]


def test_stop_before_the_first_step_makes_nothing(pipe):
    stop = threading.Event()
    stop.set()
    result = _faces(pipe, [2], 10, stop=stop, frames=3)
    assert result.faces == [] and result.steps_done == 0 and result.steps_total == 10


def test_the_walk_starts_and_ends_at_the_two_seeds_faces(pipe):
    from faces import denoise, loading
    from faces.walk import walk_noise

    noise, t = walk_noise(pipe, 11, 12, 5)
    assert noise.shape == (5, 3, 8, 8) and t.tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    walked = denoise.run(pipe, loading.make_scheduler(pipe), noise, 6).faces
    ends = _faces(pipe, [11, 12], 6).faces
    assert torch.equal(noise[0], denoise.seed_noise(pipe, [11])[0])  # exactly the seeds' noise
    assert torch.equal(noise[-1], denoise.seed_noise(pipe, [12])[0])
    assert np.array_equal(_pixels([walked[0], walked[-1]]), _pixels(ends))
    assert len({_pixels([face]).tobytes() for face in walked}) == 5  # every frame its own face


def test_the_walk_noise_keeps_its_length_where_a_straight_line_would_shrink_it(pipe):
    from faces.walk import walk_noise

    noise, t = walk_noise(pipe, 11, 12, 9)
    norms = noise.flatten(1).norm(dim=1)
    low, high = sorted((norms[0].item(), norms[-1].item()))
    assert torch.all(norms >= low * (1 - 1e-5)) and torch.all(norms <= high * (1 + 1e-5))
    straight = ((1 - t)[:, None] * noise[0].flatten() + t[:, None] * noise[-1].flatten()).norm(dim=1)
    assert straight[4] < 0.8 * low  # halfway the line is about 1/√2 as long


def test_slerp_ends_exactly_at_its_ends_and_keeps_a_unit_vector_on_the_sphere():
    a, b = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])
    points = slerp(a, b, torch.tensor([0.0, 0.5, 1.0]))
    assert torch.allclose(points[0], a) and torch.allclose(points[-1], b)
    assert torch.allclose(points.norm(dim=1), torch.ones(3))
    assert torch.allclose(points[1], torch.tensor([0.5 ** 0.5, 0.5 ** 0.5, 0.0]))
    shaped = slerp(torch.ones(2, 3), -torch.ones(2, 3) + 0.1, torch.tensor([0.0, 1.0]))
    assert shaped.shape == (2, 2, 3)
    same = slerp(a, a, torch.tensor([0.0, 0.5, 1.0]))
    assert torch.allclose(same, a.expand(3, 3))


# ---------------------------------------------------------------- checked requests


@pytest.mark.parametrize(("values", "key"), [
    ((0, 0, 20), "shared.number.out_of_range"),  # no faces
    ((0, 10_000, 20), "shared.number.out_of_range"),
    ((0, 1, 0), "shared.number.out_of_range"),  # no steps
    ((-1, 1, 20), "shared.number.out_of_range"),
    ((2**32, 1, 20), "shared.number.out_of_range"),
    ((float("nan"), 1, 20), "shared.number.not_finite"),
    ((0, 1, float("nan")), "shared.number.not_finite"),
    ((0, 1.5, 20), "shared.number.not_integer"),
    ((2**32 - 2, 4, 20), "faces.error.last_seed"),
])
def test_a_faces_request_out_of_bounds_is_refused_in_words(values, key):
    from faces.generate import check_faces
    from shared.errors import LabError

    with pytest.raises(LabError) as refused:
        check_faces(*values)
    assert refused.value.key == key


def test_a_faces_request_gives_consecutive_seeds_and_a_walk_needs_two_seeds():
    from faces.generate import check_faces, check_walk
    from shared.errors import LabError

    assert check_faces(2**32 - 4, 4, 20).seeds == [2**32 - 4, 2**32 - 3, 2**32 - 2, 2**32 - 1]
    assert check_faces("5", 2, 3).seeds == [5, 6]
    with pytest.raises(LabError) as refused:
        check_walk(3, 3, 5, 10)
    assert refused.value.key == "faces.error.same_seeds"
    with pytest.raises(LabError):
        check_walk(3, 4, 1, 10)  # a walk has at least its two ends


def test_the_steps_comparison_runs_one_seed_at_each_number_of_steps(pipe):
    from faces.denoise import Result
    from faces.generate import steps_compared

    results = {steps: event for steps, event in steps_compared(4, steps=(1, 3)) if isinstance(event, Result)}
    assert sorted(results) == [1, 3] and all(r.steps_done == r.steps_total for r in results.values())
    for steps, result in results.items():
        assert np.array_equal(_pixels(result.faces), _pixels(_faces(pipe, [4], steps).faces))


# ---------------------------------------------------------------- the game


def test_a_round_deals_distinct_seeds_and_keeps_the_tally():
    import random

    from faces.game import Tally, answer, deal

    first = deal(None, 4, random.Random(1))
    assert len(set(first.seeds)) == 4 and first.answered is False and first.tally == Tally()
    closed, reveal = answer(first, [2, 0.0, 2])
    assert reveal.seeds == first.seeds and reveal.taken_for_photos == (0, 2)
    assert closed.answered and closed.tally == Tally(1, 4, 2) and reveal.tally == closed.tally
    second = deal(closed, 2, random.Random(2))
    assert second.tally == Tally(1, 4, 2) and second.seeds != first.seeds[:2]
    _, reveal = answer(second, [])
    assert reveal.tally == Tally(2, 6, 2) and reveal.tally.share == pytest.approx(1 / 3)


def test_a_round_draws_from_every_seed():
    from faces.game import deal
    from shared.controls import SEED_MAX

    class Ends:  # a random source that picks the first and the last seed it is offered
        def sample(self, population, k):
            return [population[0], population[-1]][:k]

    assert deal(None, 2, Ends()).seeds == (0, SEED_MAX)


@pytest.mark.parametrize(("marked", "key"), [
    ([4], "faces.game.error.unknown_face"), ([-1], "faces.game.error.unknown_face"),
    (["1"], "faces.game.error.unknown_face"), ([True], "faces.game.error.unknown_face"),
    ([1.5], "faces.game.error.unknown_face"), ([float("nan")], "faces.game.error.unknown_face"),
    ("0", "faces.game.error.unknown_face"),
])
def test_an_answer_marks_only_faces_of_the_round(marked, key):
    import random

    from faces.game import answer, deal
    from shared.errors import LabError

    with pytest.raises(LabError) as refused:
        answer(deal(None, 4, random.Random(0)), marked)
    assert refused.value.key == key and "1 to 4" in str(refused.value)


def test_an_answer_needs_an_open_round_and_counts_once():
    from faces.game import Game, answer, deal
    from shared.errors import LabError

    for game in (None, Game()):
        with pytest.raises(LabError) as refused:
            answer(game, [])
        assert refused.value.key == "faces.game.error.no_round"
    closed, _ = answer(deal(None, 2), None)
    with pytest.raises(LabError) as refused:
        answer(closed, [0])
    assert refused.value.key == "faces.game.error.answered" and closed.tally.rounds == 1


def _no_progress(*args, **kwargs):
    pass


def test_the_page_reveals_the_rounds_seeds_only_after_the_answer(pipe):
    import gradio as gr

    from faces import loading
    from faces.ui import answer_round, deal_round

    *working, dealt = list(deal_round(None, request=None, progress=_no_progress))
    assert len(working) == loading.DEFAULT_STEPS
    gallery, choices, question, state, button = dealt
    seeds = state["game"].seeds
    assert len(seeds) == loading.GAME_FACES == len(gallery)
    assert [caption for _, caption in gallery] == ["face 1", "face 2"]
    assert choices.choices == [("face 1", 0), ("face 2", 1)] and button.interactive
    # nothing the page receives names a seed before the answer
    assert not any(str(seed) in question + "".join(c for _, c in gallery) for seed in seeds)
    expected = _faces(pipe, list(seeds), loading.DEFAULT_STEPS).faces
    assert np.array_equal(_pixels(f for f, _ in gallery), _pixels(expected))

    gallery, verdict, tally, state, button = answer_round(state, [1])
    assert [caption for _, caption in gallery] == [f"generated, seed {seed}" for seed in seeds]
    assert "All 2 faces are generated" in verdict and "you took 1 of them" in verdict
    assert all(str(seed) in verdict for seed in seeds) and not button.interactive
    assert "1 round(s), 2 faces" in tally and "1 of them (50 %)" in tally
    with pytest.raises(gr.Error) as refused:
        answer_round(state, [0])
    assert refused.value.message == "This round is already answered; deal a new round to play again."

    *_, (_, _, _, state, _) = deal_round(state, request=None, progress=_no_progress)
    _, verdict, tally, _, _ = answer_round(state, [])
    assert verdict.startswith("Right: all 2 faces are generated") and "2 round(s), 4 faces" in tally
    assert "1 of them (25 %)" in tally


def test_a_stop_while_a_round_is_dealt_keeps_the_previous_round(pipe):
    import gradio as gr

    from faces.ui import STOP, deal_round

    def stop_at_step_2(value, desc=""):
        if value[0] == 2:
            assert STOP.stop("")

    *working, last = list(deal_round(None, request=None, progress=stop_at_step_2))
    assert len(working) == 2
    assert last[2] == "Stopped before the round's faces were ready; the round was not dealt."
    assert [value for i, value in enumerate(last) if i != 2] == [gr.skip()] * 4  # the previous round's outputs kept


def test_an_answer_before_any_round_is_refused_in_words():
    import gradio as gr

    from faces.ui import answer_round

    with pytest.raises(gr.Error) as refused:
        answer_round(None, [0])
    assert refused.value.message == "Deal a round first; then mark the faces you take for photographs."


# ---------------------------------------------------------------- the page's other events


def test_the_page_streams_the_faces_under_their_seeds_with_the_filmstrip(pipe):
    from faces import loading
    from faces.ui import show_faces

    events = list(show_faces(40, 2, 5, request=None, progress=_no_progress))
    assert [e[1] for e in events[:-1]] == [f"Denoising step {k} of 5…" for k in range(1, 6)]
    gallery, info, predicted, latents = events[-1]
    assert [c for _, c in gallery] == ["seed 40", "seed 41"]
    assert info.startswith("2 face(s) in 5 steps, seeds 40–41")
    assert np.array_equal(_pixels(f for f, _ in gallery), _pixels(_faces(pipe, [40, 41], 5).faces))
    assert [c for _, c in predicted][0] == "the starting noise" and [c for _, c in predicted][-1] == "after step 5"
    assert len(predicted) == len(latents) <= loading.FILMSTRIP_FRAMES + 2


def test_the_page_walk_gives_its_faces_at_their_places_and_a_gif(pipe):
    from PIL import Image

    from faces.ui import show_walk

    *_, (gallery, animation, info) = list(show_walk(40, 41, 3, 4, request=None, progress=_no_progress))
    assert [c for _, c in gallery] == ["t = 0.00", "t = 0.50", "t = 1.00"]
    assert np.array_equal(_pixels([gallery[0][0], gallery[-1][0]]), _pixels(_faces(pipe, [40, 41], 4).faces))
    with Image.open(animation) as gif:
        assert gif.n_frames == 4  # there and back: 0, ½, 1, ½


def test_the_page_comparison_says_when_it_was_stopped(pipe, monkeypatch):
    from faces import generate
    from faces.ui import STOP, show_compared

    load = generate.loading.load_pipeline

    def stopped_while_loading():  # the visitor presses Stop before the first step
        STOP.stop("")
        return load()

    monkeypatch.setattr(generate.loading, "load_pipeline", stopped_while_loading)
    assert list(show_compared(4, request=None, progress=_no_progress)) == [
        ([], "Stopped; the comparison shows 0 of its 3 numbers of steps.")]
    monkeypatch.setattr(generate.loading, "load_pipeline", load)

    def stop_at_step_2_of_the_second(value, desc=""):
        if value == (2, 10):
            STOP.stop("")

    events = list(show_compared(4, request=None, progress=stop_at_step_2_of_the_second))
    assert [len(gallery) for gallery, _ in events] == [1, 2]
    assert [c for _, c in events[-1][0]] == ["5 steps", "Stopped after 2 of 10 steps; shown is the face the network "
                                             "predicted at that step."]
    assert events[-1][1] == "Stopped; the comparison shows 1 of its 3 numbers of steps."


# ---------------------------------------------------------------- through the running app


@pytest.fixture(scope="module")
def app_url(pipe, serve_app):
    return serve_app(["faces"])


def _client(url, language="en"):
    from gradio_client import Client

    return Client(url, headers={"Accept-Language": language}, verbose=False)


def _opened(files) -> list[np.ndarray]:
    from PIL import Image

    return [np.asarray(Image.open(f["image"]["path"] if isinstance(f["image"], dict) else f["image"]),
                       dtype=np.int16) for f in files]


def test_generate_faces_gives_the_seeds_faces_and_the_seeds(app_url, pipe):
    out = _client(app_url).predict(seed=40, count=3, steps=4, api_name="/generate_faces")
    assert out["seeds"] == [40, 41, 42]
    faces = _opened(out["faces"])
    assert [f.shape for f in faces] == [(32, 32, 3)] * 3
    assert [f["caption"] for f in out["faces"]] == ["seed 40", "seed 41", "seed 42"]
    assert np.array_equal(np.stack(faces), _pixels(_faces(pipe, [40, 41, 42], 4).faces))


def test_face_walk_ends_at_the_two_seeds_faces(app_url, pipe):
    client = _client(app_url)
    out = client.predict(seed_a=40, seed_b=41, frames=4, steps=4, api_name="/face_walk")
    assert out["t"] == [0.0, 0.3333, 0.6667, 1.0]
    frames = _opened(out["frames"])
    assert len(frames) == 4
    ends = client.predict(seed=40, count=2, steps=4, api_name="/generate_faces")
    assert np.array_equal(np.stack([frames[0], frames[-1]]), np.stack(_opened(ends["faces"])))


@pytest.mark.parametrize(("kwargs", "language", "expected"), [
    ({"count": 0}, "en", "Number of faces"),
    ({"count": 10_000}, "pl", "Liczba twarzy"),
    ({"steps": 0}, "en", "number of steps"),
    ({"seed": -5}, "pl", "ziarno"),
    ({"seed": "NaN"}, "en", "seed"),
])
def test_generate_faces_refuses_bad_values_in_words(app_url, kwargs, language, expected):
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError) as refused:
        _client(app_url, language).predict(**kwargs, api_name="/generate_faces")
    text = str(refused.value)
    assert expected.lower() in text.lower()
    assert not any(word in text for word in ("Traceback", "ValueError", "LabError", "None"))


@pytest.mark.parametrize(("language", "expected"), [("en", "no network connection"), ("pl", "połączenia z siecią")])
def test_a_face_model_out_of_reach_is_explained_in_words_and_the_next_request_works(app_url, monkeypatch, language,
                                                                                     expected):
    from gradio_client.exceptions import AppError

    from shared import models

    monkeypatch.setenv("LAB_MODEL_FACES", "nobody/no-faces-here")
    models.release("faces")
    with pytest.raises(AppError) as refused:
        _client(app_url, language).predict(seed=1, count=1, steps=2, api_name="/generate_faces")
    text = str(refused.value)
    assert "nobody/no-faces-here" in text and expected in text and "Error" not in text
    monkeypatch.undo()
    models.release("faces")
    assert _client(app_url).predict(seed=1, count=1, steps=2, api_name="/generate_faces")["seeds"] == [1]
