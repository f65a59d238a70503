"""CNN classifier: draw a digit and watch every layer of a small MNIST network (lecture: CNN, one-hot, MNIST)."""

SECTION, ORDER = "inside", 10
REQUIRES = ()
