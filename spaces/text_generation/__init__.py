"""Text generation: next-word prediction step by step on GPT-2 or a Polish model (lecture: "Ala ma" → "kota")."""

REQUIRES = ("transformers",)

TEXTS = {
    "en": {
        "text_generation.title": "Text generation",
        "text_generation.intro": (
            "A language model writes one token at a time: it reads the text so far and gives every token of its "
            "vocabulary a probability of coming next, just like \"Ala ma\" → \"kota\" → end of sentence on the "
            "slide. Here you see that list for your own prompt, before and after the sampling settings, and you "
            "decide which token is added: the most likely one, a random draw, or your own pick. GPT-2 (OpenAI, "
            "2019) is the first transformer of the GPT family; Qra is a Polish model from Gdańsk University of "
            "Technology and OPI."
        ),
        "text_generation.model": "Language model",
        "text_generation.model_info": "GPT-2 knows English; Qra-1b knows Polish (larger, slower on a CPU).",
        "text_generation.prompt": "Text so far (the prompt)",
        "text_generation.prompt_placeholder": "Type the beginning of a sentence, e.g. Ala ma",
        "text_generation.settings": "Sampling settings",
        "text_generation.temperature": "Temperature",
        "text_generation.temperature_info": "0 = always the most likely token; below 1 sharper, above 1 flatter.",
        "text_generation.top_k": "Top-k",
        "text_generation.top_k_info": "Draw only from the k most likely tokens (0 = no limit).",
        "text_generation.top_p": "Top-p (nucleus)",
        "text_generation.top_p_info": "Draw only from the most likely tokens whose probabilities add up to p (1 = no limit).",
        "text_generation.shown": "Tokens shown",
        "text_generation.max_new_tokens": "New tokens for \"Generate\"",
        "text_generation.show": "Show next tokens",
        "text_generation.examples": "Examples (the last two for the Polish model)",
        "text_generation.mode": "How to choose the next token",
        "text_generation.mode.greedy": "most likely (greedy)",
        "text_generation.mode.sample": "random draw (sampling)",
        "text_generation.mode.pick": "my pick from the list",
        "text_generation.pick": "My pick",
        "text_generation.add": "Add the next token",
        "text_generation.undo": "Undo",
        "text_generation.generate": "Generate the rest",
        "text_generation.stop": "Stop",
        "text_generation.tokens": "How the model sees the prompt: tokens and their ids",
        "text_generation.chart": "Probability of the next token",
        "text_generation.table": "Most likely next tokens",
        "text_generation.col.rank": "#",
        "text_generation.col.token": "token",
        "text_generation.col.id": "id",
        "text_generation.col.raw": "probability",
        "text_generation.col.sampling": "after sampling settings",
        "text_generation.series.raw": "model (softmax)",
        "text_generation.series.sampling": "after temperature / top-k / top-p",
        "text_generation.hint": "**Type a prompt** and press *Show next tokens* to see what the model expects next.",
        "text_generation.summary": (
            "**{n} tokens** in the prompt. Most likely next token: **{token}** ({probability}). "
            "The {shown} tokens below hold {covered} of the probability; the other {rest} tokens of the vocabulary "
            "share the remaining {remaining}."
        ),
        "text_generation.stats": "{tokens} new tokens in {seconds} s ({speed} tokens/s){stopped}",
        "text_generation.stopped": " — stopped",
        "text_generation.truncated": (
            "The prompt has {n} tokens; only the last {limit} are used (the limit of this model and setting)."
        ),
        "text_generation.empty": "Type the beginning of a text first, e.g. “Ala ma” or “Once upon a time”.",
        "text_generation.pick_missing": "Choose a token in “My pick” first (it lists the tokens of the table).",
        "text_generation.unknown_model": "Unknown model “{name}”. Choose one from the list.",
        "text_generation.unknown_mode": "Unknown way of choosing a token: “{name}”.",
        "text_generation.no_tokens": "This text gives the model no tokens to read.",
        "text_generation.failed": "Generation failed ({detail}). Please try again.",
        "text_generation.explain.heading": "What happens here",
        "text_generation.explain": (
            "1. The **tokenizer** cuts the text into tokens: whole words, pieces of words, punctuation. Each has a "
            "number (id) in the model's vocabulary — GPT-2 has 50 257 of them. A token often starts with a "
            "space, shown as ␣.\n"
            "2. The **transformer** reads all the ids at once and, through its attention layers, computes one score "
            "(logit) for every token of the vocabulary. **Softmax** turns the scores into probabilities that add up "
            "to 1 — the blue bars.\n"
            "3. **Sampling settings** reshape that distribution (orange bars): temperature divides the scores "
            "(low = sharper, high = flatter), top-k keeps only the k best tokens, top-p the smallest set whose "
            "probability reaches p. Temperature 0 is greedy decoding.\n"
            "4. One token is chosen, appended, and everything repeats — that is all *Generate* does, up to the "
            "chosen number of tokens or the end-of-text token. The seed makes random draws repeatable."
        ),
    },
    "pl": {
        "text_generation.title": "Generowanie tekstu",
        "text_generation.intro": (
            "Model językowy pisze po jednym tokenie: czyta dotychczasowy tekst i każdemu tokenowi ze swojego "
            "słownika przypisuje prawdopodobieństwo, że wystąpi jako następny — tak jak na slajdzie „Ala ma” → "
            "„kota” → koniec zdania. Tutaj zobaczysz tę listę dla własnego początku tekstu, przed ustawieniami "
            "losowania i po nich, i sam zdecydujesz, który token zostanie dopisany: najbardziej prawdopodobny, "
            "wylosowany albo wybrany przez Ciebie. GPT-2 (OpenAI, 2019) to pierwszy transformator z rodziny GPT; "
            "Qra to polski model Politechniki Gdańskiej i OPI."
        ),
        "text_generation.model": "Model językowy",
        "text_generation.model_info": "GPT-2 zna angielski; Qra-1b zna polski (większy, wolniejszy na CPU).",
        "text_generation.prompt": "Dotychczasowy tekst (prompt)",
        "text_generation.prompt_placeholder": "Wpisz początek zdania, np. Ala ma",
        "text_generation.settings": "Ustawienia losowania",
        "text_generation.temperature": "Temperatura",
        "text_generation.temperature_info": "0 = zawsze najbardziej prawdopodobny token; poniżej 1 ostrzej, powyżej 1 bardziej płasko.",
        "text_generation.top_k": "Top-k",
        "text_generation.top_k_info": "Losuj tylko spośród k najbardziej prawdopodobnych tokenów (0 = bez limitu).",
        "text_generation.top_p": "Top-p (nucleus)",
        "text_generation.top_p_info": "Losuj tylko spośród najbardziej prawdopodobnych tokenów, których prawdopodobieństwa sumują się do p (1 = bez limitu).",
        "text_generation.shown": "Liczba pokazanych tokenów",
        "text_generation.max_new_tokens": "Nowe tokeny dla „Generuj”",
        "text_generation.show": "Pokaż następne tokeny",
        "text_generation.examples": "Przykłady (dwa ostatnie dla modelu polskiego)",
        "text_generation.mode": "Jak wybrać następny token",
        "text_generation.mode.greedy": "najbardziej prawdopodobny (zachłannie)",
        "text_generation.mode.sample": "losowo (sampling)",
        "text_generation.mode.pick": "mój wybór z listy",
        "text_generation.pick": "Mój wybór",
        "text_generation.add": "Dopisz następny token",
        "text_generation.undo": "Cofnij",
        "text_generation.generate": "Generuj dalej",
        "text_generation.stop": "Zatrzymaj",
        "text_generation.tokens": "Jak model widzi prompt: tokeny i ich numery (id)",
        "text_generation.chart": "Prawdopodobieństwo następnego tokenu",
        "text_generation.table": "Najbardziej prawdopodobne następne tokeny",
        "text_generation.col.rank": "#",
        "text_generation.col.token": "token",
        "text_generation.col.id": "id",
        "text_generation.col.raw": "prawdopodobieństwo",
        "text_generation.col.sampling": "po ustawieniach losowania",
        "text_generation.series.raw": "model (softmax)",
        "text_generation.series.sampling": "po temperaturze / top-k / top-p",
        "text_generation.hint": "**Wpisz prompt** i naciśnij *Pokaż następne tokeny*, aby zobaczyć, czego model spodziewa się dalej.",
        "text_generation.summary": (
            "**{n} tokenów** w prompcie. Najbardziej prawdopodobny następny token: **{token}** ({probability}). "
            "{shown} tokenów poniżej ma łącznie {covered} prawdopodobieństwa; pozostałe {rest} tokenów słownika "
            "dzieli się resztą, czyli {remaining}."
        ),
        "text_generation.stats": "{tokens} nowych tokenów w {seconds} s ({speed} tokenów/s){stopped}",
        "text_generation.stopped": " — zatrzymano",
        "text_generation.truncated": (
            "Prompt ma {n} tokenów; używam tylko ostatnich {limit} (limit tego modelu i ustawień)."
        ),
        "text_generation.empty": "Najpierw wpisz początek tekstu, np. „Ala ma” albo „Once upon a time”.",
        "text_generation.pick_missing": "Najpierw wybierz token w polu „Mój wybór” (są tam tokeny z tabeli).",
        "text_generation.unknown_model": "Nieznany model „{name}”. Wybierz model z listy.",
        "text_generation.unknown_mode": "Nieznany sposób wyboru tokenu: „{name}”.",
        "text_generation.no_tokens": "Ten tekst nie daje modelowi żadnych tokenów do przeczytania.",
        "text_generation.failed": "Generowanie nie powiodło się ({detail}). Spróbuj ponownie.",
        "text_generation.explain.heading": "Co się tu dzieje",
        "text_generation.explain": (
            "1. **Tokenizer** tnie tekst na tokeny: całe słowa, fragmenty słów, znaki interpunkcyjne. Każdy ma "
            "numer (id) w słowniku modelu — GPT-2 ma ich 50 257. Token często zaczyna się od spacji, pokazanej "
            "jako ␣.\n"
            "2. **Transformator** czyta wszystkie numery naraz i dzięki warstwom uwagi (attention) oblicza jedną "
            "ocenę (logit) dla każdego tokenu słownika. **Softmax** zamienia oceny w prawdopodobieństwa sumujące "
            "się do 1 — niebieskie słupki.\n"
            "3. **Ustawienia losowania** zmieniają ten rozkład (pomarańczowe słupki): temperatura dzieli oceny "
            "(niska = ostrzej, wysoka = bardziej płasko), top-k zostawia tylko k najlepszych tokenów, top-p "
            "najmniejszy zbiór, którego prawdopodobieństwo sięga p. Temperatura 0 to dekodowanie zachłanne.\n"
            "4. Wybrany token zostaje dopisany i wszystko się powtarza — tylko tyle robi *Generuj dalej*, aż do "
            "wybranej liczby tokenów albo tokenu końca tekstu. Ziarno losowania sprawia, że losowania są powtarzalne."
        ),
    },
}
