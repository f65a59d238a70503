"""CNN classifier: draw a digit and watch every layer of a small MNIST network (lecture: CNN, one-hot, MNIST)."""

REQUIRES = ()

TEXTS = {
    "en": {
        "mnist_cnn.title": "CNN classifier",
        "mnist_cnn.intro": (
            "A small convolutional network reads handwritten digits. Draw one (or upload a photo): the picture is "
            "prepared the way the MNIST database was made, and below you can watch what each layer computes — the "
            "feature maps of both convolutions, the pooling that shrinks them, the dense layer and the softmax that "
            "turns ten numbers into probabilities. The answer is written as in the lecture: a one-hot vector with "
            "a 1 at the most probable digit."
        ),
        "mnist_cnn.tab.draw": "Draw",
        "mnist_cnn.tab.upload": "Upload or pick an example",
        "mnist_cnn.sketchpad": "Draw one digit (0–9) with the mouse or a finger",
        "mnist_cnn.upload": "Photo or scan of one digit",
        "mnist_cnn.examples": "Digits from the MNIST test set",
        "mnist_cnn.seen": "What the network sees (28×28)",
        "mnist_cnn.top3": "Top 3",
        "mnist_cnn.bars": "Probability of each digit (softmax)",
        "mnist_cnn.api.probabilities": "Probability of each digit 0–9",
        "mnist_cnn.axis.digit": "digit",
        "mnist_cnn.axis.probability": "probability",
        "mnist_cnn.answer": "**Network output (softmax):** `{softmax}`  \n**One-hot answer:** `{vector}` → **{digit}**",
        "mnist_cnn.hint.empty": (
            "**Nothing to recognise yet.** Draw a digit on the canvas, or upload a picture of one: the network "
            "answers only when there is some ink."
        ),
        "mnist_cnn.no_digit": (
            "No digit found: the picture is one colour everywhere. Send a picture of a handwritten digit "
            "(dark on light or light on dark)."
        ),
        "mnist_cnn.weights_missing": (
            "The trained weights of this tab are missing. Train them with `python spaces/mnist_cnn/train.py` "
            "(about 10 minutes on a laptop)."
        ),
        "mnist_cnn.preprocess.heading": "How the picture is prepared",
        "mnist_cnn.preprocess.explain": (
            "The MNIST digits were cut out to the ink, scaled to fit a 20×20 box without changing their "
            "proportions, and placed in a 28×28 field so that the centre of mass of the ink is in the middle — "
            "white ink on black. Your picture goes through the same steps, so a digit drawn small in a corner, "
            "or a dark digit on white paper, reaches the network the way its training digits did. The small "
            "image above is exactly what the network receives."
        ),
        "mnist_cnn.layers.heading": "Inside the network (as in Adam Harley's visualisation)",
        "mnist_cnn.layers.explain": (
            "- **Convolution 1**: each of the 32 filters (last picture) slides over the digit and lights up where "
            "its small pattern appears — an edge, a stroke end, a bend. One filter gives one *feature map*.\n"
            "- **Max pooling** keeps the strongest response in every 2×2 square: the maps shrink to half, and a "
            "stroke shifted by one pixel still gives the same result.\n"
            "- **Convolution 2** combines the 32 maps into 64 new ones that respond to larger parts of digits: "
            "loops, crossings, long lines. Pooling halves them again to 7×7.\n"
            "- The **dense layer** sees all 64×7×7 = 3136 numbers at once; each of its 128 neurons is a learned "
            "weighted sum of them.\n"
            "- The **output** has one neuron per digit; softmax turns them into probabilities that add up to 1. "
            "A 1 at the largest and 0 elsewhere gives the one-hot answer.\n\n"
            "Colours: black is 0, bright yellow the strongest values in that layer. The network has 455 018 weights, "
            "was trained in this project on the 60 000 MNIST training digits and recognises more than 99.5 % of "
            "the 10 000 test digits it never saw."
        ),
        "mnist_cnn.layer.input": "Input: 28×28 pixels",
        "mnist_cnn.layer.conv1": "Convolution 1: 32 feature maps, 28×28",
        "mnist_cnn.layer.pool1": "Max pooling 1: 32 maps, 14×14",
        "mnist_cnn.layer.conv2": "Convolution 2: 64 feature maps, 14×14",
        "mnist_cnn.layer.pool2": "Max pooling 2: 64 maps, 7×7",
        "mnist_cnn.layer.dense": "Dense layer: 128 neurons",
        "mnist_cnn.layer.softmax": "Output: softmax over the 10 digits",
        "mnist_cnn.layer.filters": "Filters of convolution 1: 32 × 5×5 weights (blue negative, red positive)",
    },
    "pl": {
        "mnist_cnn.title": "Klasyfikator CNN",
        "mnist_cnn.intro": (
            "Niewielka sieć splotowa rozpoznaje odręcznie pisane cyfry. Narysuj cyfrę (albo wyślij jej zdjęcie): "
            "obraz zostanie przygotowany tak, jak powstawała baza MNIST, a poniżej zobaczysz, co oblicza każda "
            "warstwa — mapy cech obu warstw splotowych, warstwy łączące (pooling), które je zmniejszają, warstwę "
            "gęstą i softmax, który zamienia dziesięć liczb w prawdopodobieństwa. Odpowiedź jest zapisana jak na "
            "wykładzie: jako wektor one-hot z jedynką przy najbardziej prawdopodobnej cyfrze."
        ),
        "mnist_cnn.tab.draw": "Rysuj",
        "mnist_cnn.tab.upload": "Wyślij zdjęcie lub wybierz przykład",
        "mnist_cnn.sketchpad": "Narysuj jedną cyfrę (0–9) myszą lub palcem",
        "mnist_cnn.upload": "Zdjęcie lub skan jednej cyfry",
        "mnist_cnn.examples": "Cyfry ze zbioru testowego MNIST",
        "mnist_cnn.seen": "Co widzi sieć (28×28)",
        "mnist_cnn.top3": "Top 3",
        "mnist_cnn.bars": "Prawdopodobieństwo każdej cyfry (softmax)",
        "mnist_cnn.api.probabilities": "Prawdopodobieństwo każdej cyfry 0–9",
        "mnist_cnn.axis.digit": "cyfra",
        "mnist_cnn.axis.probability": "prawdopodobieństwo",
        "mnist_cnn.answer": "**Wyjście sieci (softmax):** `{softmax}`  \n**Odpowiedź w formacie one-hot:** `{vector}` → **{digit}**",
        "mnist_cnn.hint.empty": (
            "**Na razie nie ma czego rozpoznawać.** Narysuj cyfrę na płótnie albo wyślij jej zdjęcie: sieć "
            "odpowiada dopiero wtedy, gdy na obrazku jest jakiś ślad."
        ),
        "mnist_cnn.no_digit": (
            "Nie znaleziono cyfry: obraz ma wszędzie ten sam kolor. Wyślij zdjęcie odręcznie napisanej cyfry "
            "(ciemnej na jasnym tle albo jasnej na ciemnym)."
        ),
        "mnist_cnn.weights_missing": (
            "Brakuje wytrenowanych wag tej zakładki. Wytrenuj je poleceniem `python spaces/mnist_cnn/train.py` "
            "(około 10 minut na laptopie)."
        ),
        "mnist_cnn.preprocess.heading": "Jak przygotowywany jest obraz",
        "mnist_cnn.preprocess.explain": (
            "Cyfry w bazie MNIST zostały przycięte do obszaru z tuszem, przeskalowane tak, by zmieściły się w "
            "kwadracie 20×20 bez zmiany proporcji, i umieszczone w polu 28×28 tak, aby środek masy tuszu wypadł "
            "pośrodku — biała cyfra na czarnym tle. Twój obraz przechodzi te same kroki, więc cyfra narysowana "
            "mała w rogu albo ciemna cyfra na białej kartce trafia do sieci tak samo jak cyfry, na których się "
            "uczyła. Mały obrazek powyżej to dokładnie to, co dostaje sieć."
        ),
        "mnist_cnn.layers.heading": "Wnętrze sieci (jak w wizualizacji Adama Harleya)",
        "mnist_cnn.layers.explain": (
            "- **Splot 1**: każdy z 32 filtrów (ostatni obrazek) przesuwa się po cyfrze i rozjaśnia się tam, gdzie "
            "występuje jego mały wzorzec — krawędź, koniec kreski, zagięcie. Jeden filtr daje jedną *mapę cech*.\n"
            "- **Max pooling** (warstwa łącząca) zostawia najsilniejszą odpowiedź z każdego kwadratu 2×2: mapy "
            "zmniejszają się o połowę, a kreska przesunięta o piksel daje ten sam wynik.\n"
            "- **Splot 2** łączy 32 mapy w 64 nowe, reagujące na większe fragmenty cyfr: pętle, skrzyżowania, "
            "długie linie. Pooling ponownie zmniejsza je o połowę, do 7×7.\n"
            "- **Warstwa gęsta** widzi naraz wszystkie 64×7×7 = 3136 liczb; każdy z jej 128 neuronów to wyuczona "
            "suma ważona tych liczb.\n"
            "- **Wyjście** ma po jednym neuronie na cyfrę; softmax zamienia je w prawdopodobieństwa, które "
            "sumują się do 1. Jedynka przy największym i zera przy pozostałych dają odpowiedź w formacie one-hot.\n\n"
            "Kolory: czarny to 0, jasnożółty to najsilniejsze wartości w danej warstwie. Sieć ma 455 018 wag, "
            "została wytrenowana w tym projekcie na 60 000 cyfr treningowych MNIST i rozpoznaje ponad 99,5 % "
            "spośród 10 000 cyfr testowych, których nigdy wcześniej nie widziała."
        ),
        "mnist_cnn.layer.input": "Wejście: 28×28 pikseli",
        "mnist_cnn.layer.conv1": "Splot 1: 32 mapy cech, 28×28",
        "mnist_cnn.layer.pool1": "Max pooling 1: 32 mapy, 14×14",
        "mnist_cnn.layer.conv2": "Splot 2: 64 mapy cech, 14×14",
        "mnist_cnn.layer.pool2": "Max pooling 2: 64 mapy, 7×7",
        "mnist_cnn.layer.dense": "Warstwa gęsta: 128 neuronów",
        "mnist_cnn.layer.softmax": "Wyjście: softmax dla 10 cyfr",
        "mnist_cnn.layer.filters": "Filtry splotu 1: 32 × 5×5 wag (niebieski ujemne, czerwony dodatnie)",
    },
}
