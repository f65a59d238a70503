"""Video generation: a diffusion transformer writes a clip from a prompt, and a cost explorer
shows why video is the most expensive modality (lecture: Veo 3.1, Sora 2, Runway Gen-4.5,
Seedance 2.0, Wan2.2). Generation needs a GPU; the cost explorer runs anywhere."""

from shared.models import PretrainedModel

SECTION, ORDER = "images", 30
REQUIRES = ("diffusers", "imageio_ffmpeg")
MODELS = (
    PretrainedModel("video", "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", "Apache-2.0"),
    PretrainedModel("video_quality", "Wan-AI/Wan2.2-TI2V-5B-Diffusers", "Apache-2.0"),
)
