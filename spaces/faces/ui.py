"""The "Faces that don't exist" tab: a face (or a grid) from a seed with its denoising filmstrip,
one seed at several numbers of steps, the walk from one face to another, and the game "which one
is generated?" (``game.py``).

Events:
- the page's ``faces_*`` events (private), streaming their progress; the Stop button ends a run
  between two steps and keeps what was made; the game's round lives in the session's ``gr.State``;
- ``generate_faces`` and ``face_walk`` (public, API only): the same runs, their pictures as files.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import gradio as gr

from faces import loading
from faces.controls import COUNT, FRAMES, SEED, SEED_A, SEED_B, STEPS, WALK_STEPS
from shared import ui
from shared.controls import SEED_MAX
from shared.device import by_hardware
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message
from shared.run_control import StopSignals, session_of
from shared.ui import ui_text

if TYPE_CHECKING:
    from faces.denoise import Result

DEMO = "faces"
STOP = StopSignals(DEMO)


def build() -> None:
    ui.model_status(loading.KEY)
    gr.Markdown(ui_text("faces.why_diffusion"))
    info = gr.Markdown(ui_text(by_hardware(cpu="faces.hint.cpu", gpu="faces.hint.gpu")))
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            seed = ui.component(SEED)
            with gr.Row():
                new_face = gr.Button(ui_text("faces.new_face"), variant="primary")
                again = gr.Button(ui_text("faces.from_seed"))
                ui.stop_button(DEMO, cancels=[], signals=STOP, api_name="faces_stop")
            with ui.advanced(demo=DEMO, open=True):
                count = ui.component(COUNT)
                steps = ui.component(STEPS)
        with gr.Column(scale=6, min_width=300):
            gallery = gr.Gallery(label=ui_text("faces.gallery"), format="png", columns=4, height=420,
                                 object_fit="contain", buttons=["download", "fullscreen"], interactive=False,
                                 elem_classes="faces-gallery")
    with gr.Accordion(ui_text("faces.filmstrip.heading"), open=True):
        gr.Markdown(ui_text("faces.filmstrip.explain"))
        predicted_strip = gr.Gallery(label=ui_text("faces.filmstrip.predicted"), format="png", columns=9, height=200,
                                     allow_preview=True, interactive=False)
        latent_strip = gr.Gallery(label=ui_text("faces.filmstrip.latent"), format="png", columns=9, height=200,
                                  allow_preview=True, interactive=False)
    with gr.Accordion(ui_text("faces.compare.heading"), open=False):
        gr.Markdown(ui_text("faces.compare.explain"))
        compare_run = gr.Button(ui_text("faces.compare.run"))
        compared = gr.Gallery(label=ui_text("faces.compare.gallery"), format="png", columns=3, height=320,
                              interactive=False)
    with gr.Accordion(ui_text("faces.walk.heading"), open=True):
        gr.Markdown(ui_text("faces.walk.explain"))
        with gr.Row():
            seed_a, seed_b = ui.component(SEED_A), ui.component(SEED_B)
            frames, walk_steps = ui.component(FRAMES), ui.component(WALK_STEPS)
        walk_run = gr.Button(ui_text("faces.walk.run"))
        walked = gr.Gallery(label=ui_text("faces.walk.gallery"), format="png", columns=8, height=240,
                            interactive=False)
        animation = gr.Image(label=ui_text("faces.walk.animation"), format="gif", interactive=False, height=280)
    with gr.Accordion(ui_text("faces.game.heading"), open=True):
        gr.Markdown(ui_text("faces.game.explain"))
        deal_button = gr.Button(ui_text("faces.game.deal"))
        round_gallery = gr.Gallery(label=ui_text("faces.game.gallery"), format="png", columns=4, height=300,
                                   object_fit="contain", interactive=False, elem_classes="faces-game-round")
        marked = gr.CheckboxGroup(label=ui_text("faces.game.marked"), info=ui_text("faces.game.marked.info"),
                                  choices=[], elem_classes="faces-game-marked")
        answer_button = gr.Button(ui_text("faces.game.answer"), variant="primary", interactive=False)
        verdict = gr.Markdown(elem_classes="faces-game-verdict")
        tally = gr.Markdown(elem_classes="faces-game-tally")
        game = gr.State(None, time_to_live=ui.STATE_SECONDS)

    faces_out = [gallery, info, predicted_strip, latent_strip]
    new_face.click(random_seed, inputs=None, outputs=seed, api_name="faces_new_seed", api_visibility="private",
                   queue=False).then(show_faces, inputs=[seed, count, steps], outputs=faces_out,
                                     api_name="faces_new_face", api_visibility="private", **GPU_EVENT)
    again.click(show_faces, inputs=[seed, count, steps], outputs=faces_out, api_name="faces_from_seed",
                api_visibility="private", preprocess=False, **GPU_EVENT)
    compare_run.click(show_compared, inputs=seed, outputs=[compared, info], api_name="faces_compare",
                      api_visibility="private", preprocess=False, **GPU_EVENT)
    walk_run.click(show_walk, inputs=[seed_a, seed_b, frames, walk_steps], outputs=[walked, animation, info],
                   api_name="faces_walk", api_visibility="private", preprocess=False, **GPU_EVENT)
    deal_button.click(deal_round, inputs=game, outputs=[round_gallery, marked, verdict, game, answer_button],
                      api_name="faces_game_deal", api_visibility="private", **GPU_EVENT)
    answer_button.click(answer_round, inputs=[game, marked], outputs=[round_gallery, verdict, tally, game,
                                                                      answer_button],
                        api_name="faces_game_answer", api_visibility="private", preprocess=False, queue=False)
    ui.api(generate_faces_api, api_name="generate_faces", **GPU_EVENT)
    ui.api(face_walk_api, api_name="face_walk", **GPU_EVENT)


@ui.handler
def random_seed() -> int:
    return random.SystemRandom().randrange(0, SEED_MAX - COUNT.high + 2)


def _progress_text(event) -> str:
    return message("faces.progress", step=event.step, total=event.total)


def _result_text(result: Result, seeds: list[int]) -> str:
    if result.steps_done == 0:
        return message("faces.stopped_before")
    if result.interrupted:
        return message("faces.stopped", done=result.steps_done, total=result.steps_total)
    return message("faces.done", n=len(result.faces), steps=result.steps_total, seeds=_seed_list(seeds))


def _seed_list(seeds: list[int]) -> str:
    return str(seeds[0]) if len(seeds) == 1 else f"{seeds[0]}–{seeds[-1]}"


@ui.handler
@gpu(duration=120)
def show_faces(seed, count, steps, request: gr.Request, progress=gr.Progress()):
    from faces.denoise import Progress
    from faces.generate import check_faces, faces

    checked = check_faces(seed, count, steps)
    keep = gr.skip()
    with STOP.running(session_of(request)) as stop:
        for event in faces(checked, stop, frames=loading.FILMSTRIP_FRAMES):
            if isinstance(event, Progress):
                progress((event.step, event.total), desc=_progress_text(event))
                yield keep, _progress_text(event), keep, keep
            else:
                predicted = [(f.predicted, _frame_caption(f)) for f in event.frames]
                latents = [(f.latent, _frame_caption(f)) for f in event.frames]
                yield _captioned(event.faces, checked.seeds), _result_text(event, checked.seeds), predicted, latents


def _captioned(faces: list, seeds: list[int]) -> list:
    """Each face under its seed (a run stopped before its first step has none)."""
    return [(face, message("faces.caption", seed=s)) for face, s in zip(faces, seeds, strict=False)]


def _frame_caption(frame) -> str:
    return message("faces.frame.noise") if frame.step == 0 else message("faces.frame.step", step=frame.step)


@ui.handler
@gpu(duration=120)
def show_compared(seed, request: gr.Request, progress=gr.Progress()):
    from faces.denoise import Progress
    from faces.generate import steps_compared

    shown = []
    with STOP.running(session_of(request)) as stop:
        for steps, event in steps_compared(seed, stop):
            if isinstance(event, Progress):
                progress((event.step, event.total), desc=_progress_text(event))
            elif not event.faces:  # stopped before this number of steps began
                yield list(shown), message("faces.compare.stopped", done=len(shown), total=len(loading.STEPS_COMPARED))
            elif event.interrupted:
                shown.append((event.faces[0], message("faces.stopped", done=event.steps_done, total=event.steps_total)))
                yield list(shown), message("faces.compare.stopped", done=len(shown) - 1,
                                           total=len(loading.STEPS_COMPARED))
            else:
                shown.append((event.faces[0], message("faces.compare.caption", steps=steps)))
                yield list(shown), message("faces.compare.done_one", steps=steps)


@ui.handler
@gpu(duration=120)
def show_walk(seed_a, seed_b, frames, steps, request: gr.Request, progress=gr.Progress()):
    from faces.denoise import Progress
    from faces.generate import check_walk, walk

    checked = check_walk(seed_a, seed_b, frames, steps)
    keep = gr.skip()
    with STOP.running(session_of(request)) as stop:
        for event in walk(checked, stop):
            if isinstance(event, Progress):
                progress((event.step, event.total), desc=_progress_text(event))
                yield keep, keep, _progress_text(event)
            else:
                yield (_walk_gallery(event.faces, checked.frames), _animation(event.faces),
                       _result_text(event, [checked.seed_a, checked.seed_b]))


def _walk_gallery(faces: list, frames: int) -> list:
    from faces.walk import positions

    return [(face, message("faces.walk.caption", t=f"{t:.2f}"))
            for face, t in zip(faces, positions(frames).tolist(), strict=False)]


def _animation(faces: list) -> str | None:
    """The walk there and back as an animated GIF file (None when nothing was made)."""
    import tempfile

    if not faces:
        return None
    loop = faces + faces[-2:0:-1]
    path = tempfile.NamedTemporaryFile(suffix=".gif", delete=False).name
    loop[0].save(path, save_all=True, append_images=loop[1:], duration=250, loop=0)
    return path


@ui.handler
@gpu(duration=120)
def deal_round(game, request: gr.Request, progress=gr.Progress()):
    """A new round of the game: its faces shown without their seeds, the question asked. A Stop
    while they are made leaves the previous round as it was."""
    from faces.denoise import Progress
    from faces.game import deal
    from faces.generate import seeds_faces

    dealt = deal(game["game"] if game else None, loading.GAME_FACES)
    keep = gr.skip()
    with STOP.running(session_of(request)) as stop:
        for event in seeds_faces(list(dealt.seeds), loading.DEFAULT_STEPS, stop):
            if isinstance(event, Progress):
                progress((event.step, event.total), desc=_progress_text(event))
                yield keep, keep, _progress_text(event), keep, keep
            elif event.interrupted:
                yield keep, keep, message("faces.game.stopped"), keep, keep
            else:
                labels = [message("faces.game.face", n=n) for n in range(1, len(event.faces) + 1)]
                yield (list(zip(event.faces, labels, strict=True)),
                       gr.CheckboxGroup(choices=[(label, i) for i, label in enumerate(labels)], value=[]),
                       message("faces.game.question", n=len(event.faces)),
                       {"game": dealt, "faces": event.faces}, gr.Button(interactive=True))


@ui.handler
def answer_round(game, marked):
    """The visitor's answer: the round revealed (every face generated, under its seed) and counted."""
    from faces.game import answer

    answered, reveal = answer(game["game"] if game else None, marked)
    captions = [message("faces.game.revealed", seed=seed) for seed in reveal.seeds]
    key = "faces.game.verdict.none" if not reveal.taken_for_photos else "faces.game.verdict.some"
    verdict = message(key, n=len(reveal.seeds), taken=len(reveal.taken_for_photos),
                      seeds=", ".join(str(s) for s in reveal.seeds))
    return (list(zip(game["faces"], captions, strict=True)), verdict, _tally_text(reveal.tally),
            {"game": answered, "faces": game["faces"]}, gr.Button(interactive=False))


def _tally_text(tally) -> str:
    return message("faces.game.tally", rounds=tally.rounds, faces=tally.faces, taken=tally.taken_for_photos,
                   share=f"{100 * tally.share:.0f}")


@gpu(duration=120)
def generate_faces_api(seed: int = SEED.default, count: int = 1, steps: int = STEPS.default) -> dict:
    """Faces of nobody from a seed: ``count`` (1-16) faces of seeds seed, seed + 1, …, each denoised in
    ``steps`` DDIM steps (η = 0, so the same seed always gives the same face). Out: the faces
    (256×256 PNG, captioned with their seeds) and the seeds."""
    from faces.denoise import result_of
    from faces.generate import check_faces, faces

    checked = check_faces(seed, count, steps)
    return {"faces": ui.gallery_files(_captioned(result_of(faces(checked)).faces, checked.seeds)),
            "seeds": checked.seeds}


@gpu(duration=120)
def face_walk_api(seed_a: int = SEED_A.default, seed_b: int = SEED_B.default, frames: int = FRAMES.default,
                  steps: int = WALK_STEPS.default) -> dict:
    """A walk from seed A's face to seed B's: ``frames`` (2-16) faces whose starting noise follows the
    sphere from one seed's noise to the other's, each denoised in ``steps`` DDIM steps. Out: the
    faces in order (the first and last are the two seeds' own faces) and where each stands (0 to 1)."""
    from faces.denoise import result_of
    from faces.generate import check_walk, walk
    from faces.walk import positions

    checked = check_walk(seed_a, seed_b, frames, steps)
    return {"frames": ui.gallery_files(_walk_gallery(result_of(walk(checked)).faces, checked.frames)),
            "t": [round(t, 4) for t in positions(checked.frames).tolist()]}
