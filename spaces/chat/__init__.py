"""Chat: a small instruction-tuned LLM answering as it writes (lecture: ChatGPT, today's LLMs, Bielik)."""

REQUIRES = ("transformers",)

TEXTS = {
    "en": {
        "chat.title": "Chat",
        "chat.intro": (
            "A chatbot is the same next-token machine as on the previous tab, trained further to follow "
            "instructions and to answer in turns. The whole conversation, with the system prompt that sets the "
            "assistant's role, is packed into one text with the model's chat template, and the reply is written "
            "token by token. The default model is small enough for a CPU; on a GPU you can also choose a larger "
            "Qwen or the Polish Bielik."
        ),
        "chat.model": "Chat model",
        "chat.model_info": "Models marked (GPU) need a graphics card; the small Qwen runs anywhere.",
        "chat.system": "System prompt (the assistant's role)",
        "chat.system_default": "You are a helpful assistant. Answer briefly, in the language of the question.",
        "chat.chatbot": "Conversation",
        "chat.message": "Your message",
        "chat.placeholder": "Ask something, e.g. What is a neural network? / Czym jest sieć neuronowa?",
        "chat.send": "Send",
        "chat.stop": "Stop",
        "chat.regenerate": "Regenerate",
        "chat.clear": "Clear",
        "chat.settings": "Generation settings",
        "chat.temperature": "Temperature",
        "chat.temperature_info": "0 = always the most likely token (repeatable); higher = more varied.",
        "chat.top_p": "Top-p",
        "chat.max_new_tokens": "Maximum length of the reply (tokens)",
        "chat.stats": "**{model}** — {tokens} tokens in {seconds} s, **{speed} tokens/s** (first token after {first} s){stopped}",
        "chat.stopped": " — stopped",
        "chat.empty": "Type a message first.",
        "chat.gpu_only": "“{model}” needs a GPU, and this server has none. Choose the small Qwen model.",
        "chat.unknown_model": "Unknown model “{name}”. Choose one from the list.",
        "chat.too_long": "The message is too long for this model: {tokens} tokens, the limit is {limit}. Please shorten it.",
        "chat.dropped": "The conversation got long: the {n} oldest messages were left out of what the model reads.",
        "chat.nothing_to_regenerate": "There is no question to answer again yet.",
        "chat.failed": "The model stopped answering ({detail}). Please try again.",
        "chat.explain.heading": "How a chat model answers",
        "chat.explain": (
            "- The model sees no separate messages: the chat template writes the system prompt, your messages and "
            "its own earlier replies into one text with special markers, and ends it with the beginning of an "
            "assistant turn.\n"
            "- From there it predicts the next token again and again, exactly like GPT-2 on the previous tab, until "
            "it writes its end-of-turn token or reaches the length limit.\n"
            "- It has no memory beyond this text: when the conversation outgrows the model's context, the oldest "
            "messages are left out.\n"
            "- **Stop** ends the generation at once; **Regenerate** asks the same question again (with temperature "
            "above 0 the answer changes). Tokens per second measure the speed of this server."
        ),
    },
    "pl": {
        "chat.title": "Czat",
        "chat.intro": (
            "Czatbot to ta sama maszyna do przewidywania następnego tokenu co w poprzedniej zakładce, dodatkowo "
            "wytrenowana do wykonywania poleceń i odpowiadania w turach. Cała rozmowa, razem z promptem systemowym "
            "ustalającym rolę asystenta, jest zapisywana w jednym tekście według szablonu czatu modelu, a odpowiedź "
            "powstaje token po tokenie. Domyślny model jest na tyle mały, że działa na CPU; na GPU można też wybrać "
            "większego Qwena albo polskiego Bielika."
        ),
        "chat.model": "Model czatu",
        "chat.model_info": "Modele oznaczone (GPU) wymagają karty graficznej; mały Qwen działa wszędzie.",
        "chat.system": "Prompt systemowy (rola asystenta)",
        "chat.system_default": "Jesteś pomocnym asystentem. Odpowiadaj krótko, w języku pytania.",
        "chat.chatbot": "Rozmowa",
        "chat.message": "Twoja wiadomość",
        "chat.placeholder": "Zadaj pytanie, np. Czym jest sieć neuronowa?",
        "chat.send": "Wyślij",
        "chat.stop": "Zatrzymaj",
        "chat.regenerate": "Odpowiedz ponownie",
        "chat.clear": "Wyczyść",
        "chat.settings": "Ustawienia generowania",
        "chat.temperature": "Temperatura",
        "chat.temperature_info": "0 = zawsze najbardziej prawdopodobny token (powtarzalnie); wyżej = bardziej różnorodnie.",
        "chat.top_p": "Top-p",
        "chat.max_new_tokens": "Maksymalna długość odpowiedzi (tokeny)",
        "chat.stats": "**{model}** — {tokens} tokenów w {seconds} s, **{speed} tokenów/s** (pierwszy token po {first} s){stopped}",
        "chat.stopped": " — zatrzymano",
        "chat.empty": "Najpierw wpisz wiadomość.",
        "chat.gpu_only": "„{model}” wymaga GPU, a ten serwer go nie ma. Wybierz mały model Qwen.",
        "chat.unknown_model": "Nieznany model „{name}”. Wybierz model z listy.",
        "chat.too_long": "Wiadomość jest za długa dla tego modelu: {tokens} tokenów, limit to {limit}. Skróć ją, proszę.",
        "chat.dropped": "Rozmowa się wydłużyła: {n} najstarszych wiadomości pominięto w tym, co czyta model.",
        "chat.nothing_to_regenerate": "Nie ma jeszcze pytania, na które można odpowiedzieć ponownie.",
        "chat.failed": "Model przestał odpowiadać ({detail}). Spróbuj ponownie.",
        "chat.explain.heading": "Jak odpowiada model czatu",
        "chat.explain": (
            "- Model nie widzi osobnych wiadomości: szablon czatu zapisuje prompt systemowy, Twoje wiadomości i "
            "jego wcześniejsze odpowiedzi w jednym tekście ze specjalnymi znacznikami i kończy go początkiem tury "
            "asystenta.\n"
            "- Od tego miejsca model raz za razem przewiduje następny token, dokładnie jak GPT-2 w poprzedniej "
            "zakładce, aż napisze token końca tury albo osiągnie limit długości.\n"
            "- Nie ma innej pamięci niż ten tekst: gdy rozmowa przerośnie kontekst modelu, najstarsze wiadomości "
            "zostają pominięte.\n"
            "- **Zatrzymaj** od razu kończy generowanie; **Odpowiedz ponownie** zadaje to samo pytanie jeszcze raz "
            "(przy temperaturze powyżej 0 odpowiedź się zmieni). Liczba tokenów na sekundę mierzy szybkość tego "
            "serwera."
        ),
    },
}
