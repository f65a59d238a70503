"""Every text exists in Polish and English with the same placeholders, every key the code uses
exists, every key that exists is used, and no key is made up while the app runs.

Keys are found in the code itself: a string literal that looks like a key (``"mnist_cnn.answer"``,
``"shared.seed"``) is a use of it; so are the keys of the declared families and controls, the
words of the shared widgets asked for with ``widget_key(demo, "<word>")``, and every demo's
``DEMO_WORDS``.
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from shared import controls, demos, i18n
from shared.texts import DEMO_WORDS, SHARED_TEXTS, TextsError, declared_families, placeholders, read_texts

REPO = Path(__file__).resolve().parents[1]
DEMOS = demos.names()
# Where keys are made from parts on purpose: the family and widget-word mechanisms themselves.
KEY_MACHINERY = {REPO / "shared" / "texts.py", REPO / "shared" / "i18n.py"}
TEXT_FUNCTIONS = {"ui_text", "message", "LabError", "warn", "require", "Text", "has"}


def code_files() -> list[Path]:
    return sorted([*(REPO / "spaces").rglob("*.py"), *(REPO / "shared").glob("*.py"), REPO / "app.py"])


def key_pattern() -> re.Pattern:
    prefixes = sorted({"suite", "shared", "widget", *DEMOS})
    return re.compile(rf"^({'|'.join(prefixes)})\.[a-z0-9_]+(\.[a-z0-9_]+)*$")


def all_tables() -> dict[str, dict[str, str]]:
    for name in DEMOS:
        demos.register_texts(demos.describe(name))
    return i18n.tables()


def import_uis(names: list[str]) -> None:
    """The modules that declare families and controls: the app and these demos' ui."""
    import app  # noqa: F401

    for name in names:
        importlib.import_module(f"{name}.ui")


def called(node: ast.Call) -> str | None:
    """The name of the function a call calls: ``f(...)`` or ``obj.f(...)``."""
    return getattr(node.func, "id", getattr(node.func, "attr", None))


def keys_in_code(paths: list[Path] | None = None) -> tuple[dict[str, set[str]], set[str]]:
    """Literal keys by file, and the widget words asked for with ``widget_key(..., "<word>")``."""
    pattern = key_pattern()
    literals: dict[str, set[str]] = {}
    words: set[str] = set()
    for path in code_files() if paths is None else paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.match(node.value):
                literals.setdefault(node.value, set()).add(path.name)
            if (isinstance(node, ast.Call) and called(node) == "widget_key"
                    and len(node.args) == 2 and isinstance(node.args[1], ast.Constant)):
                words.add(node.args[1].value)
    return literals, words


def used_keys(demo_names: list[str] = DEMOS) -> set[str]:
    """The keys used by the code, with the families and controls of ``demo_names``' ui modules."""
    import_uis(demo_names)
    literals, words = keys_in_code()
    used = set(literals) | {f"widget.{word}" for word in words}
    for family in declared_families():
        used |= set(family.keys())
    for control in controls.declared_controls():
        used |= set(control.text_keys())
    for name in DEMOS:
        used |= {f"{name}.{word}" for word in DEMO_WORDS}
    return used


def test_every_texts_file_reads_with_both_languages_and_matching_placeholders():
    tables = all_tables()
    assert set(tables["pl"]) == set(tables["en"])
    for key in tables["en"]:
        assert placeholders(tables["en"][key]) == placeholders(tables["pl"][key]), key


@pytest.mark.parametrize("content, complaint", [
    ("answer:\n  en: The answer\n", "needs exactly the languages"),
    ("answer:\n  en: The answer\n  pl: Odpowiedź\n  de: Die Antwort\n", "needs exactly the languages"),
    ("answer:\n  en: 'Answer: {digit}'\n  pl: 'Odpowiedź: {cyfra}'\n", "placeholders differ"),
    ("answer:\n  en: The answer\n  pl: '  '\n", "has no pl text"),
    ("- not a mapping\n", "expected a mapping"),
])
def test_a_texts_file_with_a_flaw_is_refused(tmp_path, content, complaint):
    path = tmp_path / "texts.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TextsError, match=complaint):
        read_texts(path, prefix="some_demo")


def test_a_demo_file_gets_its_prefix_and_the_shared_file_keeps_full_keys():
    assert "suite.title" in read_texts(SHARED_TEXTS)["en"]
    mnist = read_texts(demos.describe("mnist_cnn").texts_path, prefix="mnist_cnn")
    assert mnist["pl"]["mnist_cnn.title"] == "Klasyfikator CNN"


def key_problems(prefix: str, defined_keys: set[str], everything_used: set[str]) -> tuple[list[str], list[str]]:
    """(missing, unused) keys of ``prefix``: used in the code but in no texts file, and the reverse."""
    defined = {k for k in defined_keys if k.split(".")[0] == prefix}
    used = {k for k in everything_used if k.split(".")[0] == prefix}
    family_prefixes = {family.prefix for family in declared_families()}
    missing = sorted(used - defined - family_prefixes)
    # A demo's own wording of a shared widget (``<demo>.widget.<word>``) is used wherever the word is.
    overrides = {k for k in defined
                 if k.startswith(f"{prefix}.widget.") and "widget." + k.split(".widget.", 1)[1] in everything_used}
    return missing, sorted(defined - used - overrides)


@pytest.mark.parametrize("prefix", ["suite", "shared", "widget", *DEMOS])
def test_every_key_used_exists_and_every_key_that_exists_is_used(prefix):
    missing, unused = key_problems(prefix, set(all_tables()["en"]), used_keys([prefix] if prefix in DEMOS else DEMOS))
    assert not missing, f"keys used in the code but not in any texts file: {missing}"
    assert not unused, f"keys in the texts files that nothing uses: {unused}"


def test_the_usage_check_sees_a_missing_and_an_unused_key(tmp_path):
    """The check above is only as good as its scanner and its comparison: a key the code names
    that no file has is missing, a key a file has that nothing names is unused, and a sentence that
    merely contains a key-like word is not a use."""
    code = tmp_path / "snippet.py"
    code.write_text('message("mnist_cnn.no_such_key")\nx = "just words, mnist_cnn.not a key"\n')
    literals, _ = keys_in_code([code])
    assert set(literals) == {"mnist_cnn.no_such_key"}
    defined = set(all_tables()["en"]) | {"mnist_cnn.never_named"}
    used = used_keys(["mnist_cnn"]) | set(literals)
    missing, unused = key_problems("mnist_cnn", defined, used)
    assert missing == ["mnist_cnn.no_such_key"] and unused == ["mnist_cnn.never_named"]


def made_up_keys(source: str) -> list[str]:
    """Keys built from parts: an f-string, ``+`` or ``.format`` given to a text function, or a
    string built from a literal that starts like a key (``f"vae.live.{word}"``)."""
    starts_like_a_key = re.compile(rf"^({'|'.join(sorted({'suite', 'shared', 'widget', *DEMOS}))})\.")

    def key_start(node) -> bool:
        return isinstance(node, ast.Constant) and isinstance(node.value, str) \
            and bool(starts_like_a_key.match(node.value))

    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and called(node) in TEXT_FUNCTIONS:
            first = node.args[0] if node.args else None
            if isinstance(first, (ast.JoinedStr, ast.BinOp)) or (
                    isinstance(first, ast.Call) and getattr(first.func, "attr", None) == "format"):
                found.append(ast.unparse(node))
        elif isinstance(node, ast.JoinedStr) and node.values and key_start(node.values[0]):
            found.append(ast.unparse(node))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and key_start(node.left):
            found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize("path", [p for p in code_files() if p not in KEY_MACHINERY],
                         ids=lambda p: str(p.relative_to(REPO)))
def test_no_key_is_made_up_at_run_time(path):
    assert made_up_keys(path.read_text(encoding="utf-8")) == [], "declare a Family (shared.texts) instead"


def test_the_made_up_key_check_catches_each_way_of_building_one():
    assert made_up_keys('ui_text(f"deep_dream.layer.{name}")')
    assert made_up_keys('message("gan." + part)')
    assert made_up_keys('key = f"vae.live.{word}"')
    assert made_up_keys('message("{}.title".format(demo))')
    assert made_up_keys('ui_text(f"{prefix}.live.heading")')
    assert made_up_keys('ui_text(LAYERS.key(name)); message("gan.caption", digit=3)') == []


def test_every_demo_has_a_title_a_teaser_and_a_two_to_four_sentence_intro():
    tables = all_tables()
    for name in DEMOS:
        for lang in i18n.LANGUAGES:
            assert tables[lang][f"{name}.title"] and tables[lang][f"{name}.teaser"]
            intro = tables[lang][f"{name}.intro"]
            sentences = [s for s in intro.replace("!", ".").replace("?", ".").split(". ") if s.strip()]
            assert 2 <= len(sentences) <= 4, (name, lang, intro)
