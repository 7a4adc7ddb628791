"""The layers the README draws are the imports the code makes: each module imports only from its own layer
or lower ones, the judge only from itself and the foundation, and no import goes round in a cycle. Read from
the source (module-level and deferred imports alike) and from the README's own list."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "rehearse"
LAYER_LINE = re.compile(r"^\s+(\d+) ([a-z]+)\s+(.+?)\s*$")


def _module(path: Path) -> str:
    name = str(path.relative_to(SRC).with_suffix("")).replace("/", ".")
    return name.removesuffix(".__init__").removesuffix("__init__") or "rehearse"


def imports() -> dict[str, set[str]]:
    """Each module of the package -> the package modules it imports (anywhere in the file)."""
    modules = {_module(p) for p in SRC.rglob("*.py")}
    graph = {}
    for path in SRC.rglob("*.py"):
        me = _module(path)
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "rehearse":
                base = node.module.removeprefix("rehearse").lstrip(".")
                for alias in node.names:
                    sub = f"{base}.{alias.name}".lstrip(".")
                    deps.add(sub if sub in modules else base or "rehearse")
            elif isinstance(node, ast.Import):
                deps |= {a.name.removeprefix("rehearse.") for a in node.names if a.name.startswith("rehearse.")}
        graph[me] = {d for d in deps if d != me and d != "rehearse"}
    return graph


def layers() -> list[tuple[str, set[str]]]:
    """The README's layers, lowest first: (name, its modules; "judge/*" is every module under judge/)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text[text.index("Layers, lowest first"):]
    block = block[block.index("```") + 3 :]
    block = block[: block.index("```")]
    out = []
    for line in block.splitlines():
        m = LAYER_LINE.match(line)
        if m:
            names = {n.strip() for n in m.group(3).split("(")[0].split(",") if n.strip()}
            out.append((m.group(2), names))
    return out


def layer_of(module: str, drawn: list[tuple[str, set[str]]]) -> int | None:
    for i, (_, names) in enumerate(drawn):
        if module in names or (module.startswith("judge.") or module == "judge") and "judge/*" in names:
            return i
    return None


def test_the_readme_draws_every_module_once():
    drawn = layers()
    assert [name for name, _ in drawn][:2] == ["foundation", "judge"] and len(drawn) >= 6
    placed = [n for _, names in drawn for n in names]
    assert len(placed) == len(set(placed)), "a module drawn in two layers"
    graph = imports()
    unplaced = sorted(m for m in graph if m != "rehearse" and layer_of(m, drawn) is None)
    assert not unplaced, f"modules the README's layers do not place: {unplaced}"
    missing = sorted(n for n in placed if n != "judge/*" and n not in graph)
    assert not missing, f"the README draws modules that do not exist: {missing}"


def test_each_import_goes_to_its_own_layer_or_a_lower_one():
    drawn = layers()
    wrong = []
    for module, deps in sorted(imports().items()):
        if module == "rehearse":
            continue
        mine = layer_of(module, drawn)
        for dep in sorted(deps):
            theirs = layer_of(dep, drawn)
            if theirs is None or theirs > mine:
                wrong.append(f"{module} ({drawn[mine][0]}) imports {dep} ({drawn[theirs][0] if theirs is not None else '?'})")
    assert not wrong, "imports against the README's layers:\n" + "\n".join(wrong)


def test_the_judge_imports_only_itself_and_the_foundation():
    foundation = dict(layers())["foundation"]
    judge = {m: deps for m, deps in imports().items() if m.startswith("judge")}
    assert len(judge) >= 10
    outside = {m: sorted(d for d in deps if not d.startswith("judge") and d not in foundation)
               for m, deps in judge.items()}
    assert not {m: d for m, d in outside.items() if d}, outside
    assert {"config", "paths"} & set().union(*judge.values()) == set(), "the judge reads no settings or files"


def test_no_import_goes_round_in_a_cycle():
    graph = imports()
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        path.append(m)
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                return path[path.index(d):] + [d]
            if d not in state and (found := visit(d)):
                return found
        state[m] = 2
        path.pop()
        return None

    for m in sorted(graph):
        if m not in state:
            cycle = visit(m)
            assert cycle is None, " -> ".join(cycle)


@pytest.mark.parametrize("source, caught", [
    ("from rehearse.judge import analysis", {"judge.analysis"}),
    ("from rehearse.questions import load_bank", {"questions"}),
    ("def f():\n    from rehearse.store import Store", {"store"}),
])
def test_the_reader_sees_deferred_and_package_imports(tmp_path, monkeypatch, source, caught):
    """The graph is only as good as its reader: these imports, one inside a function, are all seen."""
    fake = tmp_path / "rehearse"
    (fake / "judge").mkdir(parents=True)
    for name in ("__init__.py", "questions.py", "store.py", "judge/__init__.py", "judge/analysis.py"):
        (fake / name).write_text("")
    (fake / "probe.py").write_text(source + "\n")
    monkeypatch.setattr(sys.modules[__name__], "SRC", fake)
    assert imports()["probe"] == caught
