"""The "Speech and voice cloning" tab, in three parts: text to speech (VITS with its durations drawn
under the waveform, or SpeechT5), a voice as 512 numbers (SpeechT5 in a voice mixed from two, and a
map of voices), and cloning the visitor's voice with consent (OmniVoice, on a GPU). Every result
gets the two meters: Whisper's character error rate and, where there is a voice to copy, the
speaker similarity.

Events:
- the page's ``speech_*`` events (private); the meters run as a second step, after the sound is
  already playing;
- ``tts`` and ``clone_voice`` (public, API only).
"""

from __future__ import annotations

import functools
import random

import gradio as gr
from gradio.data_classes import FileData

from shared import models, ui
from shared.controls import SEED_MAX
from shared.device import by_hardware
from shared.errors import LabError
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message, number, widget_key
from shared.run_control import StopSignals, session_of
from shared.sound_files import temporary_audio
from shared.ui import ui_text
from shared.validation import uploaded_path
from speech import clone, tts, vits, voice

DEMO = "speech"
STOP = StopSignals(DEMO)
# Text, language: the first two for the Polish voice, the others for the English ones.
EXAMPLES = (
    ("Dzień dobry! Dziś na wykładzie posłuchamy, jak sieć neuronowa zamienia tekst na mowę.", "pl"),
    ("W Szczebrzeszynie chrząszcz brzmi w trzcinie.", "pl"),
    ("Good morning! Today we will listen to a neural network reading text aloud.", "en"),
)
VOICE_EXAMPLES = (
    "The quick brown fox jumps over the lazy dog.",
    "Every voice is a point in a space of five hundred and twelve numbers.",
)
CLONE_EXAMPLES = (
    ("Cześć, to ja. Tak brzmi mój głos, sklonowany przez sieć neuronową.", "pl"),
    ("Hello, this is my voice, copied by a neural network from a few seconds of speech.", "en"),
)
PICTURE_EVERY = 4  # cloning steps between two redraws of the grid


def build() -> None:
    gr.Markdown(ui_text(by_hardware(cpu="speech.hint.cpu", gpu="speech.hint.gpu")))
    status = ui.model_status(vits.KEYS[vits.LANGUAGE.default])
    heard = gr.State(None, time_to_live=ui.STATE_SECONDS)  # the last result to measure
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=300):
            text = ui.component(vits.TEXT)
            language, engine = ui.component(vits.LANGUAGE), ui.component(tts.ENGINE)
            examples = gr.Examples([list(e) for e in EXAMPLES], inputs=[text, language],
                                   label=ui_text("speech.examples"), api_name="speech_example",
                                   api_visibility="private")
            examples.dataset.headers = []  # the browser does not translate headers made from labels
            seed = ui.component(vits.SEED)
            with gr.Row():
                speak_button = gr.Button(ui_text("speech.tts.speak"), variant="primary")
                again_button = gr.Button(ui_text("speech.tts.again"))
            with ui.advanced(demo=DEMO):
                speaking_rate = ui.component(vits.SPEAKING_RATE)
                noise_scale, noise_scale_duration = ui.component(vits.NOISE_SCALE), \
                    ui.component(vits.NOISE_SCALE_DURATION)
            gr.Markdown(ui_text("speech.licence"))
        with gr.Column(scale=6, min_width=300):
            audio, info, meters_line, picture = _result_column("speech", "speech.tts.audio", "speech.tts.picture",
                                                               "speech-alignment", "speech.tts.picture.explain")
            spectrum = gr.Image(label=ui_text("speech.spectrogram"), format="png", interactive=False)
    with gr.Accordion(ui_text("speech.seeds.heading"), open=False):
        gr.Markdown(ui_text("speech.seeds.explain"))
        seeds_button = gr.Button(ui_text("speech.seeds.run"))
        seeds_info = gr.Markdown()
        seeds_picture = gr.Image(label=ui_text("speech.seeds.picture"), format="png", interactive=False,
                                 elem_classes="speech-seeds")
        with gr.Row():
            seeds_players = [gr.Audio(type="filepath", interactive=False) for _ in range(vits.SEEDS_SHOWN)]

    with gr.Accordion(ui_text("speech.voice.heading"), open=False):
        gr.Markdown(ui_text("speech.voice.explain"))
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=300):
                voice_a = ui.component(voice.VOICE_A, elem_classes="speech-voice-a")
                voice_b = ui.component(voice.VOICE_B, elem_classes="speech-voice-b")
                mix = ui.component(voice.MIX)
                mine = gr.Audio(label=ui_text("speech.voice.mine"), sources=["upload", "microphone"],
                                type="filepath", elem_classes="speech-mine")
                gr.Examples([[str(voice.EXAMPLE_RECORDING)]], inputs=mine, label=ui_text("speech.voice.mine.example"),
                            api_name="speech_mine_example", api_visibility="private")
                voice_text = ui.component(voice.TEXT)
                gr.Examples([[e] for e in VOICE_EXAMPLES], inputs=voice_text, label=ui_text("speech.examples"),
                            api_name="speech_voice_example", api_visibility="private")
                voice_seed = ui.component(voice.SEED)
                voice_button = gr.Button(ui_text("speech.voice.speak"), variant="primary")
            with gr.Column(scale=6, min_width=300):
                voice_audio, voice_info, voice_meters, voice_map = _result_column(
                    "speech-voice", "speech.voice.audio", "speech.voice.map", "speech-map", "speech.voice.map.explain")

    with gr.Accordion(ui_text(clone.HEADING), open=False):
        gr.Markdown(ui_text(clone.ETHICS))
        if not clone.can_clone():
            gr.Markdown(ui_text(clone.HINT_NO_GPU))
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=300, elem_classes="speech-clone-controls"):
                consent = ui.component(clone.CONSENT)
                reference = gr.Audio(label=ui_text("speech.clone.reference"), sources=["upload", "microphone"],
                                     type="filepath", elem_classes="speech-reference")
                clone_text, clone_language = ui.component(clone.TEXT), ui.component(clone.LANGUAGE)
                clone_examples = gr.Examples([list(e) for e in CLONE_EXAMPLES], inputs=[clone_text, clone_language],
                                             label=ui_text("speech.examples"), api_name="speech_clone_example",
                                             api_visibility="private")
                clone_examples.dataset.headers = []
                clone_seed = ui.component(clone.SEED)
                with ui.advanced(demo=DEMO):
                    steps = ui.component(clone.STEPS)
                with gr.Row():
                    # On a CPU the button stays greyed out: the hint above says why.
                    clone_button = gr.Button(ui_text(clone.RUN), variant="primary", interactive=clone.can_clone())
                    ui.stop_button(DEMO, cancels=[], signals=STOP, api_name="speech_clone_stop")
                gr.Markdown(ui_text("speech.clone.licence"))
            with gr.Column(scale=6, min_width=300):
                clone_audio, clone_info, clone_meters, clone_tokens = _result_column(
                    "speech-clone", clone.AUDIO, clone.TOKENS, "speech-clone-tokens", "speech.clone.tokens.explain")
    with gr.Accordion(ui_text(widget_key(DEMO, "how")), open=False):
        gr.Markdown(ui_text("speech.explain"))

    settings = [text, language, engine, speaking_rate, noise_scale, noise_scale_duration, seed]
    outputs = [audio, info, meters_line, picture, spectrum, heard, status]
    new_seed = speak_button.click(random_seed, inputs=None, outputs=seed, api_name="speech_new_seed",
                                  api_visibility="private", queue=False)
    for trigger, name in ((new_seed.then, "speech_speak"), (again_button.click, "speech_again")):
        trigger(show_speech, inputs=settings, outputs=outputs, api_name=name, api_visibility="private",
                **GPU_EVENT).success(show_meters, inputs=heard, outputs=meters_line, api_name=f"{name}_meters",
                                     api_visibility="private", **GPU_EVENT)
    language.change(language_status, inputs=language, outputs=status, api_name="speech_model_status",
                    api_visibility="private", queue=False, show_progress="hidden")
    seeds_button.click(show_five_seeds, inputs=[text, language, speaking_rate, noise_scale, noise_scale_duration, seed],
                       outputs=[seeds_info, seeds_picture, *seeds_players], api_name="speech_five_seeds",
                       api_visibility="private", **GPU_EVENT)
    voice_heard = gr.State(None, time_to_live=ui.STATE_SECONDS)
    voice_button.click(show_voice, inputs=[voice_a, voice_b, mix, mine, voice_text, voice_seed],
                       outputs=[voice_audio, voice_info, voice_meters, voice_map, voice_heard],
                       api_name="speech_voice", api_visibility="private", preprocess=False, **GPU_EVENT).success(
        show_voice_meters, inputs=voice_heard, outputs=voice_meters, api_name="speech_voice_meters",
        api_visibility="private", **GPU_EVENT)
    clone_button.click(show_clone, inputs=[consent, reference, clone_text, clone_language, clone_seed, steps],
                       outputs=[clone_audio, clone_info, clone_meters, clone_tokens], api_name="speech_clone",
                       api_visibility="private", preprocess=False, **GPU_EVENT)
    ui.api(tts_api, api_name="tts", **GPU_EVENT)
    ui.api(clone_voice_api, api_name="clone_voice", **GPU_EVENT)


def _result_column(prefix: str, audio_key: str, picture_key: str, picture_class: str, explain_key: str) -> tuple:
    """A result as each part of the tab shows it: the player with its download, the line saying
    what was made, the meters' line, and a picture with its explanation under it."""
    audio = gr.Audio(label=ui_text(audio_key), type="filepath", interactive=False, buttons=["download"],
                     elem_classes=f"{prefix}-audio")
    info, meters_line = gr.Markdown(elem_classes=f"{prefix}-info"), gr.Markdown(elem_classes=f"{prefix}-meters")
    picture = gr.Image(label=ui_text(picture_key), format="png", interactive=False, elem_classes=picture_class)
    gr.Markdown(ui_text(explain_key))
    return audio, info, meters_line, picture


@ui.handler
def random_seed() -> int:
    return random.SystemRandom().randrange(0, SEED_MAX + 1)


@ui.handler
def language_status(language) -> str:
    return models.status_markdown(vits.KEYS[vits.LANGUAGE.check(language)])


# ---------------------------------------------------------------- text to speech


@ui.handler
@gpu(duration=60)
def show_speech(text, language, engine, speaking_rate, noise_scale, noise_scale_duration, seed):
    spoken = tts.speak(text, language, engine, speaking_rate, seed, noise_scale=noise_scale,
                       noise_scale_duration=noise_scale_duration)
    heard = {"samples": spoken.waveform, "rate": spoken.rate, "text": spoken.text, "language": spoken.language}
    status = models.status_markdown(vits.KEYS[spoken.language] if spoken.engine == "vits" else voice.TALKER_KEY)
    return (temporary_audio(spoken.waveform, spoken.rate), _speech_text(spoken), message("speech.meter.running"),
            _speech_picture(spoken), _spectrogram(spoken.waveform, spoken.rate), heard, status)


def _speech_text(spoken: tts.Spoken) -> str:
    if spoken.speech is None:
        return message("speech.tts.done_speecht5", seconds=number(spoken.duration_s, ".1f"), seed=spoken.seed,
                       voice=spoken.voice)
    speech = spoken.speech
    line = message("speech.tts.done_vits", seconds=number(speech.duration_s, ".1f"), seed=speech.seed,
                   characters=sum(not b for b in speech.blanks), blanks=sum(speech.blanks),
                   frames=int(speech.frames.sum()), hop=speech.hop)
    note = vits.dropped_note(speech)
    return line if note is None else f"{line}\n\n{note}"


def _speech_picture(spoken: tts.Spoken):
    from shared.waveform import picture
    from speech.alignment import alignment_picture

    seconds = message(vits.AXIS_SECONDS)
    if spoken.speech is None:
        return picture(spoken.waveform, spoken.rate, seconds)
    return alignment_picture(spoken.speech, seconds, message(vits.STRIP_LABEL))


@ui.handler
@gpu(duration=60)
def show_meters(heard) -> str:
    from speech import meters

    if not heard:
        raise LabError("speech.meter.error.no_audio")
    measured = meters.measure(heard["samples"], heard["rate"], heard["text"], heard["language"])
    return _meters_text(measured)


def _meters_text(measured) -> str:
    from speech import meters

    return message("speech.meter.line", transcript=measured.transcript or "—", description=meters.describe(measured))


@ui.handler
@gpu(duration=120)
def show_five_seeds(text, language, speaking_rate, noise_scale, noise_scale_duration, seed):
    from speech.alignment import seeds_picture

    runs = vits.five_seeds(vits.load_reader(vits.LANGUAGE.check(language)), text, speaking_rate=speaking_rate,
                           noise_scale=noise_scale, noise_scale_duration=noise_scale_duration, seed=seed)
    labels = [message(vits.SEED_LABEL, seed=run.seed, seconds=number(run.duration_s, ".2f")) for run in runs]
    players = [gr.Audio(value=temporary_audio(run.waveform, run.rate), label=label) for run, label in zip(runs, labels,
                                                                                                   strict=True)]
    durations = [run.duration_s for run in runs]
    text_line = message("speech.seeds.done", shortest=number(min(durations), ".2f"),
                        longest=number(max(durations), ".2f"), first=runs[0].seed, last=runs[-1].seed)
    return (text_line, seeds_picture(runs, message(vits.AXIS_SECONDS), labels), *players)


# ---------------------------------------------------------------- a voice as numbers


@ui.handler
@gpu(duration=90)
def show_voice(voice_a, voice_b, mix, mine, text, seed):
    from speech import speaker_map
    from speech.recording import read_recording

    voice_a, voice_b = voice.VOICE_A.check(voice_a), voice.VOICE_B.check(voice_b)
    share, text, seed = voice.MIX.check(mix), voice.TEXT.check(text), voice.SEED.check(seed)
    recording = None
    if voice.MINE in (voice_a, voice_b) or mine is not None:
        recording = read_recording(uploaded_path(mine, invalid="speech.error.not_audio"))
    embedder = voice.load_embedder()
    mine_vector = voice.xvector(embedder, recording.samples) if recording is not None else None
    vectors = {name: mine_vector if name == voice.MINE else voice.speaker_voice(embedder, name)
               for name in {voice_a, voice_b}}
    mixed = voice.mix(vectors[voice_a], vectors[voice_b], share)
    result = voice.speak(voice.load_talker(), text, mixed, seed=seed)
    points = speaker_map.map_points(speaker_map.speaker_points(embedder), visitor=mine_vector, mixed=mixed)
    labels = {"mine": message("speech.voice.map.mine"), "mixed": message("speech.voice.map.mixed"),
              "x": message("speech.voice.map.x"), "y": message("speech.voice.map.y")}
    heard = {"samples": result.waveform, "rate": result.rate, "text": text, "voices": [voice_a, voice_b],
             "mine": recording.samples if recording is not None else None}
    line = message("speech.voice.done", seconds=number(len(result.waveform) / result.rate, ".1f"), seed=seed,
                   a=_voice_name(voice_a), b=_voice_name(voice_b), share=number(round(100 * share), "g"),
                   dimensions=len(mixed))
    return (temporary_audio(result.waveform, result.rate), line, message("speech.meter.running"),
            speaker_map.map_picture(points, labels), heard)


def _voice_name(name: str) -> str:
    return message("speech.voice.voice.mine") if name == voice.MINE else name.capitalize()


@ui.handler
@gpu(duration=60)
def show_voice_meters(heard) -> str:
    """Intelligibility, and the similarity of the result to each of the two voices it was mixed from
    (WavLM, another network than the x-vector that made the voice)."""
    from speech import meters
    from speech.recording import at_rate

    if not heard:
        raise LabError("speech.meter.error.no_audio")
    measured = meters.measure(heard["samples"], heard["rate"], heard["text"], tts.SPEECHT5_LANGUAGE)
    # the voices are compared below, one by one: only the intelligibility sentence of describe()
    heard_line = message("speech.meter.line", transcript=measured.transcript or "—",
                         description=message("speech.meter.describe.cer", cer=number(100 * measured.cer, ".0f")))
    result_16k = at_rate(heard["samples"], heard["rate"])
    if len(result_16k) < meters.MIN_SECONDS * meters.RATE:  # a word or two: too little for a voice
        return "\n\n".join([heard_line, message("speech.voice.too_short_to_compare",
                                                  low=number(meters.MIN_SECONDS, "g"))])
    result = meters.speaker_embedding(result_16k)
    similarities = []
    for name in dict.fromkeys(heard["voices"]):
        if name == voice.MINE:
            embedding = meters.speaker_embedding(heard["mine"])
        else:
            embedding = meters.remembered_embedding(name, functools.partial(voice.speaker_samples, name))
        similarity = meters.speaker_similarity(embedding, result)
        similarities.append(message("speech.voice.similar_to", voice=_voice_name(name),
                                    similarity=number(similarity, ".2f")))
    return "\n\n".join([heard_line, message("speech.voice.similarities", values="; ".join(similarities),
                                              threshold=number(meters.SAME_SPEAKER, ".2f"))])


# ---------------------------------------------------------------- cloning


@ui.handler
@gpu(duration=180)
def show_clone(consent, reference, text, language, seed, steps, request: gr.Request, progress=gr.Progress()):
    from shared.code_grid import codes_picture
    from speech import meters
    from speech.recording import read_recording

    clone.check_request(consent, text, language, seed, steps)  # consent first: no recording is read without it
    recording = read_recording(uploaded_path(reference, invalid="speech.error.not_audio"))
    keep = gr.skip()
    with STOP.running(session_of(request)) as stop:
        yield keep, message("speech.clone.preparing"), keep, keep
        model = clone.load_cloner()
        ref_text = _reference_transcript(recording, clone.LANGUAGE.check(language))
        for event in clone.clone_voice(model, recording, text, language, seed, ref_text, stop, consent=consent,
                                       steps=steps):
            if isinstance(event, clone.CloneProgress):
                line = message("speech.clone.progress", step=event.step, total=event.total,
                               fixed=number(round(100 * event.fixed), "g"))
                progress((event.step, event.total), desc=line)
                grid = keep
                if event.step % PICTURE_EVERY == 0 or event.step == event.total:
                    grid = codes_picture(event.tokens, model.config.audio_mask_id)
                yield keep, line, keep, grid
            else:
                result = event
    yield (temporary_audio(result.waveform, result.rate), clone.describe(result), message("speech.meter.running"),
           codes_picture(result.tokens, model.config.audio_mask_id))
    measured = meters.measure(result.waveform, result.rate, result.text, result.language,
                              reference=clone.reference_clip(recording)[0])
    yield keep, keep, _meters_text(measured), keep


def _reference_transcript(recording, language: str) -> str | None:
    """What the reference clip says, for OmniVoice (which expects it before the new text), written
    by the tab's Whisper; None where no recogniser is available (the model then gets none)."""
    from speech import meters

    clip, _ = clone.reference_clip(recording)
    try:
        return meters.transcribe(clip, language)
    except models.ModelUnavailable:
        return None


# ---------------------------------------------------------------- files and pictures


def _spectrogram(samples, rate: int):
    from shared.spectrogram import mel_power, render

    power = mel_power(samples[None], rate)
    return render(power, rate, float(power.max()) or 1.0, time_label=message(vits.AXIS_SECONDS),
                  frequency_label=message("speech.axis.hertz"))


# ---------------------------------------------------------------- the API


@gpu(duration=60)
def tts_api(text: str, language: str = vits.LANGUAGE.default, engine: str = tts.ENGINE.default,
            speaking_rate: float = vits.SPEAKING_RATE.default, seed: int = vits.SEED.default) -> dict:
    """``text`` read aloud in ``language`` ("pl" or "en") by ``engine``: "vits" (MMS-TTS, both
    languages, ``speaking_rate`` 0.5–2) or "speecht5" (English only, rate 1, in the voice of one
    FSDD speaker), from ``seed``. Out: the WAV file and a summary (sample rate, duration, and for
    VITS the frames and seconds of every character and blank, and the characters it could not read)."""
    spoken = tts.speak(text, language, engine, speaking_rate, seed)
    return {"audio": ui.file_data(temporary_audio(spoken.waveform, spoken.rate)), "summary": tts.summary(spoken)}


@gpu(duration=180)
def clone_voice_api(reference: FileData, text: str, language: str = clone.LANGUAGE.default,
                    consent: bool = False) -> dict:
    """``text`` (``language``: "pl", "en", "de", "uk", "fr" or "es") said in the voice of
    ``reference`` (a recording of 1–60 s, of which the first 10 s are heard) by OmniVoice, on a GPU,
    only with ``consent`` true: the speaker's, or your own voice. Out: the WAV file, a summary, and
    the two meters (Whisper's transcript and character error rate, and the speaker similarity of
    the reference and the result)."""
    from speech import meters
    from speech.recording import read_recording

    clone.check_request(consent, text, language, clone.SEED.default, clone.STEPS.default)
    recording = read_recording(uploaded_path(reference, invalid="speech.error.not_audio"))
    ref_text = _reference_transcript(recording, clone.LANGUAGE.check(language))
    result = clone.result_of(clone.clone_voice(clone.load_cloner(), recording, text, language, clone.SEED.default,
                                               ref_text, consent=consent))
    measured = meters.measure(result.waveform, result.rate, result.text, result.language,
                              reference=clone.reference_clip(recording)[0])
    return {"audio": ui.file_data(temporary_audio(result.waveform, result.rate)), "summary": clone.summary(result),
            "meters": {"transcript": measured.transcript, "cer": round(measured.cer, 4),
                       "speaker_similarity": None if measured.similarity is None else round(measured.similarity, 4),
                       "same_speaker_threshold": meters.SAME_SPEAKER}}
