"""Speed of "a voice is 512 numbers" on this machine: prints numbers, asserts nothing.

The real checkpoints cannot be downloaded here, so the networks timed have random weights and the
sizes of the released ones (their parameter counts are printed): SpeechT5ForTextToSpeech of
``SpeechT5Config``'s defaults, which are microsoft/speecht5_tts's sizes (768 wide, 12 encoder and
6 decoder layers, 80 mel bins, a 512-number speaker embedding), with the checkpoint's 1876 speech
and 600 text positions; ``SpeechT5HifiGan`` of its config's defaults (microsoft/speecht5_hifigan's);
and the x-vector of speechbrain/spkrec-xvect-voxceleb's hyperparams.yaml (24 mel bins, TDNN channels
512, 512, 512, 512, 1500, a 512-number embedding, a classifier over 7 205 speakers). Each is saved
to a temporary folder and loaded through the tab's own loaders.

Random weights never make SpeechT5's stop head fire at the right moment, so a forward hook on it
says "stop" after as many decoder steps as the sentence needs when read aloud (about 14 characters a
second, 2 mel frames of 16 ms per step): the speed depends on the steps decoded, not on the weights.

    python benchmarks/bench_speech_voice.py [threads]
"""

import io
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from shared import demos, i18n, models
from shared.mnist_training import count_parameters
from shared.texts import read_texts
from speech import voice

SENTENCE = "A voice is a point among numbers we can mix."  # ten words
LONGEST = ("A voice is five hundred and twelve numbers. Two voices are two points, and the way between them is a "
           "line of voices nobody ever had. Listen to how the sound moves from one speaker to the other one.")
CHARACTERS_PER_SECOND = 14  # read English, spaces and punctuation included
REPEATS = 3

XVECTOR = """\
n_mels: 24
pretrained_path: speechbrain/spkrec-xvect-voxceleb
out_n_neurons: 7205
compute_features: !new:speechbrain.lobes.features.Fbank
    n_mels: !ref <n_mels>
mean_var_norm: !new:speechbrain.processing.features.InputNormalization
    norm_type: sentence
    std_norm: False
embedding_model: !new:speechbrain.lobes.models.Xvector.Xvector
    in_channels: !ref <n_mels>
    activation: !name:torch.nn.LeakyReLU
    tdnn_blocks: 5
    tdnn_channels: [512, 512, 512, 512, 1500]
    tdnn_kernel_sizes: [5, 3, 3, 1, 1]
    tdnn_dilations: [1, 2, 3, 1, 1]
    lin_neurons: 512
classifier: !new:speechbrain.lobes.models.Xvector.Classifier
    input_shape: [null, null, 512]
    activation: !name:torch.nn.LeakyReLU
    lin_blocks: 1
    lin_neurons: 512
    out_neurons: !ref <out_n_neurons>
mean_var_norm_emb: !new:speechbrain.processing.features.InputNormalization
    norm_type: global
    std_norm: False
modules:
    compute_features: !ref <compute_features>
    mean_var_norm: !ref <mean_var_norm>
    embedding_model: !ref <embedding_model>
    mean_var_norm_emb: !ref <mean_var_norm_emb>
    classifier: !ref <classifier>
label_encoder: !new:speechbrain.dataio.encoder.CategoricalEncoder
pretrainer: !new:speechbrain.utils.parameter_transfer.Pretrainer
    loadables:
        embedding_model: !ref <embedding_model>
        mean_var_norm_emb: !ref <mean_var_norm_emb>
        classifier: !ref <classifier>
        label_encoder: !ref <label_encoder>
    paths:
        embedding_model: !ref <pretrained_path>/embedding_model.ckpt
        mean_var_norm_emb: !ref <pretrained_path>/mean_var_norm_emb.ckpt
        classifier: !ref <pretrained_path>/classifier.ckpt
        label_encoder: !ref <pretrained_path>/label_encoder.txt
"""


def save_speecht5(folder: Path) -> int:
    """SpeechT5 of the released sizes, random weights, and a character tokenizer of English text."""
    import sentencepiece as spm
    from transformers import (
        SpeechT5Config,
        SpeechT5FeatureExtractor,
        SpeechT5ForTextToSpeech,
        SpeechT5Processor,
        SpeechT5Tokenizer,
    )

    folder.mkdir(parents=True)
    characters = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([SENTENCE, LONGEST, "The quick brown fox jumps over the lazy dog! Zebras vex jolly?"]),
        model_writer=characters, model_type="char", vocab_size=60, character_coverage=1.0, hard_vocab_limit=False,
        bos_id=0, pad_id=1, eos_id=2, unk_id=3, bos_piece="<s>", pad_piece="<pad>", eos_piece="</s>",
        unk_piece="<unk>", minloglevel=2)
    (folder / "spm_char.model").write_bytes(characters.getvalue())
    tokenizer = SpeechT5Tokenizer(str(folder / "spm_char.model"))
    torch.manual_seed(0)
    model = SpeechT5ForTextToSpeech(SpeechT5Config(max_speech_positions=1876, max_text_positions=600)).eval()
    model.save_pretrained(folder)
    SpeechT5Processor(feature_extractor=SpeechT5FeatureExtractor(), tokenizer=tokenizer).save_pretrained(folder)
    return count_parameters(model)


def save_hifigan(folder: Path) -> int:
    from transformers import SpeechT5HifiGan, SpeechT5HifiGanConfig

    torch.manual_seed(0)
    vocoder = SpeechT5HifiGan(SpeechT5HifiGanConfig()).eval()
    vocoder.save_pretrained(folder)
    return count_parameters(vocoder)


def save_xvector(folder: Path) -> int:
    from hyperpyyaml import load_hyperpyyaml
    from speechbrain.utils.checkpoints import torch_save

    folder.mkdir(parents=True)
    (folder / "hyperparams.yaml").write_text(XVECTOR, encoding="utf-8")
    torch.manual_seed(0)
    hparams = load_hyperpyyaml(XVECTOR)
    torch_save(hparams["embedding_model"], folder / "embedding_model.ckpt")
    torch_save(hparams["classifier"], folder / "classifier.ckpt")
    normaliser = hparams["mean_var_norm_emb"].train()
    normaliser(torch.randn(4, 1, 512), torch.ones(4))
    normaliser._save(folder / "mean_var_norm_emb.ckpt")
    hparams["label_encoder"].update_from_iterable([f"id{10001 + k}" for k in range(7205)])
    hparams["label_encoder"].save(folder / "label_encoder.txt")
    return count_parameters(hparams["embedding_model"])


class ReadAloudPace:
    """A forward hook on SpeechT5's stop head: "go on" until ``steps`` decoder steps, then "stop"."""

    def __init__(self, model):
        self.steps, self.taken = 0, 0
        model.speech_decoder_postnet.prob_out.register_forward_hook(self)

    def expect(self, text: str, reduction_factor: int) -> None:
        frames = len(text) / CHARACTERS_PER_SECOND * voice.RATE / 256
        self.steps, self.taken = max(1, round(frames / reduction_factor)), 0

    def __call__(self, module, args, output):
        self.taken += 1
        return torch.full_like(output, 10.0 if self.taken >= self.steps else -10.0)


def speech_like(seconds: float, seed: int = 0) -> np.ndarray:
    t = np.arange(int(seconds * voice.RATE)) / voice.RATE
    rng = np.random.default_rng(seed)
    return (0.3 * np.sin(2 * np.pi * 140 * t) * (1 + np.sin(2 * np.pi * 4 * t)) + 0.01 * rng.normal(size=t.size)
            ).astype(np.float32)


def timed(repeats: int, fn, *args, **kwargs):
    took, result = [], None
    for _ in range(repeats):
        began = time.perf_counter()
        result = fn(*args, **kwargs)
        took.append(time.perf_counter() - began)
    return statistics.median(took), took, result


def point_to(key: str, folder: Path) -> None:
    os.environ[models.registry()[key].env_var] = str(folder)
    models.release(key)


def register_texts() -> None:
    """The tab's words: the controls check what they are given by name."""
    i18n.register(read_texts(demos.describe("speech").texts_path, prefix="speech"))


def main() -> None:
    register_texts()
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    torch.set_num_threads(threads)
    print(f"torch threads: {torch.get_num_threads()}, device: {voice.pick_device()}")
    with tempfile.TemporaryDirectory() as root:
        sizes = {"SpeechT5 (speecht5_tts sizes)": save_speecht5(Path(root) / "speecht5"),
                 "HiFi-GAN (speecht5_hifigan sizes)": save_hifigan(Path(root) / "hifigan"),
                 "x-vector (spkrec-xvect-voxceleb sizes)": save_xvector(Path(root) / "xvector")}
        for name, parameters in sizes.items():
            print(f"{name}, random weights: {parameters / 1e6:.1f} M parameters")
        point_to(voice.TALKER_KEY, Path(root) / "speecht5")
        point_to(voice.VOCODER_KEY, Path(root) / "hifigan")
        point_to(voice.EMBEDDER_KEY, Path(root) / "xvector")
        began = time.perf_counter()
        talker = voice.load_talker()
        embedder = voice.load_embedder()
        print(f"loaded all three in {time.perf_counter() - began:.1f} s")

        clip = speech_like(3.0)
        voice.xvector(embedder, speech_like(1.0))  # warm up
        seconds, took, embedding = timed(5, voice.xvector, embedder, clip)
        print(f"xvector() of 3 s: {seconds * 1000:.0f} ms (median of 5: "
              f"{', '.join(f'{t * 1000:.0f}' for t in took)} ms), {embedding.size} numbers, "
              f"length {np.linalg.norm(embedding):.3f}")

        pace = ReadAloudPace(talker.model)
        rf = talker.model.config.reduction_factor
        pace.expect("Hello.", rf)
        voice.speak(talker, "Hello.", embedding)  # warm up
        for label, text in (("10-word sentence", SENTENCE), ("longest text", LONGEST)):
            def run(text=text):
                pace.expect(text, rf)
                return voice.speak(talker, text, embedding, seed=0)

            seconds, took, speech = timed(REPEATS, run)
            print(f"speak() {label} ({len(text)} characters, {pace.steps} decoder steps, {speech.mel.shape[0]} mel "
                  f"frames): {seconds:.2f} s (median of {REPEATS}: {', '.join(f'{t:.2f}' for t in took)}) for "
                  f"{speech.duration_s:.2f} s of audio: real-time factor {seconds / speech.duration_s:.2f}")
        # the vocoder alone, on the last mel
        with torch.inference_mode():
            vocode, _, _ = timed(REPEATS, talker.vocoder, torch.from_numpy(speech.mel))
        print(f"  of which HiFi-GAN alone: {vocode:.2f} s")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
