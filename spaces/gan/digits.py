"""The digits the generator can be asked for: one of the ten, or any digit (each picture's then
follows from the seed). Plain Python, so that the page offers them without loading torch."""

CLASSES = 10
DIGITS = tuple(range(CLASSES))
ANY_DIGIT = -1
