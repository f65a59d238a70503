"""Chat: a small instruction-tuned LLM answering as it writes (lecture: ChatGPT, today's LLMs, Bielik)."""

from shared.models import PretrainedModel

SECTION, ORDER = "text", 20
REQUIRES = ("transformers",)
MODELS = (PretrainedModel("chat", "Qwen/Qwen2.5-0.5B-Instruct", "Apache-2.0"),
          PretrainedModel("chat_large", "Qwen/Qwen2.5-7B-Instruct", "Apache-2.0"),
          PretrainedModel("chat_bielik", "speakleash/Bielik-11B-v2.3-Instruct", "Apache-2.0"))
