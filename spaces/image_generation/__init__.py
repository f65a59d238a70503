"""Image generation: Stable Diffusion from a text prompt, and the denoising that gets there (lecture: Stable Diffusion, MidJourney)."""

REQUIRES = ("diffusers", "transformers")

TEXTS = {
    "en": {
        "image_generation.title": "Image generation",
        "image_generation.intro": (
            "Stable Diffusion paints a picture from a sentence by starting with pure noise and removing a little "
            "of it at every step, guided by what the text encoder understood from your prompt. Write a prompt and "
            "watch the filmstrip of your own run: the noisy picture at each step next to the final image the "
            "network already predicts. Sweeps show how the guidance scale and the number of steps change the "
            "result for the same starting noise, and the token view shows the prompt the way the network reads it."
        ),
        "image_generation.model": "Model",
        "image_generation.model.turbo": "SD-Turbo: fast, 1–4 steps",
        "image_generation.model.sd15": "Stable Diffusion 1.5: quality, 20–50 steps",
        "image_generation.safety": "Safety checker (withholds images that may be unsafe):",
        "image_generation.model.info": "SD-Turbo answers in 1–4 steps (best without a GPU); SD 1.5 needs 20–50 steps and guidance.",
        "image_generation.prompt": "Prompt (what to paint, in English)",
        "image_generation.prompt.placeholder": "a watercolor painting of a lighthouse on a cliff at sunset",
        "image_generation.negative": "Negative prompt (what to avoid; needs guidance above 1)",
        "image_generation.negative.placeholder": "blurry, low quality, text",
        "image_generation.generate": "Generate",
        "image_generation.stop": "Stop",
        "image_generation.settings": "Settings",
        "image_generation.steps": "Denoising steps",
        "image_generation.guidance": "Guidance scale",
        "image_generation.guidance.info": "How strongly the prompt pushes each step (classifier-free guidance); 0–1 means off.",
        "image_generation.width": "Width (pixels)",
        "image_generation.height": "Height (pixels)",
        "image_generation.num_images": "Number of images",
        "image_generation.scheduler": "Scheduler (the solver that takes the steps)",
        "image_generation.scheduler.default": "the model's own",
        "image_generation.seed": "Seed",
        "image_generation.seed.info": "The same seed, prompt and settings give the same image. The seed used is written here after each run.",
        "image_generation.randomize": "New random seed for every run",
        "image_generation.examples": "Example prompts",
        "image_generation.gallery": "Generated images (click one to enlarge or download)",
        "image_generation.hint": "Write a prompt and press **Generate**. The first run loads the model, which can take a while.",
        "image_generation.hint.cpu": (
            "Write a prompt and press **Generate**. This server has no GPU: one 512×512 image with SD-Turbo takes "
            "about 45 s on 2 CPU cores, 256×256 about 15 s; the first run takes longer while the model loads."
        ),
        "image_generation.filmstrip.heading": "Denoising filmstrip of your run",
        "image_generation.filmstrip.explain": (
            "The model works on a small *latent* picture (8× smaller than the image) that starts as random noise. "
            "At each step the UNet estimates the noise in it; the scheduler removes part of that noise. Left: the "
            "latent at that moment, decoded into pixels. Right: the clean image the network predicts from there "
            "(remove *all* the estimated noise at once). Early predictions are blurry averages of every picture "
            "that would fit the prompt; step by step they commit to one. Drag the slider to move through the run."
        ),
        "image_generation.frame": "Frame",
        "image_generation.frame.latent": "Latent decoded (the noisy picture now)",
        "image_generation.frame.predicted": "Predicted final image from this step",
        "image_generation.filmstrip": "All frames",
        "image_generation.frame.caption_noise": "**Start:** pure noise (seed {seed}); no step taken yet.",
        "image_generation.frame.caption": "**Step {step} of {total}** (timestep {timestep} of 1000).",
        "image_generation.frame.gallery_noise": "noise",
        "image_generation.frame.gallery": "step {step}",
        "image_generation.sweep.heading": "Sweeps: one setting changed, the same seed",
        "image_generation.sweep.explain": (
            "One click makes a row of images that differ in one setting only; the prompt, the size and the seed "
            "(so the starting noise) stay the same. Low guidance follows the prompt loosely, high guidance follows it "
            "strongly but over-saturates. Few steps leave the picture rough (except for SD-Turbo, trained for 1–4)."
        ),
        "image_generation.sweep.kind": "Setting to sweep",
        "image_generation.sweep.kind.guidance": "Guidance scale",
        "image_generation.sweep.kind.steps": "Number of steps",
        "image_generation.sweep.values": "Values (2–6, comma-separated; empty: the model's defaults)",
        "image_generation.sweep.run": "Run the sweep",
        "image_generation.sweep.grid": "Sweep (labelled grid)",
        "image_generation.sweep.title": "seed {seed}: {prompt}",
        "image_generation.sweep.steps_label": "{value} steps",
        "image_generation.sweep.guidance_label": "guidance {value}",
        "image_generation.sweep.done": "**Sweep done** in {seconds} s with seed {seed}.",
        "image_generation.sweep.stopped": "**Sweep stopped**; the finished images are kept.",
        "image_generation.tokens.heading": "The prompt as the text encoder sees it",
        "image_generation.tokens.explain": (
            "The CLIP text encoder reads sub-word tokens, not letters or words: common words are one token, rare "
            "words are split into pieces. It reads at most 77 tokens including the start and end marks, so 75 of "
            "the prompt; anything after that is cut off and has no effect on the image."
        ),
        "image_generation.tokens": "Tokens",
        "image_generation.tokens.kept": "read",
        "image_generation.tokens.cut": "cut off",
        "image_generation.tokens.special": "mark",
        "image_generation.tokens.summary": "**{used} of {limit}** prompt tokens used.",
        "image_generation.tokens.cut_words": "**Over the limit:** the encoder does not see “{words}”.",
        "image_generation.tokens.empty": "Type a prompt to see its tokens.",
        "image_generation.info.done": (
            "**Done** in {seconds} s: {n} image(s), {steps} steps, guidance {guidance}, seed {seed}. "
            "To repeat it, untick *New random seed* and generate again."
        ),
        "image_generation.info.progress": "Denoising: step {step} of {total}…",
        "image_generation.info.stopped": (
            "**Stopped** after step {done} of {total}. Shown is the final image the network predicted at that "
            "point."
        ),
        "image_generation.info.stopped_before": "**Stopped** before the first step; nothing was generated.",
        "image_generation.info.withheld": (
            "**{n} image(s) withheld by the safety checker**, which found content that may be unsafe. Try "
            "another prompt or seed."
        ),
        "image_generation.info.safety_off": "The safety checker is switched off on this server (private use).",
        "image_generation.info.loading": "Loading the model (only the first time)…",
        "image_generation.withheld.card": "Withheld by the safety checker",
        "image_generation.caption.seed": "seed {seed}",
        "image_generation.caption.withheld": "seed {seed}: withheld by the safety checker",
        "image_generation.warn.negative_ignored": (
            "The negative prompt only works with a guidance scale above 1, so it was not used in this run."
        ),
        "image_generation.warn.nothing_to_stop": "Nothing is running in this tab right now.",
        "image_generation.error.empty_prompt": "Write a prompt first: a few words describing the picture.",
        "image_generation.error.choice": "Unknown {name} “{value}”; choose one of: {choices}.",
        "image_generation.error.multiple_of_8": (
            "“{name}” must be a multiple of 8 (the picture is 8× larger than the latent); got {value}, "
            "try {lower} or {upper}."
        ),
        "image_generation.error.sweep_count": "Give between {low} and {high} values separated by commas (got {n}).",
        "image_generation.name.model": "model",
        "image_generation.name.scheduler": "scheduler",
        "image_generation.name.sweep": "setting to sweep",
        "image_generation.name.steps": "number of steps",
        "image_generation.name.guidance": "guidance scale",
        "image_generation.name.width": "width",
        "image_generation.name.height": "height",
        "image_generation.name.images": "number of images",
    },
    "pl": {
        "image_generation.title": "Generowanie obrazów",
        "image_generation.intro": (
            "Stable Diffusion maluje obraz na podstawie zdania: zaczyna od czystego szumu i w każdym kroku usuwa "
            "jego część, kierując się tym, co koder tekstu zrozumiał z opisu. Wpisz opis i obejrzyj taśmę filmową "
            "własnego przebiegu: zaszumiony obraz w każdym kroku obok obrazu końcowego, który sieć już przewiduje. "
            "Przeglądy parametrów pokazują, jak skala prowadzenia i liczba kroków zmieniają wynik dla tego samego "
            "szumu początkowego, a widok tokenów pokazuje opis tak, jak czyta go sieć."
        ),
        "image_generation.model": "Model",
        "image_generation.model.turbo": "SD-Turbo: szybki, 1–4 kroki",
        "image_generation.model.sd15": "Stable Diffusion 1.5: jakość, 20–50 kroków",
        "image_generation.safety": "Filtr bezpieczeństwa (wstrzymuje obrazy, które mogą być nieodpowiednie):",
        "image_generation.model.info": "SD-Turbo odpowiada w 1–4 krokach (najlepszy bez GPU); SD 1.5 potrzebuje 20–50 kroków i prowadzenia.",
        "image_generation.prompt": "Opis obrazu (prompt, po angielsku)",
        "image_generation.prompt.placeholder": "a watercolor painting of a lighthouse on a cliff at sunset",
        "image_generation.negative": "Opis negatywny (czego unikać; działa przy skali prowadzenia powyżej 1)",
        "image_generation.negative.placeholder": "blurry, low quality, text",
        "image_generation.generate": "Generuj",
        "image_generation.stop": "Zatrzymaj",
        "image_generation.settings": "Ustawienia",
        "image_generation.steps": "Liczba kroków odszumiania",
        "image_generation.guidance": "Skala prowadzenia (guidance scale)",
        "image_generation.guidance.info": "Jak mocno opis wpływa na każdy krok (classifier-free guidance); 0–1 oznacza wyłączone.",
        "image_generation.width": "Szerokość (piksele)",
        "image_generation.height": "Wysokość (piksele)",
        "image_generation.num_images": "Liczba obrazów",
        "image_generation.scheduler": "Harmonogram (scheduler: metoda wykonująca kroki)",
        "image_generation.scheduler.default": "domyślny dla modelu",
        "image_generation.seed": "Ziarno losowania (seed)",
        "image_generation.seed.info": "To samo ziarno, opis i ustawienia dają ten sam obraz. Po każdym przebiegu pojawia się tu użyte ziarno.",
        "image_generation.randomize": "Nowe losowe ziarno przy każdym przebiegu",
        "image_generation.examples": "Przykładowe opisy",
        "image_generation.gallery": "Wygenerowane obrazy (kliknij, aby powiększyć lub pobrać)",
        "image_generation.hint": "Wpisz opis i naciśnij **Generuj**. Pierwszy przebieg wczytuje model, co może chwilę potrwać.",
        "image_generation.hint.cpu": (
            "Wpisz opis i naciśnij **Generuj**. Ten serwer nie ma GPU: jeden obraz 512×512 z SD-Turbo powstaje "
            "na 2 rdzeniach CPU w około 45 s, 256×256 w około 15 s; pierwszy przebieg trwa dłużej, bo wczytuje "
            "się model."
        ),
        "image_generation.filmstrip.heading": "Taśma filmowa odszumiania Twojego przebiegu",
        "image_generation.filmstrip.explain": (
            "Model pracuje na małym obrazie *ukrytym* (latent, 8 razy mniejszym od obrazu), który na początku jest "
            "losowym szumem. W każdym kroku sieć UNet szacuje zawarty w nim szum, a harmonogram usuwa jego część. "
            "Po lewej: obraz ukryty w danej chwili, zdekodowany do pikseli. Po prawej: czysty obraz, który sieć "
            "przewiduje z tego miejsca (gdyby od razu usunąć *cały* oszacowany szum). Wczesne przewidywania to "
            "rozmyte uśrednienie wszystkich obrazów pasujących do opisu; krok po kroku sieć decyduje się na jeden. "
            "Przesuwaj suwak, aby przejść przez cały przebieg."
        ),
        "image_generation.frame": "Klatka",
        "image_generation.frame.latent": "Zdekodowany obraz ukryty (obecny zaszumiony obraz)",
        "image_generation.frame.predicted": "Przewidywany obraz końcowy z tego kroku",
        "image_generation.filmstrip": "Wszystkie klatki",
        "image_generation.frame.caption_noise": "**Początek:** czysty szum (ziarno {seed}); nie wykonano jeszcze żadnego kroku.",
        "image_generation.frame.caption": "**Krok {step} z {total}** (krok czasowy {timestep} z 1000).",
        "image_generation.frame.gallery_noise": "szum",
        "image_generation.frame.gallery": "krok {step}",
        "image_generation.sweep.heading": "Przeglądy: zmienia się jedno ustawienie, ziarno to samo",
        "image_generation.sweep.explain": (
            "Jedno kliknięcie tworzy rząd obrazów różniących się tylko jednym ustawieniem; opis, rozmiar i ziarno "
            "(a więc szum początkowy) pozostają te same. Niska skala prowadzenia luźno trzyma się opisu, wysoka "
            "trzyma się go mocno, ale przesyca kolory. Mało kroków zostawia obraz surowym (poza SD-Turbo, "
            "wytrenowanym do 1–4 kroków)."
        ),
        "image_generation.sweep.kind": "Ustawienie do przeglądu",
        "image_generation.sweep.kind.guidance": "Skala prowadzenia",
        "image_generation.sweep.kind.steps": "Liczba kroków",
        "image_generation.sweep.values": "Wartości (2–6, oddzielone przecinkami; puste: domyślne dla modelu)",
        "image_generation.sweep.run": "Uruchom przegląd",
        "image_generation.sweep.grid": "Przegląd (siatka z opisami)",
        "image_generation.sweep.title": "ziarno {seed}: {prompt}",
        "image_generation.sweep.steps_label": "kroki: {value}",
        "image_generation.sweep.guidance_label": "prowadzenie {value}",
        "image_generation.sweep.done": "**Przegląd gotowy** w {seconds} s, ziarno {seed}.",
        "image_generation.sweep.stopped": "**Przegląd zatrzymany**; gotowe obrazy zostają.",
        "image_generation.tokens.heading": "Opis tak, jak widzi go koder tekstu",
        "image_generation.tokens.explain": (
            "Koder tekstu CLIP czyta tokeny, czyli fragmenty słów, a nie litery ani całe słowa: częste słowa są "
            "jednym tokenem, rzadkie dzieli się na kawałki. Czyta najwyżej 77 tokenów razem ze znacznikami "
            "początku i końca, czyli 75 z opisu; wszystko dalej zostaje obcięte i nie wpływa na obraz."
        ),
        "image_generation.tokens": "Tokeny",
        "image_generation.tokens.kept": "czytany",
        "image_generation.tokens.cut": "obcięty",
        "image_generation.tokens.special": "znacznik",
        "image_generation.tokens.summary": "Użyto **{used} z {limit}** tokenów opisu.",
        "image_generation.tokens.cut_words": "**Ponad limit:** koder nie widzi fragmentu „{words}”.",
        "image_generation.tokens.empty": "Wpisz opis, aby zobaczyć jego tokeny.",
        "image_generation.info.done": (
            "**Gotowe** w {seconds} s: obrazy: {n}, kroki: {steps}, prowadzenie {guidance}, ziarno {seed}. "
            "Aby to powtórzyć, odznacz *Nowe losowe ziarno* i generuj ponownie."
        ),
        "image_generation.info.progress": "Odszumianie: krok {step} z {total}…",
        "image_generation.info.stopped": (
            "**Zatrzymano** po kroku {done} z {total}. Widać obraz końcowy, który sieć przewidywała w tym "
            "momencie."
        ),
        "image_generation.info.stopped_before": "**Zatrzymano** przed pierwszym krokiem; nic nie wygenerowano.",
        "image_generation.info.withheld": (
            "**Filtr bezpieczeństwa wstrzymał obrazy: {n}**, bo wykrył treści, które mogą być nieodpowiednie. "
            "Spróbuj innego opisu lub ziarna."
        ),
        "image_generation.info.safety_off": "Filtr bezpieczeństwa jest wyłączony na tym serwerze (użytek prywatny).",
        "image_generation.info.loading": "Wczytywanie modelu (tylko za pierwszym razem)…",
        "image_generation.withheld.card": "Wstrzymany przez filtr bezpieczeństwa",
        "image_generation.caption.seed": "ziarno {seed}",
        "image_generation.caption.withheld": "ziarno {seed}: wstrzymany przez filtr bezpieczeństwa",
        "image_generation.warn.negative_ignored": (
            "Opis negatywny działa tylko przy skali prowadzenia powyżej 1, więc w tym przebiegu nie został użyty."
        ),
        "image_generation.warn.nothing_to_stop": "W tej zakładce nic teraz nie działa.",
        "image_generation.error.empty_prompt": "Najpierw wpisz opis: kilka słów o tym, co ma być na obrazie.",
        "image_generation.error.choice": "Nieznana wartość „{value}” ({name}); wybierz jedną z: {choices}.",
        "image_generation.error.multiple_of_8": (
            "„{name}” musi być wielokrotnością 8 (obraz jest 8 razy większy od obrazu ukrytego); podano {value}, "
            "spróbuj {lower} albo {upper}."
        ),
        "image_generation.error.sweep_count": "Podaj od {low} do {high} wartości oddzielonych przecinkami (podano {n}).",
        "image_generation.name.model": "model",
        "image_generation.name.scheduler": "harmonogram",
        "image_generation.name.sweep": "ustawienie do przeglądu",
        "image_generation.name.steps": "liczba kroków",
        "image_generation.name.guidance": "skala prowadzenia",
        "image_generation.name.width": "szerokość",
        "image_generation.name.height": "wysokość",
        "image_generation.name.images": "liczba obrazów",
    },
}
