"""Tiny stand-ins of the models behind "a voice is 512 numbers", of the real classes with random
weights, laid out as ``microsoft/speecht5_tts``, ``microsoft/speecht5_hifigan`` and
``speechbrain/spkrec-xvect-voxceleb`` are. Nothing needs the network.

- SpeechT5: ``SpeechT5ForTextToSpeech`` of width 16 (one encoder and one decoder layer, 16 mel
  bins) that still reads a 512-number speaker embedding, saved with a ``SpeechT5Processor``: a
  ``SpeechT5FeatureExtractor`` and a ``SpeechT5Tokenizer`` over a character-level sentencepiece
  model trained here on a few English sentences, with the real one's special ids (<s> 0, <pad> 1,
  </s> 2, <unk> 3) and its two added tokens. The stop head's bias is pushed down, so that random
  weights never say "stop" and every run lasts the library's longest (``maxlenratio``); the
  decoder holds ``MAX_SPEECH_POSITIONS`` steps and the encoder ``MAX_TEXT_POSITIONS`` tokens, few
  enough for a test to reach both ends.
- HiFi-GAN: ``SpeechT5HifiGan`` reading those 16 mel bins, two upsampling layers of 4 (a hop of 16).
- x-vector: speechbrain's ``Xvector`` with small TDNN channels but a 512-number embedding, its
  ``hyperparams.yaml`` shaped like the real checkpoint's (Fbank of 24 mels, sentence mean
  normalisation, the x-vector, a classifier over 7 speakers, global normalisation of the
  embeddings, a ``Pretrainer`` whose paths start with ``pretrained_path``), and the files
  speechbrain's own save hooks write: ``embedding_model.ckpt``, ``mean_var_norm_emb.ckpt``,
  ``classifier.ckpt`` and ``label_encoder.txt``.
"""

from __future__ import annotations

import io
from pathlib import Path

import torch

SENTENCES = [
    "Hello, my dog is cute.",
    "The quick brown fox jumps over the lazy dog!",
    "A voice is five hundred and twelve numbers?",
    "Speech synthesis turns text into sound; we listen.",
    "Zebras vex jolly quick wizards",
]
MEL_BINS = 16
EMBEDDING = 512  # the speaker embedding, as in SpeechT5 and the x-vector
MAX_SPEECH_POSITIONS = 256  # decoder steps the tiny model can hold (1876 in speecht5_tts)
MAX_TEXT_POSITIONS = 100  # text tokens the tiny encoder can hold (600 in speecht5_tts)
SPEAKERS = ("id10001", "id10002", "id10003", "id10004", "id10005", "id10006", "id10007")

HYPERPARAMS = """\
# The layout of speechbrain/spkrec-xvect-voxceleb's hyperparams.yaml, with small TDNN channels.
n_mels: 24
pretrained_path: speechbrain/spkrec-xvect-voxceleb
out_n_neurons: {speakers}

compute_features: !new:speechbrain.lobes.features.Fbank
    n_mels: !ref <n_mels>

mean_var_norm: !new:speechbrain.processing.features.InputNormalization
    norm_type: sentence
    std_norm: False

embedding_model: !new:speechbrain.lobes.models.Xvector.Xvector
    in_channels: !ref <n_mels>
    activation: !name:torch.nn.LeakyReLU
    tdnn_blocks: 5
    tdnn_channels: [8, 8, 8, 8, 24]
    tdnn_kernel_sizes: [5, 3, 3, 1, 1]
    tdnn_dilations: [1, 2, 3, 1, 1]
    lin_neurons: {embedding}

classifier: !new:speechbrain.lobes.models.Xvector.Classifier
    input_shape: [null, null, {embedding}]
    activation: !name:torch.nn.LeakyReLU
    lin_blocks: 1
    lin_neurons: 16
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


def train_characters(folder: Path) -> Path:
    """A character-level sentencepiece model of SENTENCES, with SpeechT5's special ids."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(SENTENCES), model_writer=model, model_type="char", vocab_size=40,
        character_coverage=1.0, hard_vocab_limit=False, bos_id=0, pad_id=1, eos_id=2, unk_id=3,
        bos_piece="<s>", pad_piece="<pad>", eos_piece="</s>", unk_piece="<unk>", minloglevel=2)
    path = folder / "spm_char.model"
    path.write_bytes(model.getvalue())
    return path


def build_speecht5_folder(folder: Path) -> Path:
    """Build the tiny SpeechT5 text-to-speech model and its processor (seeded) in ``folder``."""
    from transformers import (
        SpeechT5Config,
        SpeechT5FeatureExtractor,
        SpeechT5ForTextToSpeech,
        SpeechT5Processor,
        SpeechT5Tokenizer,
    )

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    tokenizer = SpeechT5Tokenizer(str(train_characters(folder)))
    tokenizer.add_special_tokens({"additional_special_tokens": ["<mask>", "<ctc_blank>"]})  # as the real one
    config = SpeechT5Config(
        vocab_size=len(tokenizer), hidden_size=16, encoder_layers=1, decoder_layers=1, encoder_attention_heads=2,
        decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32, num_mel_bins=MEL_BINS,
        speech_decoder_prenet_units=16, speech_decoder_postnet_layers=2, speech_decoder_postnet_units=16,
        speaker_embedding_dim=EMBEDDING, max_speech_positions=MAX_SPEECH_POSITIONS,
        max_text_positions=MAX_TEXT_POSITIONS, initializer_range=0.5)
    model = SpeechT5ForTextToSpeech(config).eval()
    with torch.no_grad():
        model.speech_decoder_postnet.prob_out.bias.fill_(-8.0)  # never "stop": every run is the longest
    model.save_pretrained(folder)
    extractor = SpeechT5FeatureExtractor(num_mel_bins=MEL_BINS)
    SpeechT5Processor(feature_extractor=extractor, tokenizer=tokenizer).save_pretrained(folder)
    return folder


def build_hifigan_folder(folder: Path) -> Path:
    """Build the tiny HiFi-GAN vocoder (seeded) in ``folder``: MEL_BINS in, a hop of 16 samples."""
    from transformers import SpeechT5HifiGan, SpeechT5HifiGanConfig

    torch.manual_seed(1)
    config = SpeechT5HifiGanConfig(model_in_dim=MEL_BINS, upsample_initial_channel=16, upsample_rates=[4, 4],
                                   upsample_kernel_sizes=[8, 8], resblock_kernel_sizes=[3],
                                   resblock_dilation_sizes=[[1, 3]], initializer_range=0.5)
    SpeechT5HifiGan(config).eval().save_pretrained(folder)
    return folder


def build_xvector_folder(folder: Path) -> Path:
    """Build the tiny speechbrain x-vector model (seeded) in ``folder``, saved by speechbrain's own hooks."""
    from hyperpyyaml import load_hyperpyyaml
    from speechbrain.utils.checkpoints import torch_save

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(2)
    text = HYPERPARAMS.format(speakers=len(SPEAKERS), embedding=EMBEDDING)
    (folder / "hyperparams.yaml").write_text(text, encoding="utf-8")
    hparams = load_hyperpyyaml(text)
    torch_save(hparams["embedding_model"], folder / "embedding_model.ckpt")
    torch_save(hparams["classifier"], folder / "classifier.ckpt")
    # global statistics of some embeddings, as training leaves them (the normaliser updates in train mode)
    normaliser = hparams["mean_var_norm_emb"].train()
    normaliser(torch.randn(4, 1, EMBEDDING), torch.ones(4))
    normaliser._save(folder / "mean_var_norm_emb.ckpt")
    encoder = hparams["label_encoder"]
    encoder.update_from_iterable(SPEAKERS)
    encoder.save(folder / "label_encoder.txt")
    return folder
