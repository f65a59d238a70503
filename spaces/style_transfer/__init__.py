"""Style transfer: Gatys et al. (2016) with VGG-19 features (lecture: creative processing of content)."""

REQUIRES = ("torchvision",)

TEXTS = {
    "en": {
        "style_transfer.title": "Style transfer",
        "style_transfer.intro": (
            "A network trained to recognise objects can also repaint a photo in the style of a painting. "
            "Nothing is trained here: the pixels of a picture are changed until, inside the network, it resembles "
            "the photo in what it shows and the painting in how it is painted. The painting's style is summed up "
            "by Gram matrices, which record which features appear together regardless of where."
        ),
        "style_transfer.explain": (
            "Pick a content photo and a style painting (or upload your own). The picture starts as the photo; "
            "each pass runs it through VGG-19 and measures two things: how far its deep features (layer conv4_2) "
            "are from the photo's — the **content loss** — and how far its Gram matrices in five layers are from "
            "the painting's — the **style loss**. The optimiser (L-BFGS, as in the paper) then changes the pixels "
            "to lower their weighted sum. Watch both curves fall and the filmstrip change."
        ),
        "style_transfer.content": "Content photo",
        "style_transfer.style": "Style painting",
        "style_transfer.content_examples": "Example photos (public domain / CC0, from scikit-image)",
        "style_transfer.style_examples": "Example paintings (public domain)",
        "style_transfer.settings": "Settings",
        "style_transfer.side": "Output size (longer side, pixels)",
        "style_transfer.side.name": "output size",
        "style_transfer.side.info": "Larger takes longer; without a GPU the size is limited.",
        "style_transfer.side.capped": (
            "Without a GPU the output size is limited to {limit} pixels (asked for {side}); using {limit}."
        ),
        "style_transfer.passes": "Passes (iterations)",
        "style_transfer.passes.name": "passes",
        "style_transfer.passes.info": "Each pass runs the picture forward and backward through VGG-19 once.",
        "style_transfer.content_weight": "Content weight",
        "style_transfer.content_weight.name": "content weight",
        "style_transfer.style_weight": "Style weight",
        "style_transfer.style_weight.name": "style weight",
        "style_transfer.style_weight.info": "Larger: more painting, less photo. Try 1e4 … 1e8.",
        "style_transfer.layer_weights": "Style weight of each layer",
        "style_transfer.layer_weights.explain": (
            "Early layers (conv1_1, conv2_1) carry colours and fine brush strokes; deeper ones (conv4_1, "
            "conv5_1) larger motifs such as swirls. Set a layer to 0 to leave it out of the style loss."
        ),
        "style_transfer.run": "Transfer the style",
        "style_transfer.stop": "Stop",
        "style_transfer.result": "Result",
        "style_transfer.filmstrip": "Filmstrip: content, style, and the picture after each group of passes",
        "style_transfer.content_curve": "Content loss (weighted)",
        "style_transfer.style_curve": "Style loss (weighted)",
        "style_transfer.axis.pass": "pass",
        "style_transfer.axis.content": "content loss",
        "style_transfer.axis.style": "style loss",
        "style_transfer.gram.heading": "Gram matrices: the style, in numbers",
        "style_transfer.gram.explain": (
            "Row i, column j: how strongly channels i and j of the chosen layer fire together, averaged over the "
            "whole picture (only the first 64 channels are drawn; bright is large, one colour scale for all three). "
            "The position of things is gone, only their co-occurrence remains — that is why it captures style. "
            "After the transfer the result's matrix should look like the painting's, not the photo's."
        ),
        "style_transfer.gram.layer": "Layer",
        "style_transfer.gram.content": "Content photo",
        "style_transfer.gram.style": "Style painting",
        "style_transfer.gram.result": "Result",
        "style_transfer.frame.content": "content",
        "style_transfer.frame.style": "style",
        "style_transfer.frame.pass": "after {passes} passes",
        "style_transfer.progress": "passes through VGG-19",
        "style_transfer.running": "Optimising… {done} of {total} passes.",
        "style_transfer.done": (
            "Done: {width}×{height} pixels, {passes} passes in {seconds} s on {device}. "
            "Content loss {content} → {content_end}, style loss {style} → {style_end}."
        ),
        "style_transfer.diverged": (
            "The optimisation became unstable (the loss stopped being a number); the last good picture is shown. "
            "Try a smaller style weight."
        ),
        "style_transfer.content_missing": "Please choose a content photo first.",
        "style_transfer.style_missing": "Please choose a style painting first.",
        "style_transfer.nothing_to_do": "Both weights are zero: set a content weight or a style weight above zero.",
        "style_transfer.bad_layer": "The layer must be one of: {choices}.",
    },
    "pl": {
        "style_transfer.title": "Transfer stylu",
        "style_transfer.intro": (
            "Sieć wytrenowana do rozpoznawania obiektów potrafi też przemalować zdjęcie w stylu obrazu. "
            "Niczego tu nie trenujemy: piksele obrazka zmieniają się tak długo, aż wewnątrz sieci przypomina on "
            "zdjęcie tym, co przedstawia, a obraz tym, jak jest namalowany. Styl obrazu streszczają macierze "
            "Grama, które zapisują, jakie cechy występują razem, niezależnie od miejsca."
        ),
        "style_transfer.explain": (
            "Wybierz zdjęcie z treścią i obraz ze stylem (albo wyślij własne). Obrazek zaczyna jako zdjęcie; "
            "każde przejście przepuszcza go przez VGG-19 i mierzy dwie rzeczy: jak daleko jego głębokie cechy "
            "(warstwa conv4_2) są od cech zdjęcia — to **strata treści** — i jak daleko jego macierze Grama w "
            "pięciu warstwach są od macierzy obrazu — to **strata stylu**. Optymalizator (L-BFGS, jak w "
            "artykule) zmienia piksele tak, by zmniejszyć ich ważoną sumę. Zobacz, jak obie krzywe spadają, "
            "a kolejne klatki taśmy się zmieniają."
        ),
        "style_transfer.content": "Zdjęcie (treść)",
        "style_transfer.style": "Obraz (styl)",
        "style_transfer.content_examples": "Przykładowe zdjęcia (domena publiczna / CC0, ze scikit-image)",
        "style_transfer.style_examples": "Przykładowe obrazy (domena publiczna)",
        "style_transfer.settings": "Ustawienia",
        "style_transfer.side": "Rozmiar wyniku (dłuższy bok, piksele)",
        "style_transfer.side.name": "rozmiar wyniku",
        "style_transfer.side.info": "Większy liczy się dłużej; bez GPU rozmiar jest ograniczony.",
        "style_transfer.side.capped": (
            "Bez GPU rozmiar wyniku jest ograniczony do {limit} pikseli (podano {side}); użyto {limit}."
        ),
        "style_transfer.passes": "Przejścia (iteracje)",
        "style_transfer.passes.name": "przejścia",
        "style_transfer.passes.info": "Każde przejście to jeden przebieg obrazka przez VGG-19 w przód i wstecz.",
        "style_transfer.content_weight": "Waga treści",
        "style_transfer.content_weight.name": "waga treści",
        "style_transfer.style_weight": "Waga stylu",
        "style_transfer.style_weight.name": "waga stylu",
        "style_transfer.style_weight.info": "Większa: więcej obrazu, mniej zdjęcia. Spróbuj 1e4 … 1e8.",
        "style_transfer.layer_weights": "Waga stylu każdej warstwy",
        "style_transfer.layer_weights.explain": (
            "Wczesne warstwy (conv1_1, conv2_1) niosą kolory i drobne pociągnięcia pędzla; głębsze (conv4_1, "
            "conv5_1) większe motywy, np. zawijasy. Ustaw warstwę na 0, by pominąć ją w stracie stylu."
        ),
        "style_transfer.run": "Przenieś styl",
        "style_transfer.stop": "Zatrzymaj",
        "style_transfer.result": "Wynik",
        "style_transfer.filmstrip": "Taśma filmowa: treść, styl i obrazek po kolejnych grupach przejść",
        "style_transfer.content_curve": "Strata treści (ważona)",
        "style_transfer.style_curve": "Strata stylu (ważona)",
        "style_transfer.axis.pass": "przejście",
        "style_transfer.axis.content": "strata treści",
        "style_transfer.axis.style": "strata stylu",
        "style_transfer.gram.heading": "Macierze Grama: styl zapisany liczbami",
        "style_transfer.gram.explain": (
            "Wiersz i, kolumna j: jak silnie kanały i oraz j wybranej warstwy pobudzają się razem, uśrednione po "
            "całym obrazku (rysujemy tylko pierwsze 64 kanały; jasny to dużo, jedna skala kolorów dla wszystkich "
            "trzech). Położenie rzeczy znika, zostaje tylko to, co występuje razem — dlatego macierz oddaje styl. "
            "Po transferze macierz wyniku powinna przypominać macierz obrazu, a nie zdjęcia."
        ),
        "style_transfer.gram.layer": "Warstwa",
        "style_transfer.gram.content": "Zdjęcie (treść)",
        "style_transfer.gram.style": "Obraz (styl)",
        "style_transfer.gram.result": "Wynik",
        "style_transfer.frame.content": "treść",
        "style_transfer.frame.style": "styl",
        "style_transfer.frame.pass": "po {passes} przejściach",
        "style_transfer.progress": "przejścia przez VGG-19",
        "style_transfer.running": "Optymalizacja… {done} z {total} przejść.",
        "style_transfer.done": (
            "Gotowe: {width}×{height} pikseli, {passes} przejść w {seconds} s na {device}. "
            "Strata treści {content} → {content_end}, strata stylu {style} → {style_end}."
        ),
        "style_transfer.diverged": (
            "Optymalizacja straciła stabilność (strata przestała być liczbą); pokazano ostatni dobry obrazek. "
            "Spróbuj mniejszej wagi stylu."
        ),
        "style_transfer.content_missing": "Najpierw wybierz zdjęcie z treścią.",
        "style_transfer.style_missing": "Najpierw wybierz obraz ze stylem.",
        "style_transfer.nothing_to_do": "Obie wagi są zerowe: ustaw wagę treści albo stylu większą od zera.",
        "style_transfer.bad_layer": "Warstwa musi być jedną z: {choices}.",
    },
}
