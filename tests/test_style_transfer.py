"""Style transfer: the pixels move until content and Gram matrices match, inside a frozen VGG-19.

VGG-19's features with random weights (torchvision's architecture), saved as safetensors and
loaded through the production loader via LAB_MODEL_STYLE_TRANSFER; small pictures.
"""

from __future__ import annotations

import os

import gradio as gr
import numpy as np
import pytest
import torch
from conftest import local_models, register_texts
from gradio_client import Client, handle_file
from PIL import Image
from tiny_models import save_random_vgg_features

import style_transfer
from shared import models
from style_transfer import pictures
from style_transfer.layers import CONTENT_LAYER, STYLE_LAYERS
from style_transfer.transfer import gram_heatmaps, gram_matrices, transfer_progress
from style_transfer.transfer import style_transfer as optimise
from style_transfer.vgg import FeatureExtractor, build_features, gram_matrix, load_features

register_texts("style_transfer")
EXAMPLES = os.path.join(os.path.dirname(style_transfer.__file__), "examples")
CONTENT = os.path.join(EXAMPLES, "content_chelsea.jpg")
STYLE = os.path.join(EXAMPLES, "style_van_gogh_starry_night.jpg")


@pytest.fixture(scope="module")
def vgg_dir(tmp_path_factory):
    """Random VGG-19 features saved like a local override (only the features.* tensors)."""
    folder = save_random_vgg_features(tmp_path_factory.mktemp("vgg19"))
    with local_models(style_transfer=folder):
        yield folder


@pytest.fixture(scope="module")
def features(vgg_dir):
    return models.load("style_transfer", load_features)


def small(path, side=48):
    return pictures.fit(Image.open(path), side)


def test_the_local_file_loads_through_the_production_loader(vgg_dir, features):
    from safetensors.torch import load_file

    saved = load_file(str(vgg_dir / "model.safetensors"))
    assert torch.equal(features[0].weight, saved["features.0.weight"])
    assert not any(p.requires_grad for p in features.parameters())
    assert "loaded" in models.status_markdown("style_transfer")
    with pytest.raises(models.ModelUnavailable, match="The server log has the details"):
        models.load("style_transfer", load_features, ident="GoogLeNet_Weights.IMAGENET1K_V1")
    models.release("style_transfer")
    assert models.load("style_transfer", load_features) is not features  # reloads from the same file


def test_gram_matrix_keeps_what_fires_together_and_forgets_where():
    torch.manual_seed(0)
    activations = torch.rand(1, 8, 6, 5)
    gram = gram_matrix(activations)
    assert gram.shape == (8, 8) and torch.allclose(gram, gram.T)
    shuffled = activations.reshape(1, 8, 30)[:, :, torch.randperm(30)].reshape(1, 8, 6, 5)
    assert torch.allclose(gram_matrix(shuffled), gram, atol=1e-6)  # positions do not matter
    bigger = torch.cat([activations, activations], dim=3)  # the same texture over twice the area
    assert torch.allclose(gram_matrix(bigger), gram, atol=1e-6)


def test_the_losses_really_fall_and_the_style_gram_gets_closer(features):
    content, style = small(CONTENT), small(STYLE)
    steps = list(optimise(features, content, style, content_weight=1.0, style_weight=1e6, passes=12, chunk=4))
    passes = [s.passes for s in steps]
    assert passes == sorted(set(passes)) and 12 <= passes[-1] <= 15 and len(steps) in (3, 4)
    final = steps[-1]
    total = np.array(final.content_losses) + np.array(final.style_losses)
    assert final.style_losses[-1] < 0.9 * final.style_losses[0]
    assert len(final.style_losses) == final.passes + 1  # every pass, then the finished picture
    assert total[-1] < total[0]
    assert final.content_losses[0] == pytest.approx(0.0, abs=1e-9)  # it starts as the content photo
    assert final.image.shape == content.shape and 0 <= final.image.min() and final.image.max() <= 1
    grams = gram_matrices(features, {"content": content, "style": style, "result": final.image}, "conv2_1")
    assert np.abs(grams["result"] - grams["style"]).mean() < np.abs(grams["content"] - grams["style"]).mean()


def test_weights_change_the_result(features):
    content, style = small(CONTENT, 40), small(STYLE, 40)

    def run(**kwargs):
        return list(optimise(features, content, style, passes=6, chunk=6, **kwargs))[-1].image

    styled = run(style_weight=1e6)
    no_style = run(style_weight=0.0)
    only_deep = run(style_weight=1e6, layer_weights=(0, 0, 0, 1, 1))
    assert np.abs(no_style - content).mean() < 0.5 * np.abs(styled - content).mean()
    assert np.abs(only_deep - styled).mean() > 0.005


def test_the_run_is_followed_chunk_by_chunk_with_the_gram_heatmaps_at_the_end(features):
    content, style = small(CONTENT, 40), small(STYLE, 40)
    followed = list(transfer_progress(features, content, style, passes=16, gram_layer="conv3_1"))
    plain = list(optimise(features, content, style, passes=16, chunk=2))  # 16 passes in 8 chunks (FILMSTRIP_FRAMES)
    assert [s.step.passes for s in followed] == [s.passes for s in plain]
    assert [s.step.finished for s in followed] == [False] * (len(followed) - 1) + [True]
    assert [len(s.filmstrip) for s in followed] == list(range(1, len(followed) + 1))
    assert [passes for _, passes in followed[-1].filmstrip] == [s.passes for s in plain]
    final = followed[-1]
    assert np.array_equal(final.picture, np.round(plain[-1].image * 255).astype(np.uint8))
    assert final.filmstrip[-1][0] is final.picture
    assert all(s.heatmaps is None for s in followed[:-1])
    expected = gram_heatmaps(features, {"content": content, "style": style, "result": plain[-1].image}, "conv3_1")
    assert set(final.heatmaps) == {"content", "style", "result"}
    assert all(np.array_equal(final.heatmaps[name], expected[name]) for name in expected)
    assert final.device == "cpu" and final.seconds > 0


def test_stop_ends_the_run_before_its_next_chunk(features):
    import threading

    stop = threading.Event()
    passes = []
    for state in transfer_progress(features, small(CONTENT, 32), small(STYLE, 32), passes=40, stop=stop):
        passes.append(state.step.passes)
        stop.set()
    assert len(passes) == 1 and passes[0] < 40


def test_the_stop_button_s_signal_reaches_the_running_transfer(features):
    """The tab's own path: the event, the run on the device and its StopSignals, for the visitor's session."""
    from style_transfer import ui

    run = ui.style_transfer({"path": CONTENT}, {"path": STYLE}, 1.0, 1e6, 1, 1, 1, 1, 1, 40, 64, "conv1_1")
    first = next(run)  # after the first chunk of passes
    assert first[4].startswith("Optimising…") and first[4].endswith("of 40 passes.")
    assert first[5:] == (gr.skip(),) * 4  # the Gram heatmaps and the state come with the result only
    assert ui.STOP.stop("")  # what style_transfer_stop does for this session
    assert list(run) == []  # no further chunk, no result


def test_pictures_are_resized_and_converted():
    rgba = Image.new("RGBA", (300, 150), (255, 0, 0, 128))
    assert pictures.fit(rgba, 64).shape == (32, 64, 3)
    assert pictures.fit(rgba.convert("P"), 64).shape == (32, 64, 3)
    assert pictures.fit(Image.new("I;16", (10, 40)), 64).shape == (64, 16, 3)
    heat = pictures.gram_pictures({"a": np.eye(128), "b": 2 * np.eye(128)})
    assert heat["a"].shape == (256, 256, 3)  # the first 64 channels, 4× enlarged
    assert heat["a"].max() < heat["b"].max()  # one colour scale for all
    with pytest.raises(ValueError):
        FeatureExtractor(build_features(), ("conv9_9",))
    assert CONTENT_LAYER not in STYLE_LAYERS


# ------------------------------------------------------------------ through the running app

@pytest.fixture(scope="module")
def client(serve_app, features):
    return Client(serve_app(["style_transfer"]), verbose=False)


def transfer(client, content=CONTENT, style=STYLE, **overrides):
    args = dict(content=handle_file(str(content)) if content else None,
                style=handle_file(str(style)) if style else None,
                content_weight=1.0, style_weight=1e6, w1=1, w2=1, w3=1, w4=1, w5=1, passes=4, side=64,
                gram_layer="conv1_1")
    args.update(overrides)
    return client.predict(*args.values(), api_name="/style_transfer")


def test_style_transfer_endpoint(client):
    result, strip, content_curve, style_curve, text, gram_c, gram_s, gram_r = transfer(client)
    assert Image.open(result).size == (64, 43)
    assert len(strip) >= 3 and strip[0]["caption"] == "content" and "passes" in strip[-1]["caption"]
    assert "passes in" in text and "style loss" in text
    assert all(Image.open(p).size == (256, 256) for p in (gram_c, gram_s, gram_r))


def test_style_transfer_caps_the_size_without_a_gpu(client):
    result = transfer(client, passes=1, side=1024)[0]
    assert max(Image.open(result).size) == 384


def test_odd_but_valid_pictures_work(client, tmp_path):
    base = Image.open(CONTENT).resize((80, 48))
    base.convert("RGBA").save(tmp_path / "rgba.png")
    base.convert("P").save(tmp_path / "palette.png")
    exif = Image.Exif()
    exif[0x0112] = 8  # rotate 90° counter-clockwise to display
    base.save(tmp_path / "rotated.jpg", exif=exif.tobytes())
    assert Image.open(transfer(client, content=tmp_path / "rgba.png", style=tmp_path / "palette.png",
                               passes=1)[0]).size == (64, 38)
    assert Image.open(transfer(client, content=tmp_path / "rotated.jpg", passes=1)[0]).size == (38, 64)


def test_bad_input_gets_clear_messages(client, serve_app, tmp_path, declared_huge_png):
    Image.new("RGB", (1, 1)).save(tmp_path / "dot.png")
    (tmp_path / "notes.png").write_text("<svg onload=alert(1)></svg>")
    cases = [
        (dict(content=tmp_path / "dot.png"), "too small"),
        (dict(style=tmp_path / "notes.png"), "not an image"),
        (dict(content=declared_huge_png), "too large"),
        (dict(style=None), "choose a style painting"),
        (dict(content=None), "choose a content photo"),
        (dict(passes=0), "between 1 and 500"),
        (dict(side=32), "between 64 and 1024"),  # the slider's range, not a wider one
        (dict(style_weight=-1), "between 0 and"),
        (dict(w3=2), "conv3_1"),
        (dict(content_weight=0, style_weight=0), "Both weights are zero"),
        (dict(gram_layer="fc7"), "must be one of"),
        (dict(side="big"), "must be a number"),
    ]
    for overrides, expected in cases:
        with pytest.raises(Exception) as caught:
            transfer(client, **overrides)
        assert expected in str(caught.value) and "Traceback" not in str(caught.value), overrides
    polish = Client(serve_app(["style_transfer"]), headers={"Accept-Language": "pl"}, verbose=False)
    with pytest.raises(Exception, match="Najpierw wybierz obraz ze stylem"):
        transfer(polish, style=None)


# --- against an independent formula -----------------------------------------------------------------------------

# Where each layer of the paper sits in torchvision's VGG-19 ``features`` (configuration "E"): the ReLU
# after that convolution.
VGG19_INDEX = {"conv1_1": 1, "conv2_1": 6, "conv3_1": 11, "conv4_1": 20, "conv4_2": 22, "conv5_1": 29}


def reference_activations(features, image):
    """ImageNet-normalised picture through ``features`` module by module, the layers picked by index."""
    x = torch.as_tensor(image).permute(2, 0, 1)[None]
    mean, std = torch.tensor([0.485, 0.456, 0.406]), torch.tensor([0.229, 0.224, 0.225])
    x = (x - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)
    found = {}
    with torch.no_grad():
        for index, module in enumerate(features[:max(VGG19_INDEX.values()) + 1]):
            x = module(x)
            found.update({name: x[0] for name, i in VGG19_INDEX.items() if i == index})
    return found


def reference_gram(activation):
    """(C, H, W) → (C, C): the channels' products summed over positions, over C·H·W."""
    channels, height, width = activation.shape
    return torch.einsum("chw,dhw->cd", activation, activation) / (channels * height * width)


def test_gram_matrices_shown_equal_einsum_on_the_vgg_activations(features):
    content = small(CONTENT, 40)
    expected = reference_activations(features, content)
    for layer in STYLE_LAYERS:
        shown = gram_matrices(features, {"content": content}, layer)["content"]
        reference = reference_gram(expected[layer]).numpy()
        assert np.abs(reference).max() > 0
        np.testing.assert_allclose(shown, reference, rtol=1e-4, atol=1e-6 * np.abs(reference).max(), err_msg=layer)


def test_the_losses_recorded_equal_the_formula_of_the_paper(features):
    content, style = small(CONTENT, 40), small(STYLE, 40)
    content_weight, style_weight, layer_weights = 2.0, 1e4, (1.0, 0.5, 0.0, 2.0, 1.0)
    final = list(optimise(features, content, style, content_weight=content_weight, style_weight=style_weight,
                          layer_weights=layer_weights, passes=3, chunk=3))[-1]
    targets, styles = reference_activations(features, content), reference_activations(features, style)

    def losses(image):
        outputs = reference_activations(features, image)
        content_loss = content_weight * ((outputs[CONTENT_LAYER] - targets[CONTENT_LAYER]) ** 2).mean()
        style_loss = style_weight * sum(
            w * ((reference_gram(outputs[layer]) - reference_gram(styles[layer])) ** 2).mean()
            for layer, w in zip(STYLE_LAYERS, layer_weights, strict=True))
        return float(content_loss), float(style_loss)

    start, end = losses(content), losses(final.image)  # the first pass is the content photo, the last the result
    assert end[0] > 0 and start[1] > 0 and end != start
    assert (final.content_losses[0], final.style_losses[0]) == pytest.approx(start, rel=1e-4, abs=1e-9)
    assert (final.content_losses[-1], final.style_losses[-1]) == pytest.approx(end, rel=1e-4)


# --- the optimisation loop against torch.optim.LBFGS driven directly ------------------------------------------

def reference_run(features, content, style, content_weight, style_weight, layer_weights, passes, chunk):
    """The run as the paper and the module's docstring describe it, written out with torch's L-BFGS
    (learning rate 1, history 50, strong Wolfe line search) in chunks of at most ``chunk`` passes
    (max_iter = max_eval = the passes still to do), the pixels clamped to [0, 1] before every pass,
    stopping early when a chunk uses fewer passes than it was given. The losses use the module's
    FeatureExtractor and gram_matrix, which the tests above check against the paper's formula.
    Returns (content loss, style loss) of every pass, the passes done after each chunk, the picture."""
    extractor = FeatureExtractor(features, STYLE_LAYERS + (CONTENT_LAYER,))

    def tensor(image):
        return torch.tensor(image, dtype=torch.float32).permute(2, 0, 1)[None].contiguous()

    weights = dict(zip(STYLE_LAYERS, layer_weights, strict=True))
    with torch.no_grad():
        content_target = extractor(tensor(content))[CONTENT_LAYER]
        style_outputs = extractor(tensor(style))
        style_grams = {layer: gram_matrix(style_outputs[layer]) for layer in STYLE_LAYERS if weights[layer] > 0}
    pixels = tensor(content).requires_grad_(True)
    optimizer = torch.optim.LBFGS([pixels], lr=1.0, history_size=50, line_search_fn="strong_wolfe")
    curve, ends = [], []

    def closure():
        with torch.no_grad():
            pixels.clamp_(0.0, 1.0)
        optimizer.zero_grad()
        outputs = extractor(pixels)
        content_loss = content_weight * ((outputs[CONTENT_LAYER] - content_target) ** 2).mean()
        style_loss = style_weight * sum(weights[layer] * ((gram_matrix(outputs[layer]) - gram) ** 2).mean()
                                        for layer, gram in style_grams.items())
        (content_loss + style_loss).backward()
        curve.append((content_loss.item(), style_loss.item()))
        return content_loss + style_loss

    while len(curve) < passes:
        asked, before = min(chunk, passes - len(curve)), len(curve)
        optimizer.param_groups[0].update(max_iter=asked, max_eval=asked)
        optimizer.step(closure)
        ends.append(len(curve))
        if len(curve) - before < asked:
            break
    return curve, ends, pixels.detach()[0].clamp(0.0, 1.0).permute(1, 2, 0).numpy()


@pytest.mark.parametrize("passes", [9, 10])  # 9: the last chunk ends on the passes asked; 10: a short last chunk
def test_the_run_is_torchs_lbfgs_in_chunks(features, passes):
    content, style = small(CONTENT, 32), small(STYLE, 32)
    settings = dict(content_weight=2.0, style_weight=1e5, layer_weights=(1.0, 0.5, 0.0, 2.0, 1.0))
    steps = list(optimise(features, content, style, passes=passes, chunk=4, **settings))
    curve, ends, picture = reference_run(features, content, style, *settings.values(), passes=passes, chunk=4)
    assert [step.passes for step in steps] == ends and ends[-1] >= passes
    assert [step.finished for step in steps] == [False] * (len(steps) - 1) + [True]
    # each snapshot keeps the curves as they were when it was taken: one loss per pass so far
    assert [len(step.content_losses) for step in steps[:-1]] == [len(step.style_losses) for step in steps[:-1]] \
        == [step.passes for step in steps[:-1]]
    final = steps[-1]
    assert len(final.content_losses) == len(final.style_losses) == final.passes + 1
    recorded = list(zip(final.content_losses, final.style_losses, strict=True))
    np.testing.assert_allclose(recorded[:-1], curve, rtol=1e-5)  # the last: the finished picture's
    np.testing.assert_allclose(final.image, picture, atol=1e-6)
    assert not final.diverged


def test_vgg_only_ever_sees_a_real_picture(features):
    """The pixels are clamped to [0, 1] before every pass (L-BFGS knows nothing of pixel limits), and
    the result is a [0, 1] picture, even when the style pushes hard on black and white."""
    content = np.zeros((32, 32, 3), dtype=np.float32)
    content[:, 16:] = 1.0
    seen = []
    hook = features[0].register_forward_pre_hook(lambda module, args: seen.append(args[0].detach().clone()))
    try:
        final = list(optimise(features, content, small(STYLE, 32), style_weight=1e9, passes=8, chunk=4))[-1]
    finally:
        hook.remove()
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)
    pictures_seen = [x * std + mean for x in seen]  # undo the ImageNet normalisation
    assert len(pictures_seen) >= final.passes + 3  # content and style targets, every pass, the result
    assert all(-1e-5 <= float(p.min()) and float(p.max()) <= 1 + 1e-5 for p in pictures_seen)
    assert 0.0 <= final.image.min() and final.image.max() <= 1.0 and np.abs(final.image - content).max() > 0.01


def test_pictures_become_float32_tensors_and_come_back_clamped():
    from style_transfer.transfer import to_image, to_tensor

    image = np.random.default_rng(0).random((5, 7, 3))  # float64
    tensor = to_tensor(image, "meta")
    assert tensor.device.type == "meta" and tensor.dtype == torch.float32 and tensor.shape == (1, 3, 5, 7)
    back = to_tensor(image, "cpu")
    assert torch.equal(back[0, 1], torch.tensor(image[:, :, 1], dtype=torch.float32))
    out_of_range = torch.tensor([[-0.5, 0.25], [1.5, 1.0]]).expand(1, 3, 2, 2)
    picture = to_image(out_of_range)
    assert picture.shape == (2, 2, 3) and picture.dtype == np.float32
    assert np.array_equal(picture[:, :, 2], [[0.0, 0.25], [1.0, 1.0]])


@pytest.mark.parametrize("layer_weights", [(1.0,) * 5, (0.0,) * 5])
def test_a_loss_that_is_not_finite_ends_the_run_with_the_last_good_picture(features, layer_weights):
    """An infinite style weight: ∞ on the style layers, or ∞·0 = NaN on none (the pixels stay finite)."""
    content = small(CONTENT, 32).astype(np.float64)
    steps = list(optimise(features, content, small(STYLE, 32), style_weight=float("inf"),
                          layer_weights=layer_weights, passes=12, chunk=4))
    assert len(steps) == 1 and steps[0].diverged is True and steps[0].finished is True
    assert not np.isfinite(steps[0].style_losses[-1]) and steps[0].passes == len(steps[0].style_losses)
    assert steps[0].image.dtype == np.float32 and np.array_equal(steps[0].image, content.astype(np.float32))


def test_a_run_that_starts_at_its_optimum_stops_after_one_pass(features):
    """No style layer: the loss is the content loss alone, zero at the content photo with a zero
    gradient, so L-BFGS stops at once, and so does the run (no chunk of empty passes after it)."""
    content = small(CONTENT, 32)
    steps = list(optimise(features, content, small(STYLE, 32), layer_weights=(0.0,) * 5, passes=12, chunk=4))
    assert [(step.passes, step.finished, step.diverged) for step in steps] == [(1, True, False)]
    assert steps[0].content_losses == steps[0].style_losses == [0.0, 0.0]
    assert np.array_equal(steps[0].image, content)


def test_a_wrong_number_of_layer_weights_is_refused(features):
    content, style = small(CONTENT, 32), small(STYLE, 32)
    for layer_weights in ((1.0,) * 4, (1.0,) * 6):
        with pytest.raises(ValueError):
            next(optimise(features, content, style, layer_weights=layer_weights, passes=2))


def test_the_defaults_are_those_the_tab_starts_with():
    """A script that leaves settings out gets what the page starts with (the CPU preset of passes)."""
    import inspect

    from shared.device import on_gpu
    from style_transfer import ui

    page = {"content_weight": ui.CONTENT_WEIGHT.default, "style_weight": ui.STYLE_WEIGHT.default,
            "layer_weights": tuple(control.default for control in ui.LAYER_WEIGHTS)}
    for function in (optimise, transfer_progress):
        defaults = {name: p.default for name, p in inspect.signature(function).parameters.items()}
        assert {name: defaults[name] for name in page} == page, function.__name__
        if not on_gpu():
            assert defaults["passes"] == ui.PASSES.default
    assert inspect.signature(transfer_progress).parameters["gram_layer"].default == ui.GRAM_LAYER.default


def test_leaving_the_weights_out_is_giving_the_tabs_defaults(features):
    from style_transfer import ui

    content, style = small(CONTENT, 32), small(STYLE, 32)
    page = dict(content_weight=ui.CONTENT_WEIGHT.default, style_weight=ui.STYLE_WEIGHT.default,
                layer_weights=tuple(control.default for control in ui.LAYER_WEIGHTS))
    left_out = list(optimise(features, content, style, passes=3, chunk=3))[-1]
    given = list(optimise(features, content, style, passes=3, chunk=3, **page))[-1]
    assert (left_out.content_losses, left_out.style_losses) == (given.content_losses, given.style_losses)
    left_out, given = (list(transfer_progress(features, content, style, passes=2, **settings))[-1]
                       for settings in ({}, {**page, "gram_layer": ui.GRAM_LAYER.default}))
    assert (left_out.step.content_losses, left_out.step.style_losses) == \
        (given.step.content_losses, given.step.style_losses)
    assert all(np.array_equal(left_out.heatmaps[name], given.heatmaps[name]) for name in given.heatmaps)


@pytest.mark.parametrize("passes, chunk", [(3, 1), (12, 2)])  # ⌈passes / 8⌉ passes a chunk, at least one
def test_the_filmstrip_has_about_eight_chunks(features, passes, chunk):
    import time

    content, style = small(CONTENT, 32), small(STYLE, 32)
    started = time.perf_counter()
    followed = list(transfer_progress(features, content, style, passes=passes))
    elapsed = time.perf_counter() - started
    plain = list(optimise(features, content, style, passes=passes, chunk=chunk))
    assert [state.step.passes for state in followed] == [step.passes for step in plain]
    assert 0 < followed[-1].seconds <= elapsed
