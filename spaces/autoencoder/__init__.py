"""Autoencoder: a digit squeezed through a bottleneck of 2, 8 or 32 numbers and rebuilt (lecture: autoencoders)."""

SECTION, ORDER = "inside", 30
REQUIRES = ()
