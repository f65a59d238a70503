"""VAE: a variational autoencoder's latent space as a map, with generation around a digit (lecture: VAE)."""

SECTION, ORDER = "inside", 40
REQUIRES = ()
