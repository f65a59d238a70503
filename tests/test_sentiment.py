"""Sentiment: a tiny BERT classifier (negative / neutral / positive) built here, loaded through production code."""

import numpy as np
import pytest
import tiny_text_models
import torch
from conftest import local_models, register_texts
from gradio_client import Client

from sentiment import batch, classifier
from shared import i18n, models
from shared.errors import LabError

register_texts("sentiment")


@pytest.fixture(scope="module")
def clf(tmp_path_factory):
    tiny_text_models.install(tmp_path_factory.getbasetemp() / "tiny_text_models")
    return classifier.get("en")


def test_probabilities_sum_to_one_and_match_a_direct_forward_pass(clf):
    model, tokenizer = clf
    texts = ["I really love this hardware!!!", "This was a horrible night."]
    probs = classifier.probabilities(model, tokenizer, texts)
    assert probs.shape == (2, 3) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    with torch.no_grad():
        direct = torch.softmax(model(**tokenizer(texts[:1], return_tensors="pt")).logits, -1)[0].numpy()
    assert np.allclose(probs[0], direct, atol=1e-5)  # labels are already negative, neutral, positive


def test_label_order_is_read_from_the_checkpoint(tmp_path):
    path = tiny_text_models.save_tiny_sentiment_model(tmp_path / "m", labels=("Positive", "Negative", "Neutral"))
    model, _ = classifier.load_classifier(str(path))
    assert classifier.class_order(model) == [1, 2, 0]
    wrong = tiny_text_models.save_tiny_sentiment_model(tmp_path / "w", labels=("joy", "anger", "fear"))
    with pytest.raises(ValueError):
        classifier.load_classifier(str(wrong))


def test_the_word_attribution_covers_every_word(clf):
    model, tokenizer = clf
    text = "Film  nie był zły,\nale zakończenie mnie rozczarowało."
    attribution = classifier.word_attribution(model, tokenizer, text)
    pieces = classifier.highlighted(text, attribution, {c: c for c in classifier.CLASSES})
    assert "".join(piece for piece, _ in pieces) == text
    assert [p for p, _ in pieces if p.strip()] == text.split()
    assert attribution.explained == len(text.split())
    # each row is the drop in probability when that word is left out
    without_first = classifier.probabilities(model, tokenizer, [text[len("Film"):].strip()])[0]
    full = classifier.probabilities(model, tokenizer, [text])[0]
    assert np.allclose(attribution.push[0], full - without_first, atol=1e-5)
    assert np.allclose(attribution.push.sum(axis=1), 0, atol=1e-5)  # what one class gains, others lose


def test_long_texts_are_truncated_and_explained_in_part(clf):
    model, tokenizer = clf
    text = "kot " * 3000
    assert classifier.is_truncated(tokenizer, text)
    assert np.isclose(classifier.probabilities(model, tokenizer, [text]).sum(), 1, atol=1e-5)
    attribution = classifier.word_attribution(model, tokenizer, text, max_words=20)
    assert attribution.explained == 20 and len(attribution.words) == 3000
    assert "".join(p for p, _ in classifier.highlighted(text, attribution, {c: c for c in classifier.CLASSES})) == text


@pytest.mark.parametrize("text, language", [
    ("Bardzo polecam ten hotel", "pl"), ("Obsługa była świetna", "pl"), ("nie jest zly", "pl"),
    ("I really love this hardware", "en"), ("This was a horrible night.", "en")])
def test_language_guess(text, language):
    assert classifier.guess_language(text) == language


def test_texts_from_csv_and_txt():
    assert batch.texts_from_table("id,text\n1,Dobre\n2,\"Złe,\nbardzo\"\n3,\n", is_csv=True) == ["Dobre", "Złe, bardzo"]
    assert batch.texts_from_table("Dobre\nZłe\n", is_csv=True) == ["Dobre", "Złe"]
    assert batch.texts_from_table("a\n\n b \n", is_csv=False) == ["a", "b"]


def test_an_uploaded_file_is_read_within_its_limits(tmp_path):
    table = tmp_path / "opinions.csv"
    table.write_text("id,text\n" + "".join(f"{i},opinia {i}\n" for i in range(batch.MAX_TEXTS + 5)), encoding="utf-8")
    texts = batch.read_file(str(table))
    assert texts == [f"opinia {i}" for i in range(batch.MAX_TEXTS)]
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00")
    large = tmp_path / "large.txt"
    large.write_bytes(b"a\n" * (batch.MAX_FILE_BYTES // 2 + 1))
    unreadable = i18n.message("sentiment.bad_file")
    too_large = i18n.message("sentiment.file_too_large", size=large.stat().st_size, limit=batch.MAX_FILE_BYTES)
    for path, refusal in ((binary, unreadable), (tmp_path / "gone.txt", unreadable), (large, too_large)):
        with pytest.raises(LabError) as raised:
            batch.read_file(str(path))
        assert str(raised.value) == refusal


def test_an_uploaded_file_of_exactly_the_limit_with_a_bom_and_bad_bytes_is_read(tmp_path):
    """The limit is inclusive, a UTF-8 byte-order mark is not text, undecodable bytes become U+FFFD,
    and only a NUL byte in the first 4 KiB marks a binary file."""
    exact = tmp_path / "exact.txt"
    body = "\ufeffdobre\n".encode() + b"z\xffe\n"
    exact.write_bytes(body + b"a" * (batch.MAX_FILE_BYTES - len(body)))
    texts = batch.read_file(str(exact))
    assert texts[:2] == ["dobre", "z\ufffde"] and len(texts) == 3
    late_nul = tmp_path / "late.txt"
    late_nul.write_bytes(b"a" * 4096 + b"\x00\nb\n")
    assert batch.read_file(str(late_nul))[-1] == "b"
    early_nul = tmp_path / "early.txt"
    early_nul.write_bytes(b"a" * 4095 + b"\x00\nb\n")
    with pytest.raises(LabError):
        batch.read_file(str(early_nul))


def test_a_short_csv_row_without_the_text_column_is_skipped():
    assert batch.texts_from_table("id,text\n1\n2,dobre\n", is_csv=True) == ["dobre"]


def test_the_explanation_is_of_the_first_text_by_the_model_of_its_language(clf, tmp_path):
    # a Polish model of its own: the same network with its labels in another order
    polish = tiny_text_models.save_tiny_sentiment_model(tmp_path / "pl", labels=("positive", "negative", "neutral"))
    with local_models(sentiment_pl=polish):
        result = batch.classify_lines("I really love this hardware\nObsługa była świetna", "auto")
        assert result.languages == ["en", "pl"]
        explained = batch.explain_first(result)
        model, tokenizer = classifier.get("en")
        expected = classifier.word_attribution(model, tokenizer, result.texts[0], batch.MAX_EXPLAINED_WORDS)
        assert explained.words == expected.words == ["I", "really", "love", "this", "hardware"]
        np.testing.assert_allclose(explained.push, expected.push, atol=1e-6)
        model, tokenizer = classifier.get("pl")
        other = classifier.word_attribution(model, tokenizer, result.texts[0], batch.MAX_EXPLAINED_WORDS)
        assert not np.allclose(explained.push, other.push, atol=1e-7)  # the Polish model explains it otherwise
    long = batch.classify_lines(" ".join(f"w{i}" for i in range(batch.MAX_EXPLAINED_WORDS + 5)), "pl")
    assert batch.explain_first(long).explained == batch.MAX_EXPLAINED_WORDS


def test_many_lines_go_each_to_the_model_of_its_language(clf):
    lines = ["Bardzo polecam ten hotel", "I really love this hardware", "Obsługa była świetna", "A horrible night."]
    assert batch.by_language(lines, "auto") == {"pl": [0, 2], "en": [1, 3]}
    assert batch.by_language(lines, "en") == {"en": [0, 1, 2, 3]}
    result = batch.classify_lines("\n\n".join(lines) + "\n  \n", "auto")
    assert result.texts == lines and result.languages == ["pl", "en", "pl", "en"] and result.given == 4
    assert not result.truncated
    for language, text, row in zip(result.languages, result.texts, result.probabilities, strict=True):
        model, tokenizer = classifier.get(language)
        assert np.allclose(row, classifier.probabilities(model, tokenizer, [text])[0], atol=1e-5)
    many = batch.classify_lines("\n".join(["kot"] * (batch.MAX_TEXTS + 3)), "pl")
    assert len(many.texts) == batch.MAX_TEXTS and many.given == batch.MAX_TEXTS + 3
    assert batch.classify_lines("kot " * 3000, "pl").truncated
    with pytest.raises(LabError) as raised:
        batch.classify_lines(" \n \n", "auto")
    assert str(raised.value) == i18n.message("sentiment.empty")


@pytest.fixture(scope="module")
def client_url(clf, serve_app):
    return serve_app(["text_generation", "chat", "sentiment"])


def test_sentiment_endpoint(client_url):
    client = Client(client_url, verbose=False)
    answer = client.predict("I really love this hardware, I can always trust your solutions!!!", "auto",
                            api_name="/sentiment")
    confidences = {c["label"]: c["confidence"] for c in answer["confidences"]}
    assert set(confidences) == {"negative", "neutral", "positive"}
    assert abs(sum(confidences.values()) - 1) < 1e-4
    assert answer["label"] == max(confidences, key=confidences.get)
    assert client.predict(api_name="/sentiment") == answer  # the documented defaults: the page's first example
    page = client.predict("Świetny hotel!\nOkropna noc.\n<script>alert(1)</script>", "auto",
                          api_name="/sentiment_analyse")
    assert "3 texts" in page[0] and len(page[3]["data"]) == 3
    assert "".join(piece["token"] for piece in page[2]) == "Świetny hotel!"
    polish = Client(client_url, headers={"Accept-Language": "pl"}, verbose=False)
    language = i18n.message("sentiment.language", language="pl")
    for args, fragment in ((("  ", "auto"), "Wpisz tekst"), (("x" * 30000, "pl"), "limit to 20000"),
                           (("Dobre", "de"), i18n.message("shared.choice.unknown", language="pl", name=language,
                                                          choices="auto, pl, en"))):
        with pytest.raises(Exception) as caught:
            polish.predict(*args, api_name="/sentiment")
        assert fragment in str(caught.value)


# --- against transformers' own pipeline, on checkpoints whose labels come in any order --------------------

TEXTS = ["I really love this hardware!!!", "This was a horrible night.", "Ala ma kota.", "Nie polecam, było okropnie."]


def pipeline_probabilities(model, tokenizer, texts):
    """transformers' text-classification pipeline on the same model: every label's score, by name."""
    from transformers import pipeline

    classify = pipeline("text-classification", model=model, tokenizer=tokenizer, top_k=None, device="cpu")
    return [{result["label"].lower(): result["score"] for result in row} for row in classify(texts)]


@pytest.mark.parametrize("labels", [("positive", "negative", "neutral"), ("Neutral", "Positive", "Negative"),
                                    ("negative", "neutral", "positive")])
def test_probabilities_equal_the_pipeline_whatever_the_label_order(tmp_path, labels):
    folder = tiny_text_models.save_tiny_sentiment_model(tmp_path / "m", labels=labels)
    model, tokenizer = classifier.load_classifier(str(folder))
    ours = classifier.probabilities(model, tokenizer, TEXTS)
    reference = pipeline_probabilities(model, tokenizer, TEXTS)
    expected = np.array([[row[name] for name in classifier.CLASSES] for row in reference])
    assert np.abs(expected - expected[:, [1, 2, 0]]).max() > 1e-3  # the classes differ: a mix-up would show
    assert np.allclose(ours, expected, atol=1e-5)
    # the explanation reads the same probabilities: its first row is the text minus its first word
    attribution = classifier.word_attribution(model, tokenizer, TEXTS[0])
    without_first = pipeline_probabilities(model, tokenizer, [TEXTS[0].split(" ", 1)[1]])[0]
    assert np.allclose(attribution.push[0], expected[0] - [without_first[c] for c in classifier.CLASSES], atol=1e-5)


def test_generic_labels_take_the_documented_order_of_the_default_model(tmp_path):
    folder = tiny_text_models.save_tiny_sentiment_model(tmp_path / "m", labels=("LABEL_0", "LABEL_1", "LABEL_2"))
    with local_models(sentiment_en=folder, sentiment_pl=folder):
        model, tokenizer = classifier.get("en")
        # cardiffnlp/twitter-roberta-base-sentiment-latest: 0 negative, 1 neutral, 2 positive
        assert model.config.id2label == {0: "negative", 1: "neutral", 2: "positive"}
        with torch.no_grad():
            logits = model(**tokenizer(TEXTS, padding=True, return_tensors="pt")).logits
        assert np.allclose(classifier.probabilities(model, tokenizer, TEXTS), torch.softmax(logits, -1).numpy(),
                           atol=1e-5)
        reference = pipeline_probabilities(model, tokenizer, TEXTS)
        assert np.allclose(classifier.probabilities(model, tokenizer, TEXTS),
                           [[row[name] for name in classifier.CLASSES] for row in reference], atol=1e-5)
        # the Polish model's card documents no index order: a generically labelled copy is refused
        with pytest.raises(models.ModelUnavailable):
            classifier.get("pl")
    # without the registry key nothing is guessed either
    with pytest.raises(ValueError):
        classifier.load_classifier(str(folder))


def test_the_batch_and_the_api_answer_with_the_pipeline_s_numbers(tmp_path):
    folder = tiny_text_models.save_tiny_sentiment_model(tmp_path / "m", labels=("positive", "negative", "neutral"))
    with local_models(sentiment_en=folder, sentiment_pl=folder):
        model, tokenizer = classifier.get("en")
        reference = pipeline_probabilities(model, tokenizer, TEXTS)
        expected = np.array([[row[name] for name in classifier.CLASSES] for row in reference])
        result = batch.classify_lines("\n".join(TEXTS), "auto")
        assert np.allclose(result.probabilities, expected, atol=1e-5)
        assert np.allclose(classifier.sentiment_of(TEXTS[2], "en"), expected[2], atol=1e-5)


def test_the_polish_share_of_words_decides_from_fifteen_percent():
    english = "the cat sat on a mat and then it slept"
    assert classifier.guess_language(" ".join(["to", *english.split()[:9]])) == "en"  # 1 in 10
    assert classifier.guess_language(" ".join(["to", "nie", "jest", *(english.split() * 2)[:17]])) == "pl"  # 3 in 20


def test_generic_labels_are_named_in_both_directions(tmp_path):
    folder = tiny_text_models.save_tiny_sentiment_model(tmp_path / "m", labels=("LABEL_0", "LABEL_1", "LABEL_2"))
    model, _ = classifier.load_classifier(str(folder), key="sentiment_en")
    assert model.config.label2id == {"negative": 0, "neutral": 1, "positive": 2}


def test_short_label_names_are_read_and_a_wrong_set_is_named_in_the_refusal(tmp_path):
    folder = tiny_text_models.save_tiny_sentiment_model(tmp_path / "m", labels=("POS", "neg", "Neu"))
    model, _ = classifier.load_classifier(str(folder))
    assert classifier.class_order(model) == [1, 2, 0]
    wrong = tiny_text_models.save_tiny_sentiment_model(tmp_path / "w", labels=("joy", "anger", "fear"))
    with pytest.raises(ValueError, match=r"\['anger', 'fear', 'joy'\] are not negative/neutral/positive"):
        classifier.load_classifier(str(wrong))


def test_a_long_text_is_read_as_its_first_tokens_and_no_text_gives_no_rows(clf):
    model, tokenizer = clf
    text = "kot pies " * 200
    limit = min(classifier.MAX_TOKENS, model.config.max_position_embeddings - 2)
    with torch.no_grad():
        first = tokenizer([text], truncation=True, max_length=limit, return_tensors="pt")
        direct = torch.softmax(model(**first).logits, -1)[0].numpy()
    assert first["input_ids"].shape[1] == limit
    # the same tokens through the same network: the same numbers (a token more or less moves them)
    np.testing.assert_allclose(classifier.probabilities(model, tokenizer, [text])[0], direct, rtol=0, atol=1e-8)
    assert classifier.probabilities(model, tokenizer, []).shape == (0, 3)


def test_truncated_means_more_tokens_than_the_model_reads(clf):
    _, tokenizer = clf
    words = 1
    while len(tokenizer(" ".join(["kot"] * words), truncation=False)["input_ids"]) < classifier.MAX_TOKENS:
        words += 1
    exact = " ".join(["kot"] * words)
    assert len(tokenizer(exact, truncation=False)["input_ids"]) == classifier.MAX_TOKENS
    assert not classifier.is_truncated(tokenizer, exact) and classifier.is_truncated(tokenizer, exact + " kot")


def test_explaining_tests_eighty_words_and_a_lone_word_against_a_blank(clf):
    model, tokenizer = clf
    assert classifier.word_attribution(model, tokenizer, "kot " * 100).explained == 80
    lone = classifier.word_attribution(model, tokenizer, "świetnie")
    expected = classifier.probabilities(model, tokenizer, ["świetnie", " "])
    assert np.allclose(lone.push[0], expected[0] - expected[1], atol=1e-6)


def test_each_word_is_marked_with_the_class_it_pushes_most_from_the_threshold_on():
    text = " good  bad meh "
    matches = [(1, 5), (7, 10), (11, 14)]
    push = np.array([[0.0, -0.1, 0.1],  # toward positive
                     [classifier.PUSH_THRESHOLD, 0.0, -classifier.PUSH_THRESHOLD],  # just enough: negative
                     [0.004, -0.002, -0.002]])  # below the threshold: no class
    attribution = classifier.Attribution(words=["good", "bad", "meh"], spans=matches, push=push, explained=3)
    pieces = classifier.highlighted(text, attribution, {c: c.upper() for c in classifier.CLASSES})
    assert pieces == [(" ", None), ("good", "POSITIVE"), ("  ", None), ("bad", "NEGATIVE"), (" ", None),
                      ("meh", None), (" ", None)]
    edge_to_edge = classifier.Attribution(words=["good", "bad"], spans=[(0, 4), (4, 7)], push=push[:2], explained=2)
    assert classifier.highlighted("goodbad", edge_to_edge, {c: c for c in classifier.CLASSES}) == [
        ("good", "positive"), ("bad", "negative")]  # no empty pieces between or after


def test_sentiment_of_a_text_uses_the_model_of_its_language(tmp_path, clf):
    english = tiny_text_models.save_tiny_sentiment_model(tmp_path / "en")
    polish = tiny_text_models.save_tiny_sentiment_model(tmp_path / "pl", labels=("positive", "negative", "neutral"))
    with local_models(sentiment_en=english, sentiment_pl=polish):
        for text, language in (("Bardzo polecam ten hotel", "pl"), ("I really love this hardware", "en")):
            model, tokenizer = classifier.get(language)
            expected = classifier.probabilities(model, tokenizer, [text])[0]
            assert np.allclose(classifier.sentiment_of(text, "auto"), expected, atol=1e-6)
            assert np.allclose(classifier.sentiment_of(text, language), expected, atol=1e-6)
        assert not np.allclose(classifier.sentiment_of("kot", "pl"), classifier.sentiment_of("kot", "en"), atol=1e-3)
