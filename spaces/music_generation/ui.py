"""The "Music generation" tab: a prompt on the left, and a melody clip for MusicGen-melody; on
the right the clip, the codes as the model writes them, the waveform and spectrogram, and the two
meters; below, the codebooks to hear one by one, the EnCodec round trip of a real clip, and a
sweep from one seed.

Events:
- the page's ``music_*`` events (private): the clip streams its progress and its codes, the Stop
  button ends it between two steps and keeps what was written;
- ``generate_music`` (public, API only).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

import gradio as gr
from gradio.data_classes import FileData

from music_generation import loading, song
from music_generation.controls import (
    CODEBOOKS,
    DURATION,
    FORMAT,
    GUIDANCE,
    MODEL,
    PROMPT,
    SEED,
    SWEEP,
    SWEEP_DURATION,
    SWEEPS,
    TEMPERATURE,
    TOP_K,
    TOP_P,
)
from shared import models, ui
from shared.controls import SEED_MAX
from shared.device import by_hardware
from shared.errors import LabError
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message, number, widget_key
from shared.run_control import StopSignals, session_of
from shared.texts import Family
from shared.ui import ui_text
from shared.validation import uploaded_path

if TYPE_CHECKING:
    from music_generation.compose import Result
    from music_generation.generate import Measured, MusicRequest

DEMO = "music_generation"
STOP = StopSignals(DEMO)
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
EXAMPLES = (
    "Spokojny jazz na fortepianie i kontrabasie, 90 bpm",
    "Energetic rock with electric guitars and drums, 120 bpm",
    "Lo-fi hip hop beat with a warm Rhodes piano, vinyl crackle",
    "Muzyka filmowa: smyczki i waltornie, podniosły nastrój",
)
# Style, lyrics and their language; the lyrics were written for this tab.
SONG_EXAMPLES = (
    ("upbeat pop, female vocals, acoustic guitar, 110 bpm",
     "[verse]\nChalk on the board and a song in my head,\nnumbers that dance where the teacher once read\n"
     "[chorus]\nSing it again, let the signal run free,\nnoise into music, one step to the sea", "en"),
    ("spokojna ballada, męski wokal, fortepian, 80 bpm",
     "[verse]\nNad Wisłą mgła i cichy szum,\nw zeszycie nuty, w głowie tłum\n"
     "[chorus]\nŚpiewaj ze mną, niech szum zamieni się w dźwięk,\nkrok po kroku znika lęk", "pl"),
)
MELODY_EXAMPLE = "sorohanro_-_solo-trumpet-06.ogg"  # one instrument, one line: a clear chroma
PICTURE_EVERY = 10  # steps between two redraws of the codes (0.2 s of music)
SWEEP_SLOTS = max(len(values) for values in SWEEPS.values())
TEMPO_VERDICTS = Family("music_generation.meter.tempo", ("none", "match", "half", "double", "miss", "no_beat"))
DECODED_LABELS = Family("music_generation.round_trip.decoded", CODEBOOKS.choices)


def build() -> None:
    gr.Markdown(ui_text(by_hardware(cpu="music_generation.hint.cpu", gpu="music_generation.hint.gpu")))
    status = ui.model_status(loading.PRESETS[loading.DEFAULT_MODEL].key)
    last = gr.State(None, time_to_live=ui.STATE_SECONDS)  # the last clip's codes and model, for the codebooks
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            prompt = ui.component(PROMPT)
            gr.Examples([[e] for e in EXAMPLES], inputs=prompt, label=ui_text("music_generation.examples"),
                        api_name="music_example", api_visibility="private")
            model = ui.component(MODEL)
            with gr.Accordion(ui_text("music_generation.melody.heading"), open=False):
                gr.Markdown(ui_text("music_generation.melody.explain"))
                melody_clip = gr.Audio(label=ui_text("music_generation.melody.clip"),
                                       sources=["upload", "microphone"], type="filepath", elem_classes="music-melody")
                gr.Examples([[str(EXAMPLES_DIR / MELODY_EXAMPLE)]], inputs=melody_clip,
                            label=ui_text("music_generation.melody.examples"), api_name="music_melody_example",
                            api_visibility="private")
                melody_picture = gr.Image(label=ui_text("music_generation.melody.picture"), format="png",
                                          interactive=False, elem_classes="music-chroma")
                gr.Markdown(ui_text("music_generation.melody.picture.explain"))
            duration = ui.component(DURATION)
            seed = ui.component(SEED)
            with gr.Row():
                new_piece = gr.Button(ui_text("music_generation.new_piece"), variant="primary")
                again = gr.Button(ui_text("music_generation.from_seed"))
                ui.stop_button(DEMO, cancels=[], signals=STOP, api_name="music_stop")
            with ui.advanced(demo=DEMO):
                temperature, top_k = ui.component(TEMPERATURE), ui.component(TOP_K)
                top_p, guidance = ui.component(TOP_P), ui.component(GUIDANCE)
                audio_format = ui.component(FORMAT)
            gr.Markdown(ui_text("music_generation.licence"))
        with gr.Column(scale=6, min_width=300):
            audio = gr.Audio(label=ui_text("music_generation.audio"), type="filepath", interactive=False,
                             buttons=["download"])
            info = gr.Markdown(elem_classes="music-info")
            codes = gr.Image(label=ui_text("music_generation.codes"), format="png", interactive=False,
                             elem_classes="music-codes")
            gr.Markdown(ui_text("music_generation.codes.explain"))
            wave = gr.Image(label=ui_text("music_generation.waveform"), format="png", interactive=False)
            spectrum = gr.Image(label=ui_text("music_generation.spectrogram"), format="png", interactive=False)
    with gr.Accordion(ui_text("music_generation.codebooks.heading"), open=False):
        gr.Markdown(ui_text("music_generation.codebooks.explain"))
        with gr.Row():
            codebooks = ui.component(CODEBOOKS)
            decode_button = gr.Button(ui_text("music_generation.codebooks.decode"))
        with gr.Row():
            partial_audio = gr.Audio(label=ui_text("music_generation.codebooks.audio"), type="filepath",
                                     interactive=False, elem_classes="music-codebooks-audio")
            partial_spectrum = gr.Image(label=ui_text("music_generation.spectrogram"), format="png",
                                        interactive=False)
    with gr.Accordion(ui_text("music_generation.round_trip.heading"), open=False):
        gr.Markdown(ui_text("music_generation.round_trip.explain"))
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=300):
                clip = gr.Audio(label=ui_text("music_generation.round_trip.clip"), sources=["upload", "microphone"],
                                type="filepath", elem_classes="music-clip")
                gr.Examples([[str(p)] for p in sorted(EXAMPLES_DIR.glob("*.ogg"))], inputs=clip,
                            label=ui_text("music_generation.round_trip.examples"), api_name="music_clip_example",
                            api_visibility="private")
                trip_button = gr.Button(ui_text("music_generation.round_trip.run"))
            with gr.Column(scale=6, min_width=300):
                trip_table = gr.Markdown(elem_classes="music-round-trip")
                trip_original = gr.Audio(label=ui_text("music_generation.round_trip.original"), type="filepath",
                                         interactive=False)
                trip_slots = [gr.Audio(label=ui_text(DECODED_LABELS.key(n)),
                                       type="filepath", interactive=False) for n in CODEBOOKS.choices]
                trip_codes = gr.Image(label=ui_text("music_generation.codes"), format="png", interactive=False)
    with gr.Accordion(ui_text("music_generation.sweep.heading"), open=False):
        gr.Markdown(ui_text("music_generation.sweep.explain"))
        with gr.Row():
            sweep = ui.component(SWEEP)
            sweep_duration = ui.component(SWEEP_DURATION)
            sweep_button = gr.Button(ui_text("music_generation.sweep.run"))
        sweep_info = gr.Markdown()
        sweep_pictures = gr.Gallery(label=ui_text("music_generation.spectrogram"), format="png", columns=SWEEP_SLOTS,
                                    height=260, interactive=False)
        with gr.Row():
            sweep_slots = [gr.Audio(type="filepath", interactive=False, show_label=True) for _ in range(SWEEP_SLOTS)]
    with gr.Accordion(ui_text(song.HEADING), open=False):
        gr.Markdown(ui_text(song.INTRO))
        if not song.can_sing():
            gr.Markdown(ui_text(song.HINT_NO_GPU))
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=300, elem_classes="music-song-controls"):
                song_prompt, lyrics = ui.component(song.SONG_PROMPT), ui.component(song.LYRICS)
                language = ui.component(song.LANGUAGE)
                song_examples = gr.Examples([list(e) for e in SONG_EXAMPLES], inputs=[song_prompt, lyrics, language],
                                            label=ui_text("music_generation.song.examples"),
                                            api_name="music_song_example", api_visibility="private")
                song_examples.dataset.headers = []  # the browser does not translate headers made from labels
                song_duration, song_steps = ui.component(song.SONG_DURATION), ui.component(song.SONG_STEPS)
                song_seed = ui.component(song.SONG_SEED)
                with gr.Row():
                    # On a CPU the button stays greyed out: the hint above says why and what it would take.
                    sing_button = gr.Button(ui_text(song.RUN), variant="primary", interactive=song.can_sing())
                    ui.stop_button(DEMO, cancels=[], signals=STOP, api_name="music_song_stop")
                gr.Markdown(ui_text(song.LICENCE))
            with gr.Column(scale=6, min_width=300):
                song_audio = gr.Audio(label=ui_text(song.AUDIO), type="filepath", interactive=False,
                                      buttons=["download"], elem_classes="music-song-audio")
                song_info = gr.Markdown(elem_classes="music-song-info")
                song_latents = gr.Image(label=ui_text(song.LATENTS), format="png", interactive=False,
                                        elem_classes="music-song-latents")
                gr.Markdown(ui_text(song.LATENTS_EXPLAIN))
                song_spectrum = gr.Image(label=ui_text("music_generation.spectrogram"), format="png",
                                         interactive=False)
        with gr.Accordion(ui_text("music_generation.song.how"), open=False):
            gr.Markdown(ui_text(song.EXPLAIN))
    with gr.Accordion(ui_text(widget_key(DEMO, "how")), open=False):
        gr.Markdown(ui_text("music_generation.explain"))

    settings = [prompt, duration, temperature, top_k, top_p, guidance, seed, model, audio_format, melody_clip]
    outputs = [audio, info, codes, wave, spectrum, last, status, melody_picture]
    new_piece.click(random_seed, inputs=None, outputs=seed, api_name="music_new_seed", api_visibility="private",
                    queue=False).then(show_music, inputs=settings, outputs=outputs, api_name="music_new_piece",
                                      api_visibility="private", **GPU_EVENT)
    again.click(show_music, inputs=settings, outputs=outputs, api_name="music_from_seed", api_visibility="private",
                **GPU_EVENT)
    decode_button.click(show_codebooks, inputs=[last, codebooks, audio_format],
                        outputs=[partial_audio, partial_spectrum], api_name="music_codebooks",
                        api_visibility="private", **GPU_EVENT)
    trip_button.click(show_round_trip, inputs=[clip, model],
                      outputs=[trip_table, trip_original, *trip_slots, trip_codes, status],
                      api_name="music_round_trip", api_visibility="private", preprocess=False, **GPU_EVENT)
    sweep_button.click(show_sweep, inputs=[prompt, sweep_duration, temperature, top_k, top_p, guidance, seed, model,
                                           sweep], outputs=[sweep_info, sweep_pictures, *sweep_slots, status],
                       api_name="music_sweep", api_visibility="private", **GPU_EVENT)
    model.change(model_status, inputs=model, outputs=status, api_name="music_model_status",
                 api_visibility="private", queue=False, show_progress="hidden")
    sing_button.click(show_song, inputs=[song_prompt, lyrics, song_duration, language, song_steps, song_seed,
                                         audio_format],
                      outputs=[song_audio, song_info, song_latents, song_spectrum], api_name="music_song",
                      api_visibility="private", **GPU_EVENT)
    ui.api(generate_music_api, api_name="generate_music", **GPU_EVENT)
    ui.api(generate_song_api, api_name="generate_song", **GPU_EVENT)


@ui.handler
def random_seed() -> int:
    return random.SystemRandom().randrange(0, SEED_MAX + 1)


@ui.handler
def model_status(choice) -> str:
    return models.status_markdown(loading.PRESETS[MODEL.check(choice)].key)


@ui.handler
@gpu(duration=120)
def show_music(prompt, duration, temperature, top_k, top_p, guidance, seed, model, audio_format, melody,
               request: gr.Request, progress=gr.Progress()):
    from music_generation.compose import Progress
    from music_generation.generate import check_request, generate
    from shared.code_grid import codes_picture

    melody = uploaded_path(melody, invalid="music_generation.error.not_audio")
    checked = check_request(prompt, duration, temperature, top_k, top_p, guidance, seed, model, melody)
    audio_format = FORMAT.check(audio_format)
    keep = gr.skip()
    with STOP.running(session_of(request)) as stop:
        yield keep, message("music_generation.loading"), keep, keep, keep, keep, keep, keep
        composer = None
        for event in generate(checked, stop):
            if isinstance(event, Progress):
                text = message("music_generation.progress", step=event.step, total=event.total)
                progress((event.step, event.total), desc=text)
                if composer is None:
                    composer = loading.load_composer(checked.model)  # cached: the one generate uses
                picture = keep
                if event.step % PICTURE_EVERY == 1 or event.step == event.total:
                    picture = codes_picture(event.codes, composer.codebook_size, composer.pad_token,
                                            positions=event.total + 1)
                yield keep, text, picture, keep, keep, keep, keep, keep
            else:
                yield _present(checked, event, audio_format)


def _present(checked: MusicRequest, result: Result, audio_format: str) -> tuple:
    from music_generation.generate import measure, write_clip
    from shared.code_grid import codes_picture

    status = models.status_markdown(checked.preset.key)
    if result.codes.shape[1] == 0:
        return None, message("music_generation.stopped_before"), None, None, None, None, status, None
    composer = loading.load_composer(checked.model)
    measured = measure(checked.piece.prompt, result)
    picture = codes_picture(result.written, composer.codebook_size, composer.pad_token)
    last = {"model": checked.model, "codes": result.codes.tolist()}
    return (write_clip(result.audio, result.rate, audio_format), _result_text(checked, result, measured, composer),
            picture, _waveform(result.audio, result.rate), _spectrogram(result.audio, result.rate), last, status,
            _chroma(result))


def _chroma(result: Result):
    """The picture of the melody the piece followed; None (the picture cleared) without one."""
    from music_generation.pictures import chroma_picture

    melody = result.melody
    if melody is None:
        return None
    return chroma_picture(melody.energy, melody.chroma, melody.frame_rate,
                          message("music_generation.melody.pitch_names").split(),
                          message("music_generation.axis.seconds"), piece_seconds=result.seconds)


def _result_text(checked: MusicRequest, result: Result, measured: Measured, composer) -> str:
    lines = [message("music_generation.stopped" if result.stopped else "music_generation.done",
                     seconds=number(result.seconds, ".2f"), seed=result.seed, frames=result.codes.shape[1],
                     codebooks=result.codes.shape[0], tokens=result.codes.size, done=result.steps_done,
                     total=result.steps_total)]
    if result.melody is not None:
        lines.append(message("music_generation.melody.used", frames=result.melody.frames,
                             seconds=number(result.melody.seconds, ".1f"), limit=composer.chroma_length))
    if measured.clap is None:
        lines.append(message("music_generation.meter.clap_missing", reason=measured.clap_missing))
    else:
        lines.append(message("music_generation.meter.clap", score=number(measured.clap, ".3f")))
    tempo = measured.tempo
    lines.append(message(TEMPO_VERDICTS.key(tempo.verdict), measured=number(tempo.measured, ".1f"),
                         asked=number(tempo.asked or 0, "g")))
    return "\n\n".join(lines)


def _waveform(audio, rate: int):
    from shared.waveform import picture

    return picture(audio, rate, message("music_generation.axis.seconds"))


def _spectrogram(audio, rate: int, reference: float | None = None):
    from shared.spectrogram import mel_power, render

    power = mel_power(audio[None], rate)
    return render(power, rate, reference or float(power.max()) or 1.0,
                  time_label=message("music_generation.axis.seconds"),
                  frequency_label=message("music_generation.axis.hertz"))


@ui.handler
@gpu(duration=60)
def show_codebooks(last, codebooks, audio_format):
    import numpy as np

    from music_generation.compose import decode
    from music_generation.generate import write_clip

    if not last:
        raise LabError("music_generation.error.no_piece")
    used = CODEBOOKS.check(codebooks)
    composer = loading.load_composer(MODEL.check(last["model"]))
    audio = decode(composer, np.asarray(last["codes"], dtype=np.int64), used)
    return write_clip(audio, composer.sampling_rate, audio_format), _spectrogram(audio, composer.sampling_rate)


@ui.handler
@gpu(duration=60)
def show_round_trip(clip, model):
    from music_generation.codec import read_clip, round_trip
    from music_generation.generate import write_clip
    from shared.code_grid import codes_picture

    choice = MODEL.check(model)
    loading.check_hardware(loading.PRESETS[choice])
    read = read_clip(uploaded_path(clip))
    composer = loading.load_composer(choice)
    trip = round_trip(composer, read)
    decoded = [write_clip(trip.decoded[n], trip.rate, "wav") for n in CODEBOOKS.choices]
    rates = trip.bitrates
    table = message("music_generation.round_trip.table", seconds=number(len(trip.original) / trip.rate, ".1f"),
                    cd=_kbit(rates["cd"]), file=_kbit(rates["file"]), pcm=_kbit(rates["pcm"]),
                    codes=_kbit(rates["codes"]), ratio=number(rates["pcm"] / rates["codes"], ".0f"),
                    codebooks=trip.codes.shape[0], frames=trip.codes.shape[1], rate=trip.rate)
    picture = codes_picture(trip.codes, composer.codebook_size, composer.pad_token)
    return (table, write_clip(trip.original, trip.rate, "wav"), *decoded, picture,
            models.status_markdown(loading.PRESETS[choice].key))


def _kbit(bits_per_second: float) -> str:
    return number(bits_per_second / 1000, ".1f")


@ui.handler
@gpu(duration=180)
def show_sweep(prompt, duration, temperature, top_k, top_p, guidance, seed, model, setting,
               request: gr.Request, progress=gr.Progress()):
    from music_generation.generate import check_request, generate, result_of, sweep_requests, write_clip
    from shared.spectrogram import mel_power

    base = check_request(prompt, duration, temperature, top_k, top_p, guidance, seed, model, duration=SWEEP_DURATION)
    setting = SWEEP.check(setting)
    runs = sweep_requests(base, setting)
    results = []
    with STOP.running(session_of(request)) as stop:
        for index, run in enumerate(runs):
            progress((index, len(runs)), desc=message("music_generation.sweep.progress", done=index, total=len(runs)))
            result = result_of(generate(run, stop))
            if result.codes.shape[1]:
                results.append(result)
            if stop.is_set():  # Stop: show the clips finished so far, start no other
                break
    if not results:
        raise LabError("music_generation.stopped_before")
    powers = [mel_power(r.audio[None], r.rate) for r in results]
    reference = max(float(p.max()) for p in powers) or 1.0  # one colour scale: louder is brighter in every picture
    name = SWEEP.label_key(setting)
    pictures, players = [], []
    for run, result in zip(runs, results, strict=False):
        caption = message("music_generation.sweep.caption", setting=message(name),
                          value=number(getattr(run.piece, setting), "g"))
        pictures.append((_spectrogram(result.audio, result.rate, reference), caption))
        players.append(gr.Audio(value=write_clip(result.audio, result.rate, "wav"), label=caption))
    players += [gr.Audio(value=None, label=None)] * (SWEEP_SLOTS - len(players))
    key = "music_generation.sweep.done" if len(results) == len(runs) else "music_generation.sweep.stopped"
    text = message(key, seed=base.piece.seed, seconds=number(base.piece.seconds, "g"), done=len(results),
                   total=len(runs))
    return (text, pictures, *players, models.status_markdown(base.preset.key))


@gpu(duration=120)
def generate_music_api(prompt: str, duration_s: float = DURATION.default, temperature: float = TEMPERATURE.default,
                       top_k: int = TOP_K.default, top_p: float = TOP_P.default, guidance: float = GUIDANCE.default,
                       seed: int = SEED.default, model: str = MODEL.default, melody: FileData | None = None) -> dict:
    """Music from a prompt with MusicGen (``model``: "musicgen-small", or on a GPU "musicgen-medium"
    or "musicgen-melody"): ``duration_s`` seconds, sampled at ``temperature`` from the ``top_k`` most
    likely codes (and the smallest set of probability ``top_p`` when above 0), with classifier-free
    ``guidance``, from ``seed``; with "musicgen-melody", ``melody`` (a sound file, optional) is the
    tune the piece follows (its chroma, the first 30 s). Out: the WAV file, the seed used, and a
    summary (sample rate, duration, codes generated, the melody's chroma frames when one was
    followed, the CLAP text–audio score when CLAP is available, the measured tempo)."""
    from music_generation.generate import check_request, generate, measure, result_of, summary, write_clip

    melody = uploaded_path(melody, invalid="music_generation.error.not_audio")
    checked = check_request(prompt, duration_s, temperature, top_k, top_p, guidance, seed, model, melody)
    result = result_of(generate(checked))
    measured = measure(checked.piece.prompt, result)
    return {"audio": ui.file_data(write_clip(result.audio, result.rate, "wav")), "seed": result.seed,
            "summary": summary(checked, result, measured)}


@ui.handler
@gpu(duration=180)
def show_song(prompt, lyrics, duration, language, steps, seed, audio_format, request: gr.Request,
              progress=gr.Progress()):
    from music_generation.generate import write_clip
    from music_generation.pictures import latents_picture

    checked = song.check_song(prompt, lyrics, duration, language, steps, seed)
    audio_format = FORMAT.check(audio_format)
    keep = gr.skip()
    with STOP.running(session_of(request)) as stop:
        yield keep, message("music_generation.loading"), keep, keep
        for event in song.sing(song.load_singer(), checked, stop):
            if isinstance(event, song.SongProgress):
                text = message("music_generation.progress", step=event.step, total=event.total)
                progress((event.step, event.total), desc=text)
                yield keep, text, latents_picture(event.latents), keep
            else:
                yield (write_clip(event.audio, event.rate, audio_format), song.describe(event),
                       latents_picture(event.latents), _spectrogram(event.audio.mean(axis=0), event.rate))


@gpu(duration=180)
def generate_song_api(prompt: str, lyrics: str, duration_s: float = song.SONG_DURATION.default,
                      language: str = song.LANGUAGE.default, steps: int = song.SONG_STEPS.default,
                      seed: int = song.SONG_SEED.default) -> dict:
    """A song with ``lyrics`` (sung in ``language``: "en", …, "pl" experimental) in the style of
    ``prompt`` with ACE-Step 1.5 on a GPU: ``duration_s`` seconds (10–60), ``steps`` denoising steps
    (8 for the turbo model), from ``seed``. Out: the 48 kHz stereo WAV, the seed used, and a summary
    (sample rate, duration, the latent's size, steps)."""
    from music_generation.generate import write_clip

    checked = song.check_song(prompt, lyrics, duration_s, language, steps, seed)
    result = song.song_of(song.sing(song.load_singer(), checked))
    return {"audio": ui.file_data(write_clip(result.audio, result.rate, "wav")), "seed": result.seed,
            "summary": song.summary(result)}
