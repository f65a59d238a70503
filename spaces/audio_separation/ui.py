"""The "Audio separation" tab: a clip and a method on the left, what came out on the right.

Events:
- ``separate`` (public API): one audio file and the settings in; the mix, every stem and
  the residual out, each as a sound file and a spectrogram, with a summary table;
- ``audio_separation_stop``: the Stop button, which ends a running Demucs pass;
- ``audio_separation_method``: enables the settings that belong to the chosen method;
- ``audio_separation_model_status``: refreshes the two model status lines after a run.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import gradio as gr

from audio_separation import separation
from audio_separation.separation import ALL_STEMS, CLASSICAL, DEMUCS_MODELS, FORMATS, MAX_SHIFTS, METHODS
from shared import models
from shared.device import on_gpu
from shared.gpu import GPU_EVENT, out_of_memory_error
from shared.i18n import error, message, number, ui_text
from shared.validation import check_number

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
STEM_SLOTS = 6
STEM_CHOICES = (ALL_STEMS, "vocals", "drums", "bass", "other", "guitar", "piano")
MAX_START_S = 3600.0
# Started runs, by browser session, so that Stop can reach the one it belongs to.
_running: dict[str, threading.Event] = {}


def build() -> None:
    limit = separation.GPU_LIMIT_S if on_gpu() else separation.CPU_LIMIT_S
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320):
            audio_in = gr.Audio(label=ui_text("audio_separation.input"), sources=["upload", "microphone"],
                                type="filepath", buttons=["download"])
            gr.Examples(examples=[[str(p)] for p in sorted(EXAMPLES_DIR.glob("*.ogg"))], inputs=[audio_in],
                        label=ui_text("audio_separation.examples"), api_name="audio_separation_load_example",
                        api_visibility="private")
            method = gr.Radio([(ui_text(f"audio_separation.method.{m}"), m) for m in METHODS], value="htdemucs",
                              label=ui_text("audio_separation.method"), info=ui_text("audio_separation.method.info"))
            stems = gr.Dropdown([(ui_text(f"audio_separation.choice.{s}"), s) for s in STEM_CHOICES],
                                value=ALL_STEMS, label=ui_text("audio_separation.stems"),
                                info=ui_text("audio_separation.stems.info"))
            with gr.Row():
                use_first = gr.Checkbox(value=True, label=ui_text("audio_separation.use_first"),
                                        info=ui_text("audio_separation.use_first.info"))
                seconds = gr.Slider(1, limit, value=min(20.0, limit) if not on_gpu() else 60.0, step=1,
                                    label=ui_text("audio_separation.seconds"))
            with gr.Accordion(ui_text("audio_separation.advanced"), open=False):
                start = gr.Number(value=0, minimum=0, maximum=MAX_START_S, label=ui_text("audio_separation.start"))
                shifts = gr.Slider(0, MAX_SHIFTS, value=1, step=1, label=ui_text("audio_separation.shifts"),
                                   info=ui_text("audio_separation.shifts.info"))
                margin = gr.Slider(1, 8, value=1, step=0.5, label=ui_text("audio_separation.margin"),
                                   info=ui_text("audio_separation.margin.info"), interactive=False)
                audio_format = gr.Radio([("WAV", "wav"), ("MP3", "mp3")], value="wav",
                                        label=ui_text("audio_separation.format"))
            with gr.Row():
                run_button = gr.Button(ui_text("audio_separation.run"), variant="primary")
                stop_button = gr.Button(ui_text("audio_separation.stop"), variant="stop")
            status_4s = models.status_component("audio_separation")
            status_6s = models.status_component("audio_separation_6s")
            with gr.Accordion(ui_text("audio_separation.explain.heading"), open=False):
                gr.Markdown(ui_text("audio_separation.explain"))
        with gr.Column(scale=6, min_width=320):
            summary = gr.Markdown(ui_text("audio_separation.hint"))
            mix_audio, mix_picture = _slot("audio_separation.mix")
            stem_outputs = []
            for index in range(STEM_SLOTS):
                stem_outputs.extend(_slot("audio_separation.stem", visible=False))
            residual_audio, residual_picture = _slot("audio_separation.residual")
            files = gr.File(label=ui_text("audio_separation.files"), file_count="multiple", interactive=False)

    outputs = [summary, mix_audio, mix_picture, *stem_outputs, residual_audio, residual_picture, files]
    inputs = [audio_in, method, stems, use_first, seconds, start, shifts, margin, audio_format]
    run = run_button.click(separate, inputs=inputs, outputs=outputs, api_name="separate",
                           api_description="Split a song into stems (Demucs htdemucs / htdemucs_6s) or into "
                                           "harmonic/percussive or background/foreground parts (classical, librosa).",
                           **GPU_EVENT)
    run.then(lambda: (models.status_markdown("audio_separation"), models.status_markdown("audio_separation_6s")),
             inputs=None, outputs=[status_4s, status_6s], api_name="audio_separation_after_run", api_visibility="private",
             queue=False, show_progress="hidden")
    stop_button.click(stop, inputs=None, outputs=None, cancels=[run], api_name="audio_separation_stop",
                      api_visibility="private", queue=False)
    method.change(settings_for_method, inputs=method, outputs=[stems, shifts, margin],
                  api_name="audio_separation_method", api_visibility="private", queue=False,
                  show_progress="hidden")


def _slot(label_key: str, *, visible: bool = True) -> tuple[gr.Audio, gr.Image]:
    with gr.Row(equal_height=True):
        audio = gr.Audio(label=ui_text(label_key), type="filepath", interactive=False, buttons=["download"],
                         visible=visible, scale=2, min_width=200)
        picture = gr.Image(label=ui_text("audio_separation.spectrogram"), format="png", interactive=False,
                           buttons=["fullscreen"], visible=visible, scale=5, min_width=280)
    return audio, picture


def settings_for_method(method: str):
    if method not in METHODS:
        raise error("audio_separation.error.method", choices=", ".join(METHODS))
    deep = method in DEMUCS_MODELS
    return gr.update(interactive=deep), gr.update(interactive=deep), gr.update(interactive=method == "hpss")


def stop(request: gr.Request) -> None:
    running = _running.get(getattr(request, "session_hash", None) or "")
    if running is not None:
        running.set()


def separate(audio_path, method, stems, use_first, seconds, start, shifts, margin, audio_format,
             request: gr.Request, progress=gr.Progress()):
    """Everything the tab shows for one separation (also the ``separate`` API endpoint)."""
    if method not in METHODS:
        raise error("audio_separation.error.method", choices=", ".join(METHODS))
    if stems not in STEM_CHOICES:
        raise error("audio_separation.error.stem", stem=stems, choices=", ".join(STEM_CHOICES))
    if audio_format not in FORMATS:
        raise error("audio_separation.error.format", choices=", ".join(FORMATS))
    if not isinstance(use_first, bool):
        raise error("shared.number.not_number", name=message("audio_separation.use_first"))
    limit = separation.limit_seconds(method)
    seconds = check_number(seconds, message("audio_separation.seconds"), 1, limit)
    start = check_number(start or 0, message("audio_separation.start"), 0, MAX_START_S)
    shifts = check_number(shifts, message("audio_separation.shifts"), 0, MAX_SHIFTS, integer=True)
    margin = check_number(margin, message("audio_separation.margin"), 1, 8)

    session = getattr(request, "session_hash", None) or ""
    stop_flag = threading.Event()
    _running[session] = stop_flag
    try:
        result = separation.run(audio_path, method, stems=stems, use_first=use_first, seconds=seconds, start=start,
                                shifts=shifts, hpss_margin=margin, stop=stop_flag,
                                on_progress=lambda fraction, text: progress(fraction, desc=text))
        progress(0.96, desc=message("audio_separation.progress.pictures"))
        return _outputs(result, audio_format, Path(str(audio_path)).name)
    except MemoryError:
        gc.collect()
        raise error("audio_separation.error.memory") from None
    except Exception as exc:
        if type(exc).__name__ == "OutOfMemoryError":  # torch.OutOfMemoryError, without importing torch here
            raise out_of_memory_error() from None
        raise
    finally:
        if _running.get(session) is stop_flag:
            del _running[session]


def _outputs(result: separation.Separation, audio_format: str, name: str) -> list:
    from audio_separation import spectrogram

    mix_path, stem_paths, residual_path, scale_notes = separation.save(result, audio_format, name)
    mix_power = spectrogram.mel_power(result.mix, result.rate)
    reference = float(mix_power.max()) or 1.0
    labels = {"time_label": message("audio_separation.axis.time"),
              "frequency_label": message("audio_separation.axis.frequency"), "start": result.start}

    def picture(samples):
        return spectrogram.render(spectrogram.mel_power(samples, result.rate), result.rate, reference, **labels)

    stem_outputs = []
    for label, samples in result.stems.items():
        stem_outputs += [gr.update(value=str(stem_paths[label]), label=stem_label(label), visible=True),
                         gr.update(value=picture(samples), label=message("audio_separation.spectrogram.of",
                                                                          part=stem_label(label)), visible=True)]
    for _ in range(STEM_SLOTS - len(result.stems)):
        stem_outputs += [gr.update(value=None, visible=False), gr.update(value=None, visible=False)]
    return [
        summary_markdown(result, scale_notes),
        str(mix_path),
        spectrogram.render(mix_power, result.rate, reference, **labels),
        *stem_outputs,
        str(residual_path),
        picture(result.residual),
        [str(mix_path), *(str(p) for p in stem_paths.values()), str(residual_path)],
    ]


def stem_label(name: str) -> str:
    if name.startswith("no_"):
        return message("audio_separation.stem.without", stem=message(f"audio_separation.choice.{name[3:]}"))
    return message(f"audio_separation.part.{name}")


def summary_markdown(result: separation.Separation, scale_notes: list[str]) -> str:
    def signed(decibels: float) -> str:
        return number(decibels, "+.1f").replace("-", "−")

    rows = [f"| {stem_label(name) if name != 'residual' else message('audio_separation.residual')} "
            f"| {signed(level)} | {signed(relative)} |" for name, level, relative in separation.levels(result)]
    method = message(f"audio_separation.method.{result.method}")
    if result.model_id:
        method += f" (`{result.model_id}`)"
    lines = [
        message("audio_separation.summary.head", method=method, seconds=f"{result.mix.shape[-1] / result.rate:.1f}",
                took=f"{result.seconds_taken:.1f}"),
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
