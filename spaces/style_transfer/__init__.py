"""Style transfer: Gatys et al. (2016) with VGG-19 features (lecture: creative processing of content)."""

from shared.models import PretrainedModel

SECTION, ORDER = "images", 20
REQUIRES = ("torchvision",)
MODELS = (PretrainedModel("style_transfer", "VGG19_Weights.IMAGENET1K_V1", "BSD-3-Clause (torchvision)",
                          source="torchvision"),)
