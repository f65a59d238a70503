"""The "Text generation" tab: the next-token explorer.

Events (each checks its inputs, since the API bypasses the page):
- ``next_tokens`` (API only): prompt and sampling settings in, the most likely next tokens with
  their probabilities out, raw and after the settings;
- ``text_generation_explore``: the same for the page (summary, tokenization, chart, table);
- ``text_generation_step`` (API only): append one token (greedy, sampled with a seed, or picked);
  ``text_generation_add`` does it for the page, ``text_generation_undo`` takes it back;
- ``text_generation_generate``: stream the rest of the text; ``text_generation_stop`` ends it.
"""

from __future__ import annotations

import gradio as gr
import pandas as pd

from shared import ui
from shared.controls import Choice, Number, Seed, Text
from shared.device import by_hardware
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message, number, percent
from shared.models import model_id
from shared.run_control import StopSignals, session_of
from shared.ui import ui_text
from text_generation import language_model

DEFAULT_PROMPT = "Once upon a time, there was a"
MODES = ("greedy", "sample", "pick")
UNDO_STEPS = 50  # how many added tokens Undo can take back
EXAMPLES = [
    ["Once upon a time, there was a", "text_generation"],
    ["The best thing about deep learning is", "text_generation"],
    ["Ala ma", "text_generation_pl"],
    ["Politechnika Gdańska to", "text_generation_pl"],
]

MODEL = Choice("text_generation.model", choices=language_model.CHOICES, default=language_model.CHOICES[0],
               names=tuple(language_model.LABELS[c] for c in language_model.CHOICES), dropdown=True, info=True)
PROMPT = Text("text_generation.prompt", max_chars=4000, default=DEFAULT_PROMPT, empty="text_generation.empty",
              placeholder=True, lines=4)
MODE = Choice("text_generation.mode", choices=MODES, default="greedy", labels="text_generation.mode")
TEMPERATURE = Number("text_generation.temperature", low=0.0, high=2.0, default=1.0, step=0.05, info=True)
TOP_K = Number("text_generation.top_k", low=0, high=200, default=50, step=1, integer=True, info=True)
TOP_P = Number("text_generation.top_p", low=0.05, high=1.0, default=1.0, step=0.01, info=True)
SHOWN = Number("text_generation.shown", low=3, high=50, default=10, step=1, integer=True)
SEED = Seed(default=42)
# Generation is cheap on a GPU; on a shared 2-core CPU a long continuation would keep others waiting.
MAX_NEW_TOKENS = Number("text_generation.max_new_tokens", low=1, high=by_hardware(cpu=120, gpu=300), default=40,
                        step=1, integer=True)

STOP = StopSignals("text_generation")


def build() -> None:
    history = gr.State([], time_to_live=ui.STATE_SECONDS)
    stats = gr.Markdown(render=False)  # shown in the right column, filled by Generate (wired in the left one)
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320):
            model = ui.component(MODEL)
            prompt = ui.component(PROMPT)
            show = gr.Button(ui_text("text_generation.show"), variant="primary")
            with gr.Group():
                mode = ui.component(MODE)
                pick = gr.Dropdown(choices=[], value=None, label=ui_text("text_generation.pick"), interactive=True)
                with gr.Row():
                    add = gr.Button(ui_text("text_generation.add"), variant="secondary")
                    undo = gr.Button(ui_text("text_generation.undo"), variant="secondary")
            with ui.advanced(demo="text_generation", open=True):
                temperature, top_k, top_p, shown, seed, max_new_tokens = (
                    ui.component(control) for control in (TEMPERATURE, TOP_K, TOP_P, SHOWN, SEED, MAX_NEW_TOKENS))
            with gr.Row():
                generate = gr.Button(ui_text("text_generation.generate"), variant="primary")
                # preprocess=False: the components' own range checks answer in English only, the
                # checks here in the caller's language.
                generation = generate.click(generate_text, [prompt, model, temperature, top_k, top_p, seed,
                                                            max_new_tokens], [prompt, stats],
                                            api_name="text_generation_generate", preprocess=False, **GPU_EVENT)
                ui.stop_button("text_generation", cancels=[generation], signals=STOP, api_name="text_generation_stop")
            examples = gr.Examples(examples=EXAMPLES, inputs=[prompt, model], label=ui_text("text_generation.examples"),
                                   api_name="text_generation_example", api_visibility="private")
            examples.dataset.headers = []  # the browser does not translate headers made from labels
        with gr.Column(scale=5, min_width=320):
            status = ui.model_status("text_generation")
            summary = gr.Markdown(ui_text("text_generation.hint"))
            tokens = gr.HighlightedText(label=ui_text("text_generation.tokens"), combine_adjacent=False,
                                        show_legend=False)
            chart = gr.BarPlot(x="token", y="probability", color="distribution", y_lim=[0, 1],
                               label=ui_text("text_generation.chart"), height=300)
            table = gr.Dataframe(label=ui_text("text_generation.table"), interactive=False, wrap=True)
            stats.render()
    with gr.Accordion(ui_text("text_generation.explain.heading"), open=False):
        gr.Markdown(ui_text("text_generation.explain"))

    settings = [model, temperature, top_k, top_p, shown]
    view = [status, summary, tokens, chart, table, pick]
    show.click(explore, [prompt, *settings], view, api_name="text_generation_explore",
               api_visibility="undocumented", preprocess=False, **GPU_EVENT)
    prompt.submit(explore, [prompt, *settings], view, api_name="text_generation_explore_submit",
                  api_visibility="private", **GPU_EVENT)
    for slider, name in ((temperature, "temperature"), (top_k, "top_k"), (top_p, "top_p"), (shown, "shown")):
        slider.release(explore, [prompt, *settings], view, api_name=f"text_generation_explore_{name}",
                       api_visibility="private", show_progress="hidden", **GPU_EVENT)
    add.click(step_for_page, [prompt, model, temperature, top_k, top_p, seed, mode, pick, history],
              [prompt, history], api_name="text_generation_add", api_visibility="private", **GPU_EVENT
              ).success(explore, [prompt, *settings], view, api_name="text_generation_explore_after_add",
                        api_visibility="private", show_progress="hidden", **GPU_EVENT)
    undo.click(undo_step, [prompt, history], [prompt, history], api_name="text_generation_undo",
               api_visibility="private", queue=False
               ).then(explore, [prompt, *settings], view, api_name="text_generation_explore_after_undo",
                      api_visibility="private", show_progress="hidden", **GPU_EVENT)
    generation.then(explore, [prompt, *settings], view, api_name="text_generation_explore_after_generate",
                    api_visibility="private", show_progress="hidden", **GPU_EVENT)

    ui.api(next_tokens_api, api_name="next_tokens", api_description=(
        "Prompt and sampling settings in; the most likely next tokens out, each with its id, its probability "
        "under the model and its probability after temperature / top-k / top-p."), **GPU_EVENT)
    ui.api(step_text, api_name="text_generation_step", api_description=(
        "Append one token to the prompt: mode 'greedy', 'sample' (with the seed) or 'pick' (a token id or its "
        "text from next_tokens). Returns the new text and the token added."), **GPU_EVENT)


# --- events ---------------------------------------------------------------------------------------------------


@gpu(duration=30)
def next_tokens_api(prompt: str = PROMPT.default, model: str = MODEL.default, temperature: float = TEMPERATURE.default,
                    top_k: int = TOP_K.default, top_p: float = TOP_P.default, shown: int = SHOWN.default) -> dict:
    """The ``shown`` most likely next tokens of the prompt, raw and after the sampling settings."""
    from text_generation.next_token import as_rows

    text, choice = PROMPT.check(prompt), MODEL.check(model)
    settings, shown = _sampling(temperature, top_k, top_p), SHOWN.check(shown)
    _, ids, distribution = _distribution(text, choice, settings, shown)
    return {"model": model_id(choice), "prompt_tokens": len(ids), "tokens": as_rows(distribution)}


@ui.handler
@gpu(duration=30)
def explore(prompt, choice, temperature, top_k, top_p, shown):
    """Everything the page shows for the prompt: summary, tokenization, chart, table, pick list."""
    from text_generation.next_token import tokenization

    text, choice = PROMPT.check(prompt), MODEL.check(choice)
    settings, shown = _sampling(temperature, top_k, top_p), SHOWN.check(shown)
    tokenizer, ids, distribution = _distribution(text, choice, settings, shown)
    return (language_model.status(choice), _summary(len(ids), distribution), tokenization(tokenizer, ids),
            *_chart_table_and_picks(distribution))


@gpu(duration=30)
def step_text(prompt: str = PROMPT.default, model: str = MODEL.default, temperature: float = TEMPERATURE.default,
              top_k: int = TOP_K.default, top_p: float = TOP_P.default, seed: int = SEED.default,
              mode: str = MODE.default, picked: str | int | None = None) -> dict:
    """The prompt with one more token, chosen greedily, by a seeded draw, or picked by id or text."""
    from text_generation.next_token import step

    text, choice, settings = PROMPT.check(prompt), MODEL.check(model), _sampling(temperature, top_k, top_p)
    seed, mode = SEED.check(seed), MODE.check(mode)
    tokenizer, _, distribution = _distribution(text, choice, settings, SHOWN.default)
    added = step(tokenizer, distribution, mode, seed, picked)
    return {"text": text + added.token, "token": added.token, "id": added.id, "probability": added.probability,
            "probability_after_sampling": added.probability_after_sampling}


@ui.handler
def step_for_page(prompt, choice, temperature, top_k, top_p, seed, mode, picked, history):
    """The "Add" button: one more token, and the text before it kept for Undo."""
    result = step_text(prompt, choice, temperature, top_k, top_p, seed, mode, picked)
    return result["text"], (list(history or []) + [prompt])[-UNDO_STEPS:]


@ui.handler
def undo_step(prompt, history):
    history = list(history or [])
    if not history:
        return prompt, history
    return history.pop(), history


@ui.handler
@gpu(duration=90)
def generate_text(prompt, choice, temperature, top_k, top_p, seed, max_new_tokens, request: gr.Request = None):
    """Stream the prompt followed by the model's continuation, token by token."""
    from shared.llm_stream import stream_reply

    text, choice, settings = PROMPT.check(prompt), MODEL.check(choice), _sampling(temperature, top_k, top_p)
    seed, max_new = SEED.check(seed), MAX_NEW_TOKENS.check(max_new_tokens)
    model, tokenizer = language_model.get(choice)
    ids = _prompt_ids(model, tokenizer, text, reserve=max_new)
    with STOP.running(session_of(request)) as stop:
        for continuation, stats in stream_reply(model, tokenizer, ids, stop, seed=seed, max_new_tokens=max_new,
                                                **settings):
            yield text + continuation, _stats_line(stats)


# --- the steps the events share ------------------------------------------------------------------------------


def _sampling(temperature, top_k, top_p) -> dict:
    """The checked sampling settings, as ``next_tokens`` and ``generate`` take them."""
    return dict(temperature=TEMPERATURE.check(temperature), top_k=TOP_K.check(top_k), top_p=TOP_P.check(top_p))


def _prompt_ids(model, tokenizer, text: str, reserve: int = 0) -> list[int]:
    from text_generation.next_token import read_prompt

    prompt = read_prompt(model, tokenizer, text, reserve=reserve)
    if prompt.dropped:
        ui.warn("text_generation.truncated", n=len(prompt.ids) + prompt.dropped, limit=prompt.limit)
    return prompt.ids


def _distribution(text: str, choice: str, settings: dict, shown: int):
    """(tokenizer, the prompt's ids, the top of the next-token distribution) for checked inputs."""
    from text_generation.next_token import next_tokens

    model, tokenizer = language_model.get(choice)
    ids = _prompt_ids(model, tokenizer, text)
    return tokenizer, ids, next_tokens(model, tokenizer, ids, shown=shown, **settings)


# --- what the page shows ------------------------------------------------------------------------------------


def _summary(prompt_tokens: int, d) -> str:
    from text_generation.next_token import visible

    covered = sum(d.raw)
    return message("text_generation.summary", n=prompt_tokens, token=f"`{visible(d.tokens[0])}`",
                   probability=percent(d.raw[0]), shown=len(d.ids), covered=percent(covered),
                   rest=f"{d.raw_full.numel() - len(d.ids):,}".replace(",", " "),
                   remaining=percent(max(0.0, 1.0 - covered)))


def _chart_table_and_picks(d) -> tuple:
    from text_generation.next_token import visible

    raw_label, sampling_label = message("text_generation.series.raw"), message("text_generation.series.sampling")
    labels = [f"{rank}. {visible(t)}" for rank, t in enumerate(d.tokens, start=1)]
    chart = pd.DataFrame({"token": labels * 2, "probability": d.raw + d.sampling,
                          "distribution": [raw_label] * len(labels) + [sampling_label] * len(labels)})
    table = pd.DataFrame({message("text_generation.col.rank"): range(1, len(d.ids) + 1),
                          message("text_generation.col.token"): [visible(t) for t in d.tokens],
                          message("text_generation.col.id"): d.ids,
                          message("text_generation.col.raw"): [percent(p) for p in d.raw],
                          message("text_generation.col.sampling"): [percent(p) for p in d.sampling]})
    picks = [(f"{visible(t)}  ({percent(p)})", str(i)) for t, i, p in zip(d.tokens, d.ids, d.raw, strict=True)]
    return (gr.BarPlot(value=chart, sort=labels, x_title=message("text_generation.col.token"),
                       y_title=message("text_generation.col.raw")),
            table, gr.Dropdown(choices=picks, value=picks[0][1]))


def _stats_line(stats) -> str:
    return message("text_generation.stats", tokens=stats.new_tokens, seconds=number(stats.seconds),
                   speed=number(stats.tokens_per_second),
                   stopped=message("text_generation.stopped") if stats.stopped else "")
