"""Every control of the chat tab, declared once: the conversation, two models side by side, and
the room's poll. ``ui.py`` and its parts build the components from these and check every
request against them."""

from __future__ import annotations

from chat import chat_model
from shared.controls import Choice, Flag, Number, Text
from shared.device import by_hardware

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

# Side by side: two models write at once, so on a CPU each gets half the machine and a shorter reply.
MODEL_A = Choice("chat.compare.model_a", choices=chat_model.CHOICES, default="chat",
                 names=tuple(chat_model.LABELS[c] for c in chat_model.CHOICES), dropdown=True)
MODEL_B = Choice("chat.compare.model_b", choices=chat_model.CHOICES, default="chat_bielik_small",
                 names=tuple(chat_model.LABELS[c] for c in chat_model.CHOICES), dropdown=True)
BLIND = Flag("chat.compare.blind", default=True, info=True)
COMPARE_TOKENS = Number("chat.compare.max_new_tokens", low=16, high=by_hardware(cpu=256, gpu=1024),
                        default=by_hardware(cpu=96, gpu=384), step=16, integer=True, api_low=1)
