"""The "Audio separation" tab: a clip and a method on the left, what came out on the right.

Events:
- ``separate`` (public API): one audio file and the settings in; the mix, every stem and
  the residual out, each as a sound file and a spectrogram, with a summary table;
- ``audio_separation_stop``: the Stop button, which ends this visitor's running Demucs pass;
- ``audio_separation_method``: enables the settings that belong to the chosen method;
- ``audio_separation_after_run``: refreshes the two model status lines after a run.
"""

from __future__ import annotations

import traceback
from contextlib import contextmanager
from pathlib import Path

import gradio as gr

from audio_separation import separation
from audio_separation.separation import (
    ALL_STEMS,
    CLASSICAL,
    CLASSICAL_PARTS,
    DEMUCS_MODELS,
    DEMUCS_SOURCES,
    FORMATS,
    MAX_SHIFTS,
    METHODS,
)
from shared import models, ui
from shared.controls import Choice, Flag, Number
from shared.device import by_hardware
from shared.errors import LabError
from shared.gpu import GPU_EVENT
from shared.i18n import message, number, widget_key
from shared.run_control import StopSignals, session_of
from shared.texts import Family
from shared.ui import ui_text
from shared.validation import uploaded_path

DEMO = "audio_separation"
EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
STEM_SLOTS = len(DEMUCS_SOURCES)  # the most stems a run gives: htdemucs_6s' six sources
STEM_CHOICES = (ALL_STEMS, *DEMUCS_SOURCES)
MAX_START_S = 3600.0

METHOD = Choice("audio_separation.method", choices=METHODS, default="htdemucs", labels="audio_separation.method",
                info=True)
STEMS = Choice("audio_separation.stems", choices=STEM_CHOICES, default=ALL_STEMS, labels="audio_separation.choice",
               dropdown=True, info=True)
USE_FIRST = Flag("audio_separation.use_first", default=True, info=True)
# The slider reaches the longest clip this hardware separates (Demucs on a GPU); each run checks
# against its own method's limit, shorter for the classical methods.
SECONDS = Number("audio_separation.seconds", low=1, high=max(separation.limit_seconds(m) for m in METHODS),
                 default=by_hardware(cpu=20.0, gpu=60.0), step=1)
START = Number("audio_separation.start", low=0, high=MAX_START_S, default=0)
SHIFTS = Number("audio_separation.shifts", low=0, high=MAX_SHIFTS, default=1, step=1, integer=True, info=True)
MARGIN = Number("audio_separation.margin", low=1, high=8, default=1, step=0.5, info=True)
FORMAT = Choice("audio_separation.format", choices=FORMATS, default="wav", names=("WAV", "MP3"))
PART_LABELS = Family("audio_separation.part", (*DEMUCS_SOURCES, *CLASSICAL_PARTS))
STOP = StopSignals("audio_separation")


def build() -> None:
    # The outputs are made first and placed later (render=False): the run event must exist when
    # the Stop button that cancels it is made, next to Separate in the left column.
    summary = gr.Markdown(ui_text("audio_separation.hint"), render=False)
    slots = [_slot("audio_separation.mix"),
             *(_slot("audio_separation.stem", visible=False) for _ in range(STEM_SLOTS)),
             _slot("audio_separation.residual")]
    files = gr.File(label=ui_text("audio_separation.files"), file_count="multiple", interactive=False, render=False)
    outputs = [summary, *(part for slot in slots for part in slot), files]
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320):
            audio_in = gr.Audio(label=ui_text("audio_separation.input"), sources=["upload", "microphone"],
                                type="filepath", buttons=["download"])
            gr.Examples(examples=[[str(p)] for p in sorted(EXAMPLES_DIR.glob("*.ogg"))], inputs=[audio_in],
                        label=ui_text("audio_separation.examples"), api_name="audio_separation_load_example",
                        api_visibility="private")
            method = ui.component(METHOD)
            stems = ui.component(STEMS)
            with gr.Row():
                use_first = ui.component(USE_FIRST)
                seconds = ui.component(SECONDS)
            with ui.advanced(demo=DEMO):
                start = ui.component(START)
                shifts = ui.component(SHIFTS)
                margin = ui.component(MARGIN, interactive=False)  # HPSS only, and the default method is Demucs
                audio_format = ui.component(FORMAT)
            inputs = [audio_in, method, stems, use_first, seconds, start, shifts, margin, audio_format]
            with gr.Row():
                run_button = gr.Button(ui_text("audio_separation.run"), variant="primary")
                # preprocess=False: every value reaches separate() as sent, so that its own checks
                # answer, translated, where Gradio's would refuse an unknown method in English.
                run = run_button.click(separate, inputs=inputs, outputs=outputs, api_name="separate",
                                       preprocess=False, **GPU_EVENT,
                                       api_description="Split a song into stems (Demucs htdemucs / htdemucs_6s) "
                                                       "or into harmonic/percussive or background/foreground parts "
                                                       "(classical, librosa).")
                ui.stop_button(DEMO, cancels=[run], signals=STOP, api_name="audio_separation_stop")
            status_4s = ui.model_status("audio_separation")
            status_6s = ui.model_status("audio_separation_6s")
            with gr.Accordion(ui_text(widget_key(DEMO, "how")), open=False):
                gr.Markdown(ui_text("audio_separation.explain"))
        with gr.Column(scale=6, min_width=320):
            summary.render()
            for audio, picture in slots:
                with gr.Row(equal_height=True):
                    audio.render()
                    picture.render()
            files.render()

    run.then(model_status_lines, inputs=None, outputs=[status_4s, status_6s], api_name="audio_separation_after_run",
             api_visibility="private", queue=False, show_progress="hidden")
    method.change(settings_for_method, inputs=method, outputs=[stems, shifts, margin],
                  api_name="audio_separation_method", api_visibility="private", queue=False,
                  show_progress="hidden")


def _slot(label_key: str, *, visible: bool = True) -> tuple[gr.Audio, gr.Image]:
    """A player and its spectrogram, to be placed side by side (made unrendered)."""
    audio = gr.Audio(label=ui_text(label_key), type="filepath", interactive=False, buttons=["download"],
                     visible=visible, scale=2, min_width=200, render=False)
    picture = gr.Image(label=ui_text("audio_separation.spectrogram"), format="png", interactive=False,
                       buttons=["fullscreen"], visible=visible, scale=5, min_width=280, render=False)
    return audio, picture


@ui.handler
def settings_for_method(method: str):
    """Shifts and the stems belong to Demucs, the margin to HPSS."""
    method = METHOD.check(method)
    deep = method in DEMUCS_MODELS
    return gr.update(interactive=deep), gr.update(interactive=deep), gr.update(interactive=method == "hpss")


@ui.handler
def model_status_lines() -> tuple[str, str]:
    """Both model lines again: a run may have loaded a model, or failed to."""
    return models.status_markdown("audio_separation"), models.status_markdown("audio_separation_6s")


@ui.handler
def separate(audio_path, method, stems, use_first, seconds, start, shifts, margin, audio_format,
             request: gr.Request, progress=gr.Progress()):
    """Everything the tab shows for one separation (also the ``separate`` API endpoint, whose
    parameters are named after these). ``audio_path`` is Gradio's unprocessed FileData."""
    # None goes on to read_clip, which asks for a clip.
    path = uploaded_path(audio_path, invalid="audio_separation.error.not_audio")
    method, stems, use_first = METHOD.check(method), STEMS.check(stems), USE_FIRST.check(use_first)
    seconds = SECONDS.check(seconds, high=separation.limit_seconds(method))
    start = START.check(START.default if start is None else start)  # an emptied box: from the beginning
    shifts, margin, audio_format = SHIFTS.check(shifts), MARGIN.check(margin), FORMAT.check(audio_format)
    with _out_of_host_memory_message():
        with STOP.running(session_of(request)) as stop:
            result = separation.run(path, method, stems=stems, use_first=use_first, seconds=seconds, start=start,
                                    shifts=shifts, hpss_margin=margin, stop=stop,
                                    on_progress=lambda fraction, text: progress(fraction, desc=text))
        progress(0.96, desc=message("audio_separation.progress.pictures"))
        pictures = separation.spectrograms(result)
        written = separation.save(result, audio_format, Path(path).name)
    return _present(result, pictures, written)


@contextmanager
def _out_of_host_memory_message():
    """The server's own memory (not the GPU's, which the UI boundary handles) running out while a
    long clip is decoded, separated or drawn: a message instead of a failed request."""
    try:
        yield
    except MemoryError as exc:
        # The traceback's frames hold the arrays that filled the memory: let them go first.
        traceback.clear_frames(exc.__traceback__)
        raise LabError("audio_separation.error.memory") from None


def _present(result: separation.Separation, pictures: tuple, written: tuple) -> list:
    """The outputs' values: a filled slot (player and spectrogram) per stem, the rest hidden."""
    mix_picture, stem_pictures, residual_picture = pictures
    mix_path, stem_paths, residual_path, scale_notes = written
    slots = []
    for name, path in stem_paths.items():
        label = stem_label(name)
        slots += [gr.update(value=str(path), label=label, visible=True),
                  gr.update(value=stem_pictures[name], label=message("audio_separation.spectrogram.of", part=label),
                            visible=True)]
    slots += [gr.update(value=None, visible=False) for _ in range(2 * (STEM_SLOTS - len(stem_paths)))]
    return [
        summary_markdown(result, scale_notes),
        str(mix_path),
        mix_picture,
        *slots,
        str(residual_path),
        residual_picture,
        [str(mix_path), *(str(p) for p in stem_paths.values()), str(residual_path)],
    ]


def stem_label(name: str) -> str:
    """A stem's name for the page: a part ("Vocals"), or, in the two-stem mode, "Everything except vocals"."""
    if name.startswith("no_"):
        return message("audio_separation.stem.without", stem=message(STEMS.label_key(name.removeprefix("no_"))))
    return message(PART_LABELS.key(name))


def summary_markdown(result: separation.Separation, scale_notes: list[str]) -> str:
    def signed(decibels: float) -> str:
        return number(decibels, "+.1f").replace("-", "−")

    rows = [f"| {stem_label(name) if name != 'residual' else message('audio_separation.residual')} "
            f"| {signed(level)} | {signed(relative)} |" for name, level, relative in separation.levels(result)]
    method = message(METHOD.label_key(result.method))
    if result.model_id:
        method += f" (`{result.model_id}`)"
    lines = [
        message("audio_separation.summary.head", method=method, seconds=number(result.mix.shape[-1] / result.rate),
                took=number(result.seconds_taken)),
        "",
        message("audio_separation.summary.table"),
        "| --- | ---: | ---: |",
        *rows,
        "",
        message("audio_separation.summary.residual"),
    ]
    notes = result.notes + scale_notes
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    if result.method in CLASSICAL:
        lines += ["", message("audio_separation.summary.classical")]
    return "\n".join(lines)
