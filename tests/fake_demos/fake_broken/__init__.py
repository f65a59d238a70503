SECTION = "inside"
ORDER = 10
REQUIRES = ()
