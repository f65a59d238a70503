"""The "Text generation" tab: the next-token explorer.

Events (all validate their inputs, since the API bypasses the page):
- ``next_tokens`` (public API): prompt and sampling settings in, the top-k next tokens with
  their probabilities out, raw and after the settings;
- ``text_generation_explore``: the same for the page (table, chart, tokenization);
- ``text_generation_step``: append one token (greedy, sampled with a seed, or picked);
- ``text_generation_generate``: stream the rest of the text; ``text_generation_stop`` ends it.
"""

from __future__ import annotations


import gradio as gr
import pandas as pd
import torch

from shared.device import on_gpu
from shared.gpu import GPU_EVENT, gpu, out_of_memory_error
from shared.i18n import error, message, number, percent, ui_text, warn
from shared.llm_stream import StopSignals, sampling_settings, session_of, stream_generate
from shared.models import model_id, status_component
from shared.validation import check_number, check_seed, check_text
from text_generation import language_model
from text_generation.next_token import (
    MAX_SHOWN_TOKENS, as_rows, choose, context_limit, encode_prompt, next_tokens, tokenization, token_text, visible,
)

MAX_PROMPT_CHARS = 4000
MODES = ("greedy", "sample", "pick")
# Generation is cheap on a GPU; on a shared 2-core CPU a long reply would keep others waiting.
MAX_NEW_TOKENS = 300 if on_gpu() else 120
DEFAULT_PROMPT = "Once upon a time, there was a"
EXAMPLES = [
    ["Once upon a time, there was a", "text_generation"],
    ["The best thing about deep learning is", "text_generation"],
    ["Ala ma", "text_generation_pl"],
    ["Politechnika Gdańska to", "text_generation_pl"],
]

stop_signals = StopSignals()


def build() -> None:
    history = gr.State([])
    with gr.Row(equal_height=False):
        with gr.Column(scale=4, min_width=320):
            model = gr.Dropdown(choices=[(language_model.LABELS[c], c) for c in language_model.CHOICES],
                                value=language_model.CHOICES[0], label=ui_text("text_generation.model"),
                                info=ui_text("text_generation.model_info"))
            prompt = gr.Textbox(value=DEFAULT_PROMPT, lines=4, max_length=MAX_PROMPT_CHARS,
                                label=ui_text("text_generation.prompt"),
                                placeholder=ui_text("text_generation.prompt_placeholder"))
            show = gr.Button(ui_text("text_generation.show"), variant="primary")
            with gr.Group():
                mode = gr.Radio(choices=[(ui_text(f"text_generation.mode.{m}"), m) for m in MODES], value="greedy",
                                label=ui_text("text_generation.mode"))
                pick = gr.Dropdown(choices=[], value=None, label=ui_text("text_generation.pick"), interactive=True)
                with gr.Row():
                    add = gr.Button(ui_text("text_generation.add"), variant="secondary")
                    undo = gr.Button(ui_text("text_generation.undo"), variant="secondary")
            with gr.Accordion(ui_text("text_generation.settings"), open=True):
                temperature = gr.Slider(0.0, 2.0, value=1.0, step=0.05, label=ui_text("text_generation.temperature"),
                                        info=ui_text("text_generation.temperature_info"))
                top_k = gr.Slider(0, 200, value=50, step=1, label=ui_text("text_generation.top_k"),
                                  info=ui_text("text_generation.top_k_info"))
                top_p = gr.Slider(0.05, 1.0, value=1.0, step=0.01, label=ui_text("text_generation.top_p"),
                                  info=ui_text("text_generation.top_p_info"))
                shown = gr.Slider(3, MAX_SHOWN_TOKENS, value=10, step=1, label=ui_text("text_generation.shown"))
                seed = gr.Number(value=42, precision=0, minimum=0, maximum=2**32 - 1, label=ui_text("shared.seed"))
                max_new_tokens = gr.Slider(1, MAX_NEW_TOKENS, value=min(40, MAX_NEW_TOKENS), step=1,
                                           label=ui_text("text_generation.max_new_tokens"))
            with gr.Row():
                generate = gr.Button(ui_text("text_generation.generate"), variant="primary")
                stop = gr.Button(ui_text("text_generation.stop"), variant="stop")
            examples = gr.Examples(examples=EXAMPLES, inputs=[prompt, model], label=ui_text("text_generation.examples"),
                                   api_name="text_generation_example", api_visibility="private")
            examples.dataset.headers = []  # the browser does not translate headers made from labels
        with gr.Column(scale=5, min_width=320):
            status = status_component("text_generation")
            summary = gr.Markdown(ui_text("text_generation.hint"))
            tokens = gr.HighlightedText(label=ui_text("text_generation.tokens"), combine_adjacent=False,
                                        show_legend=False)
            chart = gr.BarPlot(x="token", y="probability", color="distribution", y_lim=[0, 1],
                               label=ui_text("text_generation.chart"), height=300)
            table = gr.Dataframe(label=ui_text("text_generation.table"), interactive=False, wrap=True)
            stats = gr.Markdown()
    with gr.Accordion(ui_text("text_generation.explain.heading"), open=False):
        gr.Markdown(ui_text("text_generation.explain"))

    settings = [model, temperature, top_k, top_p, shown]
    view = [status, summary, tokens, chart, table, pick]
    # preprocess=False on the events an API caller can reach: the components' own range checks answer in
    # English only, the checks here in the caller's language.
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
    generation = generate.click(generate_text, [prompt, model, temperature, top_k, top_p, seed, max_new_tokens],
                                [prompt, stats], api_name="text_generation_generate", preprocess=False,
                                **GPU_EVENT)
    generation.then(explore, [prompt, *settings], view, api_name="text_generation_explore_after_generate",
                    api_visibility="private", show_progress="hidden", **GPU_EVENT)
    stop.click(stop_generation, None, None, api_name="text_generation_stop", api_visibility="private",
               queue=False, cancels=[generation])

    # The public API: no button of its own; a hidden trigger gives it a stable name and a JSON answer.
    api_trigger = gr.Button(visible=False)
    api_answer = gr.JSON(visible=False)
    api_trigger.click(next_tokens_api, [prompt, model, temperature, top_k, top_p, shown], api_answer,
                      api_name="next_tokens", api_description=(
                          "Prompt and sampling settings in; the most likely next tokens out, each with its id, its "
                          "probability under the model and its probability after temperature / top-k / top-p."),
                      preprocess=False, **GPU_EVENT)
    api_step = gr.Button(visible=False)
    api_step.click(step_text, [prompt, model, temperature, top_k, top_p, seed, mode, pick], api_answer,
                   api_name="text_generation_step", api_description=(
                       "Append one token to the prompt: mode 'greedy', 'sample' (with the seed) or 'pick' (a token "
                       "id or its text from next_tokens). Returns the new text and the token added."),
                   preprocess=False, **GPU_EVENT)


# --- checks shared by every event -------------------------------------------------------------------------


def _check_model(choice: object) -> str:
    if choice not in language_model.CHOICES:
        raise error("text_generation.unknown_model", name=str(choice)[:60])
    return choice  # type: ignore[return-value]


def _check_settings(temperature, top_k, top_p) -> tuple[float, int, float]:
    return (float(check_number(temperature, message("text_generation.temperature"), 0.0, 2.0)),
            int(check_number(top_k, message("text_generation.top_k"), 0, 1000, integer=True)),
            float(check_number(top_p, message("text_generation.top_p"), 0.01, 1.0)))


def _prompt_ids(model, tokenizer, text: str, reserve: int = 0) -> list[int]:
    limit = context_limit(model, reserve=reserve)
    prompt = encode_prompt(tokenizer, text, limit)
    if prompt.dropped:
        warn("text_generation.truncated", n=len(prompt.ids) + prompt.dropped, limit=limit)
    if not prompt.ids:
        raise error("text_generation.no_tokens")
    return prompt.ids


def _distribution(prompt, choice, temperature, top_k, top_p, shown):
    text = check_text(prompt, MAX_PROMPT_CHARS, empty_hint="text_generation.empty")
    choice = _check_model(choice)
    temperature, top_k, top_p = _check_settings(temperature, top_k, top_p)
    shown = int(check_number(shown, message("text_generation.shown"), 1, MAX_SHOWN_TOKENS, integer=True))
    model, tokenizer = language_model.get(choice)
    ids = _prompt_ids(model, tokenizer, text)
    try:
        return model, tokenizer, ids, next_tokens(model, tokenizer, ids, temperature=temperature, top_k=top_k,
                                                  top_p=top_p, shown=shown)
    except torch.OutOfMemoryError:
        raise out_of_memory_error() from None


# --- events -------------------------------------------------------------------------------------------------


@gpu(duration=30)
def next_tokens_api(prompt, choice, temperature, top_k, top_p, shown) -> dict:
    model, tokenizer, ids, distribution = _distribution(prompt, choice, temperature, top_k, top_p, shown)
    return {"model": model_id(choice), "prompt_tokens": len(ids),
            "tokens": as_rows(distribution)}


@gpu(duration=30)
def explore(prompt, choice, temperature, top_k, top_p, shown):
    """Everything the page shows for the prompt: summary, tokenization, chart, table, pick list."""
    model, tokenizer, ids, d = _distribution(prompt, choice, temperature, top_k, top_p, shown)
    raw_label, sampling_label = message("text_generation.series.raw"), message("text_generation.series.sampling")
    labels = [f"{rank}. {visible(t)}" for rank, t in enumerate(d.tokens, start=1)]
    chart = pd.DataFrame({"token": labels * 2, "probability": d.raw + d.sampling,
                          "distribution": [raw_label] * len(labels) + [sampling_label] * len(labels)})
    table = pd.DataFrame({message("text_generation.col.rank"): range(1, len(d.ids) + 1),
                          message("text_generation.col.token"): [visible(t) for t in d.tokens],
                          message("text_generation.col.id"): d.ids,
                          message("text_generation.col.raw"): [percent(p) for p in d.raw],
                          message("text_generation.col.sampling"): [percent(p) for p in d.sampling]})
    covered = sum(d.raw)
    summary = message("text_generation.summary", n=len(ids), token=f"`{visible(d.tokens[0])}`",
                      probability=percent(d.raw[0]), shown=len(d.ids), covered=percent(covered),
                      rest=f"{d.raw_full.numel() - len(d.ids):,}".replace(",", " "),
                      remaining=percent(max(0.0, 1.0 - covered)))
    picks = [(f"{visible(t)}  ({percent(p)})", str(i)) for t, i, p in zip(d.tokens, d.ids, d.raw)]
    return (language_model.status(choice), summary, tokenization(tokenizer, ids),
            gr.BarPlot(value=chart, sort=labels, x_title=message("text_generation.col.token"),
                       y_title=message("text_generation.col.raw")),
            table, gr.Dropdown(choices=picks, value=picks[0][1]))


@gpu(duration=30)
def step_text(prompt, choice, temperature, top_k, top_p, seed, mode, picked) -> dict:
    """The prompt with one more token, chosen greedily, by a seeded draw, or picked by id or text."""
    if mode not in MODES:
        raise error("text_generation.unknown_mode", name=str(mode)[:40])
    seed = check_seed(seed)
    model, tokenizer, ids, distribution = _distribution(prompt, choice, temperature, top_k, top_p, 10)
    picked_id = _picked_id(tokenizer, picked, distribution.raw_full.numel()) if mode == "pick" else None
    token_id = choose(distribution, mode, seed, picked_id)
    token = token_text(tokenizer, token_id)
    return {"text": prompt + token, "token": token, "id": token_id,
            "probability": float(distribution.raw_full[token_id]),
            "probability_after_sampling": float(distribution.sampling_full[token_id])}


def _picked_id(tokenizer, picked, vocabulary: int) -> int:
    if picked is None or (isinstance(picked, str) and not picked.strip()):
        raise error("text_generation.pick_missing")
    text = str(picked)
    if text.strip().lstrip("-").isdigit():
        token_id = int(text)
        if 0 <= token_id < vocabulary:
            return token_id
        raise error("shared.number.out_of_range", name="id", low=0, high=vocabulary - 1, value=token_id)
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    if len(ids) != 1:
        raise error("text_generation.pick_missing")
    return int(ids[0])


def step_for_page(prompt, choice, temperature, top_k, top_p, seed, mode, picked, history):
    result = step_text(prompt, choice, temperature, top_k, top_p, seed, mode, picked)
    return result["text"], (list(history or []) + [prompt])[-50:]


def undo_step(prompt, history):
    history = list(history or [])
    if not history:
        return prompt, history
    return history.pop(), history


@gpu(duration=90)
def generate_text(prompt, choice, temperature, top_k, top_p, seed, max_new_tokens, request: gr.Request = None):
    """Stream the prompt followed by the model's continuation, token by token."""
    text = check_text(prompt, MAX_PROMPT_CHARS, empty_hint="text_generation.empty")
    choice = _check_model(choice)
    temperature, top_k, top_p = _check_settings(temperature, top_k, top_p)
    seed = check_seed(seed)
    max_new = int(check_number(max_new_tokens, message("text_generation.max_new_tokens"), 1, MAX_NEW_TOKENS,
                               integer=True))
    model, tokenizer = language_model.get(choice)
    ids = _prompt_ids(model, tokenizer, text, reserve=max_new)
    session = session_of(request)
    stop_event = stop_signals.start(session)
    torch.manual_seed(seed)
    input_ids = torch.tensor([ids], device=next(model.parameters()).device)
    try:
        for continuation, stats in stream_generate(model, tokenizer, input_ids, stop_event, max_new_tokens=max_new,
                                                   **sampling_settings(temperature, top_k=top_k, top_p=top_p)):
            yield text + continuation, _stats_line(stats)
    except torch.OutOfMemoryError:
        raise out_of_memory_error() from None
    except TimeoutError as exc:
        raise error("text_generation.failed", detail=str(exc)) from None
    finally:
        stop_signals.finish(session, stop_event)


def _stats_line(stats) -> str:
    return message("text_generation.stats", tokens=stats.new_tokens, seconds=number(stats.seconds),
                   speed=number(stats.tokens_per_second),
                   stopped=message("text_generation.stopped") if stats.stopped else "")


def stop_generation(request: gr.Request = None) -> None:
    stop_signals.stop(session_of(request))
