"""The "Chat" tab: a streaming conversation with an instruction-tuned LLM.

Events: ``chat`` (public: message and history in, the history with the streamed reply and the
speed out), ``chat_regenerate`` (answer the last question again), ``chat_stop`` (ends the
running generation for real, not only the stream) and a few private helpers for the page.
"""

from __future__ import annotations

import gradio as gr

from chat import chat_model
from chat.conversation import build_messages, context_limit, encode, normalize_history, without_last_reply
from shared import ui
from shared.controls import Choice, Number, Text
from shared.device import by_hardware
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message, number
from shared.models import model_id
from shared.run_control import StopSignals, session_of
from shared.ui import ui_text

MAX_HISTORY_MESSAGES = 40

MESSAGE = Text("chat.message", max_chars=4000, default=None, empty="chat.empty", placeholder=True, lines=2)
SYSTEM = Text("chat.system", max_chars=2000, empty=None, lines=3)  # empty: the default role (chat.system_default)
MODEL = Choice("chat.model", choices=chat_model.CHOICES, default=chat_model.CHOICES[0],
               names=tuple(chat_model.LABELS[c] for c in chat_model.CHOICES), dropdown=True, info=True)
TEMPERATURE = Number("chat.temperature", low=0.0, high=1.5, default=0.7, step=0.05, info=True)
TOP_P = Number("chat.top_p", low=0.05, high=1.0, default=0.9, step=0.01)
# A CPU writes a few tokens per second: a long reply would block the queue. The slider moves in
# steps of 16; an API client may ask for a shorter reply, down to a single token.
MAX_NEW_TOKENS = Number("chat.max_new_tokens", low=16, high=by_hardware(cpu=256, gpu=1024), default=256, step=16,
                        integer=True, api_low=1)

STOP = StopSignals("chat")


def build() -> None:
    # The settings sit in the right column but feed the events of the buttons on the left, which the
    # Stop button between them cancels: they are made first and placed later, like the speed line.
    model = ui.component(MODEL, render=False)
    system = ui.component(SYSTEM, placeholder=ui_text("chat.system_default"), render=False)
    sampling = [ui.component(control, render=False) for control in (TEMPERATURE, TOP_P, MAX_NEW_TOKENS)]
    stats = gr.Markdown(render=False)
    with gr.Row(equal_height=False):
        with gr.Column(scale=6, min_width=320):
            status = ui.model_status("chat")
            chatbot = gr.Chatbot(label=ui_text("chat.chatbot"), height=460, buttons=["copy"])
            message_box = ui.component(MESSAGE, submit_btn=False)
            settings = [system, model, *sampling]
            outputs = [chatbot, stats, status]
            with gr.Row():
                send = gr.Button(ui_text("chat.send"), variant="primary")
                # preprocess=False: the components' own checks answer in English only, ours in the caller's language.
                sent = send.click(chat, [message_box, chatbot, *settings], outputs, api_name="chat", api_description=(
                    "Message, history (messages format), system prompt, model key, temperature, top-p and max new "
                    "tokens in; the history with the streamed reply, the speed and the model line out."),
                    preprocess=False, **GPU_EVENT)
                submitted = message_box.submit(chat, [message_box, chatbot, *settings], outputs,
                                               api_name="chat_submit", api_visibility="private", **GPU_EVENT)
                regenerate = gr.Button(ui_text("chat.regenerate"), render=False)
                regenerated = regenerate.click(chat_regenerate, [chatbot, *settings], outputs,
                                               api_name="chat_regenerate", preprocess=False, **GPU_EVENT)
                ui.stop_button("chat", cancels=[sent, submitted, regenerated], signals=STOP, api_name="chat_stop")
                regenerate.render()
                clear = gr.Button(ui_text("chat.clear"))
            stats.render()
        with gr.Column(scale=4, min_width=280):
            model.render()
            system.render()
            with ui.advanced(demo="chat", open=True):
                for slider in sampling:
                    slider.render()
            with gr.Accordion(ui_text("chat.explain.heading"), open=False):
                gr.Markdown(ui_text("chat.explain"))

    for event, name in ((sent, "chat_clear_message"), (submitted, "chat_clear_message_submit")):
        event.success(_clear_text, None, message_box, api_name=name, api_visibility="private", queue=False)
    clear.click(_clear_chat, None, [chatbot, stats], api_name="chat_clear", api_visibility="private", queue=False)


@ui.handler
def _clear_text() -> str:
    return ""


@ui.handler
def _clear_chat():
    return [], ""


@ui.handler
def chat(user_message, history, system_prompt, choice, temperature, top_p, max_new_tokens,
         request: gr.Request = None):
    """Stream the assistant's reply to ``user_message``, after the earlier ``history``."""
    text = MESSAGE.check(user_message)
    history = normalize_history(history)[-MAX_HISTORY_MESSAGES:]
    yield from _reply(text, history, system_prompt, choice, temperature, top_p, max_new_tokens, request)


@ui.handler
def chat_regenerate(history, system_prompt, choice, temperature, top_p, max_new_tokens, request: gr.Request = None):
    """Drop the last answer and answer the last question again."""
    earlier, question = without_last_reply(normalize_history(history))
    yield from _reply(question, earlier[-MAX_HISTORY_MESSAGES:], system_prompt, choice, temperature, top_p,
                      max_new_tokens, request)


@gpu(duration=120)
def _reply(text, history, system_prompt, choice, temperature, top_p, max_new_tokens, request):
    from shared.llm_stream import stream_reply

    choice = chat_model.check_available(MODEL.check(choice))
    system_prompt = SYSTEM.check(system_prompt).strip() or message("chat.system_default")
    temperature, top_p = TEMPERATURE.check(temperature), TOP_P.check(top_p)
    max_new = MAX_NEW_TOKENS.check(max_new_tokens)

    model, tokenizer = chat_model.get(choice)
    limit = context_limit(getattr(model.config, "max_position_embeddings", None), max_new)
    encoded = encode(tokenizer, build_messages(system_prompt, history, text), limit)
    if encoded.dropped_messages:
        ui.warn("chat.dropped", n=encoded.dropped_messages)

    conversation = history + [{"role": "user", "content": text}]
    status = chat_model.status(choice)
    yield conversation + [{"role": "assistant", "content": ""}], "", status
    with STOP.running(session_of(request)) as stop:
        for reply, run in stream_reply(model, tokenizer, encoded.input_ids, stop, temperature=temperature,
                                       top_p=top_p, max_new_tokens=max_new):
            yield conversation + [{"role": "assistant", "content": reply}], _stats_line(choice, run), status


def _stats_line(choice: str, run) -> str:
    return message("chat.stats", model=model_id(choice).split("/")[-1], tokens=run.new_tokens,
                   seconds=number(run.seconds), speed=number(run.tokens_per_second),
                   first=number(run.first_token_seconds or 0.0),
                   stopped=message("chat.stopped") if run.stopped else "")
