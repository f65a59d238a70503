TEXTS = {"en": {"fake_missing.title": "Missing", "fake_missing.intro": "Needs a package."},
         "pl": {"fake_missing.title": "Brak", "fake_missing.intro": "Potrzebuje pakietu."}}
REQUIRES = ("package_that_is_not_installed",)
