"""`trm-solve` on real files with the tiny test models (their answers are noise; the plumbing is not)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from solver import cli, kinds
from solver import models as shipped_models
from solver.contract import sidecar_path
from solver.kinds.maze import format_maze, maze_to_row, parse_maze
from solver.kinds.sudoku import Sudoku, format_sudoku, format_sudokus, parse_sudoku
from solver.kinds.sudoku.generator import random_full_grid
from solver.kinds.sudoku.search import solve_unique

ASSETS = Path(__file__).resolve().parents[1] / "assets"
SUDOKU_MODEL = str(ASSETS / "tiny_sudoku.onnx")
MAZE_MODEL = str(ASSETS / "tiny_maze.onnx")

MAZE = """\
#######
#S  # #
# # # #
# #   #
#   #G#
#######
"""


def _puzzles(n: int) -> list[Sudoku]:
    rng = np.random.default_rng(7)
    out = []
    for _ in range(n):
        grid = np.asarray(random_full_grid(rng), np.int8).reshape(81)
        grid[rng.random(81) < 0.6] = 0
        out.append(Sudoku(grid))
    return out


def _run(capsys, *argv: str) -> tuple[int, list[str], str]:
    code = cli.main([*argv, "--cpu"])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_sdm_file_with_an_invalid_puzzle(tmp_path, capsys, monkeypatch):
    puzzles = _puzzles(3)
    solved: list[list[Sudoku]] = []
    real_solve = cli.solve
    monkeypatch.setattr(cli, "solve", lambda loop, batch, *rest: (solved.append(list(batch)), real_solve(loop, batch, *rest))[1])
    lines = format_sudokus(puzzles, "sdm").splitlines()
    bad = "11" + lines[0][2:]  # a repeated digit in row 1
    (tmp_path / "p.sdm").write_text("\n".join([lines[0], bad, lines[1], "123", lines[2]]) + "\n")
    code, out, err = _run(capsys, str(tmp_path / "p.sdm"), "--model", SUDOKU_MODEL)
    assert code == 0
    assert len(out) == 5 and out[1] == "" and out[3] == ""
    assert all(len(out[i]) == 81 and out[i].isdigit() for i in (0, 2, 4))
    # The tiny model's answers are noise, so what proves the parser kept every given is what
    # reached the solve pipeline: the three good puzzles, cell for cell, in file order.
    assert len(solved) == 1
    assert [list(p.givens) for p in solved[0]] == [list(p.givens) for p in puzzles]
    assert "warning: line 2:" in err and "warning: line 4:" in err
    assert "5 puzzles (2 invalid)" in err and "provider CPU (forced)" in err and "puzzles/s" in err


@pytest.mark.parametrize(
    ("name", "count"),
    [("p.csv", 2), ("one.txt", 1), ("p.sdk", 1), ("p.txt", 1)],
)
def test_csv_sdk_grid_and_line_formats(tmp_path, capsys, name, count):
    puzzles = _puzzles(2)
    files = {
        "p.csv": format_sudokus(puzzles, "csv"),
        "p.sdk": "#A someone\n" + format_sudoku(puzzles[0], "sdk"),
        "p.txt": format_sudoku(puzzles[0], "grid"),
        "one.txt": format_sudoku(puzzles[0], "line") + "\n",
    }
    (tmp_path / name).write_text(files[name])
    code, out, _ = _run(capsys, str(tmp_path / name), "--kind", "sudoku", "--model", SUDOKU_MODEL)
    assert code == 0
    assert len(out) == count and all(len(x) == 81 for x in out)


def test_out_file_tta_and_max_passes(tmp_path, capsys):
    (tmp_path / "p.sdm").write_text(format_sudokus(_puzzles(3), "sdm"))
    target = tmp_path / "answers.txt"
    code, out, err = _run(
        capsys, str(tmp_path / "p.sdm"), "--model", SUDOKU_MODEL, "--out", str(target),
        "--tta", "3", "--max-passes", "2", "--threshold", "0.99",
    )
    assert code == 0 and out == []
    assert len(target.read_text().splitlines()) == 3
    assert "mean passes 2.00" in err


def test_unverified_puzzles_are_retried_unless_turned_off(tmp_path, capsys):
    """The untrained model verifies nothing, so by default every puzzle gets other views; 0 turns that off."""
    (tmp_path / "p.sdm").write_text(format_sudokus(_puzzles(2), "sdm"))
    code, out, err = _run(capsys, str(tmp_path / "p.sdm"), "--model", SUDOKU_MODEL, "--max-passes", "2", "--show")
    assert code == 0 and len(out) == 2
    assert "2 retried over other symmetric variants (0 verified then)" in err
    assert "line 1: not verified after 2 passes; trying 4 other symmetric variants" in err
    assert "mean passes 2.00" in err  # the first answer stays: its passes are the ones reported
    code, out, err = _run(capsys, str(tmp_path / "p.sdm"), "--model", SUDOKU_MODEL, "--max-passes", "2",
                          "--retry-tta", "0")
    assert code == 0 and len(out) == 2 and "retried" not in err


def test_show_prints_boards_with_halt_probability(tmp_path, capsys):
    (tmp_path / "p.sdm").write_text(format_sudokus(_puzzles(1), "sdm"))
    code, out, err = _run(capsys, str(tmp_path / "p.sdm"), "--model", SUDOKU_MODEL, "--show", "--max-passes", "3")
    assert code == 0 and len(out) == 1
    assert "line 1 pass 1: halt p=" in err and "-------+-------+-------" in err
    assert "*" in err  # pass 1 changes cells relative to the input


def test_many_puzzles_in_batches(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "BATCH", 16)
    puzzles = _puzzles(40)
    (tmp_path / "p.sdm").write_text(format_sudokus(puzzles, "sdm"))
    code, out, err = _run(capsys, str(tmp_path / "p.sdm"), "--model", SUDOKU_MODEL, "--max-passes", "2")
    assert code == 0 and len(out) == 40 and "40 puzzles (0 invalid)" in err


def test_maze_text_file(tmp_path, capsys):
    small = parse_maze(MAZE)
    text = format_maze(small) + "\n" + MAZE.replace("S", " ", 1) + "\n" + format_maze(small)
    (tmp_path / "m.txt").write_text(text)
    code, out, err = _run(capsys, str(tmp_path / "m.txt"), "--model", MAZE_MODEL)
    assert code == 0
    assert len(out) == 3 and out[1] == ""
    assert len(out[0]) == len(maze_to_row(small)) and set(out[0]) <= set("# SGo")
    assert "warning: maze 2" in err


def test_maze_csv_file_read_with_the_maze_models_card(tmp_path, capsys):
    row = maze_to_row(parse_maze(MAZE + "#######\n"))  # the CSV layout holds square mazes
    (tmp_path / "m.csv").write_text(f"index,question,answer,path_len\n0,{row},,\n1,{row},,\n")
    code, out, _ = _run(capsys, str(tmp_path / "m.csv"), "--model", MAZE_MODEL, "--tta", "2")
    assert code == 0 and len(out) == 2


def test_a_csv_file_without_model_or_kind_is_detected_and_gets_its_kinds_model(tmp_path, capsys, monkeypatch):
    """No --model, no --kind: the file's look picks the kind, and so the shipped model opened."""
    models, opened = _shipped(tmp_path, monkeypatch, "sudoku.onnx")
    shutil.copy(MAZE_MODEL, models / "maze.onnx")
    shutil.copy(sidecar_path(Path(MAZE_MODEL)), sidecar_path(models / "maze.onnx"))
    row = maze_to_row(parse_maze(MAZE + "#######\n"))
    (tmp_path / "m.csv").write_text(f"index,question,answer,path_len\n0,{row},,\n1,{row},,\n")
    code, out, _ = _run(capsys, str(tmp_path / "m.csv"), "--retry-tta", "0")
    assert code == 0 and opened == [models / "maze.onnx"]
    assert len(out) == 2 and all(len(line) == len(row) and set(line) <= set("# SGo") for line in out)
    opened.clear()
    (tmp_path / "s.csv").write_text("question,answer\n" + format_sudokus(_puzzles(1), "line") + ",\n")
    code, out, _ = _run(capsys, str(tmp_path / "s.csv"), "--retry-tta", "0")
    assert code == 0 and opened == [models / "sudoku.onnx"]
    assert len(out) == 1 and len(out[0]) == 81 and out[0].isdigit()


def test_a_bad_maze_csv_row_is_skipped_and_named(tmp_path, capsys):
    """One bad row no longer rejects the whole file: the others are answered in order."""
    row = maze_to_row(parse_maze(MAZE + "#######\n"))
    bad = row.replace("S", " ")  # no start cell
    (tmp_path / "m.csv").write_text(f"index,question,answer,path_len\n0,{row},,\n1,{bad},,\n2,{row},,\n")
    code, out, err = _run(capsys, str(tmp_path / "m.csv"), "--model", MAZE_MODEL, "--retry-tta", "0")
    assert code == 0 and len(out) == 3 and out[1] == "" and out[0] and out[2]
    assert "maze 2 (line 3)" in err and "3 puzzles (1 invalid)" in err


def test_a_bad_sudoku_csv_row_is_skipped_and_named(tmp_path, capsys):
    """Like the maze CSV: one bad row is an empty answer line and a warning naming it."""
    good = format_sudokus(_puzzles(2), "csv").splitlines()  # header, row, row
    bad = good[1].replace(good[1].split(",")[1], "12" * 40, 1)  # 80 cells
    (tmp_path / "p.csv").write_text("\n".join([good[0], good[1], bad, good[2]]) + "\n")
    code, out, err = _run(capsys, str(tmp_path / "p.csv"), "--model", SUDOKU_MODEL, "--retry-tta", "0")
    assert code == 0 and len(out) == 3 and out[1] == "" and len(out[0]) == len(out[2]) == 81
    assert "trm-solve: warning: line 3: expected 81 cells, found 80\n" in err  # "line 3" said once
    assert "3 puzzles (1 invalid)" in err


def test_arc_task_needs_an_arc_model(tmp_path, capsys):
    task = {"train": [{"input": [[1, 2]], "output": [[2, 1]]}], "test": [{"input": [[3, 4]]}]}
    (tmp_path / "t.json").write_text(json.dumps(task))
    code, _out, err = _run(capsys, str(tmp_path / "t.json"), "--model", SUDOKU_MODEL, "--kind", "arc")
    assert code == 1 and "solves sudoku, the puzzles are arc" in err


def test_arc_task_file(tmp_path, capsys):
    task = {"train": [{"input": [[1, 2]], "output": [[2, 1]]}],
            "test": [{"input": [[3, 4], [5, 6]]}, {"input": [[7]]}]}
    (tmp_path / "t.json").write_text(json.dumps(task))
    code, out, err = _run(capsys, str(tmp_path / "t.json"), "--model", str(ASSETS / "tiny_arc.onnx"), "--tta", "2")
    assert code == 0 and len(out) == 1
    answers = json.loads(out[0])
    assert list(answers) == ["t"] and len(answers["t"]) == 2
    assert "2 puzzles (0 invalid)" in err


def _passes(capsys, *argv: str) -> list[int]:
    code, out, _ = _run(capsys, *argv, "--jsonl", "--retry-tta", "0")
    assert code == 0
    return [json.loads(line)["passes"] for line in out]


def test_threshold_stops_arc_and_is_ignored_by_the_kinds_with_rules(tmp_path, capsys):
    """What --threshold's help says: an ARC puzzle stops at the halt probability; a Sudoku or a
    maze runs on until its answer verifies (the tiny models' never do) or the cap."""
    task = {"train": [{"input": [[1, 2]], "output": [[2, 1]]}], "test": [{"input": [[3, 4]]}, {"input": [[7]]}]}
    (tmp_path / "t.json").write_text(json.dumps(task))
    arc = (str(tmp_path / "t.json"), "--model", str(ASSETS / "tiny_arc.onnx"), "--max-passes", "5")
    assert _passes(capsys, *arc, "--threshold", "0.001") == [1, 1]
    assert _passes(capsys, *arc, "--threshold", "1.0") == [5, 5]
    (tmp_path / "p.sdm").write_text(format_sudokus(_puzzles(2), "sdm"))
    (tmp_path / "m.txt").write_text(MAZE)
    for path, model in ((tmp_path / "p.sdm", SUDOKU_MODEL), (tmp_path / "m.txt", MAZE_MODEL)):
        for threshold in ("0.001", "1.0"):
            passes = _passes(capsys, str(path), "--model", model, "--max-passes", "5", "--threshold", threshold)
            assert passes and set(passes) == {5}, (path.name, threshold, passes)


def test_arc_kaggle_challenges_file(tmp_path, capsys):
    # A Kaggle ``*_challenges.json`` maps task ids to tasks; every test input of every task is solved.
    challenges = {
        "aa": {"train": [{"input": [[1, 2]], "output": [[2, 1]]}], "test": [{"input": [[3, 4]]}]},
        "bb": {"train": [{"input": [[1]], "output": [[2]]}], "test": [{"input": [[5]]}, {"input": [[6, 7]]}]},
    }
    text = json.dumps(challenges)
    records = kinds.get("arc").read(text, "arc-agi_evaluation_challenges.json")
    assert [r.where for r in records] == ["task aa test 0", "task bb test 0", "task bb test 1"]
    assert [r.group for r in records] == ["aa", "bb", "bb"]
    (tmp_path / "c.json").write_text(text)
    code, out, err = _run(capsys, str(tmp_path / "c.json"), "--model", str(ASSETS / "tiny_arc.onnx"))
    assert code == 0 and len(out) == 1
    answers = json.loads(out[0])
    assert list(answers) == ["aa", "bb"] and [len(v) for v in answers.values()] == [1, 2]
    assert "3 puzzles (0 invalid)" in err


def test_arc_records_read_a_task():
    task = {"train": [{"input": [[1, 2]], "output": [[2, 1]]}], "test": [{"input": [[3, 4]]}, {"input": [[5]]}]}
    records = kinds.get("arc").read(json.dumps(task), "t.json")
    assert [r.where for r in records] == ["task t test 0", "task t test 1"]
    assert kinds.sniff(json.dumps(task), "t.json").name == "arc"
    assert kinds.sniff(MAZE, "m.txt").name == "maze"
    assert kinds.sniff("." * 81, "s.txt").name == "sudoku"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--tta", "0"], "--tta must be at least 1"),
        (["--retry-tta", "-1"], "--retry-tta must be 0 (off) or more"),
        (["--threshold", "2"], "--threshold must be in"),
        (["--max-passes", "0"], "--max-passes must be at least 1"),
        (["--kind", "chess"], "invalid choice"),
        (["--frobnicate"], "unrecognized arguments"),
        (["--int8", "--model", "m.onnx"], "--int8 picks the shipped int8 model"),
        (["--no-fallback"], "--no-fallback goes with --int8"),
    ],
)
def test_bad_flags_exit_2(tmp_path, capsys, argv, message):
    (tmp_path / "p.sdm").write_text(format_sudokus(_puzzles(1), "sdm"))
    with pytest.raises(SystemExit) as exc:
        cli.main([str(tmp_path / "p.sdm"), *argv])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_missing_input_file_exits_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main([str(tmp_path / "nope.txt")])
    assert exc.value.code == 2 and "no such file" in capsys.readouterr().err


def test_model_problems_exit_1(tmp_path, capsys, monkeypatch):
    (tmp_path / "p.sdm").write_text(format_sudokus(_puzzles(1), "sdm"))
    code, _, err = _run(capsys, str(tmp_path / "p.sdm"), "--model", str(tmp_path / "none.onnx"))
    assert code == 1 and "none.onnx: model file missing" in err and err.count("\n") == 1
    monkeypatch.setattr(shipped_models, "models_dir", lambda: tmp_path / "models")
    code, _, err = _run(capsys, str(tmp_path / "p.sdm"))
    assert code == 1 and "no shipped sudoku model" in err
    code, _, err = _run(capsys, str(tmp_path / "p.sdm"), "--int8")
    assert code == 1 and "sudoku.int8.onnx" in err and "--quantize int8`" in err


def _shipped(tmp_path: Path, monkeypatch, *names: str, sources: dict[str, Path] | None = None) -> tuple[Path, list[Path]]:
    """A models folder holding the tiny Sudoku model (or `sources[name]`) under `names`, and a
    list of the paths trm-solve opens."""
    models = tmp_path / "models"
    models.mkdir()
    for name in names:
        source = (sources or {}).get(name, Path(SUDOKU_MODEL))
        shutil.copy(source, models / name)
        shutil.copy(sidecar_path(source), sidecar_path(models / name))
    monkeypatch.setattr(shipped_models, "models_dir", lambda: models)
    opened: list[Path] = []
    real_open = cli.ModelSession.open
    monkeypatch.setattr(cli.ModelSession, "open", lambda path, settings: (opened.append(Path(path)), real_open(path, settings))[1])
    return models, opened


def test_int8_takes_the_shipped_int8_variant_and_fp32_for_what_it_leaves(tmp_path, capsys, monkeypatch):
    models, opened = _shipped(tmp_path, monkeypatch, "sudoku.int8.onnx", "sudoku.onnx")
    (tmp_path / "p.sdm").write_text(format_sudokus(_puzzles(2), "sdm"))
    code, out, err = _run(capsys, str(tmp_path / "p.sdm"), "--int8", "--retry-tta", "0")
    assert code == 0 and len(out) == 2
    assert opened == [models / "sudoku.int8.onnx", models / "sudoku.onnx"]
    # The tiny model's answers never verify, so both puzzles went to the fp32 model.
    assert "2 solved again with the fp32 model (0 verified then)" in err


def test_int8_without_fallback_opens_one_model(tmp_path, capsys, monkeypatch):
    models, opened = _shipped(tmp_path, monkeypatch, "sudoku.int8.onnx")
    (tmp_path / "p.sdm").write_text(format_sudokus(_puzzles(2), "sdm"))
    code, _, err = _run(capsys, str(tmp_path / "p.sdm"), "--int8")
    assert code == 1 and "no shipped sudoku model" in err and "--no-fallback goes without it" in err
    opened.clear()
    code, out, err = _run(capsys, str(tmp_path / "p.sdm"), "--int8", "--no-fallback", "--retry-tta", "0")
    assert code == 0 and len(out) == 2
    assert opened == [models / "sudoku.int8.onnx"] and "fp32" not in err




SHIPPED_SUDOKU = Path(__file__).resolve().parents[2] / "assets" / "models" / "sudoku.onnx"
EASY = Path(__file__).resolve().parents[2] / "assets" / "puzzles" / "sudoku" / "easy.sdm"
# No given conflicts, yet no solution: row 1 needs a 9 in its last cell, and column 9 has one.
UNSOLVABLE = "12345678." + "........9" + "." * 63


def test_int8_fallback_end_to_end_replaces_only_what_fp32_verifies(tmp_path, capsys, monkeypatch):
    """An "int8" model that verifies nothing (the tiny one) and the shipped fp32 model: the two
    easy puzzles get fp32's verified answers in place of int8's, and the unsolvable one keeps
    int8's answer, the same answer as with --no-fallback (each model draws its own views)."""
    models, opened = _shipped(tmp_path, monkeypatch, "sudoku.int8.onnx", "sudoku.onnx",
                              sources={"sudoku.onnx": SHIPPED_SUDOKU})
    easy = [line for line in EASY.read_text().splitlines() if line and not line.startswith("#")][:2]
    (tmp_path / "p.sdm").write_text("\n".join([*easy, UNSOLVABLE]) + "\n")
    flags = (str(tmp_path / "p.sdm"), "--int8", "--max-passes", "6", "--retry-tta", "2")
    code, alone, _ = _run(capsys, *flags, "--no-fallback")
    assert code == 0 and opened == [models / "sudoku.int8.onnx"]
    opened.clear()
    code, paired, err = _run(capsys, *flags)
    assert code == 0 and opened == [models / "sudoku.int8.onnx", models / "sudoku.onnx"]
    for i, line in enumerate(easy):
        solution = "".join(str(d) for d in solve_unique(parse_sudoku(line).givens))
        assert paired[i] == solution != alone[i]  # fp32's verified answer was printed instead
    assert paired[2] == alone[2]  # nothing verified it: int8's answer stands, unchanged
    assert "3 solved again with the fp32 model (2 verified then)" in err
    assert "verified solved 2/3" in err


def test_int8_for_maze_opens_the_maze_int8_model_and_its_fp32_fallback(tmp_path, capsys, monkeypatch):
    tiny_maze = Path(MAZE_MODEL)
    models, opened = _shipped(tmp_path, monkeypatch, "maze.int8.onnx", "maze.onnx",
                              sources={"maze.int8.onnx": tiny_maze, "maze.onnx": tiny_maze})
    (tmp_path / "m.txt").write_text(MAZE + "\n" + MAZE)
    code, out, err = _run(capsys, str(tmp_path / "m.txt"), "--int8", "--retry-tta", "0", "--max-passes", "2")
    assert code == 0 and len(out) == 2 and all(set(line) <= set("# SGo") for line in out)
    assert opened == [models / "maze.int8.onnx", models / "maze.onnx"]
    assert "2 solved again with the fp32 model (0 verified then)" in err


@pytest.mark.parametrize("suffix", [".sdm", ".txt", ".sdk", ".opensudoku"])
def test_out_file_gets_the_layout_its_ending_names(tmp_path, capsys, suffix):
    """Each answer layout reads back with the Sudoku reader, giving exactly the answers printed."""
    count = 1 if suffix == ".sdk" else 2
    (tmp_path / "p.sdm").write_text(format_sudokus(_puzzles(count), "sdm"))
    code, printed, _ = _run(capsys, str(tmp_path / "p.sdm"), "--model", SUDOKU_MODEL, "--max-passes", "2",
                            "--retry-tta", "0", "--explore", "0")
    assert code == 0 and len(printed) == count
    target = tmp_path / ("answers" + suffix)
    code, out, err = _run(capsys, str(tmp_path / "p.sdm"), "--model", SUDOKU_MODEL, "--max-passes", "2",
                          "--retry-tta", "0", "--explore", "0", "--out", str(target))
    assert code == 0 and out == [], err
    kind = kinds.get("sudoku")
    text = target.read_text()
    assert kind.sniff(text, target.name) >= 0.5
    # The noise model's answers may break the rules; the reader names such a grid, yet its cells
    # are the answer: compare the cells of what was written, record by record.
    cells = [r.puzzle.givens if r.puzzle is not None else None for r in kind.read(text, target.name)]
    if all(c is not None for c in cells):
        assert [kind.format_answer(c) for c in cells] == printed
    if suffix == ".opensudoku":
        assert text.startswith("<?xml") and text.count("<game ") == count
    if suffix == ".sdk":
        assert [ln for ln in text.splitlines() if ln] == [printed[0][r * 9 : (r + 1) * 9].replace("0", ".") for r in range(9)]


def test_out_file_ending_that_cannot_hold_the_answers_is_refused_before_solving(tmp_path, capsys, monkeypatch):
    (tmp_path / "p.sdm").write_text(format_sudokus(_puzzles(2), "sdm"))
    monkeypatch.setattr(cli, "solve", lambda *a, **k: pytest.fail("solved before refusing"))
    code, _, err = _run(capsys, str(tmp_path / "p.sdm"), "--model", SUDOKU_MODEL, "--out", str(tmp_path / "a.sdk"))
    assert code == 2 and ".sdk holds one grid, and the file has 2 puzzles: use .sdm or .txt" in err
    code, _, err = _run(capsys, str(tmp_path / "p.sdm"), "--model", SUDOKU_MODEL, "--out", str(tmp_path / "a.json"))
    assert code == 2 and "cannot write Sudoku answers to a file ending '.json'" in err
    assert not (tmp_path / "a.sdk").exists() and not (tmp_path / "a.json").exists()


def test_the_summary_credits_each_verified_puzzle_to_the_step_that_found_it():
    """A puzzle committed was retried and explored first; only the commit verified it."""
    from solver.cli import Summary
    from solver.result import SolveResult, SolveStatus

    summary = Summary()
    summary.add(SolveResult(SolveStatus.VERIFIED, passes=40, retried=True, explored=True, commit_tried=True,
                            committed=3))
    summary.add(SolveResult(SolveStatus.VERIFIED, passes=9, retried=True))
    summary.add(SolveResult(SolveStatus.VERIFIED, passes=12, retried=True, explored=True, branch=2))
    summary.add(SolveResult(SolveStatus.NO_ANSWER, passes=32, retried=True, explored=True, commit_tried=True))
    line = summary.line("CPU")
    assert "4 retried over other symmetric variants (1 verified then)" in line
    assert "3 explored as noisy branches (1 verified by a branch)" in line
    assert "2 given the model's surest cells round by round (1 verified then)" in line
