TEXTS = {"en": {"fake_ok.title": "Echo", "fake_ok.intro": "Echoes text.", "fake_ok.box": "Text"},
         "pl": {"fake_ok.title": "Echo PL", "fake_ok.intro": "Powtarza tekst.", "fake_ok.box": "Tekst"}}
REQUIRES = ()
