"""Deep Dream & class visualisation: gradient ascent on pixels (lecture: generation by reversing training)."""

from shared.models import PretrainedModel

SECTION, ORDER = "inside", 20
REQUIRES = ("torchvision",)
MODELS = (PretrainedModel("deep_dream", "GoogLeNet_Weights.IMAGENET1K_V1", "BSD-3-Clause (torchvision)",
                          source="torchvision"),)
