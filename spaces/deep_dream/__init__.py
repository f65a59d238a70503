"""Deep Dream & class visualisation: gradient ascent on pixels (lecture: generation by reversing training)."""

REQUIRES = ("torchvision",)

_LAYERS_EN = {
    "inception3a": "inception3a — strokes, edges, fine texture",
    "inception3b": "inception3b — swirls and repeated texture",
    "inception4a": "inception4a — simple shapes, eyes begin",
    "inception4b": "inception4b — eyes, fur, scales",
    "inception4c": "inception4c — eyes, arches, animal parts (classic)",
    "inception4d": "inception4d — animal faces",
    "inception4e": "inception4e — larger objects",
    "inception5a": "inception5a — whole objects, scenes",
    "inception5b": "inception5b — the last layer before the classifier",
}
_LAYERS_PL = {
    "inception3a": "inception3a — kreski, krawędzie, drobna faktura",
    "inception3b": "inception3b — zawijasy i powtarzalna faktura",
    "inception4a": "inception4a — proste kształty, pierwsze oczy",
    "inception4b": "inception4b — oczy, sierść, łuski",
    "inception4c": "inception4c — oczy, łuki, części zwierząt (klasyka)",
    "inception4d": "inception4d — pyski zwierząt",
    "inception4e": "inception4e — większe obiekty",
    "inception5a": "inception5a — całe obiekty, sceny",
    "inception5b": "inception5b — ostatnia warstwa przed klasyfikatorem",
}

TEXTS = {
    "en": {
        "deep_dream.title": "Deep Dream & class visualisation",
        "deep_dream.intro": (
            "Training changes a network's weights so that the right output grows; here the trained network is "
            "frozen and the pixels of the picture change instead, by the same gradient. On our MNIST network a "
            "picture turns, step by step, into whatever the network considers the most typical digit, and a drawn "
            "digit can be nudged just enough to be read as another one. On a photo and a large ImageNet network "
            "the same trick amplifies whatever a chosen layer already sees: that is Deep Dream."
        ),
        "deep_dream.tab.digits": "Digits: visualise a class, fool the network",
        "deep_dream.tab.photo": "Photos: Deep Dream",
        "deep_dream.digits.explain": (
            "Pick a digit and a starting picture. Every step computes how each pixel should change to make the "
            "network more sure of that digit (the gradient of log-probability with respect to the pixels) and "
            "moves the pixels a little that way. The network itself never changes. Below: the picture and the "
            "ten probabilities at every step, as on the slides, and the target's probability over the steps. "
            "Without regularisation the picture often becomes noise that the network scores highly but no person "
            "would call a digit; jitter, blur and L2 decay push it towards something readable."
        ),
        "deep_dream.target": "Target digit",
        "deep_dream.target.name": "target digit",
        "deep_dream.start": "Start from",
        "deep_dream.start.name": "start",
        "deep_dream.start.info": "For “fool it”, choose an MNIST example or your drawing.",
        "deep_dream.start.noise": "noise",
        "deep_dream.start.blank": "blank (black)",
        "deep_dream.start.mnist": "an MNIST test digit",
        "deep_dream.start.drawing": "my drawing",
        "deep_dream.mnist_index": "MNIST test digit number (0–9999)",
        "deep_dream.mnist_index.name": "MNIST test digit number",
        "deep_dream.tab.draw": "Draw",
        "deep_dream.tab.upload": "Upload",
        "deep_dream.sketchpad": "Draw one digit (used with “my drawing”)",
        "deep_dream.upload": "Photo or scan of one digit (used with “my drawing”)",
        "deep_dream.settings": "Settings",
        "deep_dream.steps": "Steps",
        "deep_dream.steps.name": "steps",
        "deep_dream.step_size": "Step size",
        "deep_dream.step_size.name": "step size",
        "deep_dream.step_size.info": "How far the most-changed pixel moves in one step (0–1 is black to white).",
        "deep_dream.jitter": "Jitter (pixels)",
        "deep_dream.jitter.name": "jitter",
        "deep_dream.jitter.info": "Random shift before each step: only patterns that work wherever they sit survive.",
        "deep_dream.blur": "Blur (σ in pixels)",
        "deep_dream.blur.name": "blur",
        "deep_dream.blur.info": "A light blur after each step removes single-pixel speckle.",
        "deep_dream.l2": "L2 decay",
        "deep_dream.l2.name": "L2 decay",
        "deep_dream.l2.info": "Each step every pixel fades by this fraction, so only ink that helps stays.",
        "deep_dream.seed": "Seed (noise and jitter)",
        "deep_dream.visualize": "Visualise the digit",
        "deep_dream.filmstrip": "Filmstrip: the picture over the steps",
        "deep_dream.frame": "step {step}: p = {p}",
        "deep_dream.step": "Show step",
        "deep_dream.step.name": "step",
        "deep_dream.step_image": "The picture at this step",
        "deep_dream.bars": "The ten probabilities at this step",
        "deep_dream.step_text": "**Step {step}:** `{vector}` — p({digit}) = **{p}**",
        "deep_dream.curve": "Probability of the target digit over the steps",
        "deep_dream.axis.step": "step",
        "deep_dream.axis.target": "probability of {digit}",
        "deep_dream.axis.digit": "digit",
        "deep_dream.axis.probability": "probability",
        "deep_dream.numbers": "All probabilities, step by step (JSON)",
        "deep_dream.fool.explain": (
            "### Fool it\n"
            "The same gradient, used from a real digit: it is changed in small steps until the network reads the "
            "target digit, and then moved back towards the original as far as the network keeps being fooled. "
            "The difference image shows what changed: red where ink was added, blue where it was removed. Often a "
            "few faint strokes are enough — a person still sees the old digit."
        ),
        "deep_dream.confidence": "Required probability of the target",
        "deep_dream.confidence.name": "required probability",
        "deep_dream.confidence.info": "0.5: the target must be more likely than all other digits together.",
        "deep_dream.fool": "Fool it: change the digit into the target",
        "deep_dream.original": "Original",
        "deep_dream.changed": "Changed",
        "deep_dream.difference": "Difference (red added, blue removed)",
        "deep_dream.before": "The network before",
        "deep_dream.after": "The network after",
        "deep_dream.fool.needs_digit": "To fool the network, start from an MNIST test digit or from your drawing.",
        "deep_dream.fool.already": "The network already reads this picture as {digit}: nothing to change.",
        "deep_dream.fool.done": (
            "The network read **{before}**; after the change it reads **{digit}** with p = {p}. "
            "Size of the change: L2 norm {l2} (a whole digit has about 9), largest pixel change {largest}, "
            "{pixels} pixels changed by more than 0.1."
        ),
        "deep_dream.fool.failed": (
            "Within the step limit p({digit}) only reached {p}. Try a lower required probability or another target."
        ),
        "deep_dream.weights_missing": (
            "The trained weights of the CNN tab are missing. Train them with `python spaces/mnist_cnn/train.py`."
        ),
        "deep_dream.mnist_missing": "The MNIST test set could not be loaded here; start from noise, blank or a drawing.",
        "deep_dream.draw_first": "Draw a digit (or upload a picture of one) first.",
        "deep_dream.bad_choice": "“{name}” must be one of: {choices}.",
        "deep_dream.photo.explain": (
            "GoogLeNet, trained on the million ImageNet photos, looks at your photo. Choose one of its layers: "
            "every step changes the pixels so that this layer's activations grow, i.e. so that whatever it "
            "faintly recognises becomes stronger. Octaves repeat this on a small copy first and then on larger "
            "ones, so the patterns appear at several sizes. Early layers paint textures, later ones eyes and "
            "animal faces."
        ),
        "deep_dream.photo": "Photo",
        "deep_dream.examples": "Example photos (public domain / CC0, from scikit-image)",
        "deep_dream.layer": "Layer to amplify",
        "deep_dream.layer.name": "layer",
        "deep_dream.layer.info": "Deeper layers recognise larger, more meaningful things.",
        "deep_dream.side": "Size (longer side, pixels)",
        "deep_dream.side.name": "size",
        "deep_dream.side.info": "Larger pictures take longer; without a GPU the size is limited.",
        "deep_dream.side.capped": "Without a GPU the size is limited to {limit} pixels (asked for {side}); using {limit}.",
        "deep_dream.octaves": "Octaves",
        "deep_dream.octaves.name": "octaves",
        "deep_dream.octaves.info": "How many sizes, each the previous one times the octave scale.",
        "deep_dream.octave_scale": "Octave scale",
        "deep_dream.octave_scale.name": "octave scale",
        "deep_dream.iterations": "Steps per octave",
        "deep_dream.iterations.name": "steps per octave",
        "deep_dream.dream_step": "Step size",
        "deep_dream.dream_step.name": "step size",
        "deep_dream.dream_step.info": "Average change of a pixel per step (0–1 is black to white).",
        "deep_dream.dream_jitter": "Jitter (pixels)",
        "deep_dream.dream_jitter.name": "jitter",
        "deep_dream.dream": "Dream",
        "deep_dream.stop": "Stop",
        "deep_dream.result": "Result",
        "deep_dream.dream_filmstrip": "The photo and the end of each octave",
        "deep_dream.original_photo": "original",
        "deep_dream.octave_frame": "octave {octave} ({width}×{height})",
        "deep_dream.progress": "octave {octave} of {octaves}",
        "deep_dream.dream_running": "Dreaming… step {done} of {total}.",
        "deep_dream.dream_done": "Done: {width}×{height} pixels, {octaves} octaves, {steps} steps in {seconds} s on {device}.",
        **{f"deep_dream.layer.{name}": text for name, text in _LAYERS_EN.items()},
    },
    "pl": {
        "deep_dream.title": "Deep Dream i wizualizacja klas",
        "deep_dream.intro": (
            "Trening zmienia wagi sieci tak, by rosło właściwe wyjście; tutaj wytrenowana sieć jest zamrożona, a "
            "zmieniają się piksele obrazka, według tego samego gradientu. W naszej sieci MNIST obrazek krok po "
            "kroku zamienia się w to, co sieć uważa za najbardziej typową cyfrę, a narysowaną cyfrę można zmienić "
            "tylko o tyle, by sieć odczytała ją jako inną. Na zdjęciu i w dużej sieci ImageNet ta sama sztuczka "
            "wzmacnia to, co wybrana warstwa już widzi: to właśnie Deep Dream."
        ),
        "deep_dream.tab.digits": "Cyfry: wizualizacja klasy, oszukiwanie sieci",
        "deep_dream.tab.photo": "Zdjęcia: Deep Dream",
        "deep_dream.digits.explain": (
            "Wybierz cyfrę i obrazek początkowy. Każdy krok oblicza, jak powinien zmienić się każdy piksel, aby "
            "sieć była bardziej pewna tej cyfry (gradient logarytmu prawdopodobieństwa względem pikseli), i "
            "przesuwa piksele trochę w tę stronę. Sama sieć się nie zmienia. Poniżej: obrazek i dziesięć "
            "prawdopodobieństw w każdym kroku, jak na slajdach, oraz prawdopodobieństwo wybranej cyfry w kolejnych "
            "krokach. Bez regularyzacji obrazek często staje się szumem, który sieć ocenia wysoko, choć żaden "
            "człowiek nie nazwałby go cyfrą; drganie, rozmycie i zanik L2 popychają go ku czemuś czytelnemu."
        ),
        "deep_dream.target": "Cyfra docelowa",
        "deep_dream.target.name": "cyfra docelowa",
        "deep_dream.start": "Zacznij od",
        "deep_dream.start.name": "start",
        "deep_dream.start.info": "Do oszukiwania sieci wybierz przykład z MNIST albo swój rysunek.",
        "deep_dream.start.noise": "szumu",
        "deep_dream.start.blank": "pustego (czarnego) pola",
        "deep_dream.start.mnist": "cyfry ze zbioru testowego MNIST",
        "deep_dream.start.drawing": "mojego rysunku",
        "deep_dream.mnist_index": "Numer cyfry testowej MNIST (0–9999)",
        "deep_dream.mnist_index.name": "numer cyfry testowej MNIST",
        "deep_dream.tab.draw": "Rysuj",
        "deep_dream.tab.upload": "Wyślij",
        "deep_dream.sketchpad": "Narysuj jedną cyfrę (używaną z opcją „mojego rysunku”)",
        "deep_dream.upload": "Zdjęcie lub skan jednej cyfry (używane z opcją „mojego rysunku”)",
        "deep_dream.settings": "Ustawienia",
        "deep_dream.steps": "Liczba kroków",
        "deep_dream.steps.name": "liczba kroków",
        "deep_dream.step_size": "Wielkość kroku",
        "deep_dream.step_size.name": "wielkość kroku",
        "deep_dream.step_size.info": "O ile w jednym kroku zmienia się najbardziej zmieniany piksel (0–1 to od czerni do bieli).",
        "deep_dream.jitter": "Drganie (piksele)",
        "deep_dream.jitter.name": "drganie",
        "deep_dream.jitter.info": "Losowe przesunięcie przed każdym krokiem: przetrwają tylko wzorce, które działają w każdym miejscu.",
        "deep_dream.blur": "Rozmycie (σ w pikselach)",
        "deep_dream.blur.name": "rozmycie",
        "deep_dream.blur.info": "Lekkie rozmycie po każdym kroku usuwa pojedyncze jasne piksele.",
        "deep_dream.l2": "Zanik L2",
        "deep_dream.l2.name": "zanik L2",
        "deep_dream.l2.info": "W każdym kroku każdy piksel blednie o tę część, więc zostaje tylko pomocny tusz.",
        "deep_dream.seed": "Ziarno losowania (szum i drganie)",
        "deep_dream.visualize": "Wizualizuj cyfrę",
        "deep_dream.filmstrip": "Taśma filmowa: obrazek w kolejnych krokach",
        "deep_dream.frame": "krok {step}: p = {p}",
        "deep_dream.step": "Pokaż krok",
        "deep_dream.step.name": "krok",
        "deep_dream.step_image": "Obrazek w tym kroku",
        "deep_dream.bars": "Dziesięć prawdopodobieństw w tym kroku",
        "deep_dream.step_text": "**Krok {step}:** `{vector}` — p({digit}) = **{p}**",
        "deep_dream.curve": "Prawdopodobieństwo cyfry docelowej w kolejnych krokach",
        "deep_dream.axis.step": "krok",
        "deep_dream.axis.target": "prawdopodobieństwo cyfry {digit}",
        "deep_dream.axis.digit": "cyfra",
        "deep_dream.axis.probability": "prawdopodobieństwo",
        "deep_dream.numbers": "Wszystkie prawdopodobieństwa krok po kroku (JSON)",
        "deep_dream.fool.explain": (
            "### Oszukaj sieć\n"
            "Ten sam gradient, tym razem od prawdziwej cyfry: zmienia się ją małymi krokami, aż sieć odczyta "
            "cyfrę docelową, a potem cofa w stronę oryginału tak daleko, jak się da, by sieć nadal była oszukana. "
            "Obraz różnicy pokazuje, co się zmieniło: czerwony tam, gdzie dodano tusz, niebieski tam, gdzie go "
            "usunięto. Często wystarczy kilka bladych kresek — człowiek nadal widzi dawną cyfrę."
        ),
        "deep_dream.confidence": "Wymagane prawdopodobieństwo cyfry docelowej",
        "deep_dream.confidence.name": "wymagane prawdopodobieństwo",
        "deep_dream.confidence.info": "0,5: cyfra docelowa musi być bardziej prawdopodobna niż wszystkie pozostałe razem.",
        "deep_dream.fool": "Oszukaj sieć: zamień cyfrę w docelową",
        "deep_dream.original": "Oryginał",
        "deep_dream.changed": "Po zmianie",
        "deep_dream.difference": "Różnica (czerwony dodany, niebieski usunięty)",
        "deep_dream.before": "Sieć przed zmianą",
        "deep_dream.after": "Sieć po zmianie",
        "deep_dream.fool.needs_digit": "Aby oszukać sieć, zacznij od cyfry testowej MNIST albo od swojego rysunku.",
        "deep_dream.fool.already": "Sieć już odczytuje ten obrazek jako {digit}: nie ma czego zmieniać.",
        "deep_dream.fool.done": (
            "Sieć odczytywała **{before}**; po zmianie odczytuje **{digit}** z p = {p}. "
            "Wielkość zmiany: norma L2 {l2} (cała cyfra ma około 9), największa zmiana piksela {largest}, "
            "{pixels} pikseli zmienionych o więcej niż 0,1."
        ),
        "deep_dream.fool.failed": (
            "W limicie kroków p({digit}) doszło tylko do {p}. Spróbuj niższego wymaganego prawdopodobieństwa "
            "albo innej cyfry docelowej."
        ),
        "deep_dream.weights_missing": (
            "Brakuje wytrenowanych wag zakładki CNN. Wytrenuj je poleceniem `python spaces/mnist_cnn/train.py`."
        ),
        "deep_dream.mnist_missing": "Nie udało się tu wczytać zbioru testowego MNIST; zacznij od szumu, pustego pola lub rysunku.",
        "deep_dream.draw_first": "Najpierw narysuj cyfrę (albo wyślij jej zdjęcie).",
        "deep_dream.bad_choice": "„{name}” musi być jednym z: {choices}.",
        "deep_dream.photo.explain": (
            "GoogLeNet, wytrenowana na milionie zdjęć ImageNet, ogląda Twoje zdjęcie. Wybierz jedną z jej warstw: "
            "każdy krok zmienia piksele tak, by aktywacje tej warstwy rosły, czyli by to, co warstwa słabo "
            "rozpoznaje, stawało się coraz wyraźniejsze. Oktawy powtarzają to najpierw na małej kopii, potem na "
            "coraz większych, więc wzory pojawiają się w kilku rozmiarach. Wczesne warstwy malują faktury, "
            "późniejsze oczy i pyski zwierząt."
        ),
        "deep_dream.photo": "Zdjęcie",
        "deep_dream.examples": "Przykładowe zdjęcia (domena publiczna / CC0, ze scikit-image)",
        "deep_dream.layer": "Wzmacniana warstwa",
        "deep_dream.layer.name": "warstwa",
        "deep_dream.layer.info": "Głębsze warstwy rozpoznają większe, bardziej znaczące rzeczy.",
        "deep_dream.side": "Rozmiar (dłuższy bok, piksele)",
        "deep_dream.side.name": "rozmiar",
        "deep_dream.side.info": "Większe obrazy liczą się dłużej; bez GPU rozmiar jest ograniczony.",
        "deep_dream.side.capped": "Bez GPU rozmiar jest ograniczony do {limit} pikseli (podano {side}); użyto {limit}.",
        "deep_dream.octaves": "Oktawy",
        "deep_dream.octaves.name": "oktawy",
        "deep_dream.octaves.info": "Ile rozmiarów; każdy to poprzedni pomnożony przez skalę oktawy.",
        "deep_dream.octave_scale": "Skala oktawy",
        "deep_dream.octave_scale.name": "skala oktawy",
        "deep_dream.iterations": "Kroki na oktawę",
        "deep_dream.iterations.name": "kroki na oktawę",
        "deep_dream.dream_step": "Wielkość kroku",
        "deep_dream.dream_step.name": "wielkość kroku",
        "deep_dream.dream_step.info": "Średnia zmiana piksela w jednym kroku (0–1 to od czerni do bieli).",
        "deep_dream.dream_jitter": "Drganie (piksele)",
        "deep_dream.dream_jitter.name": "drganie",
        "deep_dream.dream": "Śnij",
        "deep_dream.stop": "Zatrzymaj",
        "deep_dream.result": "Wynik",
        "deep_dream.dream_filmstrip": "Zdjęcie i koniec każdej oktawy",
        "deep_dream.original_photo": "oryginał",
        "deep_dream.octave_frame": "oktawa {octave} ({width}×{height})",
        "deep_dream.progress": "oktawa {octave} z {octaves}",
        "deep_dream.dream_running": "Śni… krok {done} z {total}.",
        "deep_dream.dream_done": "Gotowe: {width}×{height} pikseli, {octaves} oktawy, {steps} kroków w {seconds} s na {device}.",
        **{f"deep_dream.layer.{name}": text for name, text in _LAYERS_PL.items()},
    },
}
