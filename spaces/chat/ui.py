"""The "Chat" tab: a streaming conversation with an instruction-tuned LLM.

Events: ``chat`` (public: message and history in, the history with the streamed reply and the
speed out), ``chat_regenerate`` (answer the last question again), ``chat_stop`` (ends the
running generation for real, not only the stream) and a few private helpers for the page.
"""

from __future__ import annotations


import gradio as gr
import torch

from chat import chat_model
from chat.conversation import ConversationTooLong, build_messages, encode, normalize_history, without_last_reply
from shared.device import on_gpu
from shared.gpu import GPU_EVENT, gpu, out_of_memory_error
from shared.i18n import error, message, number, ui_text, warn
from shared.llm_stream import StopSignals, sampling_settings, session_of, stream_generate
from shared.models import model_id, status_component
from shared.validation import check_number, check_text

MAX_MESSAGE_CHARS = 4000
MAX_SYSTEM_CHARS = 2000
MAX_HISTORY_MESSAGES = 40
# A CPU writes a few tokens per second: long replies and long contexts would block the queue.
MAX_NEW_TOKENS = 1024 if on_gpu() else 256
MAX_CONTEXT_TOKENS = 4096 if on_gpu() else 1536

stop_signals = StopSignals()


def build() -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=6, min_width=320):
            status = status_component("chat")
            chatbot = gr.Chatbot(label=ui_text("chat.chatbot"), height=460, buttons=["copy"])
            message_box = gr.Textbox(label=ui_text("chat.message"), placeholder=ui_text("chat.placeholder"),
                                     lines=2, max_length=MAX_MESSAGE_CHARS, submit_btn=False)
            with gr.Row():
                send = gr.Button(ui_text("chat.send"), variant="primary")
                stop = gr.Button(ui_text("chat.stop"), variant="stop")
                regenerate = gr.Button(ui_text("chat.regenerate"))
                clear = gr.Button(ui_text("chat.clear"))
            stats = gr.Markdown()
        with gr.Column(scale=4, min_width=280):
            model = gr.Dropdown(choices=[(chat_model.LABELS[c], c) for c in chat_model.CHOICES],
                                value=chat_model.CHOICES[0], label=ui_text("chat.model"),
                                info=ui_text("chat.model_info"))
            system = gr.Textbox(label=ui_text("chat.system"), placeholder=ui_text("chat.system_default"), lines=3,
                                max_length=MAX_SYSTEM_CHARS)
            with gr.Accordion(ui_text("chat.settings"), open=True):
                temperature = gr.Slider(0.0, 1.5, value=0.7, step=0.05, label=ui_text("chat.temperature"),
                                        info=ui_text("chat.temperature_info"))
                top_p = gr.Slider(0.05, 1.0, value=0.9, step=0.01, label=ui_text("chat.top_p"))
                max_new_tokens = gr.Slider(16, MAX_NEW_TOKENS, value=min(256, MAX_NEW_TOKENS), step=16,
                                           label=ui_text("chat.max_new_tokens"))
            with gr.Accordion(ui_text("chat.explain.heading"), open=False):
                gr.Markdown(ui_text("chat.explain"))

    settings = [system, model, temperature, top_p, max_new_tokens]
    outputs = [chatbot, stats, status]
    sent = send.click(chat, [message_box, chatbot, *settings], outputs, api_name="chat",
                      api_description="Message, history (messages format), system prompt, model key, temperature, "
                                      "top-p and max new tokens in; the history with the streamed reply, the speed "
                                      "and the model line out.", preprocess=False, **GPU_EVENT)
    sent.success(_clear_text, None, message_box, api_name="chat_clear_message", api_visibility="private",
                 queue=False)
    submitted = message_box.submit(chat, [message_box, chatbot, *settings], outputs, api_name="chat_submit",
                                   api_visibility="private", **GPU_EVENT)
    submitted.success(_clear_text, None, message_box, api_name="chat_clear_message_submit",
                      api_visibility="private", queue=False)
    regenerated = regenerate.click(chat_regenerate, [chatbot, *settings], outputs, api_name="chat_regenerate",
                                   preprocess=False, **GPU_EVENT)
    stop.click(stop_chat, None, None, api_name="chat_stop", api_visibility="private", queue=False,
               cancels=[sent, submitted, regenerated])
    clear.click(_clear_chat, None, [chatbot, stats], api_name="chat_clear", api_visibility="private", queue=False)


def _clear_text() -> str:
    return ""


def _clear_chat():
    return [], ""


def _check_choice(choice: object) -> str:
    if choice not in chat_model.CHOICES:
        raise error("chat.unknown_model", name=str(choice)[:60])
    if not chat_model.available(choice):
        raise error("chat.gpu_only", model=model_id(choice))
    return choice  # type: ignore[return-value]


def chat(user_message, history, system_prompt, choice, temperature, top_p, max_new_tokens,
         request: gr.Request = None):
    """Stream the assistant's reply to ``user_message``, after the earlier ``history``."""
    text = check_text(user_message, MAX_MESSAGE_CHARS, empty_hint="chat.empty")
    history = normalize_history(history)[-MAX_HISTORY_MESSAGES:]
    yield from _reply(text, history, system_prompt, choice, temperature, top_p, max_new_tokens, request)


def chat_regenerate(history, system_prompt, choice, temperature, top_p, max_new_tokens, request: gr.Request = None):
    """Drop the last answer and answer the last question again."""
    earlier, question = without_last_reply(normalize_history(history))
    if question is None or not question.strip():
        raise error("chat.nothing_to_regenerate")
    yield from _reply(question, earlier[-MAX_HISTORY_MESSAGES:], system_prompt, choice, temperature, top_p,
                      max_new_tokens, request)


@gpu(duration=120)
def _reply(text, history, system_prompt, choice, temperature, top_p, max_new_tokens, request):
    choice = _check_choice(choice)
    system_prompt = "" if system_prompt is None else str(system_prompt)
    if len(system_prompt) > MAX_SYSTEM_CHARS:
        raise error("shared.text.too_long", n=len(system_prompt), limit=MAX_SYSTEM_CHARS)
    system_prompt = system_prompt.replace("\x00", "").strip() or message("chat.system_default")
    temperature = float(check_number(temperature, message("chat.temperature"), 0.0, 1.5))
    top_p = float(check_number(top_p, message("chat.top_p"), 0.01, 1.0))
    max_new = int(check_number(max_new_tokens, message("chat.max_new_tokens"), 1, MAX_NEW_TOKENS, integer=True))

    model, tokenizer = chat_model.get(choice)
    positions = getattr(model.config, "max_position_embeddings", None) or MAX_CONTEXT_TOKENS
    limit = max(16, min(MAX_CONTEXT_TOKENS, int(positions)) - max_new)
    try:
        encoded = encode(tokenizer, build_messages(system_prompt, history, text), limit)
    except ConversationTooLong as too_long:
        raise error("chat.too_long", tokens=too_long.tokens, limit=too_long.limit) from None
    if encoded.dropped_messages:
        warn("chat.dropped", n=encoded.dropped_messages)

    conversation = history + [{"role": "user", "content": text}]
    yield conversation + [{"role": "assistant", "content": ""}], "", chat_model.status(choice)

    session = session_of(request)
    stop_event = stop_signals.start(session)
    input_ids = torch.tensor([encoded.input_ids], device=next(model.parameters()).device)
    status = chat_model.status(choice)
    try:
        for reply, run in stream_generate(model, tokenizer, input_ids, stop_event, max_new_tokens=max_new,
                                          **sampling_settings(temperature, top_p=top_p)):
            yield conversation + [{"role": "assistant", "content": reply}], _stats_line(choice, run), status
    except torch.OutOfMemoryError:
        raise out_of_memory_error() from None
    except TimeoutError as exc:
        raise error("chat.failed", detail=str(exc)) from None
    finally:
        stop_signals.finish(session, stop_event)


def _stats_line(choice: str, run) -> str:
    return message("chat.stats", model=model_id(choice).split("/")[-1], tokens=run.new_tokens,
                   seconds=number(run.seconds), speed=number(run.tokens_per_second),
                   first=number(run.first_token_seconds or 0.0),
                   stopped=message("chat.stopped") if run.stopped else "")


def stop_chat(request: gr.Request = None) -> None:
    stop_signals.stop(session_of(request))
