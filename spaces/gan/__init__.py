"""GAN: a conditional DCGAN's digits, its discriminator's verdicts and its training story (lecture: GAN)."""

SECTION, ORDER = "inside", 50
REQUIRES = ()
