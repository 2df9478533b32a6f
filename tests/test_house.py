"""The house: the kinds are an extension point, and the layers hold their shape.

A fourth kind defined only under tests/ (4x4 Latin squares, tests/plugins/latin.py) registers at
run time and goes through trm-solve and the solve pipeline like the shipped kinds; no import
circle exists among the project's modules; few modules outside the kinds name a kind.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import numpy as np
import pytest

from solver import cli, kinds
from solver.halting import HaltingLoop, StepOutput
from solver.result import SolveStatus
from solver.solve import Solved, SolveSettings, Stage, StageStarted, solve
from tests.plugins.latin import KIND as LATIN
from tests.plugins.latin import solve_exactly

ROOT = Path(__file__).resolve().parent.parent
TINY_LATIN = ROOT / "tests" / "assets" / "tiny_latin.onnx"
PUZZLES = ["12.43..2.14.4.21", "1...............", "................"]


@pytest.fixture
def latin():
    kinds.register(LATIN)
    yield LATIN
    kinds.unregister(LATIN.name)


def test_a_registered_kind_is_found_by_name_codec_and_content(latin):
    assert "latin" in kinds.names() and kinds.get("latin") is latin
    assert kinds.codec_for("latin4-digits-v1") is latin.codec
    assert kinds.sniff("\n".join(PUZZLES), "squares.latin") is latin
    # The shipped kinds still win their own documents.
    assert kinds.sniff("." * 81, "s.txt").name == "sudoku"


def test_an_unregistered_kind_is_gone(latin):
    kinds.unregister("latin")
    with pytest.raises(ValueError, match="unknown puzzle kind 'latin'"):
        kinds.get("latin")
    kinds.register(latin)  # for the fixture's teardown


def test_trm_solve_runs_the_fourth_kind(latin, tmp_path, capsys):
    path = tmp_path / "squares.latin"
    path.write_text("\n".join([PUZZLES[0], "12345", *PUZZLES[1:]]) + "\n")
    code = cli.main([str(path), "--model", str(TINY_LATIN), "--cpu", "--jsonl"])
    out, err = capsys.readouterr()
    assert code == 0, err
    lines = [ln for ln in out.splitlines() if ln]
    assert len(lines) == 4
    assert "line 2: not 16 characters" in err
    assert "4 puzzles (1 invalid)" in err
    import json

    rows = [json.loads(ln) for ln in lines]
    assert [r["where"] for r in rows] == ["line 1", "line 2", "line 3", "line 4"]
    assert rows[1]["status"] == "invalid_puzzle" and rows[1]["answer"] is None
    assert all(len(r["answer"]) == 16 for r in rows if r["answer"] is not None)


def test_the_pipeline_solves_the_fourth_kind_and_retries_its_views(latin):
    """A fake step that solves every view but the puzzle as entered: the retry finds it."""
    puzzle = np.array([0 if c == "." else int(c) for c in PUZZLES[0]], np.int8)
    own = latin.encode(puzzle)

    def step(tokens, y, z):
        answers = np.stack([row if np.array_equal(row, own) else latin.encode(solve_exactly(latin.decode(row, None)))
                            for row in tokens])
        logits = np.full((*tokens.shape, 6), -4.0, np.float32)
        np.put_along_axis(logits, answers[..., None], 4.0, -1)
        return StepOutput(y, z, logits, np.full(len(tokens), 3.0, np.float32))

    zeros = lambda b: (np.zeros((b, 20, 2), np.float32), np.zeros((b, 20, 2), np.float32))  # noqa: E731
    events = list(solve(HaltingLoop(step, latin, zeros, max_passes=2), [puzzle], SolveSettings(retry_tta=3)))
    assert [e.stage for e in events if isinstance(e, StageStarted)] == [Stage.FIRST, Stage.VIEWS]
    [done] = [e for e in events if isinstance(e, Solved)]
    assert done.result.status is SolveStatus.VERIFIED and done.result.retried
    assert latin.check(done.result.answer, puzzle).ok


# ------------------------------------------------------------------------------------------------
# The shape of the tree


def _project_modules() -> list[Path]:
    return [p for d in ("solver", "gui", "training", "export") for p in (ROOT / d).rglob("*.py")]


def test_no_import_circle_among_the_projects_modules():
    grimp = pytest.importorskip("grimp")  # installed with import-linter (the dev extra)
    graph = grimp.build_graph("solver", "gui", "training", "export")
    modules = sorted(graph.modules)
    edges = {m: [d for d in graph.find_modules_directly_imported_by(m) if d in graph.modules] for m in modules}
    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for m in modules:
        if m not in index:
            visit(m)
    assert circles == []


def kind_literals(files: list[Path]) -> list[str]:
    """Every string constant that is exactly a shipped kind's name, as "file:line"."""
    names = {"sudoku", "maze", "arc"}
    found = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_few_places_outside_the_kinds_name_a_kind():
    """Outside solver/kinds, gui/kinds and the training presets, a kind is named at most 12 times
    (a kind is found through the registry, not by its name)."""
    allowed = (ROOT / "solver" / "kinds", ROOT / "gui" / "kinds", ROOT / "training" / "presets.py")
    dirs = ("solver", "gui", "training", "export", "tools", "benchmarks", "packaging")
    files = [p for d in dirs for p in (ROOT / d).rglob("*.py")
             if not any(p == a or a in p.parents for a in allowed)]
    found = kind_literals(files)
    assert len(found) <= 12, found


def test_the_literal_count_sees_a_kind_name():
    probe = ROOT / "tests" / "plugins" / "latin.py"
    assert kind_literals([probe]) == []  # "latin" is no shipped kind
    assert kind_literals([Path(__file__)])  # this file names "sudoku" and "maze"
