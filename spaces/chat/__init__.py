"""Chat: a small instruction-tuned LLM answering as it writes (lecture: ChatGPT, today's LLMs, Bielik)."""

from shared.models import PretrainedModel

SECTION, ORDER = "text", 20
REQUIRES = ("transformers",)
# Bielik's makers ask each user to accept their terms on the model page (a Space then needs that
# account's token as HF_TOKEN); the licence itself is Apache-2.0.
MODELS = (PretrainedModel("chat", "Qwen/Qwen2.5-0.5B-Instruct", "Apache-2.0"),
          PretrainedModel("chat_bielik_small", "speakleash/Bielik-1.5B-v3.0-Instruct",
                          "Apache-2.0, with Bielik's terms of use (accepted on the model page)"),
          PretrainedModel("chat_large", "Qwen/Qwen2.5-7B-Instruct", "Apache-2.0"),
          PretrainedModel("chat_bielik", "speakleash/Bielik-11B-v3.0-Instruct",
                          "Apache-2.0, with Bielik's terms of use (accepted on the model page)"),
          PretrainedModel("chat_pllum", "CYFRAGOVPL/PLLuM-12B-instruct-2512", "Apache-2.0"))
