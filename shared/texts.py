"""Text of the suite itself and of the messages every demo shares (Polish and English)."""

TEXTS = {
    "en": {
        "suite.title": "Deep learning in multimedia — interactive lab",
        "suite.header": (
            "# Deep learning in multimedia — interactive lab\n"
            "Course **Technologie Multimedialne**, lecture *Applications of deep learning in multimedia*. "
            "Each tab is one idea of the lecture, in the order of the slides: try it, and look at what the "
            "network computes on the way to its answer."
        ),
        "suite.footer": (
            "Language follows your browser (Polish or English); change it under *Settings* at the bottom of the page. "
            "Models run on this server; nothing you draw or upload is kept after your session."
        ),
        "suite.unavailable.missing_package": (
            "**This tab is not available here.** It needs a Python package that is not installed on this server "
            "(named below). Install the suite's requirements (`pip install -r requirements.txt`) and restart. "
            "The other tabs work as usual."
        ),
        "suite.unavailable.broken": (
            "**This tab could not be started** (the reason is below). The other tabs work as usual; the server log "
            "has the details."
        ),
        "shared.seed": "seed",
        "shared.text.empty": "Type some text first.",
        "shared.text.not_text": "The input must be text.",
        "shared.text.too_long": "The text has {n} characters; the limit is {limit}. Please shorten it.",
        "shared.number.not_number": "“{name}” must be a number.",
        "shared.number.not_finite": "“{name}” must be a finite number (not NaN or infinity).",
        "shared.number.not_integer": "“{name}” must be a whole number.",
        "shared.number.out_of_range": "“{name}” must be between {low} and {high} (got {value}).",
        "shared.image.missing": "Please provide an image first.",
        "shared.image.not_image": "This file is not an image that can be read (PNG, JPEG, WebP, GIF, BMP…).",
        "shared.image.broken": "This image file is damaged or incomplete and cannot be decoded.",
        "shared.image.too_large": "The image is too large ({pixels} pixels); the limit is {limit} pixels in total.",
        "shared.image.too_small": "The image is too small ({width}×{height}); each side needs at least {limit} pixels.",
        "shared.image.no_digit": "No digit found: the picture is one colour everywhere. Send a picture of a handwritten digit.",
        "shared.model.unavailable": "The model {model} could not be loaded: {reason}",
        "shared.model.offline": (
            "no network connection and no copy in the local cache ({detail}). On a Hugging Face Space it downloads "
            "by itself; elsewhere, download it once with network access or set its environment variable "
            "to a local folder (see the README)."
        ),
        "shared.model.failed": "loading failed ({detail}). See the server log.",
        "shared.model.status": "Model: {model} — {state}",
        "shared.model.loaded": "loaded",
        "shared.model.not_loaded": "loads on first use (this may take a while)",
        "shared.model.failed_before": "**could not be loaded** ({detail}); the next request tries again",
        "shared.gpu.out_of_memory": "The GPU ran out of memory. Try a smaller size or fewer steps; the next request will work.",
        "shared.busy": "The server is busy with another run; please try again in a moment.",
    },
    "pl": {
        "suite.title": "Głębokie uczenie w multimediach — laboratorium interaktywne",
        "suite.header": (
            "# Głębokie uczenie w multimediach — laboratorium interaktywne\n"
            "Przedmiot **Technologie Multimedialne**, wykład *Zastosowania algorytmów głębokiego uczenia maszynowego "
            "w multimediach*. Każda zakładka to jedna idea z wykładu, w kolejności slajdów: wypróbuj ją i zobacz, "
            "co sieć oblicza po drodze do odpowiedzi."
        ),
        "suite.footer": (
            "Język wynika z ustawień przeglądarki (polski lub angielski); można go zmienić w *Ustawieniach* na dole "
            "strony. Modele działają na tym serwerze; nic, co narysujesz lub wyślesz, nie jest przechowywane po sesji."
        ),
        "suite.unavailable.missing_package": (
            "**Ta zakładka nie jest tu dostępna.** Potrzebuje pakietu Pythona, którego nie ma na tym serwerze "
            "(nazwa poniżej). Zainstaluj wymagania (`pip install -r requirements.txt`) i uruchom aplikację "
            "ponownie. Pozostałe zakładki działają normalnie."
        ),
        "suite.unavailable.broken": (
            "**Nie udało się uruchomić tej zakładki** (przyczyna poniżej). Pozostałe zakładki działają "
            "normalnie; szczegóły są w logu serwera."
        ),
        "shared.seed": "ziarno losowania",
        "shared.text.empty": "Najpierw wpisz jakiś tekst.",
        "shared.text.not_text": "Wejście musi być tekstem.",
        "shared.text.too_long": "Tekst ma {n} znaków; limit to {limit}. Skróć go, proszę.",
        "shared.number.not_number": "„{name}” musi być liczbą.",
        "shared.number.not_finite": "„{name}” musi być liczbą skończoną (nie NaN ani nieskończonością).",
        "shared.number.not_integer": "„{name}” musi być liczbą całkowitą.",
        "shared.number.out_of_range": "„{name}” musi mieścić się między {low} a {high} (podano {value}).",
        "shared.image.missing": "Najpierw podaj obraz.",
        "shared.image.not_image": "Ten plik nie jest obrazem, który da się odczytać (PNG, JPEG, WebP, GIF, BMP…).",
        "shared.image.broken": "Ten plik obrazu jest uszkodzony lub niekompletny i nie da się go zdekodować.",
        "shared.image.too_large": "Obraz jest za duży ({pixels} pikseli); limit to {limit} pikseli łącznie.",
        "shared.image.too_small": "Obraz jest za mały ({width}×{height}); każdy bok musi mieć co najmniej {limit} pikseli.",
        "shared.image.no_digit": "Nie znaleziono cyfry: obraz ma wszędzie ten sam kolor. Wyślij zdjęcie odręcznie napisanej cyfry.",
        "shared.model.unavailable": "Nie udało się wczytać modelu {model}: {reason}",
        "shared.model.offline": (
            "brak połączenia z siecią i brak kopii w lokalnej pamięci podręcznej ({detail}). Na Hugging Face Space "
            "model pobierze się sam; gdzie indziej pobierz go raz z dostępem do sieci albo ustaw jego zmienną "
            "środowiskową na lokalny katalog (zob. README)."
        ),
        "shared.model.failed": "wczytywanie nie powiodło się ({detail}). Szczegóły w logu serwera.",
        "shared.model.status": "Model: {model} — {state}",
        "shared.model.loaded": "wczytany",
        "shared.model.not_loaded": "wczyta się przy pierwszym użyciu (może to chwilę potrwać)",
        "shared.model.failed_before": "**nie udało się go wczytać** ({detail}); kolejne żądanie spróbuje ponownie",
        "shared.gpu.out_of_memory": "Zabrakło pamięci GPU. Spróbuj mniejszego rozmiaru lub mniej kroków; następne żądanie zadziała.",
        "shared.busy": "Serwer jest zajęty innym zadaniem; spróbuj ponownie za chwilę.",
    },
}
