"""The "Chat" tab: a streaming conversation with an instruction-tuned LLM.

Events: ``chat`` (public: message and history in, the history with the streamed reply and the
speed out), ``chat_regenerate`` (answer the last question again), ``chat_stop`` (ends the
running generation for real, not only the stream) and a few private helpers for the page.
The tab's other parts, each below in its own section: two models side by side
(``chat_compare_page``, the Stop buttons of each answer, the blind verdict; ``chat_compare``
public, API only), the room's poll (``chat_poll_*`` for the page; ``poll_vote`` and
``poll_results`` public, API only; the tallies in ``votes.VoteStore``), and the Polish models of
the lecture's slide (a table in ``texts.yaml``).
"""

from __future__ import annotations

import gradio as gr

from chat import chat_model, controls
from chat.compare import SIDES
from chat.controls import MAX_NEW_TOKENS, MESSAGE, MODEL, SYSTEM, TEMPERATURE, TOP_P
from chat.conversation import build_messages, context_limit, encode, normalize_history, without_last_reply
from chat.votes import PollResults, VoteStore
from shared import ui
from shared.device import by_hardware
from shared.errors import LabError
from shared.gpu import GPU_EVENT, gpu
from shared.i18n import message, number
from shared.models import model_id
from shared.run_control import StopSignals, session_of
from shared.ui import ui_text

MAX_HISTORY_MESSAGES = 40

STOP = StopSignals("chat")


def build() -> None:
    gr.Markdown(ui_text(by_hardware(cpu="chat.hint.cpu", gpu="chat.hint.gpu")))
    with gr.Tabs():
        with gr.Tab(ui_text("chat.tab.conversation"), id="chat-conversation"):
            _build_conversation()
        with gr.Tab(ui_text("chat.tab.compare"), id="chat-compare"):
            _build_compare()
        with gr.Tab(ui_text("chat.tab.poll"), id="chat-poll"):
            _build_poll()
        with gr.Tab(ui_text("chat.tab.polish"), id="chat-polish"):
            gr.Markdown(ui_text("chat.polish.models"))


def _build_conversation() -> None:
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


# ---------------------------------------------------------------- two models side by side

STOPS = {side: StopSignals(f"chat_compare_{side}") for side in SIDES}
STOP_LABELS = {"left": "chat.compare.stop_left", "right": "chat.compare.stop_right"}
# Each verdict button, its words and what it stores (model_a is the left one, model_b the right).
VERDICT_BUTTONS = {"left": ("chat.compare.vote.left", "a"), "tie": ("chat.compare.vote.tie", "tie"),
                   "right": ("chat.compare.vote.right", "b")}


def _build_compare() -> None:
    gr.Markdown(ui_text("chat.compare.explain"))
    with gr.Row():
        model_a, model_b = ui.component(controls.MODEL_A), ui.component(controls.MODEL_B)
        blind = ui.component(controls.BLIND)
    text = ui.component(controls.MESSAGE, submit_btn=False)
    with ui.advanced(demo="chat", open=False):
        system = ui.component(controls.SYSTEM, placeholder=ui_text("chat.system_default"))
        sampling = [ui.component(c) for c in (controls.TEMPERATURE, controls.TOP_P, controls.COMPARE_TOKENS)]
    run = gr.Button(ui_text("chat.compare.run"), variant="primary")
    sides = {}
    with gr.Row(equal_height=False):
        for side in SIDES:
            with gr.Column(min_width=280):
                title = gr.Markdown(elem_classes=f"chat-compare-title-{side}")
                answer = gr.Markdown(elem_classes=f"chat-compare-answer-{side}", container=True, min_height=160)
                stats = gr.Markdown(elem_classes=f"chat-compare-stats-{side}")
                ui.stop_button("chat", cancels=[], signals=STOPS[side], api_name=f"chat_compare_stop_{side}",
                               label_key=STOP_LABELS[side])
                sides[side] = (title, answer, stats)
    with gr.Row(visible=False) as verdict_row:
        buttons = {choice: gr.Button(ui_text(key)) for choice, (key, _) in VERDICT_BUTTONS.items()}
    verdict = gr.Markdown(elem_classes="chat-compare-verdict")
    arena = gr.Markdown(elem_classes="chat-compare-arena")
    state = gr.State(None, time_to_live=ui.STATE_SECONDS)

    outputs = [*sides["left"], *sides["right"], verdict_row, verdict, state]
    run.click(compare_page, inputs=[text, model_a, model_b, blind, system, *sampling], outputs=outputs,
              api_name="chat_compare_page", api_visibility="private", preprocess=False, **GPU_EVENT)
    for choice, button in buttons.items():
        button.click(_judging(VERDICT_BUTTONS[choice][1]), inputs=state,
                     outputs=[sides["left"][0], sides["right"][0], verdict_row, verdict, arena, state],
                     api_name=f"chat_compare_vote_{choice}", api_visibility="private")
    ui.api(chat_compare_api, api_name="chat_compare", **GPU_EVENT)


def _title(side: str, choice: str, hidden: bool) -> str:
    number_of_side = SIDES.index(side) + 1
    if hidden:
        return message("chat.compare.hidden_title", n=number_of_side)
    return message("chat.compare.title", n=number_of_side, model=model_id(choice))


def _speed(stats) -> str:
    line = message("chat.compare.speed", tokens=stats.new_tokens, seconds=number(stats.seconds),
                   speed=number(stats.tokens_per_second), first=number(stats.first_token_seconds or 0.0))
    return line + (" " + message("chat.stopped") if stats.stopped else "")


@ui.handler
@gpu(duration=180)
def compare_page(text, model_a, model_b, blind, system_prompt, temperature, top_p, max_new_tokens,
                 request: gr.Request = None):
    """Stream both answers side by side; the verdict buttons appear at the end in the blind mode."""
    from chat.compare import answers, check_request, seat

    checked = check_request(text, model_a, model_b, system_prompt, temperature, top_p, max_new_tokens)
    hidden = controls.BLIND.check(blind)
    seats = seat(checked.model_a, checked.model_b, hidden)
    state = {"seats": seats, "hidden": hidden, "finished": False, "judged": False}
    keep = gr.skip()
    titles = {side: _title(side, choice, hidden) for side, choice in seats.items()}
    yield (titles["left"], "", "", titles["right"], "", "", gr.Row(visible=False), "", state)
    session = session_of(request)
    with STOPS["left"].running(session) as stop_left, STOPS["right"].running(session) as stop_right:
        for piece in answers(checked, seats, {"left": stop_left, "right": stop_right},
                             message("chat.system_default")):
            shown = (piece.text, _speed(piece.stats))
            yield (keep, *shown, keep, keep, keep, keep, keep, keep) if piece.side == "left" else \
                (keep, keep, keep, keep, *shown, keep, keep, keep)
    finished = {**state, "finished": True}
    yield (keep,) * 6 + (gr.Row(visible=hidden), message("chat.compare.judge_now") if hidden else "", finished)


def _judging(verdict: str):
    """The event of one verdict button: ``judge_page`` with that verdict."""
    @ui.handler
    def judge(state):
        return judge_page(state, verdict)

    return judge


@ui.handler
def judge_page(state, verdict):
    """The visitor's verdict on a blind pair: recorded, then the names revealed with the arena."""
    from chat.votes import VoteStore

    if not isinstance(state, dict) or not state.get("hidden"):
        raise LabError("chat.compare.nothing_to_judge")
    if not state["finished"]:
        raise LabError("chat.compare.wait")
    if state["judged"]:
        raise LabError("chat.compare.already_judged")
    seats = state["seats"]
    store = VoteStore()
    store.record_verdict(model_id(seats["left"]), model_id(seats["right"]), verdict)
    key = {"a": "chat.compare.verdict.left", "b": "chat.compare.verdict.right", "tie": "chat.compare.verdict.tie"}
    said = message(key[verdict], left=model_id(seats["left"]), right=model_id(seats["right"]))
    return (_title("left", seats["left"], False), _title("right", seats["right"], False), gr.Row(visible=False),
            said, arena_table(store.arena()), {**state, "judged": True})


def arena_table(rows) -> str:
    """The arena's verdicts so far as a Markdown table (or a line saying there are none)."""
    if not rows:
        return message("chat.compare.arena_empty")
    header = message("chat.compare.arena_header")
    lines = [f"| {row.model} | {row.wins} | {row.losses} | {row.ties} |" for row in rows]
    return "\n".join([header, "| --- | --- | --- | --- |", *lines])


@gpu(duration=180)
def chat_compare_api(message: str, model_a: str = controls.MODEL_A.default,
                     model_b: str = controls.MODEL_B.default, temperature: float = controls.TEMPERATURE.default,
                     top_p: float = controls.TOP_P.default, max_new_tokens: int = controls.COMPARE_TOKENS.default,
                     system_prompt: str = "", request: gr.Request = None) -> dict:
    """One message to two different chat models at once (registry keys: chat, chat_bielik_small on
    any hardware; chat_large, chat_bielik, chat_pllum on a GPU). Out: each model's answer with its
    tokens, seconds, tokens per second and seconds to the first token; both wrote at the same time,
    sharing the machine."""
    from chat.compare import answers, check_request, seat
    from shared import i18n

    checked = check_request(message, model_a, model_b, system_prompt, temperature, top_p, max_new_tokens)
    seats = seat(checked.model_a, checked.model_b, blind=False)
    final = {}
    session = session_of(request)
    with STOPS["left"].running(session) as stop_left, STOPS["right"].running(session) as stop_right:
        for piece in answers(checked, seats, {"left": stop_left, "right": stop_right},
                             i18n.message("chat.system_default")):
            if piece.finished:
                final[piece.side] = piece
    return {name: {"model": model_id(seats[side]), "answer": final[side].text,
                   "tokens": final[side].stats.new_tokens, "seconds": round(final[side].stats.seconds, 3),
                   "tokens_per_second": round(final[side].stats.tokens_per_second, 2),
                   "first_token_seconds": round(final[side].stats.first_token_seconds or 0.0, 3),
                   "stopped": final[side].stats.stopped}
            for name, side in (("a", "left"), ("b", "right"))}


# ---------------------------------------------------------------- the room's poll

LIVE_SECONDS = 3  # how often the live chart asks for the count (only while "live" is on)


def _build_poll() -> None:
    gr.Markdown(ui_text("chat.poll.explain"))
    question = gr.Markdown(elem_classes="chat-poll-question")
    choice = gr.Radio(choices=[], label=ui_text("chat.poll.your_answer"), elem_classes="chat-poll-choice")
    vote = gr.Button(ui_text("chat.poll.vote"), variant="primary")
    said = gr.Markdown(elem_classes="chat-poll-said")
    # The axes are named in the reader's language with each update.
    chart = gr.BarPlot(x="answer", y="votes", height=360, x_label_angle=-30, label=ui_text("chat.poll.chart"),
                       elem_classes="chat-poll-chart")
    total = gr.Markdown(elem_classes="chat-poll-total")
    live = gr.Checkbox(label=ui_text("chat.poll.live"), info=ui_text("chat.poll.live.info"), value=False)
    timer = gr.Timer(LIVE_SECONDS, active=False)
    with gr.Accordion(ui_text("chat.poll.lecturer"), open=False):
        gr.Markdown(ui_text("chat.poll.lecturer.explain"))
        token = gr.Textbox(label=ui_text("chat.poll.token"), type="password", max_length=200)
        new_question = gr.Textbox(label=ui_text("chat.poll.new_question"), max_length=200)
        new_choices = gr.Textbox(label=ui_text("chat.poll.new_choices"), lines=6, max_length=12 * 42,
                                 info=ui_text("chat.poll.new_choices.info"))
        with gr.Row():
            change = gr.Button(ui_text("chat.poll.change"))
            reset = gr.Button(ui_text("chat.poll.reset"), variant="stop")
        lecturer_said = gr.Markdown()

    shown = [question, choice, chart, total, said]
    gr.on(triggers=None, fn=show_poll, inputs=None, outputs=shown, api_name="chat_poll_show",
          api_visibility="private", queue=False, show_progress="hidden")
    vote.click(vote_page, inputs=choice, outputs=[chart, total, said], api_name="chat_poll_vote",
               api_visibility="private", preprocess=False)
    live.change(_live, inputs=live, outputs=timer, api_name="chat_poll_live",
                api_visibility="private", queue=False, show_progress="hidden")
    timer.tick(show_counts, inputs=None, outputs=[chart, total], api_name="chat_poll_tick", api_visibility="private",
               queue=False, show_progress="hidden")
    change.click(change_page, inputs=[token, new_question, new_choices], outputs=[*shown, lecturer_said],
                 api_name="chat_poll_change", api_visibility="private", preprocess=False)
    reset.click(reset_page, inputs=token, outputs=[*shown, lecturer_said], api_name="chat_poll_reset",
                api_visibility="private", preprocess=False)
    ui.api(poll_vote_api, api_name="poll_vote", queue=False)
    ui.api(poll_results_api, api_name="poll_results", queue=False)


@ui.handler
def _live(on):
    return gr.Timer(active=bool(on))


def question_of(results: PollResults) -> str:
    return results.poll.question or message("chat.poll.default_question")


def _chart(results: PollResults) -> gr.BarPlot:
    """The votes per answer as bars, in the poll's order."""
    import pandas as pd

    table = pd.DataFrame({"answer": list(results.counts), "votes": list(results.counts.values())})
    # plain column names: the chart library does not draw columns named with Polish letters
    return gr.BarPlot(value=table, x="answer", y="votes", sort=list(results.counts),
                      x_title=message("chat.poll.chart.answer"), y_title=message("chat.poll.chart.votes"))


def _total(results: PollResults) -> str:
    return message("chat.poll.total", n=results.total)


def _view(results: PollResults, session: str):
    voted = VoteStore().has_voted(session)
    return (f"### {question_of(results)}", gr.Radio(choices=list(results.poll.choices), value=None),
            _chart(results), _total(results), message("chat.poll.voted") if voted else "")


@ui.handler
def show_poll(request: gr.Request = None):
    return _view(VoteStore().results(), session_of(request))


@ui.handler
def show_counts():
    results = VoteStore().results()
    return _chart(results), _total(results)


@ui.handler
def vote_page(choice, request: gr.Request = None):
    results = VoteStore().vote(session_of(request), choice)
    return _chart(results), _total(results), message("chat.poll.thanks", choice=choice)


@ui.handler
def change_page(token, question, choices, request: gr.Request = None):
    results = VoteStore().change_poll(token, question, choices)
    return (*_view(results, session_of(request)), message("chat.poll.changed"))


@ui.handler
def reset_page(token, request: gr.Request = None):
    results = VoteStore().reset(token)
    return (*_view(results, session_of(request)), message("chat.poll.was_reset"))


def _as_dict(results: PollResults) -> dict:
    return {"question": question_of(results), "votes": dict(results.counts), "total": results.total}


def poll_vote_api(choice: str, request: gr.Request = None) -> dict:
    """One vote in the room's poll for ``choice`` (one of the answers ``/poll_results`` lists); each
    client session votes once. Out: the question, the votes per answer, the total."""
    return _as_dict(VoteStore().vote(session_of(request), choice))


def poll_results_api() -> dict:
    """The room's poll as it stands: the question, the votes per answer (in the poll's order), the total."""
    return _as_dict(VoteStore().results())
