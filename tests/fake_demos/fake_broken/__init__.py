TEXTS = {"en": {"fake_broken.title": "Broken", "fake_broken.intro": "Fails."},
         "pl": {"fake_broken.title": "Zepsute", "fake_broken.intro": "Psuje się."}}
REQUIRES = ()
