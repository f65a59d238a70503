"""Sentiment: positive / neutral / negative with confidences, for Polish and English, explained word by word."""

REQUIRES = ("transformers",)

TEXTS = {
    "en": {
        "sentiment.title": "Sentiment",
        "sentiment.intro": (
            "Sentiment analysis sorts texts — reviews, comments, posts — into positive, neutral and negative, with a "
            "confidence for each class, like the two examples from the lecture. A transformer fine-tuned on "
            "labelled tweets reads the text; Polish and English each have their own model. The highlighted words "
            "show what the answer rests on: each word is left out in turn, and the class that loses the most "
            "probability without it is the one the word pushes toward."
        ),
        "sentiment.text": "Text (one text, or many — one per line)",
        "sentiment.placeholder": "e.g. I really love this hardware, I can always trust your solutions!!!",
        "sentiment.file": "…or a CSV/TXT file (a “text” column, or one text per line)",
        "sentiment.language": "Language",
        "sentiment.language.auto": "detect",
        "sentiment.language.pl": "Polish",
        "sentiment.language.en": "English",
        "sentiment.analyse": "Analyse",
        "sentiment.examples": "Examples (from the lecture, and in Polish)",
        "sentiment.label": "Sentiment of the first text",
        "sentiment.words": "Which words pushed the answer (leave-one-word-out)",
        "sentiment.table": "All texts",
        "sentiment.chart": "Summary",
        "sentiment.class.negative": "negative",
        "sentiment.class.neutral": "neutral",
        "sentiment.class.positive": "positive",
        "sentiment.col.text": "text",
        "sentiment.col.language": "language",
        "sentiment.col.label": "sentiment",
        "sentiment.col.count": "texts",
        "sentiment.answer": "**{label}** ({confidence}) — language: {lang}; model: {model}",
        "sentiment.summary": "**{n} texts**: {counts}.",
        "sentiment.empty": "Type a text (or a few, one per line), or upload a CSV file.",
        "sentiment.too_many": "{n} texts were given; the first {limit} are analysed.",
        "sentiment.truncated": "A text is longer than {limit} tokens; the model reads only its beginning.",
        "sentiment.partial_explanation": "The text has {n} words; the word-level explanation covers the first {limit}.",
        "sentiment.bad_file": "This file cannot be read as text (CSV or TXT in UTF-8 is expected).",
        "sentiment.file_too_large": "The file is too large ({size} bytes); the limit is {limit} bytes.",
        "sentiment.unknown_language": "Unknown language “{name}”; choose detect, Polish or English.",
        "sentiment.explain.heading": "How to read the result",
        "sentiment.explain": (
            "- The three confidences come from a softmax and add up to 100 %. A high value means the model is sure, "
            "not that it is right: these models were trained on tweets and make mistakes on irony, negation "
            "(\"nie jest zły\") and domain words.\n"
            "- **Green** words push toward positive, **red** toward negative, **grey** toward neutral; unmarked "
            "words hardly change anything. Try removing or changing a marked word and analyse again.\n"
            "- Many lines give a table and a chart of how many texts fell into each class."
        ),
    },
    "pl": {
        "sentiment.title": "Analiza sentymentu",
        "sentiment.intro": (
            "Analiza sentymentu przydziela teksty — recenzje, komentarze, wpisy — do klas pozytywny, neutralny i "
            "negatywny, z pewnością dla każdej klasy, jak w dwóch przykładach z wykładu. Tekst czyta transformator "
            "dostrojony na opisanych tweetach; polski i angielski mają osobne modele. Podświetlone słowa pokazują, "
            "na czym opiera się odpowiedź: każde słowo jest po kolei pomijane, a klasa, która bez niego traci "
            "najwięcej prawdopodobieństwa, to ta, w stronę której to słowo pcha."
        ),
        "sentiment.text": "Tekst (jeden albo wiele — po jednym w wierszu)",
        "sentiment.placeholder": "np. Bardzo polecam ten hotel, obsługa była świetna!",
        "sentiment.file": "…albo plik CSV/TXT (kolumna „text” albo jeden tekst w wierszu)",
        "sentiment.language": "Język",
        "sentiment.language.auto": "wykryj",
        "sentiment.language.pl": "polski",
        "sentiment.language.en": "angielski",
        "sentiment.analyse": "Analizuj",
        "sentiment.examples": "Przykłady (z wykładu i po polsku)",
        "sentiment.label": "Sentyment pierwszego tekstu",
        "sentiment.words": "Które słowa wpłynęły na odpowiedź (pomijanie po jednym słowie)",
        "sentiment.table": "Wszystkie teksty",
        "sentiment.chart": "Podsumowanie",
        "sentiment.class.negative": "negatywny",
        "sentiment.class.neutral": "neutralny",
        "sentiment.class.positive": "pozytywny",
        "sentiment.col.text": "tekst",
        "sentiment.col.language": "język",
        "sentiment.col.label": "sentyment",
        "sentiment.col.count": "teksty",
        "sentiment.answer": "**{label}** ({confidence}) — język: {lang}; model: {model}",
        "sentiment.summary": "**{n} tekstów**: {counts}.",
        "sentiment.empty": "Wpisz tekst (albo kilka, po jednym w wierszu) lub wyślij plik CSV.",
        "sentiment.too_many": "Podano {n} tekstów; analizuję pierwsze {limit}.",
        "sentiment.truncated": "Jeden z tekstów ma ponad {limit} tokenów; model czyta tylko jego początek.",
        "sentiment.partial_explanation": "Tekst ma {n} słów; wyjaśnienie na poziomie słów obejmuje pierwsze {limit}.",
        "sentiment.bad_file": "Tego pliku nie da się odczytać jako tekstu (oczekiwany CSV lub TXT w UTF-8).",
        "sentiment.file_too_large": "Plik jest za duży ({size} bajtów); limit to {limit} bajtów.",
        "sentiment.unknown_language": "Nieznany język „{name}”; wybierz: wykryj, polski lub angielski.",
        "sentiment.explain.heading": "Jak czytać wynik",
        "sentiment.explain": (
            "- Trzy wartości pewności pochodzą z funkcji softmax i sumują się do 100 %. Wysoka wartość oznacza, że "
            "model jest pewny, a nie że ma rację: te modele uczono na tweetach i mylą się przy ironii, zaprzeczeniach "
            "(„nie jest zły”) i słownictwie dziedzinowym.\n"
            "- Słowa **zielone** pchają w stronę klasy pozytywnej, **czerwone** negatywnej, **szare** neutralnej; "
            "słowa nieoznaczone prawie niczego nie zmieniają. Usuń albo zmień oznaczone słowo i przeanalizuj tekst "
            "ponownie.\n"
            "- Wiele wierszy daje tabelę i wykres, ile tekstów trafiło do każdej klasy."
        ),
    },
}
