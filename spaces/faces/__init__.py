"""Faces that don't exist: a latent diffusion model draws faces of nobody, and walks from one
face to another (lecture: thispersondoesnotexist.com, GAN)."""

from shared.models import PretrainedModel

SECTION, ORDER = "images", 5
REQUIRES = ("diffusers",)
MODELS = (PretrainedModel("faces", "CompVis/ldm-celebahq-256",
                          "Apache-2.0; trained on CelebA-HQ, whose images are for non-commercial research only"),)
