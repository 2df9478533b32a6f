"""The models in assets/models: they load, agree with their sidecars, and solve shipped samples."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest

from solver import cli, kinds
from solver.contract import INPUT_NAMES, sidecar_path
from solver.kinds.maze import shortest_path_length
from solver.kinds.maze.puzzle import GOAL, OPEN, PATH, START
from solver.kinds.sudoku.search import solve_unique
from solver.session import ModelSession, SessionSettings

ROOT = Path(__file__).resolve().parents[2]
MODELS = ROOT / "assets" / "models"
SAMPLES = ROOT / "assets" / "puzzles"
SHIPPED = sorted(MODELS.glob("*.onnx"))


# No ARC model ships (an ARC task is learned at test time; the window's ARC tab says so).
WITHOUT_A_SHIPPED_MODEL = {"arc"}


@pytest.mark.parametrize("kind", kinds.names())
def test_every_kind_the_app_offers_has_its_shipped_models_or_says_it_has_none(kind):
    """Every kind but ARC ships KIND.onnx and KIND.int8.onnx, each with its sidecar; ARC ships none."""
    names = [f"{kind}.onnx", f"{kind}.int8.onnx"]
    present = [(MODELS / n).is_file() and sidecar_path(MODELS / n).is_file() for n in names]
    if kind in WITHOUT_A_SHIPPED_MODEL:
        assert not any(present), f"{kind} ships a model now: drop it from WITHOUT_A_SHIPPED_MODEL"
    else:
        assert all(present), f"{kind}: {[n for n, ok in zip(names, present, strict=True) if not ok]} missing"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_model_agrees_with_its_sidecar(path):
    card = json.loads(sidecar_path(path).read_text())
    graph = onnx.load(str(path)).graph
    inputs = {i.name: [d.dim_value or d.dim_param for d in i.type.tensor_type.shape.dim] for i in graph.input}
    assert list(inputs) == list(INPUT_NAMES)
    assert inputs["tokens"][1] == card["seq_len"] == card["height"] * card["width"]
    assert inputs["y"][1:] == [card["carry_len"], card["hidden_size"]]
    assert card["kind"] == path.name.split(".")[0]  # the app finds models by kind (KIND[.int8].onnx)
    model = ModelSession.open(path, SessionSettings(force_cpu=True))  # checks names, shapes, vocab
    assert model.card.kind == card["kind"]
    # The card says what the model measured; a shipped model must carry its figures.
    assert card["accuracy"], f"{path.name}: the sidecar has no measured accuracy"
    assert card["provenance"].get("step", 0) > 0


def _sample_puzzles(kind: str) -> tuple[list, Path]:
    if kind == "sudoku":
        path = SAMPLES / "sudoku" / "easy.sdm"
        records = cli.read_records(path, kinds.get(kind))
    else:
        # The maze model solves the 15x15 and 30x30 samples by itself; the 9x9 one, padded with
        # walls to 30x30, is further from what it trained on (see assets/models/README.md).
        path = SAMPLES / "maze"
        records = [*cli.read_records(path / "medium_15x15.txt", kinds.get(kind)),
                   *cli.read_records(path / "large_30x30.txt", kinds.get(kind))]
    return [r.puzzle for r in records if not r.error], path


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_model_solves_the_easy_samples(path):
    model = ModelSession.open(path, SessionSettings(force_cpu=True))
    puzzles, source = _sample_puzzles(model.card.kind)
    assert puzzles, f"no sample puzzles in {source}"
    loop = model.loop()
    final = {p.index: p for p in loop.run(puzzles) if p.halted}
    results = [final[i].result() for i in range(len(puzzles))]
    solved = [r.solved for r in results]
    assert all(solved), f"{path.name} left {solved.count(False)} of {len(solved)} samples in {source.name} unsolved"
    # Checked again without the rule checker that decided `solved`: against the exact solver.
    for r, puzzle in zip(results, puzzles, strict=True):
        if model.card.kind == "sudoku":
            assert np.array_equal(np.asarray(r.answer).reshape(81), solve_unique(puzzle.givens))
        else:
            _assert_a_shortest_path(r.answer, puzzle)
    # Each stopped because its answer verified (or the model halted), never at the cap.
    assert max(r.passes for r in results) < model.card.max_passes


def _assert_a_shortest_path(answer, question) -> None:
    """`answer` is `question` with one shortest S-G path marked: only open cells marked, as
    many as the shortest path has, and together with S and G one connected chain."""
    got, asked = np.asarray(answer.grid), np.asarray(question.grid)
    marked = got == PATH
    assert np.array_equal(np.where(marked, OPEN, got), asked), "the answer changed more than open cells"
    assert int(marked.sum()) == shortest_path_length(question)
    chain = marked | (asked == START) | (asked == GOAL)
    seen, todo = set(), [tuple(int(v) for v in np.argwhere(asked == START)[0])]
    while todo:
        r, c = todo.pop()
        if (r, c) in seen or not (0 <= r < chain.shape[0] and 0 <= c < chain.shape[1]) or not chain[r, c]:
            continue
        seen.add((r, c))
        todo += [(r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)]
    assert len(seen) == int(chain.sum()), "the marked cells do not join S to G in one piece"


def test_the_shipped_sudoku_model_completes_a_nearly_empty_grid():
    """A person's nearly empty grid has many solutions; any valid completion is right. Without
    the commit step the model ends with cells in conflict (measured: 0 of 30 such grids)."""
    from solver.commit import COMMIT_ROUNDS
    from solver.kinds.sudoku import Sudoku
    from solver.kinds.sudoku.puzzle import is_solution
    from solver.solve import SolveSettings, solve
    from solver.solve import results as collect

    one = np.zeros(81, np.int8)
    one[40] = 5
    puzzles = [Sudoku(np.zeros(81, np.int8)), Sudoku(one)]
    loop = ModelSession.open(MODELS / "sudoku.onnx", SessionSettings(force_cpu=True)).loop()
    found = collect(solve(loop, puzzles, SolveSettings(retry_tta=0, explore=0, commit=COMMIT_ROUNDS)), 2)
    for puzzle, result in zip(puzzles, found, strict=True):
        assert result.solved and result.committed > 0
        assert is_solution(np.asarray(result.answer), puzzle.givens)
