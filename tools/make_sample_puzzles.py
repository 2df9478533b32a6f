"""Write the sample puzzles shipped in assets/puzzles: `python tools/make_sample_puzzles.py`.

Sudokus come from the project's generator with fixed seeds (four per grade), mazes from the maze
generator (fixed seeds, three sizes). The ARC tasks are small ones written by hand here.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np

from solver.kinds.maze import format_maze
from solver.kinds.maze.generator import generate_maze
from solver.kinds.sudoku import Sudoku, format_sudokus
from solver.kinds.sudoku.generator import generate_many
from solver.kinds.sudoku.grading import Grade

ROOT = Path(__file__).resolve().parent.parent / "assets" / "puzzles"
PER_GRADE = 4
SEED = 20240601
LEVELS = {Grade.SINGLES: "easy", Grade.DEDUCTION: "medium", Grade.SEARCH: "hard"}
MAZES = {"small_9x9": (9, 10), "medium_15x15": (15, 28), "large_30x30": (30, 110)}

log = logging.getLogger("make_sample_puzzles")


def write_sudokus() -> None:
    folder = ROOT / "sudoku"
    folder.mkdir(parents=True, exist_ok=True)
    for grade, name in LEVELS.items():
        made = generate_many(PER_GRADE, grade, SEED + int(grade))
        puzzles = [Sudoku(m.puzzle, answer=m.solution) for m in made]
        header = f"# {name} Sudokus ({grade.name.lower()} grade), generated with seed {SEED + int(grade)}\n"
        (folder / f"{name}.sdm").write_text(header + format_sudokus(puzzles, "sdm"), encoding="utf-8")
        log.info("%s: %d puzzles", name, len(puzzles))


def write_mazes() -> None:
    folder = ROOT / "maze"
    folder.mkdir(parents=True, exist_ok=True)
    for n, (name, (size, path_length)) in enumerate(MAZES.items()):
        question, _answer = generate_maze(size, path_length, np.random.default_rng(SEED + n))
        (folder / f"{name}.txt").write_text(format_maze(question), encoding="utf-8")
        log.info("%s: %dx%d", name, size, size)


def _mirror_task() -> dict[str, object]:
    """Flip each grid left to right."""
    rng = np.random.default_rng(SEED)
    pairs = []
    for height, width in ((3, 3), (4, 5), (5, 4), (6, 6)):
        grid = rng.integers(0, 10, (height, width)) * (rng.random((height, width)) < 0.5)
        pairs.append({"input": grid.tolist(), "output": grid[:, ::-1].tolist()})
    return {"train": pairs[:3], "test": pairs[3:]}


def _recolour_task() -> dict[str, object]:
    """Every blue cell turns red; the rest stays."""
    rng = np.random.default_rng(SEED + 1)
    pairs = []
    for size in (4, 5, 6, 7):
        grid = rng.choice([0, 1, 1, 5], size=(size, size))
        out = np.where(grid == 1, 2, grid)
        pairs.append({"input": grid.tolist(), "output": out.tolist()})
    return {"train": pairs[:3], "test": pairs[3:]}


def write_arc() -> None:
    folder = ROOT / "arc"
    folder.mkdir(parents=True, exist_ok=True)
    for name, task in (("mirror_left_right", _mirror_task()), ("blue_becomes_red", _recolour_task())):
        (folder / f"{name}.json").write_text(json.dumps(task) + "\n", encoding="utf-8")
        log.info("%s", name)


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    write_sudokus()
    write_mazes()
    write_arc()


if __name__ == "__main__":
    main()
