SECTION = "sound"
ORDER = 10
REQUIRES = ("package_that_is_not_installed",)
