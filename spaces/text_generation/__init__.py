"""Text generation: next-word prediction step by step on GPT-2 or a Polish model (lecture: "Ala ma" → "kota")."""

from shared.models import PretrainedModel

SECTION, ORDER = "text", 10
REQUIRES = ("transformers",)
MODELS = (PretrainedModel("text_generation", "openai-community/gpt2", "MIT"),
          PretrainedModel("text_generation_pl", "OPI-PG/Qra-1b", "Apache-2.0"),
          PretrainedModel("text_generation_pl_7b", "OPI-PG/Qra-7b", "Llama 2 Community License"),
          PretrainedModel("text_generation_pl_13b", "OPI-PG/Qra-13b", "Llama 2 Community License"))
