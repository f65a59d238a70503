"""GoogLeNet's stages in the order the data flows, and the layers a dream can amplify.

Plain names, without torch: the page offers the layers (``deep_dream.controls``) and the dream
runs up to the chosen one (``deep_dream.dream``).
"""

STAGES = ("conv1", "maxpool1", "conv2", "conv3", "maxpool2", "inception3a", "inception3b", "maxpool3",
          "inception4a", "inception4b", "inception4c", "inception4d", "inception4e", "maxpool4",
          "inception5a", "inception5b")
LAYERS = tuple(stage for stage in STAGES if stage.startswith("inception"))
DEFAULT_LAYER = "inception4c"
