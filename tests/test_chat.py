"""Chat: a tiny Qwen2 with a chat template built here, loaded through the production loader."""

from itertools import pairwise

import pytest
import tiny_text_models
from conftest import local_models, register_texts
from gradio_client import Client

from chat import chat_model, conversation, ui
from shared import i18n
from shared.errors import LabError

register_texts("chat")


@pytest.fixture(scope="module")
def chat_lm(tmp_path_factory):
    tiny_text_models.install(tmp_path_factory.getbasetemp() / "tiny_text_models")
    return chat_model.get("chat")


def test_the_reply_streams_as_growing_text(chat_lm):
    replies = [history[-1]["content"] for history, _, _ in
               ui.chat("Hello there", [], "Be brief.", "chat", 0.8, 0.9, 24)]
    assert replies[0] == "" and len(replies) >= 3
    assert all(later.startswith(earlier) for earlier, later in pairwise(replies))
    history, stats, status = list(ui.chat("Hi", [], "", "chat", 0.0, 0.9, 8))[-1]
    assert [m["role"] for m in history] == ["user", "assistant"] and "tokens/s" in stats
    assert "loaded" in status


def test_stop_really_ends_generation(chat_lm):
    lines = []
    for _, stats, _ in ui.chat("Tell me a long story", [], "", "chat", 1.0, 1.0, 200):
        lines.append(stats)
        if len(lines) == 3:
            assert ui.STOP.stop("")  # what the Stop button does for this session
    assert "stopped" in lines[-1]
    tokens = int(lines[-1].split("— ")[1].split(" tokens")[0])
    assert tokens < 200


def test_regenerate_answers_the_last_question_again(chat_lm):
    history = [{"role": "user", "content": "First"}, {"role": "assistant", "content": "A"},
               {"role": "user", "content": "Second"}, {"role": "assistant", "content": "B"}]
    final = list(ui.chat_regenerate(history, "", "chat", 0.0, 0.9, 6))[-1][0]
    assert [m["content"] for m in final[:3]] == ["First", "A", "Second"] and len(final) == 4
    with pytest.raises(Exception, match="no question"):
        list(ui.chat_regenerate([], "", "chat", 0.7, 0.9, 6))


def test_old_messages_are_dropped_and_an_over_long_message_is_refused(chat_lm):
    _, tokenizer = chat_lm
    turns = []
    for i in range(10):
        turns += [{"role": "user", "content": f"question {i} " * 5}, {"role": "assistant", "content": "ok " * 5}]
    messages = conversation.build_messages("system", turns, "last question")
    full = len(tokenizer.apply_chat_template(messages, add_generation_prompt=True)["input_ids"])
    encoded = conversation.encode(tokenizer, messages, limit=full // 2)
    assert 0 < encoded.dropped_messages < len(turns) and len(encoded.input_ids) <= full // 2
    kept = tokenizer.decode(encoded.input_ids)
    assert kept.startswith("<|system|>system") and "last question" in kept
    with pytest.raises(conversation.ConversationTooLong) as too_long:
        conversation.encode(tokenizer, conversation.build_messages("", [], "word " * 500), limit=50)
    assert isinstance(too_long.value, LabError) and too_long.value.limit == 50 and too_long.value.tokens > 50
    assert str(too_long.value) == i18n.message("chat.too_long", tokens=too_long.value.tokens, limit=50)


def test_the_conversation_leaves_room_for_the_reply():
    """The model reads its positions (at most MAX_CONTEXT_TOKENS) less the reply's tokens, never under 16."""
    cap = conversation.MAX_CONTEXT_TOKENS
    assert conversation.context_limit(1024, 256) == min(cap, 1024) - 256
    assert conversation.context_limit(10**6, 256) == cap - 256
    assert conversation.context_limit(None, 100) == cap - 100  # a config without max_position_embeddings
    assert conversation.context_limit(64, 256) == conversation.MIN_CONTEXT_TOKENS


def test_regenerate_needs_a_question():
    assert conversation.without_last_reply([{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]
                                           ) == ([], "Q")
    for history in ([], [{"role": "assistant", "content": "A"}], [{"role": "user", "content": "  "}]):
        with pytest.raises(LabError) as raised:
            conversation.without_last_reply(history)
        assert str(raised.value) == i18n.message("chat.nothing_to_regenerate")


def test_gpu_only_models_are_refused_on_a_cpu(chat_lm):
    with pytest.raises(Exception, match="needs a GPU"):
        list(ui.chat("Cześć", [], "", "chat_bielik", 0.7, 0.9, 16))


def test_history_sent_by_a_program_is_normalised():
    history = conversation.normalize_history([
        {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
        {"role": "assistant", "content": "Hello"},
        {"role": "tool", "content": "ignored"}, "junk"])
    assert history == [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]


def test_the_text_of_a_message_is_its_string_or_its_text_blocks_joined():
    assert conversation.text_of("plain") == "plain"
    assert conversation.text_of({"text": "in a dict"}) == "in a dict"
    assert conversation.text_of({"text": None}) == "" and conversation.text_of({"path": "a.png"}) == ""
    blocks = [{"type": "text", "text": "Hello "}, {"type": "image", "url": "a.png"}, "world", {"text": "!"}]
    assert conversation.text_of(blocks) == "Hello world!"  # an untyped block counts as text; images do not
    assert conversation.text_of(("a", "b")) == "ab"
    assert conversation.text_of(42) == "" and conversation.text_of(None) == ""


def test_a_blank_system_prompt_adds_no_system_message():
    history = [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "A"}]
    assert conversation.build_messages("  \n", history, "next") == [*history, {"role": "user", "content": "next"}]
    assert conversation.build_messages("Be brief.", [], "next")[0] == {"role": "system", "content": "Be brief."}


def test_a_conversation_that_fits_exactly_keeps_every_message_and_a_too_long_last_one_is_measured_alone(chat_lm):
    _, tokenizer = chat_lm
    history = [{"role": "user", "content": "first question"}, {"role": "assistant", "content": "first answer"}]
    messages = conversation.build_messages("system", history, "second question")
    full = tokenizer.apply_chat_template(messages, add_generation_prompt=True)["input_ids"]
    exact = conversation.encode(tokenizer, messages, limit=len(full))
    assert exact.dropped_messages == 0 and exact.input_ids == list(full)
    long_last = conversation.build_messages("system", history, "word " * 300)
    alone = tokenizer.apply_chat_template([long_last[0], long_last[-1]], add_generation_prompt=True)["input_ids"]
    with pytest.raises(conversation.ConversationTooLong) as too_long:
        conversation.encode(tokenizer, long_last, limit=40)
    assert (too_long.value.tokens, too_long.value.limit) == (len(alone), 40)  # the system prompt and it
    with pytest.raises(conversation.ConversationTooLong) as nothing:
        conversation.encode(tokenizer, [{"role": "system", "content": "system"}], limit=40)
    assert (nothing.value.tokens, nothing.value.limit) == (0, 40)  # no message to answer at all


def test_regenerate_takes_the_newest_question_even_when_it_has_no_reply_yet():
    history = [{"role": "user", "content": "Q1"}, {"role": "assistant", "content": "A1"},
               {"role": "user", "content": "Q2"}]
    assert conversation.without_last_reply(history) == (history[:2], "Q2")


@pytest.fixture(scope="module")
def client_url(chat_lm, serve_app):
    return serve_app(["text_generation", "chat", "sentiment"])


def test_chat_endpoint(client_url):
    client = Client(client_url, verbose=False)
    history, stats, _ = client.predict("Ala ma kota", [], "", "chat", 0.7, 0.9, 10, api_name="/chat")
    assert history[0]["role"] == "user" and history[-1]["role"] == "assistant" and "tokens/s" in stats
    polish = Client(client_url, headers={"Accept-Language": "pl"}, verbose=False)
    for args, fragment in (((" ", [], "", "chat", 0.7, 0.9, 10), "Najpierw wpisz wiadomość"),
                           (("x" * 5000, [], "", "chat", 0.7, 0.9, 10), "limit to 4000"),
                           (("Hej", [], "", "chat", 0.7, 0.9, 10**6), "Maksymalna długość"),
                           (("Hej", [], "", "chat", 0.7, 0.9, 0), "Maksymalna długość"),
                           (("Hej", [], "", "chat", 0.7, 0.0, 10), "Top-p"),
                           (("Hej", [], "", "chat", 1.6, 0.9, 10), "Temperatura"),
                           (("Hej", [], "x" * 2001, "chat", 0.7, 0.9, 10), "limit to 2000"),
                           (("Hej", [], "", "no-such-model", 0.7, 0.9, 10),
                            i18n.message("shared.choice.unknown", language="pl",
                                         name=i18n.message("chat.model", language="pl"),
                                         choices=", ".join(chat_model.CHOICES))),
                           (("Hej", [], "", "chat_bielik", 0.7, 0.9, 10), "wymaga GPU")):
        with pytest.raises(Exception) as caught:
            polish.predict(*args, api_name="/chat")
        assert fragment in str(caught.value)


@pytest.fixture(scope="module")
def sharp_chat_lm(tmp_path_factory):
    """A tiny chat model whose greedy reply is not empty (see save_tiny_chat_model), as the tab's model."""
    folder = tiny_text_models.save_tiny_chat_model(tmp_path_factory.mktemp("sharp_chat"), initializer_range=0.2)
    with local_models(chat=folder):
        yield chat_model.get("chat")


def test_the_streamed_greedy_reply_is_what_generate_writes_in_one_go(sharp_chat_lm):
    import torch

    model, tokenizer = sharp_chat_lm

    system, question, new = "Be brief.", "Tell me about cats", 20
    history = [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]
    messages = [{"role": "system", "content": system}, *history, {"role": "user", "content": question}]
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_dict=True)["input_ids"]
    reference = model.generate(torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt), dtype=torch.long),
                               do_sample=False, max_new_tokens=new, pad_token_id=tokenizer.pad_token_id)
    expected = tokenizer.decode(reference[0, len(prompt):], skip_special_tokens=True)
    assert len(expected) > 10  # a reply long enough to come in several pieces
    replies = [h[-1]["content"] for h, _, _ in ui.chat(question, history, system, "chat", 0.0, 0.9, new)]
    assert replies[-1] == expected and len(replies) >= 3
    assert all(later.startswith(earlier) for earlier, later in pairwise(replies))
    # "regenerate" answers the same question from the same history: the same greedy reply
    final = list(ui.chat_regenerate([*history, {"role": "user", "content": question},
                                     {"role": "assistant", "content": "old answer"}], system, "chat", 0.0, 0.9, new))
    assert final[-1][0][-1]["content"] == expected
