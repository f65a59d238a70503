"""VAE: a variational autoencoder's latent space as a map, with generation around a digit (lecture: VAE)."""

REQUIRES = ()

TEXTS = {
    "en": {
        "vae.title": "VAE",
        "vae.intro": (
            "A variational autoencoder does not map a digit to one exact point: its encoder gives every digit a "
            "small region, and training keeps those regions packed around the centre of the space. Because of "
            "that, neighbouring points decode to similar digits, and any point near the centre decodes to some "
            "digit. Explore the map of a VAE with two latent numbers, then let a VAE with 32 numbers generate "
            "digits similar to yours, morph one digit into another and invent new ones."
        ),
        "vae.tab.draw": "Draw",
        "vae.tab.upload": "Upload or pick an example",
        "vae.sketchpad": "Draw one digit (0–9) with the mouse or a finger",
        "vae.upload": "Photo or scan of one digit",
        "vae.examples": "Digits from the MNIST test set",
        "vae.seen": "Your digit as the network sees it (28×28)",
        "vae.hint.empty": (
            "**Draw a digit or pick one** to see where it lands on the map (white cross), digits similar to it "
            "and a morph into a second digit. The map, its sliders and the prior samples work without one."
        ),
        "vae.weights_missing": "The trained weights of this tab are missing. Train them with `python spaces/vae/train.py`.",
        "vae.your_region": "**Your digit's region** on the map: centre ({z1}, {z2}), spread σ ({s1}, {s2}).",
        "vae.map.heading": "The latent map (VAE with 2 numbers)",
        "vae.map.explain": (
            "Behind the dots, every tile is the digit the decoder draws at that point of the plane (from −3 to 3 "
            "on both axes). Each dot is a test digit placed at the centre of its region, coloured by what it "
            "really is. **Click the map** or move the sliders to decode any point: moving a little changes the "
            "digit a little, which is exactly what the VAE was trained for."
        ),
        "vae.map": "Latent plane: decoded digits and test digits (dots, coloured by digit)",
        "vae.z1": "z₁ (horizontal)",
        "vae.z2": "z₂ (vertical)",
        "vae.decoded": "Decoded at (z₁, z₂)",
        "vae.similar.heading": "Generate similar digits",
        "vae.similar.explain": (
            "Your digit is encoded by the VAE with 32 numbers into a region: a centre and a spread σ. Points drawn "
            "around the centre, *centre + spread × σ × random*, decode to variations of your digit. At spread 0 "
            "you see the plain reconstruction; at 1 the region the encoder itself chose; further out, other digits "
            "begin to appear."
        ),
        "vae.spread": "Spread (in units of the encoder's σ)",
        "vae.similar": "Decoded from points around your digit",
        "vae.interpolate.heading": "Morph into another digit",
        "vae.interpolate.explain": (
            "Both digits are encoded, and points on the straight line between them are decoded. In a plain "
            "autoencoder the middle of that line may fall into a hole and decode to noise; a VAE fills the space, "
            "so the digit changes smoothly."
        ),
        "vae.second": "The second digit",
        "vae.steps": "Steps",
        "vae.strip": "From your digit (left) to the second one (right)",
        "vae.prior.heading": "New digits from the prior",
        "vae.prior.explain": (
            "Draw random points from N(0, I), the distribution the training pulled every region towards, and "
            "decode them: digits nobody wrote. The same seed always gives the same digits."
        ),
        "vae.prior.model": "Latent space",
        "vae.prior.model.2": "2 numbers (the map)",
        "vae.prior.model.32": "32 numbers (better digits)",
        "vae.count": "How many",
        "vae.prior.generate": "Generate",
        "vae.prior": "Samples from the prior",
        "vae.how.heading": "How it works, and how good it is",
        "vae.how.explain": (
            "- **Encoder** (784 → 512 → 256): for each digit two vectors, the **centre** μ and the **spread** σ of "
            "its region.\n"
            "- **Sampling**: z = μ + σ · ε with random ε. The decoder sees a slightly different point every time, "
            "so nearby points must decode to similar digits.\n"
            "- **Decoder** (→ 256 → 512 → 784): a point back to 784 pixel intensities.\n"
            "- **Loss** (the negative *evidence lower bound*, −ELBO): the reconstruction error (cross-entropy of the "
            "pixels, in nats) plus the KL divergence that pulls each region towards N(0, I).\n\n"
            "Measured on the 10 000 test digits (−ELBO in nats per image; lower is better): {metrics}"
        ),
        "vae.metric": "{dims} numbers: {nats} (reconstruction {reconstruction} + KL {kl})",
        "vae.metrics_missing": "(no metrics.json yet)",
        "vae.live.heading": "Train a little, live",
        "vae.live.explain": (
            "Train a fresh, smaller VAE from random weights for up to a minute and watch −ELBO fall, the "
            "reconstructions sharpen and the prior samples turn from fog into digits. The shipped models stay as "
            "they are. One such run at a time per server."
        ),
        "vae.live.dims": "Latent numbers",
        "vae.live.seconds": "Training time (seconds)",
        "vae.live.seconds_name": "training time",
        "vae.live.start": "Train from scratch",
        "vae.live.stop": "Stop",
        "vae.live.plot": "−ELBO (nats per image) during training",
        "vae.live.preview": "Reconstructed test digits (top) and samples from the prior (bottom)",
        "vae.live.axis.step": "training step",
        "vae.live.axis.loss": "−ELBO (nats)",
        "vae.live.curve.train": "training batches",
        "vae.live.curve.test": "test digits",
        "vae.live.status": "Step {step} · {elapsed} s of {seconds} s · test −ELBO {loss} nats",
        "vae.live.done": "**Done:** {step} steps in {elapsed} s; test −ELBO {loss} nats (the shipped model: {shipped}).",
        "vae.live.preparing": "Loading the MNIST training digits…",
        "vae.latent": "latent point",
        "vae.latent_length": "A latent point has 2 numbers (the map's VAE) or 32 (the larger VAE), not {n}.",
        "vae.latent_dims": "latent size",
        "vae.bad_dims": "The latent space has 2 or 32 numbers (got {value}).",
        "vae.spread_name": "spread",
        "vae.count_name": "number of digits",
        "vae.steps_name": "number of steps",
    },
    "pl": {
        "vae.title": "VAE",
        "vae.intro": (
            "Wariacyjny autoenkoder nie przypisuje cyfrze jednego dokładnego punktu: jego koder daje każdej cyfrze "
            "mały obszar, a trening utrzymuje te obszary ciasno wokół środka przestrzeni. Dzięki temu sąsiednie "
            "punkty dekodują się na podobne cyfry, a każdy punkt blisko środka daje jakąś cyfrę. Zbadaj mapę VAE z "
            "dwiema liczbami w przestrzeni ukrytej, a potem pozwól VAE z 32 liczbami wygenerować cyfry podobne do "
            "Twojej, płynnie zamienić jedną cyfrę w drugą i wymyślić zupełnie nowe."
        ),
        "vae.tab.draw": "Rysuj",
        "vae.tab.upload": "Wyślij zdjęcie lub wybierz przykład",
        "vae.sketchpad": "Narysuj jedną cyfrę (0–9) myszą lub palcem",
        "vae.upload": "Zdjęcie lub skan jednej cyfry",
        "vae.examples": "Cyfry ze zbioru testowego MNIST",
        "vae.seen": "Twoja cyfra tak, jak widzi ją sieć (28×28)",
        "vae.hint.empty": (
            "**Narysuj lub wybierz cyfrę**, aby zobaczyć, gdzie trafia na mapie (biały krzyżyk), cyfry do niej "
            "podobne i płynne przejście w drugą cyfrę. Mapa, jej suwaki i próbki z rozkładu a priori działają i bez niej."
        ),
        "vae.weights_missing": "Brakuje wytrenowanych wag tej zakładki. Wytrenuj je poleceniem `python spaces/vae/train.py`.",
        "vae.your_region": "**Obszar Twojej cyfry** na mapie: środek ({z1}, {z2}), rozrzut σ ({s1}, {s2}).",
        "vae.map.heading": "Mapa przestrzeni ukrytej (VAE z 2 liczbami)",
        "vae.map.explain": (
            "Pod kropkami każdy kafelek to cyfra, którą dekoder rysuje w danym punkcie płaszczyzny (od −3 do 3 na "
            "obu osiach). Każda kropka to cyfra testowa umieszczona w środku swojego obszaru, pokolorowana według "
            "tego, jaka to naprawdę cyfra. **Kliknij mapę** albo przesuń suwaki, aby zdekodować dowolny punkt: mały "
            "ruch zmienia cyfrę tylko trochę, i właśnie tego VAE się nauczył."
        ),
        "vae.map": "Płaszczyzna ukryta: zdekodowane cyfry i cyfry testowe (kropki w kolorach cyfr)",
        "vae.z1": "z₁ (poziomo)",
        "vae.z2": "z₂ (pionowo)",
        "vae.decoded": "Zdekodowane w punkcie (z₁, z₂)",
        "vae.similar.heading": "Generuj podobne cyfry",
        "vae.similar.explain": (
            "VAE z 32 liczbami koduje Twoją cyfrę jako obszar: środek i rozrzut σ. Punkty losowane wokół środka, "
            "*środek + rozrzut × σ × losowość*, dekodują się na warianty Twojej cyfry. Przy rozrzucie 0 widać zwykłą "
            "rekonstrukcję; przy 1 obszar wybrany przez sam koder; dalej zaczynają pojawiać się inne cyfry."
        ),
        "vae.spread": "Rozrzut (w jednostkach σ kodera)",
        "vae.similar": "Zdekodowane z punktów wokół Twojej cyfry",
        "vae.interpolate.heading": "Przejście w inną cyfrę",
        "vae.interpolate.explain": (
            "Obie cyfry są kodowane, a punkty na odcinku między nimi dekodowane. W zwykłym autoenkoderze środek tego "
            "odcinka może wpaść w dziurę i dać szum; VAE wypełnia przestrzeń, więc cyfra zmienia się płynnie."
        ),
        "vae.second": "Druga cyfra",
        "vae.steps": "Liczba kroków",
        "vae.strip": "Od Twojej cyfry (z lewej) do drugiej (z prawej)",
        "vae.prior.heading": "Nowe cyfry z rozkładu a priori",
        "vae.prior.explain": (
            "Wylosuj punkty z rozkładu N(0, I), do którego trening przyciągał wszystkie obszary, i zdekoduj je: "
            "powstają cyfry, których nikt nie napisał. To samo ziarno daje zawsze te same cyfry."
        ),
        "vae.prior.model": "Przestrzeń ukryta",
        "vae.prior.model.2": "2 liczby (mapa)",
        "vae.prior.model.32": "32 liczby (lepsze cyfry)",
        "vae.count": "Ile cyfr",
        "vae.prior.generate": "Generuj",
        "vae.prior": "Próbki z rozkładu a priori",
        "vae.how.heading": "Jak to działa i jak dobrze",
        "vae.how.explain": (
            "- **Koder** (784 → 512 → 256): dla każdej cyfry dwa wektory, **środek** μ i **rozrzut** σ jej obszaru.\n"
            "- **Losowanie**: z = μ + σ · ε z losowym ε. Dekoder za każdym razem dostaje trochę inny punkt, więc "
            "pobliskie punkty muszą dekodować się na podobne cyfry.\n"
            "- **Dekoder** (→ 256 → 512 → 784): z punktu z powrotem 784 jasności pikseli.\n"
            "- **Funkcja straty** (ujemne *dolne ograniczenie wiarygodności*, −ELBO): błąd odtworzenia (entropia "
            "krzyżowa pikseli, w natach) plus dywergencja KL, która przyciąga każdy obszar do N(0, I).\n\n"
            "Zmierzone na 10 000 cyfr testowych (−ELBO w natach na obrazek; mniej znaczy lepiej): {metrics}"
        ),
        "vae.metric": "{dims} liczb(y): {nats} (odtworzenie {reconstruction} + KL {kl})",
        "vae.metrics_missing": "(brak jeszcze pliku metrics.json)",
        "vae.live.heading": "Potrenuj chwilę, na żywo",
        "vae.live.explain": (
            "Wytrenuj nowy, mniejszy VAE od losowych wag przez maksymalnie minutę i zobacz, jak spada −ELBO, "
            "odtworzenia stają się ostrzejsze, a próbki z rozkładu a priori zmieniają się z mgły w cyfry. "
            "Dostarczone modele pozostają bez zmian. Na serwerze może naraz trwać tylko jeden taki trening."
        ),
        "vae.live.dims": "Liczby w przestrzeni ukrytej",
        "vae.live.seconds": "Czas treningu (sekundy)",
        "vae.live.seconds_name": "czas treningu",
        "vae.live.start": "Trenuj od zera",
        "vae.live.stop": "Zatrzymaj",
        "vae.live.plot": "−ELBO (naty na obrazek) w trakcie treningu",
        "vae.live.preview": "Odtworzone cyfry testowe (u góry) i próbki z rozkładu a priori (na dole)",
        "vae.live.axis.step": "krok treningu",
        "vae.live.axis.loss": "−ELBO (naty)",
        "vae.live.curve.train": "paczki treningowe",
        "vae.live.curve.test": "cyfry testowe",
        "vae.live.status": "Krok {step} · {elapsed} s z {seconds} s · −ELBO na teście {loss} natów",
        "vae.live.done": "**Gotowe:** {step} kroków w {elapsed} s; −ELBO na teście {loss} natów (dostarczony model: {shipped}).",
        "vae.live.preparing": "Wczytywanie cyfr treningowych MNIST…",
        "vae.latent": "punkt w przestrzeni ukrytej",
        "vae.latent_length": "Punkt w przestrzeni ukrytej ma 2 liczby (VAE mapy) albo 32 (większy VAE), a nie {n}.",
        "vae.latent_dims": "rozmiar przestrzeni ukrytej",
        "vae.bad_dims": "Przestrzeń ukryta ma 2 albo 32 liczby (podano {value}).",
        "vae.spread_name": "rozrzut",
        "vae.count_name": "liczba cyfr",
        "vae.steps_name": "liczba kroków",
    },
}
