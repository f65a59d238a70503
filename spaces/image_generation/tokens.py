"""The prompt as the CLIP text encoder sees it: sub-word tokens, at most 77 with the start and end marks."""

from __future__ import annotations

from dataclasses import dataclass

KEPT, CUT, SPECIAL = "kept", "cut", "special"


@dataclass
class TokenView:
    tokens: list[tuple[str, str]]  # (token text, KEPT / CUT / SPECIAL)
    used: int  # prompt tokens the encoder reads
    limit: int  # prompt tokens it can read (77 minus the start and end marks)
    cut_words: str  # the text that falls beyond the limit ("" when nothing does)


def token_view(tokenizer, prompt: str) -> TokenView:
    """Split ``prompt`` as the pipeline does and mark which tokens fall beyond the limit."""
    capacity = tokenizer.model_max_length  # 77 for CLIP
    ids = tokenizer(prompt, truncation=False, add_special_tokens=False).input_ids
    limit = capacity - 2
    pieces = tokenizer.convert_ids_to_tokens(ids)
    tokens = [(tokenizer.bos_token, SPECIAL)]
    tokens += [(_readable(p), KEPT if n < limit else CUT) for n, p in enumerate(pieces)]
    # The end mark goes where the encoder's input ends: after the last token that fits.
    tokens.insert(1 + min(len(pieces), limit), (tokenizer.eos_token, SPECIAL))
    cut_words = tokenizer.decode(ids[limit:]).strip() if len(ids) > limit else ""
    return TokenView(tokens=tokens, used=min(len(ids), limit), limit=limit, cut_words=cut_words)


def _readable(piece: str) -> str:
    # CLIP marks the end of a word with "</w>": show it as a space so the pieces read as text.
    return piece.replace("</w>", " ")
