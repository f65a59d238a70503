"""Next-token explorer: tiny GPT-2 built here, loaded through the production loader."""

import threading
import time
from itertools import pairwise

import pytest
import tiny_text_models
import torch
from conftest import register_texts
from gradio_client import Client

from shared import i18n, models
from shared.errors import LabError
from shared.llm_stream import sampling_settings, stream_generate
from text_generation import language_model, next_token, ui

register_texts("text_generation")


@pytest.fixture(scope="module")
def lm(tmp_path_factory):
    tiny_text_models.install(tmp_path_factory.getbasetemp() / "tiny_text_models")
    return language_model.get("text_generation")


def test_probabilities_sum_to_one_and_match_a_direct_forward_pass(lm):
    model, tokenizer = lm
    ids = next_token.encode_prompt(tokenizer, "Ala ma", limit=32).ids
    d = next_token.next_tokens(model, tokenizer, ids, temperature=1.0, top_k=0, top_p=1.0, shown=5)
    assert torch.isclose(d.raw_full.sum(), torch.tensor(1.0), atol=1e-5)
    with torch.no_grad():
        direct = torch.softmax(model(torch.tensor([ids])).logits[0, -1], dim=-1)
    assert torch.allclose(d.raw_full, direct, atol=1e-6)
    assert d.ids == torch.topk(direct, 5).indices.tolist()
    assert d.raw == sorted(d.raw, reverse=True)
    # no filter and temperature 1: sampling draws from the model's own distribution
    assert torch.allclose(d.sampling_full, direct, atol=1e-6)


def entropy(p):
    p = p[p > 0]
    return float(-(p * p.log()).sum())


def test_temperature_top_k_and_top_p_reshape_the_distribution_as_they_should(lm):
    model, tokenizer = lm
    logits = next_token.next_token_logits(model, next_token.encode_prompt(tokenizer, "The cat", 32).ids)
    logits = logits * 20  # a random tiny model is nearly uniform; sharpen it so the effects are visible
    raw = torch.softmax(logits, -1)
    cold = next_token.sampling_distribution(logits, 0.5, 0, 1.0)
    hot = next_token.sampling_distribution(logits, 2.0, 0, 1.0)
    assert entropy(cold) < entropy(raw) < entropy(hot)
    assert cold.max() > raw.max() > hot.max()
    assert torch.argmax(cold) == torch.argmax(raw) == torch.argmax(hot)  # the order never changes
    assert torch.allclose(cold, torch.softmax(logits / 0.5, -1), atol=1e-6)
    greedy = next_token.sampling_distribution(logits, 0.0, 0, 1.0)
    assert greedy.sum() == 1 and greedy[torch.argmax(raw)] == 1
    top3 = next_token.sampling_distribution(logits, 1.0, 3, 1.0)
    assert int((top3 > 0).sum()) == 3 and torch.isclose(top3.sum(), torch.tensor(1.0))
    nucleus = next_token.sampling_distribution(logits, 1.0, 0, 0.5)
    kept = nucleus > 0
    assert raw[kept].sum() >= 0.5 and int(kept.sum()) < raw.numel()


def test_greedy_sampled_and_picked_steps(lm):
    model, tokenizer = lm
    ids = next_token.encode_prompt(tokenizer, "Ala ma", 32).ids
    d = next_token.next_tokens(model, tokenizer, ids, temperature=1.0, top_k=5, top_p=1.0)
    assert next_token.choose(d, "greedy", 0) == d.ids[0]
    draws = {next_token.choose(d, "sample", seed) for seed in range(40)}
    assert draws <= set(torch.topk(d.raw_full, 5).indices.tolist()) and len(draws) > 1  # top-k honoured
    assert next_token.choose(d, "sample", 7) == next_token.choose(d, "sample", 7)  # the seed repeats a draw
    assert next_token.choose(d, "pick", 0, picked=d.ids[3]) == d.ids[3]
    with pytest.raises(ValueError):
        next_token.choose(d, "pick", 0, picked=10**9)


def test_an_over_long_prompt_keeps_its_end_and_fits_the_model(lm):
    model, tokenizer = lm  # the tiny GPT-2 has 64 positions
    text = "Ala ma kota. " * 100
    limit = next_token.context_limit(model, reserve=10)
    assert limit == 54
    prompt = next_token.encode_prompt(tokenizer, text, limit)
    assert len(prompt.ids) == limit and prompt.dropped > 0
    assert prompt.ids == tokenizer(text)["input_ids"][-limit:]
    d = next_token.next_tokens(model, tokenizer, prompt.ids, temperature=1.0, top_k=0, top_p=1.0)
    assert torch.isclose(d.raw_full.sum(), torch.tensor(1.0), atol=1e-5)
    read = next_token.read_prompt(model, tokenizer, text, reserve=10)
    assert (read.ids, read.dropped, read.limit) == (prompt.ids, prompt.dropped, limit)
    with pytest.raises(LabError) as nothing:
        next_token.read_prompt(model, tokenizer, "")
    assert str(nothing.value) == i18n.message("text_generation.no_tokens")


def test_a_picked_token_is_its_id_or_its_exact_text(lm):
    model, tokenizer = lm
    vocabulary = len(tokenizer)
    kota = tokenizer(" kota", add_special_tokens=False)["input_ids"]
    assert len(kota) == 1  # one token of the tiny vocabulary, trained on "Ala ma kota"
    assert next_token.picked_token(tokenizer, " kota", vocabulary) == kota[0]
    assert next_token.picked_token(tokenizer, str(kota[0]), vocabulary) == kota[0]
    assert next_token.picked_token(tokenizer, 7, vocabulary) == 7
    for missing in (None, "  ", "Ala ma kota i psa"):
        with pytest.raises(LabError) as raised:
            next_token.picked_token(tokenizer, missing, vocabulary)
        assert str(raised.value) == i18n.message("text_generation.pick_missing")
    with pytest.raises(LabError, match=f"between 0 and {vocabulary - 1}"):
        next_token.picked_token(tokenizer, vocabulary, vocabulary)
    ids = next_token.encode_prompt(tokenizer, "Ala ma", 32).ids
    d = next_token.next_tokens(model, tokenizer, ids, temperature=1.0, top_k=0, top_p=1.0)
    added = next_token.step(tokenizer, d, "pick", 0, " kota")
    assert (added.id, added.token) == (kota[0], " kota")
    assert added.probability == pytest.approx(float(d.raw_full[kota[0]]))


def test_streaming_grows_the_text_and_the_stop_event_ends_generation(lm):
    model, tokenizer = lm
    ids = torch.tensor([next_token.encode_prompt(tokenizer, "Ala ma", 32).ids])
    texts = [text for text, _ in stream_generate(model, tokenizer, ids, threading.Event(), max_new_tokens=20,
                                                 do_sample=False, min_new_tokens=20)]
    assert len(texts) >= 3 and all(b.startswith(a) for a, b in pairwise(texts))
    stop = threading.Event()
    runs = []
    for _, stats in stream_generate(model, tokenizer, ids, stop, max_new_tokens=50, do_sample=False,
                                    min_new_tokens=50):
        runs.append(stats.new_tokens)
        stop.set()  # the Stop button, right after the first token
    assert stats.stopped and stats.new_tokens < 50


def test_an_error_inside_generate_reaches_the_caller_at_once(lm):
    model, tokenizer = lm
    ids = torch.tensor([[1, 2, 3]])
    with pytest.raises(ValueError):
        list(stream_generate(model, tokenizer, ids, threading.Event(), timeout=30, max_new_tokens=5,
                             do_sample=True, temperature=-1.0))


def test_a_generate_that_hangs_ends_with_a_translated_message(lm):
    _, tokenizer = lm

    class Hung:
        """A model whose generate never writes a token (a stuck GPU, a dead worker)."""

        def generate(self, **kwargs):
            time.sleep(2)

    started = time.perf_counter()
    with pytest.raises(LabError) as caught:
        list(stream_generate(Hung(), tokenizer, torch.tensor([[1, 2]]), threading.Event(), timeout=0.2,
                             max_new_tokens=3))
    assert time.perf_counter() - started < 1.5
    assert str(caught.value) == i18n.message("shared.llm.timeout", seconds="0.2")
    assert caught.value.text("pl") == ("Model przez 0.2 s nie napisał żadnego tokenu i został zatrzymany. "
                                       "Spróbuj ponownie.")


@pytest.fixture(scope="module")
def client_url(lm, serve_app):
    return serve_app(["text_generation", "chat", "sentiment"])


def test_next_tokens_endpoint(client_url):
    client = Client(client_url, verbose=False)
    documented = client.predict(api_name="/next_tokens")  # every parameter at its documented default
    assert len(documented["tokens"]) == ui.SHOWN.default and documented["model"] == models.model_id("text_generation")
    assert client.predict(api_name="/text_generation_step")["text"].startswith(ui.DEFAULT_PROMPT)
    answer = client.predict("Ala ma", "text_generation", 0.8, 10, 0.9, 5, api_name="/next_tokens")
    rows = answer["tokens"]
    assert len(rows) == 5 and answer["prompt_tokens"] == 3
    assert sum(r["probability"] for r in rows) <= 1.0
    assert all(0 <= r["probability"] <= 1 and 0 <= r["probability_after_sampling"] <= 1 for r in rows)
    long = client.predict("Ala ma kota. " * 300, "text_generation", 1.0, 0, 1.0, 5, api_name="/next_tokens")
    assert long["prompt_tokens"] == 64  # cut to the model's context instead of crashing
    step = client.predict("Ala ma", "text_generation", 0.0, 0, 1.0, 1, "greedy", None,
                          api_name="/text_generation_step")
    assert step["text"] == "Ala ma" + step["token"] and step["id"] == rows[0]["id"]  # greedy = the top row
    picked = client.predict("Ala ma", "text_generation", 1.0, 50, 1.0, 0, "pick", str(rows[2]["id"]),
                            api_name="/text_generation_step")
    assert (picked["id"], picked["token"]) == (rows[2]["id"], rows[2]["token"])


def test_the_page_shows_the_same_distribution_as_the_api(client_url):
    client = Client(client_url, verbose=False)
    rows = client.predict("Ala ma", "text_generation", 0.8, 10, 0.9, 5, api_name="/next_tokens")["tokens"]
    status, summary, tokens, _, table, pick = client.predict("Ala ma", "text_generation", 0.8, 10, 0.9, 5,
                                                             api_name="/text_generation_explore")
    assert "loaded" in status and summary.startswith("**3 tokens** in the prompt")
    assert "".join(piece["token"] for piece in tokens) == "Ala ma" and len(tokens) == 3
    assert [row[2] for row in table["data"]] == [r["id"] for r in rows]
    assert [choice for _, choice in pick["choices"]] == [str(r["id"]) for r in rows]
    assert pick["value"] == str(rows[0]["id"])


@pytest.mark.parametrize("args, fragment", [
    (("   ", "text_generation", 1.0, 10, 1.0, 5), "Najpierw wpisz początek tekstu"),
    (("Ala", "text_generation", -1.0, 10, 1.0, 5), "Temperatura"),
    (("Ala", "text_generation", 1.0, 10, 0.0, 5), "Top-p"),
    (("Ala", "text_generation", 1.0, 10, 1.5, 5), "Top-p"),
    (("Ala", "text_generation", 1.0, 201, 1.0, 5), "„Top-k” musi mieścić się między 0 a 200"),  # the slider's range
    (("Ala", "text_generation", 1.0, 10, 1.0, 51), "„Liczba pokazanych tokenów” musi mieścić się między 3 a 50"),
    (("Ala", "no-such-model", 1.0, 10, 1.0, 5),
     i18n.message("shared.choice.unknown", language="pl", name=i18n.message("text_generation.model", language="pl"),
                  choices=", ".join(language_model.CHOICES))),
    (("Ala", "text_generation_pl_7b", 1.0, 10, 1.0, 5), "„OPI-PG/Qra-7b” wymaga GPU"),
    (("Ala", "text_generation_pl_13b", 1.0, 10, 1.0, 5), "Wybierz GPT-2 albo Qra-1b"),
])
def test_bad_inputs_get_a_clear_polish_message(client_url, args, fragment):
    client = Client(client_url, headers={"Accept-Language": "pl"}, verbose=False)
    with pytest.raises(Exception) as caught:
        client.predict(*args, api_name="/next_tokens")
    assert fragment in str(caught.value)


def test_a_step_refuses_an_unknown_mode_and_a_missing_pick(client_url):
    client = Client(client_url, headers={"Accept-Language": "pl"}, verbose=False)
    with pytest.raises(Exception) as caught:
        client.predict("Ala ma", "text_generation", 1.0, 50, 1.0, 0, "beam", None, api_name="/text_generation_step")
    mode = i18n.message("text_generation.mode", language="pl")
    assert i18n.message("shared.choice.unknown", language="pl", name=mode, choices="greedy, sample, pick") in str(
        caught.value)
    with pytest.raises(Exception) as caught:
        client.predict("Ala ma", "text_generation", 1.0, 50, 1.0, 0, "pick", None, api_name="/text_generation_step")
    assert i18n.message("text_generation.pick_missing", language="pl") in str(caught.value)


def test_generate_streams_and_refuses_absurd_lengths(client_url):
    client = Client(client_url, verbose=False)
    job = client.submit("Ala ma", "text_generation", 0.7, 20, 0.95, 3, 12, api_name="/text_generation_generate")
    job.result()
    outputs = [text for text, _ in job.outputs()]
    assert outputs[-1].startswith("Ala ma") and len(outputs) >= 2
    assert all(b.startswith(a) for a, b in pairwise(outputs))
    assert "new tokens" in job.outputs()[-1][1]
    for bad in (0, -1, 10**6):
        with pytest.raises(Exception) as caught:
            client.predict("Ala ma", "text_generation", 0.7, 20, 0.95, 3, bad, api_name="/text_generation_generate")
        assert "Traceback" not in str(caught.value)


def test_stop_really_ends_generation(lm):
    lines = []
    for _, stats in ui.generate_text("Ala ma", "text_generation", 1.0, 0, 1.0, 0, 50):
        lines.append(stats)
        if len(lines) == 3:
            assert ui.STOP.stop("")  # what the Stop button does for this session
    assert i18n.message("text_generation.stopped") in lines[-1]
    assert int(lines[-1].split(" ")[0]) < 50


def test_add_appends_one_token_and_undo_takes_it_back(lm):
    text, history = ui.step_for_page("Ala ma", "text_generation", 0.0, 0, 1.0, 0, "greedy", None, [])
    assert text.startswith("Ala ma") and len(text) > len("Ala ma") and history == ["Ala ma"]
    assert ui.undo_step(text, history) == ("Ala ma", [])
    assert ui.undo_step("Ala ma", []) == ("Ala ma", [])


def test_sampling_settings_are_greedy_at_temperature_zero():
    assert sampling_settings(0.0, top_k=5, top_p=0.9) == {"do_sample": False}
    assert sampling_settings(0.7, top_p=0.9) == {"do_sample": True, "temperature": 0.7, "top_p": 0.9}


# --- against transformers' own generate ------------------------------------------------------------------------

SETTINGS = [(0.7, 0, 1.0), (1.5, 20, 1.0), (0.8, 0, 0.6), (0.7, 20, 0.5), (1.2, 100, 0.3)]


def generate_step_scores(model, ids, temperature, top_k, top_p):
    """The processed scores of generate's first sampled token, with the arguments the Generate button passes."""
    out = model.generate(torch.tensor([ids]), attention_mask=torch.ones(1, len(ids), dtype=torch.long),
                         max_new_tokens=1, output_scores=True, return_dict_in_generate=True,
                         pad_token_id=model.config.eos_token_id,
                         **sampling_settings(temperature, top_k=top_k, top_p=top_p))
    return out.scores[0][0].float()


@pytest.mark.parametrize("temperature, top_k, top_p", SETTINGS)
def test_after_sampling_is_the_distribution_generate_draws_from(lm, temperature, top_k, top_p):
    model, tokenizer = lm
    ids = next_token.encode_prompt(tokenizer, "Ala ma", 32).ids
    expected = torch.softmax(generate_step_scores(model, ids, temperature, top_k, top_p), dim=-1)
    d = next_token.next_tokens(model, tokenizer, ids, temperature=temperature, top_k=top_k, top_p=top_p)
    assert (d.sampling_full - d.raw_full).abs().max() > 1e-4  # the settings do change the distribution
    assert torch.equal(d.sampling_full > 0, expected > 0)  # the same tokens are left to draw from
    assert torch.allclose(d.sampling_full, expected, atol=1e-6)
    # what the API and the page's table show are these numbers, for the top of the raw distribution
    rows = ui.next_tokens_api("Ala ma", "text_generation", temperature, top_k, top_p, 10)["tokens"]
    assert [r["id"] for r in rows] == d.ids
    assert [r["probability_after_sampling"] for r in rows] == pytest.approx([float(expected[i]) for i in d.ids],
                                                                             abs=1e-6)


def test_greedy_steps_are_generate_s_greedy_continuation_token_for_token(lm):
    model, tokenizer = lm
    prompt = next_token.encode_prompt(tokenizer, "Ala ma", 32).ids
    new = 12
    reference = model.generate(torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt), dtype=torch.long),
                               do_sample=False, max_new_tokens=new, pad_token_id=model.config.eos_token_id)
    expected = reference[0, len(prompt):].tolist()
    assert len(expected) == new and len(set(expected)) > 2  # no early end, and not one token repeated
    ids = list(prompt)
    for _ in range(new):  # the sampling settings must not matter to a greedy step
        d = next_token.next_tokens(model, tokenizer, ids, temperature=1.3, top_k=5, top_p=0.5)
        ids.append(next_token.step(tokenizer, d, "greedy", seed=0).id)
    assert ids[len(prompt):] == expected
    # the tab's "Add" button on text: the same tokens, as text
    text = "Ala ma"
    for _ in range(new):
        text = ui.step_text(text, "text_generation", 0.7, 20, 0.9, 0, "greedy")["text"]
    assert text == "Ala ma" + tokenizer.decode(expected)


def test_the_generate_button_streams_what_generate_writes_in_one_go(lm):
    model, tokenizer = lm
    prompt = next_token.encode_prompt(tokenizer, "Ala ma", 32).ids
    for temperature, top_k, top_p, seed in ((0.0, 50, 1.0, 0), (0.9, 20, 0.8, 7)):
        streamed = list(ui.generate_text("Ala ma", "text_generation", temperature, top_k, top_p, seed, 15))[-1][0]
        torch.manual_seed(seed)
        reference = model.generate(torch.tensor([prompt]), attention_mask=torch.ones(1, len(prompt), dtype=torch.long),
                                   max_new_tokens=15, pad_token_id=model.config.eos_token_id,
                                   **sampling_settings(temperature, top_k=top_k, top_p=top_p))
        assert streamed == "Ala ma" + tokenizer.decode(reference[0, len(prompt):], skip_special_tokens=True)


def positions(**config):
    from types import SimpleNamespace

    return SimpleNamespace(config=SimpleNamespace(**config))


def test_the_context_limit_reads_the_models_positions_by_either_name(lm):
    model, tokenizer = lm
    assert next_token.context_limit(model) == 64  # the tiny GPT-2's n_positions, nothing reserved
    assert next_token.context_limit(positions(n_positions=100, max_position_embeddings=200)) == 100
    assert next_token.context_limit(positions(max_position_embeddings=100)) == 100  # Llama's name for it
    assert next_token.context_limit(positions()) == next_token.MAX_PROMPT_TOKENS
    assert next_token.context_limit(positions(), cap=50) == 50
    assert next_token.context_limit(positions(n_positions=10), reserve=20) == 1  # always room for one token
    assert next_token.read_prompt(model, tokenizer, "Ala ma kota. " * 100).limit == 64
    short = next_token.encode_prompt(tokenizer, "Ala ma", 32)
    assert short.dropped == 0 and short.ids == tokenizer("Ala ma")["input_ids"]


def test_tokens_are_shown_as_they_read_special_ones_included(lm):
    _, tokenizer = lm
    assert next_token.token_text(tokenizer, tokenizer.eos_token_id) == tokenizer.eos_token
    kota = tokenizer(" kota", add_special_tokens=False)["input_ids"]
    assert next_token.tokenization(tokenizer, kota) == [(" kota", str(kota[0]))]
    assert next_token.visible(" kota\n\t") == "␣kota⏎⇥"
    assert next_token.visible("") == "∅" and next_token.visible("a\x07") == "a\\x07"


def test_top_k_of_one_keeps_one_token(lm):
    model, tokenizer = lm
    logits = next_token.next_token_logits(model, next_token.encode_prompt(tokenizer, "The cat", 32).ids)
    only = next_token.sampling_distribution(logits, 1.0, 1, 1.0)
    assert int((only > 0).sum()) == 1 and only[int(torch.argmax(logits))] == 1


def test_picking_reads_token_zero_negative_ids_and_blank_text_as_a_person_means_them(lm):
    model, tokenizer = lm
    vocabulary = len(tokenizer)
    assert next_token.picked_token(tokenizer, 0, vocabulary) == 0
    for blank in (" ", "\n", "X5"):  # one token each (but nothing picked), and neither an id nor one token
        with pytest.raises(LabError) as raised:
            next_token.picked_token(tokenizer, blank, vocabulary)
        assert str(raised.value) == i18n.message("text_generation.pick_missing")
    for number in ("-3", vocabulary):
        with pytest.raises(LabError) as raised:
            next_token.picked_token(tokenizer, number, vocabulary)
        assert str(raised.value) == i18n.message("shared.number.out_of_range", name="id", low=0,
                                                 high=vocabulary - 1, value=int(number))
    d = next_token.next_tokens(model, tokenizer, next_token.encode_prompt(tokenizer, "Ala ma", 32).ids,
                               temperature=1.0, top_k=5, top_p=1.0)
    assert next_token.choose(d, "pick", 0, picked=0) == 0
    with pytest.raises(ValueError, match="^picked token id outside the vocabulary$"):
        next_token.choose(d, "pick", 0, picked=d.raw_full.numel())
    with pytest.raises(ValueError, match="^unknown mode 'guess'$"):
        next_token.choose(d, "guess", 0)


def test_a_step_reports_the_token_with_both_probabilities(lm):
    model, tokenizer = lm
    d = next_token.next_tokens(model, tokenizer, next_token.encode_prompt(tokenizer, "Ala ma", 32).ids,
                               temperature=0.7, top_k=5, top_p=1.0)
    by_id = next_token.step(tokenizer, d, "pick", 0, str(d.ids[2]))
    assert by_id.id == d.ids[2] and by_id.token == next_token.token_text(tokenizer, d.ids[2])
    drawn = next_token.step(tokenizer, d, "sample", 11)
    assert drawn.id == next_token.choose(d, "sample", 11)
    for added in (by_id, drawn):
        assert added.probability == float(d.raw_full[added.id])
        assert added.probability_after_sampling == float(d.sampling_full[added.id])


def test_the_rows_of_the_answer_rank_from_one_with_six_decimals(lm):
    model, tokenizer = lm
    d = next_token.next_tokens(model, tokenizer, next_token.encode_prompt(tokenizer, "Ala ma", 32).ids,
                               temperature=0.7, top_k=3, top_p=1.0, shown=4)
    assert next_token.as_rows(d) == [
        {"rank": rank, "token": d.tokens[rank - 1], "id": d.ids[rank - 1], "probability": round(d.raw[rank - 1], 6),
         "probability_after_sampling": round(d.sampling[rank - 1], 6)} for rank in range(1, 5)]
    assert any(round(p, 6) != round(p, 7) for p in d.raw + d.sampling if p > 0)  # the rounding shows
