"""The layers of VGG-19 that Gatys et al. (2016) compare: one for the content, five for the style.

Plain names, without torch: the page offers them (the per-layer weights, the Gram matrices shown)
and the losses are measured there (``style_transfer.vgg``, ``style_transfer.transfer``).
"""

CONTENT_LAYER = "conv4_2"
STYLE_LAYERS = ("conv1_1", "conv2_1", "conv3_1", "conv4_1", "conv5_1")
