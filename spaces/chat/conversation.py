"""A conversation as the chat model reads it: messages in, the model's chat template applied,
old turns dropped when the whole does not fit in the room its reply leaves. Pure functions of
plain lists and dicts."""

from __future__ import annotations

from dataclasses import dataclass

from shared.device import by_hardware
from shared.errors import LabError

ROLES = ("user", "assistant")
# A CPU reads a long conversation slowly, and every visitor waits for it: it reads less there.
MAX_CONTEXT_TOKENS = by_hardware(cpu=1536, gpu=4096)
MIN_CONTEXT_TOKENS = 16  # what the conversation keeps however long a reply is asked for


class ConversationTooLong(LabError):
    """Even the newest message alone does not fit in the model's context."""

    def __init__(self, tokens: int, limit: int):
        super().__init__("chat.too_long", tokens=tokens, limit=limit)
        self.tokens, self.limit = tokens, limit


@dataclass
class EncodedChat:
    input_ids: list[int]
    dropped_messages: int  # the oldest messages left out so that the rest fits


def text_of(content: object) -> str:
    """The text of a Chatbot message: a string, or Gradio's list of content blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or "")
    if isinstance(content, (list, tuple)):
        return "".join(text_of(block) for block in content if not isinstance(block, dict)
                       or block.get("type", "text") == "text")
    return ""


def normalize_history(history: object) -> list[dict]:
    """Only ``{"role": "user"|"assistant", "content": str}`` messages survive (API callers may send anything)."""
    if not isinstance(history, (list, tuple)):
        return []
    messages = []
    for item in history:
        if isinstance(item, dict) and item.get("role") in ROLES:
            messages.append({"role": item["role"], "content": text_of(item.get("content"))})
    return messages


def build_messages(system_prompt: str, history: list[dict], user_message: str) -> list[dict]:
    messages = [{"role": "system", "content": system_prompt}] if system_prompt.strip() else []
    return messages + list(history) + [{"role": "user", "content": user_message}]


def context_limit(positions: int | None, max_new_tokens: int) -> int:
    """How many tokens of conversation the model reads: its ``positions`` (``max_position_embeddings``,
    at most ``MAX_CONTEXT_TOKENS``) less the ``max_new_tokens`` of its reply."""
    readable = min(MAX_CONTEXT_TOKENS, int(positions or MAX_CONTEXT_TOKENS))
    return max(MIN_CONTEXT_TOKENS, readable - max_new_tokens)


def encode(tokenizer, messages: list[dict], limit: int) -> EncodedChat:
    """Token ids of the conversation with the template's assistant prefix, at most ``limit`` of them.

    Whole old messages go first (the system prompt stays): cutting a message in the middle
    would break the template. If the newest message alone is too long, ``ConversationTooLong``.
    """
    system = messages[:1] if messages and messages[0]["role"] == "system" else []
    turns = messages[len(system):]
    for dropped in range(len(turns)):
        ids = _apply_template(tokenizer, system + turns[dropped:])
        if len(ids) <= limit:
            return EncodedChat(input_ids=ids, dropped_messages=dropped)
        if len(turns) - dropped == 1:
            raise ConversationTooLong(len(ids), limit)
    raise ConversationTooLong(0, limit)


def _apply_template(tokenizer, messages: list[dict]) -> list[int]:
    encoded = tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=True, return_dict=True)
    return list(encoded["input_ids"])


def without_last_reply(history: list[dict]) -> tuple[list[dict], str]:
    """For "regenerate": the history before the last user message, and that message."""
    for index in range(len(history) - 1, -1, -1):
        if history[index]["role"] == "user":
            if history[index]["content"].strip():
                return history[:index], history[index]["content"]
            break
    raise LabError("chat.nothing_to_regenerate")
