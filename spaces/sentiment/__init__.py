"""Sentiment: positive / neutral / negative with confidences, for Polish and English, explained word by word."""

from shared.models import PretrainedModel

SECTION, ORDER = "text", 30
REQUIRES = ("transformers",)
MODELS = (PretrainedModel("sentiment_en", "cardiffnlp/twitter-roberta-base-sentiment-latest", "CC-BY-4.0"),
          PretrainedModel("sentiment_pl", "bardsai/twitter-sentiment-pl-base", "not stated on the model card"))
