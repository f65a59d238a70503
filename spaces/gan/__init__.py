"""GAN: a conditional DCGAN's digits, its discriminator's verdicts and its training story (lecture: GAN)."""

REQUIRES = ()

TEXTS = {
    "en": {
        "gan.title": "GAN",
        "gan.intro": (
            "A generative adversarial network is two networks in a contest: the generator turns random numbers "
            "into pictures, and the discriminator learns to tell them from real handwritten digits. Each time the "
            "discriminator gets better at spotting fakes, the generator is pushed to draw more convincing digits. "
            "This GAN was trained here on MNIST; choose a seed and a digit, walk between two seeds, see what the "
            "discriminator thinks and replay the whole contest."
        ),
        "gan.grid.heading": "Digits from a seed",
        "gan.grid.explain": (
            "The seed fixes the random numbers (the *noise*) the generator starts from, so the same seed always "
            "gives the same digits: write it down to show them again. Under each picture: the digit the generator "
            "was asked for and the discriminator's probability that the picture is a **real** digit."
        ),
        "gan.seed": "Seed",
        "gan.new_seed": "🎲 New seed",
        "gan.digit": "Digit",
        "gan.any": "any (random)",
        "gan.count": "How many",
        "gan.generate": "Generate",
        "gan.grid": "Generated digits",
        "gan.caption": "{digit} · D = {probability}",
        "gan.seed_used": "Seed **{seed}** — use it again to get the same digits.",
        "gan.walk.heading": "A walk between two seeds",
        "gan.walk.explain": (
            "The noise of seed A turns step by step into the noise of seed B (along the sphere where Gaussian "
            "noise lives), and the requested digit blends from A's to B's. Every picture on the way is drawn "
            "by the generator, so the walk shows how smoothly its input space is filled."
        ),
        "gan.seed_a": "Seed A",
        "gan.digit_a": "Digit A",
        "gan.seed_b": "Seed B",
        "gan.digit_b": "Digit B",
        "gan.steps": "Steps",
        "gan.walk": "From A (left) to B (right)",
        "gan.walk.button": "Walk",
        "gan.judge.heading": "What the discriminator thinks",
        "gan.judge.explain": (
            "The discriminator gives every picture a probability of being a real digit. Below are real test "
            "digits it never saw in training, each with its verdict, and a histogram over 1000 real and 1000 "
            "generated digits. When the generator wins the contest, the two histograms overlap: the "
            "discriminator can no longer tell them apart."
        ),
        "gan.real": "Real test digits with D's verdict",
        "gan.histogram": "D's \"real\" probability: real vs generated digits",
        "gan.show_real": "Show other real digits",
        "gan.axis.probability": "probability of \"real\" given by D",
        "gan.axis.count": "number of digits",
        "gan.series.real": "real test digits",
        "gan.series.generated": "generated digits",
        "gan.story.heading": "The training story",
        "gan.story.explain": (
            "The same noise, four per digit, drawn by the generator at {snapshots} moments of training: move "
            "the slider from the start (random weights: grey fog) to the end. The curves are the losses of both "
            "networks; the dashed line marks the moment shown. Neither loss goes to zero, because each network's "
            "progress makes the other's task harder."
        ),
        "gan.story.slider": "Moment of training (snapshot)",
        "gan.story.image": "The fixed noise, columns 0–9",
        "gan.story.curves": "Generator and discriminator loss",
        "gan.story.step": "Training step **{step}** of {total} (snapshot {index} of {last}).",
        "gan.axis.step": "training step",
        "gan.axis.loss": "loss",
        "gan.series.generator": "generator",
        "gan.series.discriminator": "discriminator",
        "gan.how.heading": "How it works, and how good it is",
        "gan.how.explain": (
            "- **Generator**: 64 random numbers plus the chosen digit (one-hot) → a dense layer → 64 maps 7×7 → "
            "transposed convolutions → 32 maps 14×14 → one 28×28 picture.\n"
            "- **Discriminator**: a picture and the digit it should be → convolutions 28×28 → 14×14 → 7×7 → one "
            "number, the logit of \"real\".\n"
            "- **Training**, one step: the discriminator learns on a batch of real digits (answer \"real\") and a "
            "batch of generated ones (answer \"fake\"); then the generator learns to make the discriminator answer "
            "\"real\" to its pictures.\n\n"
            "**Quality**, judged by the CNN tab's classifier on 10 000 generated digits: Fréchet distance to the "
            "test set on the classifier's 128 penultimate features {fd} (lower is better, 0 = same statistics); "
            "the classifier's mean top probability {confidence}; share of each digit 0–9 among its answers: {shares}."
        ),
        "gan.metrics_missing": "—",
        "gan.live.heading": "Train a little, live",
        "gan.live.explain": (
            "Train a fresh, smaller GAN from random weights for up to a minute and watch the contest: both loss "
            "curves, and the same noise drawn by the generator as it learns. In a minute on a CPU you will see "
            "grey fog turn into blobs and strokes; the shipped GAN trained for much longer. The shipped weights "
            "stay as they are; one such run at a time per server."
        ),
        "gan.live.seconds": "Training time (seconds)",
        "gan.live.seconds_name": "training time",
        "gan.live.start": "Train from scratch",
        "gan.live.stop": "Stop",
        "gan.live.plot": "Losses during training",
        "gan.live.preview": "The same noise, drawn by the generator now (columns 0–9)",
        "gan.live.status": "Step {step} · {elapsed} s of {seconds} s · D(real) {d_real} · D(generated) {d_fake}",
        "gan.live.done": "**Done:** {step} steps in {elapsed} s. The shipped GAN trained for {shipped} steps.",
        "gan.live.preparing": "Loading the MNIST training digits…",
        "gan.weights_missing": "The trained weights of this tab are missing. Train them with `python spaces/gan/train.py`.",
        "gan.count_name": "number of digits",
        "gan.story.slider_name": "snapshot",
        "gan.digit_name": "digit",
        "gan.steps_name": "number of steps",
        "gan.bad_digit": "The digit must be a whole number from 0 to 9, or -1 for any digit (got {value}).",
    },
    "pl": {
        "gan.title": "GAN",
        "gan.intro": (
            "Generatywna sieć współzawodnicząca (GAN) to dwie sieci w konkursie: generator zamienia losowe liczby w "
            "obrazki, a dyskryminator uczy się odróżniać je od prawdziwych, odręcznie pisanych cyfr. Za każdym "
            "razem, gdy dyskryminator lepiej wykrywa podróbki, generator jest zmuszany do rysowania bardziej "
            "przekonujących cyfr. Ten GAN został wytrenowany tutaj na zbiorze MNIST; wybierz ziarno i cyfrę, "
            "przejdź między dwoma ziarnami, zobacz, co sądzi dyskryminator, i odtwórz cały konkurs."
        ),
        "gan.grid.heading": "Cyfry z ziarna",
        "gan.grid.explain": (
            "Ziarno ustala liczby losowe (*szum*), od których zaczyna generator, więc to samo ziarno daje zawsze te "
            "same cyfry: zapisz je, aby pokazać je ponownie. Pod każdym obrazkiem: cyfra, o którą poproszono "
            "generator, i prawdopodobieństwo, że według dyskryminatora obrazek jest **prawdziwą** cyfrą."
        ),
        "gan.seed": "Ziarno",
        "gan.new_seed": "🎲 Nowe ziarno",
        "gan.digit": "Cyfra",
        "gan.any": "dowolna (losowa)",
        "gan.count": "Ile cyfr",
        "gan.generate": "Generuj",
        "gan.grid": "Wygenerowane cyfry",
        "gan.caption": "{digit} · D = {probability}",
        "gan.seed_used": "Ziarno **{seed}** — użyj go ponownie, aby dostać te same cyfry.",
        "gan.walk.heading": "Spacer między dwoma ziarnami",
        "gan.walk.explain": (
            "Szum ziarna A krok po kroku zamienia się w szum ziarna B (po sferze, na której leży szum gaussowski), "
            "a żądana cyfra płynnie przechodzi z cyfry A w cyfrę B. Każdy obrazek po drodze rysuje generator, więc "
            "spacer pokazuje, jak płynnie wypełniona jest jego przestrzeń wejść."
        ),
        "gan.seed_a": "Ziarno A",
        "gan.digit_a": "Cyfra A",
        "gan.seed_b": "Ziarno B",
        "gan.digit_b": "Cyfra B",
        "gan.steps": "Liczba kroków",
        "gan.walk": "Od A (z lewej) do B (z prawej)",
        "gan.walk.button": "Idź",
        "gan.judge.heading": "Co sądzi dyskryminator",
        "gan.judge.explain": (
            "Dyskryminator daje każdemu obrazkowi prawdopodobieństwo, że jest prawdziwą cyfrą. Poniżej prawdziwe "
            "cyfry testowe, których nie widział podczas treningu, każda z jego werdyktem, oraz histogram dla 1000 "
            "prawdziwych i 1000 wygenerowanych cyfr. Gdy generator wygrywa konkurs, oba histogramy się pokrywają: "
            "dyskryminator nie potrafi już ich odróżnić."
        ),
        "gan.real": "Prawdziwe cyfry testowe z werdyktem D",
        "gan.histogram": "Prawdopodobieństwo „prawdziwa” według D: cyfry prawdziwe i wygenerowane",
        "gan.show_real": "Pokaż inne prawdziwe cyfry",
        "gan.axis.probability": "prawdopodobieństwo „prawdziwa” według D",
        "gan.axis.count": "liczba cyfr",
        "gan.series.real": "prawdziwe cyfry testowe",
        "gan.series.generated": "wygenerowane cyfry",
        "gan.story.heading": "Historia treningu",
        "gan.story.explain": (
            "Ten sam szum, po cztery próbki na cyfrę, narysowany przez generator w {snapshots} momentach treningu: "
            "przesuń suwak od początku (losowe wagi: szara mgła) do końca. Krzywe to funkcje straty obu sieci; "
            "przerywana linia zaznacza pokazany moment. Żadna ze strat nie spada do zera, bo postęp każdej sieci "
            "utrudnia zadanie drugiej."
        ),
        "gan.story.slider": "Moment treningu (migawka)",
        "gan.story.image": "Stały szum, kolumny 0–9",
        "gan.story.curves": "Strata generatora i dyskryminatora",
        "gan.story.step": "Krok treningu **{step}** z {total} (migawka {index} z {last}).",
        "gan.axis.step": "krok treningu",
        "gan.axis.loss": "strata",
        "gan.series.generator": "generator",
        "gan.series.discriminator": "dyskryminator",
        "gan.how.heading": "Jak to działa i jak dobrze",
        "gan.how.explain": (
            "- **Generator**: 64 liczby losowe i wybrana cyfra (one-hot) → warstwa gęsta → 64 mapy 7×7 → sploty "
            "transponowane → 32 mapy 14×14 → jeden obrazek 28×28.\n"
            "- **Dyskryminator**: obrazek i cyfra, którą ma przedstawiać → sploty 28×28 → 14×14 → 7×7 → jedna "
            "liczba, logit odpowiedzi „prawdziwa”.\n"
            "- **Trening**, jeden krok: dyskryminator uczy się na paczce prawdziwych cyfr (odpowiedź „prawdziwa”) i "
            "paczce wygenerowanych (odpowiedź „podróbka”); potem generator uczy się tak, by dyskryminator "
            "odpowiadał „prawdziwa” na jego obrazki.\n\n"
            "**Jakość** oceniona klasyfikatorem z zakładki CNN na 10 000 wygenerowanych cyfr: odległość Frécheta do "
            "zbioru testowego na 128 cechach przedostatniej warstwy klasyfikatora {fd} (mniej znaczy lepiej, 0 = te "
            "same statystyki); średnie najwyższe prawdopodobieństwo klasyfikatora {confidence}; udział każdej cyfry "
            "0–9 w jego odpowiedziach: {shares}."
        ),
        "gan.metrics_missing": "—",
        "gan.live.heading": "Potrenuj chwilę, na żywo",
        "gan.live.explain": (
            "Wytrenuj nowy, mniejszy GAN od losowych wag przez maksymalnie minutę i obserwuj konkurs: obie krzywe "
            "straty i ten sam szum rysowany przez uczący się generator. W minutę na procesorze szara mgła zamieni "
            "się w plamy i kreski; dostarczony GAN trenował znacznie dłużej. Dostarczone wagi pozostają bez zmian; "
            "na serwerze może naraz trwać tylko jeden taki trening."
        ),
        "gan.live.seconds": "Czas treningu (sekundy)",
        "gan.live.seconds_name": "czas treningu",
        "gan.live.start": "Trenuj od zera",
        "gan.live.stop": "Zatrzymaj",
        "gan.live.plot": "Straty w trakcie treningu",
        "gan.live.preview": "Ten sam szum narysowany teraz przez generator (kolumny 0–9)",
        "gan.live.status": "Krok {step} · {elapsed} s z {seconds} s · D(prawdziwe) {d_real} · D(wygenerowane) {d_fake}",
        "gan.live.done": "**Gotowe:** {step} kroków w {elapsed} s. Dostarczony GAN trenował przez {shipped} kroków.",
        "gan.live.preparing": "Wczytywanie cyfr treningowych MNIST…",
        "gan.weights_missing": "Brakuje wytrenowanych wag tej zakładki. Wytrenuj je poleceniem `python spaces/gan/train.py`.",
        "gan.count_name": "liczba cyfr",
        "gan.story.slider_name": "migawka",
        "gan.digit_name": "cyfra",
        "gan.steps_name": "liczba kroków",
        "gan.bad_digit": "Cyfra musi być liczbą całkowitą od 0 do 9 albo -1 dla dowolnej cyfry (podano {value}).",
    },
}
