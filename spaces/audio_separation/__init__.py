"""Audio separation: split a song into vocals, drums, bass, guitar and piano with Demucs, and compare
with two classical methods without learned weights (lecture: separating tracks, as Moises does)."""

REQUIRES = ("demucs", "librosa", "soundfile", "matplotlib")

TEXTS = {
    "en": {
        "audio_separation.title": "Audio separation",
        "audio_separation.intro": (
            "A trained network can pull a song apart into its instruments: Demucs listens to the mix and writes out "
            "one recording per source — vocals, drums, bass, the rest, and in its six-source version also guitar "
            "and piano. Upload or record a clip, or pick an example, and compare the stems' spectrograms with the "
            "mix to see where every part of the sound went. Two classical methods without any training, "
            "harmonic/percussive splitting and REPET, run on the same clip, so you can hear what learning adds."
        ),
        "audio_separation.input": "Song or recording (WAV, FLAC, OGG, MP3)",
        "audio_separation.examples": "Example clips (CC BY, see the README)",
        "audio_separation.method": "Method",
        "audio_separation.method.info": "Demucs is a trained network; the last two are classical signal processing.",
        "audio_separation.method.htdemucs": "Demucs v4: vocals, drums, bass, other",
        "audio_separation.method.htdemucs_6s": "Demucs v4, 6 sources: + guitar, piano",
        "audio_separation.method.hpss": "Classical: harmonic / percussive (HPSS)",
        "audio_separation.method.repet": "Classical: repeating background / voice (REPET-SIM)",
        "audio_separation.stems": "Stems (Demucs)",
        "audio_separation.stems.info": "All sources, or two stems: one source and everything else (karaoke).",
        "audio_separation.choice.all": "all sources",
        "audio_separation.choice.vocals": "vocals",
        "audio_separation.choice.drums": "drums",
        "audio_separation.choice.bass": "bass",
        "audio_separation.choice.other": "other",
        "audio_separation.choice.guitar": "guitar",
        "audio_separation.choice.piano": "piano",
        "audio_separation.part.vocals": "Vocals",
        "audio_separation.part.drums": "Drums",
        "audio_separation.part.bass": "Bass",
        "audio_separation.part.other": "Other instruments",
        "audio_separation.part.guitar": "Guitar",
        "audio_separation.part.piano": "Piano",
        "audio_separation.part.harmonic": "Harmonic part (held notes)",
        "audio_separation.part.percussive": "Percussive part (hits)",
        "audio_separation.part.foreground": "Foreground (usually the voice)",
        "audio_separation.part.background": "Repeating background",
        "audio_separation.stem.without": "Everything except {stem}",
        "audio_separation.use_first": "Use only the first N seconds",
        "audio_separation.use_first.info": "Off: the whole clip, if it fits in this server's limit.",
        "audio_separation.seconds": "N (seconds)",
        "audio_separation.advanced": "Advanced settings",
        "audio_separation.start": "Start at (seconds)",
        "audio_separation.shifts": "Shifts (Demucs)",
        "audio_separation.shifts.info": "Runs the network on several time-shifted copies and averages: "
                                        "slightly better, proportionally slower. 0 = one pass.",
        "audio_separation.margin": "Margin (HPSS)",
        "audio_separation.margin.info": "1: every part of the sound goes to one side. Larger: only clear cases "
                                        "do; the rest is left in the residual.",
        "audio_separation.format": "File format",
        "audio_separation.run": "Separate",
        "audio_separation.stop": "Stop",
        "audio_separation.hint": (
            "**Choose a clip and press *Separate*.** On a computer without a GPU Demucs needs about one to three "
            "times the clip's length; start with 10–20 seconds."
        ),
        "audio_separation.mix": "Mix (what went in)",
        "audio_separation.stem": "Stem",
        "audio_separation.residual": "Residual (mix − sum of stems)",
        "audio_separation.spectrogram": "Spectrogram",
        "audio_separation.spectrogram.of": "Spectrogram: {part}",
        "audio_separation.files": "Download all files",
        "audio_separation.axis.time": "time (s)",
        "audio_separation.axis.frequency": "frequency (Hz, mel scale)",
        "audio_separation.progress.loading": "Loading the model…",
        "audio_separation.progress.network": "Demucs is separating…",
        "audio_separation.progress.classical": "Computing the spectrogram masks…",
        "audio_separation.progress.pictures": "Drawing the spectrograms…",
        "audio_separation.summary.head": "**{method}** separated {seconds} s of audio in {took} s.",
        "audio_separation.summary.table": "| part | level (dBFS) | relative to the mix (dB) |",
        "audio_separation.summary.residual": (
            "The **residual** is what no stem took: the mix minus the sum of the stems. Far below the mix "
            "(−40 dB or lower) means the stems add up to the mix; a louder residual is sound the method dropped."
        ),
        "audio_separation.summary.classical": (
            "Classical methods only divide each spectrogram cell between two parts by a rule; they cannot know "
            "which instrument made a sound. Compare with Demucs on the same clip."
        ),
        "audio_separation.explain.heading": "How it works",
        "audio_separation.explain": (
            "- **Spectrogram**: time runs left to right, pitch bottom to top, brightness is loudness. All pictures "
            "of one run share the same scale, so a stem darker than the mix somewhere really is quieter there.\n"
            "- **Demucs v4 (Hybrid Transformer Demucs)** reads the waveform and its spectrogram at once: two U-Nets, "
            "one over time and one over frequency, exchange information through a Transformer in the middle, and "
            "the network writes out one waveform per source. It learnt from songs whose separate tracks were "
            "known (MUSDB18-HQ and 800 more), by comparing its output with the real tracks.\n"
            "- **Harmonic/percussive (HPSS)**: a held note is a horizontal line in the spectrogram, a drum hit a "
            "vertical one. Median filters along time and along frequency tell them apart, without any training.\n"
            "- **REPET-SIM**: the accompaniment repeats and the voice does not. Each moment is compared with the "
            "most similar moments of the clip; what they share is the background, the rest the foreground.\n"
            "- **Two stems** (karaoke): one source, and the sum of all the others.\n"
            "- Long clips: this server processes at most a set number of seconds per run (more with a GPU); tick "
            "*Use only the first N seconds* to cut a longer clip."
        ),
        "audio_separation.note.window": "Used {start}–{end} s of the {duration} s clip.",
        "audio_separation.note.truncated": (
            "The file ended early: its header promised {expected} s but only {got} s could be read "
            "(an incomplete download?). The part that was read was separated."
        ),
        "audio_separation.note.mono": "Mono recording: the models work in stereo, so the one channel was used for both.",
        "audio_separation.note.surround": "Six channels (5.1): folded down to stereo, with the centre channel in both.",
        "audio_separation.note.many_channels": "{channels} channels: mixed down to stereo.",
        "audio_separation.note.upsampled": (
            "Recorded at {rate} Hz: resampled to {target} Hz. Such a recording has no sound above {top} kHz, so "
            "cymbals and the brightness of voices are missing from it."
        ),
        "audio_separation.note.downsampled": "Recorded at {rate} Hz: resampled to {target} Hz, the models' rate.",
        "audio_separation.note.scaled": "Turned down by {db} dB (all files alike) so that none of them clips.",
        "audio_separation.error.missing": "Please upload, record or choose an audio clip first.",
        "audio_separation.error.empty_file": "The file is empty (0 bytes). Please send an audio recording.",
        "audio_separation.error.not_audio": (
            "This file is not audio that can be read here. Please send WAV, FLAC, OGG or MP3."
        ),
        "audio_separation.error.broken": "This audio file is damaged or incomplete and cannot be decoded.",
        "audio_separation.error.no_samples": "The file contains no sound (zero samples).",
        "audio_separation.error.rate": "The sampling rate is {rate} Hz; it must be between {low} and {high} Hz.",
        "audio_separation.error.channels": "The file has {channels} channels; at most {limit} are accepted.",
        "audio_separation.error.too_short": (
            "The clip is only {duration} s long; at least {limit} s of sound are needed to separate anything."
        ),
        "audio_separation.error.too_long": (
            "The clip is {duration} s long; this server separates at most {limit} s per run. Tick "
            "“Use only the first N seconds” (or cut the clip) and try again."
        ),
        "audio_separation.error.start_after_end": "The start ({start} s) is past the end of the clip ({duration} s).",
        "audio_separation.error.silent": "The clip is silent (nothing louder than −80 dBFS): there is nothing to separate.",
        "audio_separation.error.not_finite": "The file contains invalid samples (NaN or infinity).",
        "audio_separation.error.method": "Unknown method; choose one of: {choices}.",
        "audio_separation.error.stem": "This model has no “{stem}” source; choose one of: {choices}.",
        "audio_separation.error.format": "Unknown file format; choose one of: {choices}.",
        "audio_separation.error.stopped": "Stopped. Nothing was kept from this run; press Separate to start again.",
        "audio_separation.error.memory": "The server ran out of memory. Try a shorter clip.",
    },
    "pl": {
        "audio_separation.title": "Separacja dźwięku",
        "audio_separation.intro": (
            "Wytrenowana sieć potrafi rozłożyć utwór na instrumenty: Demucs słucha miksu i zapisuje osobne nagranie "
            "każdego źródła — wokalu, perkusji, basu, reszty, a w wersji sześcioźródłowej także gitary i "
            "fortepianu. Wyślij lub nagraj fragment albo wybierz przykład i porównaj spektrogramy ścieżek ze "
            "spektrogramem miksu, aby zobaczyć, dokąd trafiła każda część dźwięku. Na tym samym fragmencie działają "
            "też dwie klasyczne metody bez żadnego uczenia, podział na część harmoniczną i perkusyjną oraz REPET, "
            "więc słychać, co wnosi uczenie."
        ),
        "audio_separation.input": "Utwór lub nagranie (WAV, FLAC, OGG, MP3)",
        "audio_separation.examples": "Przykładowe nagrania (CC BY, zob. README)",
        "audio_separation.method": "Metoda",
        "audio_separation.method.info": "Demucs to wytrenowana sieć; dwie ostatnie to klasyczne przetwarzanie sygnałów.",
        "audio_separation.method.htdemucs": "Demucs v4: wokal, perkusja, bas, reszta",
        "audio_separation.method.htdemucs_6s": "Demucs v4, 6 źródeł: + gitara, fortepian",
        "audio_separation.method.hpss": "Klasyczna: część harmoniczna / perkusyjna (HPSS)",
        "audio_separation.method.repet": "Klasyczna: powtarzające się tło / głos (REPET-SIM)",
        "audio_separation.stems": "Ścieżki (Demucs)",
        "audio_separation.stems.info": "Wszystkie źródła albo dwie ścieżki: jedno źródło i cała reszta (karaoke).",
        "audio_separation.choice.all": "wszystkie źródła",
        "audio_separation.choice.vocals": "wokal",
        "audio_separation.choice.drums": "perkusja",
        "audio_separation.choice.bass": "bas",
        "audio_separation.choice.other": "reszta",
        "audio_separation.choice.guitar": "gitara",
        "audio_separation.choice.piano": "fortepian",
        "audio_separation.part.vocals": "Wokal",
        "audio_separation.part.drums": "Perkusja",
        "audio_separation.part.bass": "Bas",
        "audio_separation.part.other": "Pozostałe instrumenty",
        "audio_separation.part.guitar": "Gitara",
        "audio_separation.part.piano": "Fortepian",
        "audio_separation.part.harmonic": "Część harmoniczna (wybrzmiewające dźwięki)",
        "audio_separation.part.percussive": "Część perkusyjna (uderzenia)",
        "audio_separation.part.foreground": "Pierwszy plan (zwykle głos)",
        "audio_separation.part.background": "Powtarzające się tło",
        "audio_separation.stem.without": "Wszystko oprócz: {stem}",
        "audio_separation.use_first": "Użyj tylko pierwszych N sekund",
        "audio_separation.use_first.info": "Wyłączone: całe nagranie, jeśli mieści się w limicie tego serwera.",
        "audio_separation.seconds": "N (sekundy)",
        "audio_separation.advanced": "Ustawienia zaawansowane",
        "audio_separation.start": "Początek (sekunda)",
        "audio_separation.shifts": "Przesunięcia (Demucs)",
        "audio_separation.shifts.info": "Sieć przetwarza kilka przesuniętych w czasie kopii i uśrednia wyniki: "
                                        "nieco lepiej, proporcjonalnie wolniej. 0 = jedno przejście.",
        "audio_separation.margin": "Margines (HPSS)",
        "audio_separation.margin.info": "1: każda część dźwięku trafia na jedną ze stron. Większy: tylko wyraźne "
                                        "przypadki; reszta zostaje w residuum.",
        "audio_separation.format": "Format plików",
        "audio_separation.run": "Rozdziel",
        "audio_separation.stop": "Zatrzymaj",
        "audio_separation.hint": (
            "**Wybierz nagranie i naciśnij *Rozdziel*.** Na komputerze bez GPU Demucs potrzebuje od jednej do "
            "trzech długości nagrania; zacznij od 10–20 sekund."
        ),
        "audio_separation.mix": "Miks (to, co weszło)",
        "audio_separation.stem": "Ścieżka",
        "audio_separation.residual": "Residuum (miks − suma ścieżek)",
        "audio_separation.spectrogram": "Spektrogram",
        "audio_separation.spectrogram.of": "Spektrogram: {part}",
        "audio_separation.files": "Pobierz wszystkie pliki",
        "audio_separation.axis.time": "czas (s)",
        "audio_separation.axis.frequency": "częstotliwość (Hz, skala melowa)",
        "audio_separation.progress.loading": "Wczytywanie modelu…",
        "audio_separation.progress.network": "Demucs rozdziela…",
        "audio_separation.progress.classical": "Obliczanie masek spektrogramu…",
        "audio_separation.progress.pictures": "Rysowanie spektrogramów…",
        "audio_separation.summary.head": "**{method}** rozdzielił(a) {seconds} s dźwięku w {took} s.",
        "audio_separation.summary.table": "| część | poziom (dBFS) | względem miksu (dB) |",
        "audio_separation.summary.residual": (
            "**Residuum** to to, czego nie zabrała żadna ścieżka: miks minus suma ścieżek. Daleko poniżej miksu "
            "(−40 dB lub mniej) oznacza, że ścieżki sumują się do miksu; głośniejsze residuum to dźwięk, który "
            "metoda pominęła."
        ),
        "audio_separation.summary.classical": (
            "Metody klasyczne jedynie dzielą każdą komórkę spektrogramu między dwie części według reguły; nie "
            "wiedzą, który instrument wydał dźwięk. Porównaj z Demucsem na tym samym fragmencie."
        ),
        "audio_separation.explain.heading": "Jak to działa",
        "audio_separation.explain": (
            "- **Spektrogram**: czas biegnie od lewej do prawej, wysokość dźwięku od dołu do góry, jasność to "
            "głośność. Wszystkie obrazy z jednego uruchomienia mają tę samą skalę, więc ścieżka ciemniejsza od "
            "miksu w jakimś miejscu jest tam naprawdę cichsza.\n"
            "- **Demucs v4 (Hybrid Transformer Demucs)** czyta jednocześnie przebieg fali i jej spektrogram: dwie "
            "sieci U-Net, jedna w dziedzinie czasu, druga w dziedzinie częstotliwości, wymieniają informacje przez "
            "Transformer pośrodku, a sieć zapisuje osobny przebieg dla każdego źródła. Uczyła się na utworach, "
            "których osobne ścieżki były znane (MUSDB18-HQ i 800 innych), porównując swój wynik z prawdziwymi "
            "ścieżkami.\n"
            "- **Część harmoniczna i perkusyjna (HPSS)**: wybrzmiewający dźwięk to pozioma linia na spektrogramie, "
            "uderzenie bębna — pionowa. Filtry medianowe wzdłuż czasu i wzdłuż częstotliwości rozróżniają je bez "
            "żadnego uczenia.\n"
            "- **REPET-SIM**: akompaniament się powtarza, a głos nie. Każda chwila jest porównywana z najbardziej "
            "podobnymi chwilami nagrania; to, co mają wspólnego, jest tłem, a reszta pierwszym planem.\n"
            "- **Dwie ścieżki** (karaoke): jedno źródło i suma wszystkich pozostałych.\n"
            "- Długie nagrania: ten serwer przetwarza w jednym uruchomieniu co najwyżej określoną liczbę sekund "
            "(więcej z GPU); zaznacz *Użyj tylko pierwszych N sekund*, aby przyciąć dłuższe nagranie."
        ),
        "audio_separation.note.window": "Użyto fragmentu {start}–{end} s z nagrania o długości {duration} s.",
        "audio_separation.note.truncated": (
            "Plik skończył się za wcześnie: nagłówek zapowiadał {expected} s, a udało się odczytać tylko {got} s "
            "(niedokończone pobieranie?). Rozdzielono odczytaną część."
        ),
        "audio_separation.note.mono": "Nagranie mono: modele działają w stereo, więc jedyny kanał użyto dla obu stron.",
        "audio_separation.note.surround": "Sześć kanałów (5.1): zmiksowano do stereo, z kanałem centralnym w obu.",
        "audio_separation.note.many_channels": "Liczba kanałów: {channels}; zmiksowano do stereo.",
        "audio_separation.note.upsampled": (
            "Nagranie z częstotliwością próbkowania {rate} Hz: przepróbkowano do {target} Hz. Takie nagranie nie "
            "zawiera dźwięków powyżej {top} kHz, więc brakuje w nim talerzy i jasności głosu."
        ),
        "audio_separation.note.downsampled": (
            "Nagranie z częstotliwością próbkowania {rate} Hz: przepróbkowano do {target} Hz, z której korzystają "
            "modele."
        ),
        "audio_separation.note.scaled": "Ściszono o {db} dB (wszystkie pliki jednakowo), aby żaden nie był przesterowany.",
        "audio_separation.error.missing": "Najpierw wyślij, nagraj lub wybierz nagranie.",
        "audio_separation.error.empty_file": "Plik jest pusty (0 bajtów). Wyślij nagranie dźwiękowe.",
        "audio_separation.error.not_audio": (
            "Ten plik nie jest nagraniem, które da się tu odczytać. Wyślij WAV, FLAC, OGG lub MP3."
        ),
        "audio_separation.error.broken": "Ten plik dźwiękowy jest uszkodzony lub niekompletny i nie da się go zdekodować.",
        "audio_separation.error.no_samples": "Plik nie zawiera dźwięku (zero próbek).",
        "audio_separation.error.rate": (
            "Częstotliwość próbkowania to {rate} Hz; musi mieścić się między {low} a {high} Hz."
        ),
        "audio_separation.error.channels": "Plik ma {channels} kanałów; przyjmujemy najwyżej {limit}.",
        "audio_separation.error.too_short": (
            "Nagranie trwa tylko {duration} s; aby cokolwiek rozdzielić, potrzeba co najmniej {limit} s dźwięku."
        ),
        "audio_separation.error.too_long": (
            "Nagranie trwa {duration} s; ten serwer rozdziela w jednym uruchomieniu najwyżej {limit} s. Zaznacz "
            "„Użyj tylko pierwszych N sekund” (albo przytnij nagranie) i spróbuj ponownie."
        ),
        "audio_separation.error.start_after_end": "Początek ({start} s) wypada po końcu nagrania ({duration} s).",
        "audio_separation.error.silent": "Nagranie jest ciche (nic głośniejszego niż −80 dBFS): nie ma czego rozdzielać.",
        "audio_separation.error.not_finite": "Plik zawiera nieprawidłowe próbki (NaN lub nieskończoność).",
        "audio_separation.error.method": "Nieznana metoda; wybierz jedną z: {choices}.",
        "audio_separation.error.stem": "Ten model nie ma źródła „{stem}”; wybierz jedno z: {choices}.",
        "audio_separation.error.format": "Nieznany format pliku; wybierz jeden z: {choices}.",
        "audio_separation.error.stopped": (
            "Zatrzymano. Z tego uruchomienia nic nie zostało zachowane; naciśnij Rozdziel, aby zacząć od nowa."
        ),
        "audio_separation.error.memory": "Serwerowi zabrakło pamięci. Spróbuj krótszego nagrania.",
    },
}
