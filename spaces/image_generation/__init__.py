"""Image generation: Stable Diffusion from a text prompt, and the denoising that gets there
(lecture: Stable Diffusion, MidJourney)."""

from shared.models import PretrainedModel

SECTION, ORDER = "images", 10
REQUIRES = ("diffusers", "transformers")
MODELS = (PretrainedModel("image_generation", "stabilityai/sd-turbo",
                          "Stability AI Non-Commercial Research Community License"),
          PretrainedModel("image_generation_quality", "stable-diffusion-v1-5/stable-diffusion-v1-5",
                          "CreativeML OpenRAIL-M"),
          PretrainedModel("image_generation_safety", "stable-diffusion-v1-5/stable-diffusion-v1-5",
                          "CreativeML OpenRAIL-M"))
