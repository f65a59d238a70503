"""Autoencoder: a digit squeezed through a bottleneck of 2, 8 or 32 numbers and rebuilt (lecture: autoencoders)."""

REQUIRES = ()

TEXTS = {
    "en": {
        "autoencoder.title": "Autoencoder",
        "autoencoder.intro": (
            "An autoencoder is a network trained to give back its own input, but everything it knows about the "
            "picture has to pass through a narrow middle layer with far fewer numbers than the 784 pixels. Draw a "
            "digit and compare three networks trained here on MNIST whose bottleneck holds 2, 8 or 32 numbers: "
            "the code, the rebuilt digit and how much was lost. The fewer numbers, the stronger the compression "
            "and the blurrier the result."
        ),
        "autoencoder.tab.draw": "Draw",
        "autoencoder.tab.upload": "Upload or pick an example",
        "autoencoder.sketchpad": "Draw one digit (0–9) with the mouse or a finger",
        "autoencoder.upload": "Photo or scan of one digit",
        "autoencoder.examples": "Digits from the MNIST test set",
        "autoencoder.seen": "The network's input (28×28 = 784 pixels)",
        "autoencoder.hint.empty": (
            "**Nothing to encode yet.** Draw a digit on the canvas or upload a picture of one: the three "
            "autoencoders answer as soon as there is some ink."
        ),
        "autoencoder.weights_missing": (
            "The trained weights of this tab are missing. Train them with `python spaces/autoencoder/train.py`."
        ),
        "autoencoder.reconstruction": "Rebuilt by the decoder",
        "autoencoder.axis.index": "number in the code",
        "autoencoder.axis.value": "value",
        "autoencoder.stats": (
            "**Error:** MSE {mse} per pixel · PSNR {psnr} dB  \n"
            "**Size:** 784 bytes → {code_bytes} bytes ({size} × float32) — **{ratio}× smaller**"
        ),
        "autoencoder.plane.heading": "Where your digit lands in the 2-number code",
        "autoencoder.plane.explain": (
            "The smallest autoencoder describes every digit with just two numbers, so its codes can be drawn as "
            "points on a plane. Each dot is one of 2000 test digits, coloured by what the digit really is; the "
            "white cross is your digit. Similar digits often land close together, but the clusters have odd "
            "shapes and gaps between them: nothing in training asked for a tidy map. The VAE tab fixes that."
        ),
        "autoencoder.plane": "Codes of test digits (autoencoder with 2 numbers)",
        "autoencoder.how.heading": "How it works",
        "autoencoder.how.explain": (
            "- The **encoder** (784 → 512 → 256 → *k*) turns the 784 pixel values into *k* numbers: the **code**.\n"
            "- The **decoder** (*k* → 256 → 512 → 784) gets only those *k* numbers and draws the digit again.\n"
            "- Training shows both halves 60 000 MNIST digits and adjusts their weights so that the rebuilt "
            "picture differs as little as possible from the original: the **mean squared error (MSE)** over the "
            "pixels. **PSNR** says the same in decibels (higher is better).\n"
            "- The **compression ratio** compares the 784 bytes of the picture (one byte per pixel) with the "
            "code stored as *k* 4-byte numbers. The decoder's weights are shared by all digits, so they do not count.\n\n"
            "Measured on the 10 000 test digits the networks never saw: {metrics}"
        ),
        "autoencoder.metric": "{size} numbers: MSE {mse} per pixel ({psnr} dB)",
        "autoencoder.metrics_missing": "(no metrics.json yet)",
        "autoencoder.live.heading": "Train a little, live",
        "autoencoder.live.explain": (
            "Train a fresh, smaller autoencoder from random weights for up to a minute and watch the error fall "
            "and the reconstructions sharpen. It lives only in this run: the shipped networks above stay as they "
            "are. One such run at a time per server."
        ),
        "autoencoder.live.size": "Bottleneck (numbers in the code)",
        "autoencoder.live.seconds": "Training time (seconds)",
        "autoencoder.live.start": "Train from scratch",
        "autoencoder.live.stop": "Stop",
        "autoencoder.live.plot": "Error (MSE per pixel) during training",
        "autoencoder.live.preview": "Test digits (top) and their reconstructions (bottom)",
        "autoencoder.live.axis.step": "training step",
        "autoencoder.live.axis.loss": "MSE per pixel",
        "autoencoder.live.curve.train": "training batches",
        "autoencoder.live.curve.test": "test digits",
        "autoencoder.live.status": "Step {step} · {elapsed} s of {seconds} s · test MSE {loss}",
        "autoencoder.live.done": "**Done:** {step} steps in {elapsed} s; test MSE {loss} per pixel (the shipped network: {shipped}).",
        "autoencoder.live.preparing": "Loading the MNIST training digits…",
        "autoencoder.code_size": "bottleneck size",
        "autoencoder.column.2": "### Bottleneck: 2 numbers",
        "autoencoder.column.8": "### Bottleneck: 8 numbers",
        "autoencoder.column.32": "### Bottleneck: 32 numbers",
        "autoencoder.code.2": "The code: 2 numbers",
        "autoencoder.code.8": "The code: 8 numbers",
        "autoencoder.code.32": "The code: 32 numbers",
        "autoencoder.live.seconds_name": "training time",
        "autoencoder.bad_size": "The bottleneck must be one of 2, 8 or 32 numbers (got {value}).",
    },
    "pl": {
        "autoencoder.title": "Autoenkoder",
        "autoencoder.intro": (
            "Autoenkoder to sieć uczona tak, by oddawała to, co dostała na wejściu, ale wszystko, co wie o obrazku, "
            "musi przejść przez wąską warstwę środkową, mającą znacznie mniej liczb niż 784 piksele. Narysuj cyfrę "
            "i porównaj trzy sieci wytrenowane tutaj na zbiorze MNIST, których wąskie gardło mieści 2, 8 lub 32 "
            "liczby: kod, odtworzoną cyfrę i to, ile informacji przepadło. Im mniej liczb, tym silniejsza "
            "kompresja i bardziej rozmyty wynik."
        ),
        "autoencoder.tab.draw": "Rysuj",
        "autoencoder.tab.upload": "Wyślij zdjęcie lub wybierz przykład",
        "autoencoder.sketchpad": "Narysuj jedną cyfrę (0–9) myszą lub palcem",
        "autoencoder.upload": "Zdjęcie lub skan jednej cyfry",
        "autoencoder.examples": "Cyfry ze zbioru testowego MNIST",
        "autoencoder.seen": "Wejście sieci (28×28 = 784 piksele)",
        "autoencoder.hint.empty": (
            "**Na razie nie ma czego kodować.** Narysuj cyfrę na płótnie albo wyślij jej zdjęcie: trzy "
            "autoenkodery odpowiedzą, gdy tylko pojawi się jakiś ślad."
        ),
        "autoencoder.weights_missing": (
            "Brakuje wytrenowanych wag tej zakładki. Wytrenuj je poleceniem `python spaces/autoencoder/train.py`."
        ),
        "autoencoder.reconstruction": "Odtworzone przez dekoder",
        "autoencoder.axis.index": "pozycja w kodzie",
        "autoencoder.axis.value": "wartość",
        "autoencoder.stats": (
            "**Błąd:** MSE {mse} na piksel · PSNR {psnr} dB  \n"
            "**Rozmiar:** 784 bajty → {code_bytes} bajtów ({size} × float32) — **{ratio}× mniej**"
        ),
        "autoencoder.plane.heading": "Gdzie trafia Twoja cyfra w kodzie z 2 liczb",
        "autoencoder.plane.explain": (
            "Najmniejszy autoenkoder opisuje każdą cyfrę tylko dwiema liczbami, więc jego kody można narysować jako "
            "punkty na płaszczyźnie. Każda kropka to jedna z 2000 cyfr testowych, pokolorowana według tego, jaka to "
            "naprawdę cyfra; biały krzyżyk to Twoja cyfra. Podobne cyfry często lądują blisko siebie, ale skupiska "
            "mają dziwne kształty i dziury między sobą: nic w treningu nie wymagało uporządkowanej mapy. Zakładka "
            "VAE to naprawia."
        ),
        "autoencoder.plane": "Kody cyfr testowych (autoenkoder z 2 liczbami)",
        "autoencoder.how.heading": "Jak to działa",
        "autoencoder.how.explain": (
            "- **Koder** (784 → 512 → 256 → *k*) zamienia 784 wartości pikseli na *k* liczb: **kod**.\n"
            "- **Dekoder** (*k* → 256 → 512 → 784) dostaje tylko te *k* liczb i rysuje cyfrę od nowa.\n"
            "- Trening pokazuje obu częściom 60 000 cyfr MNIST i tak poprawia ich wagi, aby odtworzony obrazek jak "
            "najmniej różnił się od oryginału: mierzy to **błąd średniokwadratowy (MSE)** po pikselach. **PSNR** "
            "wyraża to samo w decybelach (więcej znaczy lepiej).\n"
            "- **Stopień kompresji** porównuje 784 bajty obrazka (bajt na piksel) z kodem zapisanym jako *k* "
            "liczb 4-bajtowych. Wagi dekodera są wspólne dla wszystkich cyfr, więc się ich nie liczy.\n\n"
            "Zmierzone na 10 000 cyfr testowych, których sieci nigdy nie widziały: {metrics}"
        ),
        "autoencoder.metric": "{size} liczb(y): MSE {mse} na piksel ({psnr} dB)",
        "autoencoder.metrics_missing": "(brak jeszcze pliku metrics.json)",
        "autoencoder.live.heading": "Potrenuj chwilę, na żywo",
        "autoencoder.live.explain": (
            "Wytrenuj nowy, mniejszy autoenkoder od losowych wag przez maksymalnie minutę i zobacz, jak spada błąd, "
            "a odtworzenia stają się coraz ostrzejsze. Istnieje on tylko w tym przebiegu: dostarczone sieci powyżej "
            "pozostają bez zmian. Na serwerze może naraz trwać tylko jeden taki trening."
        ),
        "autoencoder.live.size": "Wąskie gardło (liczby w kodzie)",
        "autoencoder.live.seconds": "Czas treningu (sekundy)",
        "autoencoder.live.start": "Trenuj od zera",
        "autoencoder.live.stop": "Zatrzymaj",
        "autoencoder.live.plot": "Błąd (MSE na piksel) w trakcie treningu",
        "autoencoder.live.preview": "Cyfry testowe (u góry) i ich odtworzenia (na dole)",
        "autoencoder.live.axis.step": "krok treningu",
        "autoencoder.live.axis.loss": "MSE na piksel",
        "autoencoder.live.curve.train": "paczki treningowe",
        "autoencoder.live.curve.test": "cyfry testowe",
        "autoencoder.live.status": "Krok {step} · {elapsed} s z {seconds} s · MSE na teście {loss}",
        "autoencoder.live.done": "**Gotowe:** {step} kroków w {elapsed} s; MSE na teście {loss} na piksel (dostarczona sieć: {shipped}).",
        "autoencoder.live.preparing": "Wczytywanie cyfr treningowych MNIST…",
        "autoencoder.code_size": "rozmiar wąskiego gardła",
        "autoencoder.column.2": "### Wąskie gardło: 2 liczby",
        "autoencoder.column.8": "### Wąskie gardło: 8 liczb",
        "autoencoder.column.32": "### Wąskie gardło: 32 liczby",
        "autoencoder.code.2": "Kod: 2 liczby",
        "autoencoder.code.8": "Kod: 8 liczb",
        "autoencoder.code.32": "Kod: 32 liczby",
        "autoencoder.live.seconds_name": "czas treningu",
        "autoencoder.bad_size": "Wąskie gardło musi mieć 2, 8 albo 32 liczby (podano {value}).",
    },
}
