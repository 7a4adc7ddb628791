"""One vocabulary: every word list the judge (and the end-of-answer reading) uses is written once, in
rehearse/judge/vocabulary.py. Read from the source, so a list pasted into another module, or a second
copy of a list inside the vocabulary, fails here."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import pytest

from rehearse.judge import vocabulary

SRC = Path(vocabulary.__file__).resolve().parents[1]
VOCABULARY = SRC / "judge" / "vocabulary.py"
# Modules that read answers' words: the judge and the end-of-answer reading.
READERS = sorted(p for p in (SRC / "judge").glob("*.py") if p != VOCABULARY) + [SRC / "endpoint.py"]
WORD = re.compile(r"^'?[a-z][a-z']*( [a-z][a-z']*){0,3}$")  # a word or a phrase of up to four
# Collections of names the code uses as identifiers, not words read in an answer.
IDENTIFIERS = {"KIND_CLASSES", "RUBRIC_CLASSES", "KIND_RUBRICS", "MOTIVATION_RUBRICS", "COMPONENTS", "FORMS",
               "RUBRICS", "TARGETS_S", "REASONS", "CUES", "_CUES", "DEFAULT_RUBRIC", "PHRASINGS", "CHECK_PHRASINGS"}


def _strings(node: ast.AST) -> list[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _word_collection(node: ast.AST) -> list[str] | None:
    """The words of a literal collection of words (a set, list, tuple, dict keys or "a b c".split())."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "split":
        words = " ".join(_strings(node.func.value)).split()
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset",
                                                                                           "tuple", "list"):
        return _word_collection(node.args[0]) if node.args else None
    elif isinstance(node, (ast.Set, ast.List, ast.Tuple)):
        words = [s for e in node.elts for s in _strings(e)]
    elif isinstance(node, ast.Dict) and all(isinstance(v, ast.Constant) and isinstance(v.value, str)
                                            and WORD.match(v.value) for v in node.values):
        words = [s for k in node.keys if k is not None for s in _strings(k)]  # a word -> word map
    elif isinstance(node, ast.BinOp):  # PRONOUNS | {"our", "my", ...}: the words written here
        words = [w for side in (node.left, node.right) for w in (_word_collection(side) or [])]
    else:
        return None
    return words if len(words) >= 3 and all(WORD.match(w) for w in words) else None


def _word_pattern(node: ast.AST) -> bool:
    """A regular expression over words: re.compile of a literal with alternatives between word bounds."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "compile"):
        return False
    text = "".join(_strings(node.args[0])) if node.args else ""
    return "|" in text and r"\b" in text and len(re.findall(r"[a-z]{3,}", text)) >= 3


def _assignments(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            yield node.targets[0].id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            yield node.target.id, node.value


@pytest.mark.parametrize("path", READERS, ids=lambda p: p.name)
def test_every_word_list_lives_in_the_vocabulary(path):
    found = []
    for name, value in _assignments(path):
        if name in IDENTIFIERS:
            continue
        if _word_collection(value) or _word_pattern(value):
            found.append(f"{name} (line {value.lineno})")
    assert not found, f"word lists written in {path.name}, not in judge/vocabulary.py: {', '.join(found)}"


def _literal_lists() -> dict[str, set[str]]:
    out = {}
    for name, value in _assignments(VOCABULARY):
        words = _word_collection(value)
        if words:
            out[name] = set(words)
    return out


def test_the_detector_sees_the_vocabularys_lists():
    """The two tests above and below are only as good as the detector: it must see these."""
    lists = _literal_lists()
    for name in ("FUNCTION_WORDS", "FILLER_WORDS", "GOES_ON_AFTER", "ONES", "COMMON_VERBS", "VAGUE_HEADS"):
        assert name in lists, name
    patterns = {name for name, value in _assignments(VOCABULARY) if _word_pattern(value)}
    assert {"HYPOTHETICAL", "GENERIC_PRAISE", "SPECIFIC", "WRAP_UP", "FUTURE_PLAN"} <= patterns
    pasted = ast.parse('FILLERS = {"um", "uh", "erm"}\nCUE = re.compile(r"\\b(so yeah|and that was it|right)\\b")')
    assert _word_collection(pasted.body[0].value) and _word_pattern(pasted.body[1].value)


def test_no_word_list_is_written_twice():
    """Two lists sharing most of the words written in them are one list written twice: derive one from the
    other (as NO_BREAK_AFTER and DANGLING share GOES_ON_AFTER) or merge them. A chosen few of a bigger list
    (PRONOUNS among FUNCTION_WORDS) is a list of its own."""
    lists = _literal_lists()
    twice = []
    for (a, wa), (b, wb) in itertools.combinations(lists.items(), 2):
        shared = wa & wb
        if len(shared) >= 3 and len(shared) / len(wa | wb) > 0.5:
            twice.append(f"{a} / {b} share {len(shared)} words")
    assert not twice, "; ".join(twice)


def test_each_name_is_defined_once():
    names = [name for name, _ in _assignments(VOCABULARY)]
    module_level = [n.targets[0].id for n in ast.parse(VOCABULARY.read_text()).body
                    if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)]
    assert len(module_level) == len(set(module_level)), sorted(n for n in module_level if module_level.count(n) > 1)
    assert names


def test_numbers_are_read_and_said_one_way():
    assert vocabulary.number_words(125) == "one hundred and twenty five"
    assert vocabulary.number_words(2_005) == "two thousand and five"
    assert vocabulary.number_value("twenty five") == 25 and vocabulary.number_value("two hundred") == 200
    assert vocabulary.number_value("a few") is None
    for n in (1, 7, 19, 20, 42, 99, 100, 101, 999, 1000, 12_345, 999_999):
        assert vocabulary.number_value(vocabulary.number_words(n).replace(" and ", " ")) == n
    assert set(vocabulary.CARDINAL_WORDS) < set(vocabulary.NUMBER_WORDS) | {"billion"}
