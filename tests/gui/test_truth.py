"""The window tells the truth (#17): nothing it says belongs to a puzzle or a grid other than the one
on screen; pass counts agree; inner steps and typed digits are marked for what they are; no test
model passes for a shipped one."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from gui.pass_frame import EXPLORATION, OTHER_VIEWS
from gui.run import RunState
from solver.halting import StepOutput
from solver.kinds.sudoku import KIND as SUDOKU
from solver.solve import Stage
from tests.gui.helpers import PUZZLE, TINY, make_window, trigger, wait_done

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "assets" / "puzzles"
OTHER = "1....7.9..3..2...8..96..5....53..9...1..8...26....4...3......1..4......7..7...3.."
OTHER_MAZE = "S  #\n # #\n#  G\n"
COMMIT = Stage.COMMIT.value


def _sample_action(window, menu_title: str, label: str):
    for action in window.samples_menu.actions():
        if action.menu() is not None and action.text() == menu_title:
            for item in action.menu().actions():
                if item.text() == label:
                    return item
    raise AssertionError(f"no sample {menu_title} > {label}")


def _onehot(tokens: np.ndarray, vocab: int = 11, strength: float = 9.0) -> np.ndarray:
    logits = np.full((*tokens.shape, vocab), -strength, np.float32)
    np.put_along_axis(logits, tokens[..., None], strength, -1)
    return logits


def _nothing_of_a_run(window, panel) -> None:
    """What a tab shows for a puzzle it has not solved."""
    assert panel.run is None and panel.runner.run is None and panel.timeline.run is None
    assert panel.timeline.label.text() == "No passes yet" and panel.timeline.chart._halt == []
    assert panel.result_label.text() == ""
    assert not panel.keep_button.isEnabled()
    assert window.passes_label.text() == "passes: 0"


# -- keep thinking and changes of puzzle -------------------------------------------------------


@pytest.mark.parametrize("change", ["new puzzle (Ctrl+Alt+2)", "next in the file (PgDown)"])
def test_keep_thinking_after_a_change_of_puzzle_never_says_verified(qtbot, change):
    """Samples ▸ Sudoku ▸ Easy, F5, then a new puzzle (or the next of the file), then Ctrl+K: it once
    read "Verified solution after 10 passes" over the new givens with the old answer."""
    window = make_window(qtbot)
    panel = window.panel_for("sudoku")
    assert not panel.keep_button.isEnabled()  # a fresh board has no passes to continue
    _sample_action(window, "Sudoku", "Easy (singles)").trigger()
    assert not panel.keep_button.isEnabled()  # nor has a puzzle just opened
    first = panel.current_puzzle().givens.copy()
    trigger(window, "F5")
    wait_done(qtbot, panel)
    assert panel.run.result.solved and "Verified" in panel.result_label.text()
    if change.startswith("new"):
        trigger(window, "Ctrl+Alt+2")
        qtbot.waitUntil(lambda: not np.array_equal(panel.current_puzzle().givens, first), timeout=20000)
        assert window.windowTitle() == "new medium puzzle — TRM Puzzles"
    else:
        trigger(window, "PgDown")
        assert window.windowTitle() == "easy.sdm line 3 — TRM Puzzles"
    _nothing_of_a_run(window, panel)
    trigger(window, "Ctrl+K")
    assert not panel.runner.running
    _nothing_of_a_run(window, panel)
    assert panel.board._answer is None  # the board shows the new givens alone


def _change(qtbot, window, panel, how: str) -> None:
    if how == "new board":
        trigger(window, "Ctrl+N")
    elif how == "generated":
        before = panel.current_puzzle().givens.copy()
        trigger(window, "Ctrl+Alt+1")
        qtbot.waitUntil(lambda: not np.array_equal(panel.current_puzzle().givens, before), timeout=20000)
    elif how == "pasted":
        assert panel.paste_text(OTHER)
    elif how == "opened":
        assert window.open_path(SAMPLES / "sudoku" / "medium.sdm")
    elif how == "next in a list":
        assert panel.step_list(1)
    elif how == "edited":
        panel.enter_digit(int(np.flatnonzero(panel.state.givens == 0)[0]), 1)
    elif how == "undone":
        panel.undo_stack.undo()


@pytest.mark.parametrize("how", ["new board", "generated", "pasted", "opened", "next in a list", "edited", "undone"])
def test_any_change_of_puzzle_resets_timeline_chart_result_status_and_title(qtbot, how):
    window = make_window(qtbot, retry_tta=0)
    panel = window.panel_for("sudoku")
    panel.entering_givens = False
    assert window.open_path(SAMPLES / "sudoku" / "easy.sdm")
    assert window.windowTitle() == "easy.sdm line 2 — TRM Puzzles"
    trigger(window, "F5")
    wait_done(qtbot, panel)
    assert panel.run.frames and panel.timeline.chart._halt and window.passes_label.text() != "passes: 0"
    _change(qtbot, window, panel, how)
    _nothing_of_a_run(window, panel)
    expected = {"new board": "TRM Puzzles", "generated": "new easy puzzle — TRM Puzzles",
                "pasted": "clipboard — TRM Puzzles", "opened": "medium.sdm line 2 — TRM Puzzles",
                "next in a list": "easy.sdm line 3 — TRM Puzzles",
                "edited": "easy.sdm line 2 (edited) — TRM Puzzles", "undone": "easy.sdm line 2 (edited) — TRM Puzzles"}
    assert window.windowTitle() == expected[how]


# -- "verified" only over the grid the checker accepted -----------------------------------------


def test_verified_is_said_only_over_the_grid_the_rule_checker_accepted(qtbot):
    window = make_window(qtbot, retry_tta=0)
    panel = window.panel_for("sudoku")
    assert window.open_path(SAMPLES / "sudoku" / "easy.sdm")
    trigger(window, "F5")
    wait_done(qtbot, panel)
    run = panel.run
    assert run.result.solved and len(run.frames) >= 2
    seen = []

    def look() -> None:
        text = panel.result_label.text()
        shown = panel.board._answer
        verified = "erified" in text
        if verified:  # the grid on the board is the result, and the checker accepts it over these givens
            assert shown is not None and np.array_equal(shown, run.result.answer)
            assert SUDOKU.check(np.asarray(shown), panel.current_puzzle()).ok
        seen.append(verified)

    look()
    trigger(window, "Ctrl+Left")  # the previous pass: not the answer
    look()
    assert panel.result_label.text().startswith(f"Showing pass {run.frames[-2].number} (first try)")
    trigger(window, "Ctrl+Right")
    look()
    trigger(window, "Ctrl+Shift+Left")  # an inner step of the last pass is not the answer either
    look()
    assert seen == [True, False, True, False]


# -- pass counts and the other views ------------------------------------------------------------


def _spoiled(out: StepOutput, tokens: np.ndarray, rows: np.ndarray) -> StepOutput:
    """`out` with the `rows` answering an echo of their puzzle (blanks stay blank) and voting
    against halting, in the pass and in every inner step."""
    if not rows.any():
        return out
    logits = out.logits.copy()
    logits[rows] = _onehot(tokens[rows])
    inner = None
    if out.inner_logits is not None:
        inner = out.inner_logits.copy()
        inner[:, rows] = _onehot(tokens[rows])
    halt = np.array(out.halt_logit, np.float32)
    halt[rows] = -9.0
    return StepOutput(out.y, out.z, logits, halt, inner)


def _puzzle_itself_never_solves(own: np.ndarray):
    """The shipped model's step, except that the puzzle as entered (not a view of it) gets an
    answer that leaves its blanks empty: only the other views can find the solution."""

    def wrap(step):
        def run(tokens, y, z):
            return _spoiled(step(tokens, y, z), tokens, (tokens == own).all(axis=1))

        return run

    return wrap


def test_pass_counts_agree_when_other_views_find_the_answer(qtbot):
    """"Verified after 7 passes, found by solving 4 other symmetric views" shows pass 7 on the
    timeline, 7 in the status bar, the view that found it, and its answer on the board."""
    window = make_window(qtbot, max_passes=4, retry_tta=4)
    panel = window.panel_for("sudoku")
    assert window.open_path(SAMPLES / "sudoku" / "easy.sdm")
    puzzle = panel.current_puzzle()
    panel.step_wrapper = _puzzle_itself_never_solves(SUDOKU.encode(puzzle))
    trigger(window, "F5")
    wait_done(qtbot, panel, timeout=60000)
    run = panel.run
    result = run.result
    assert result.solved and result.retried and result.passes > 4
    passes = result.passes
    assert f"Verified solution after {passes} passes, found by solving 4 other symmetric views" in panel.result_label.text()
    end = run.result_frame()
    assert run.frames[end].stage == OTHER_VIEWS and run.frames[end].number == passes
    label = panel.timeline.label.text()
    assert label.startswith(f"Pass {passes} / {passes} · other view ") and label.endswith("of 4 · halt " + label.rsplit(" ", 1)[1])
    assert panel.timeline.chart._current == passes and panel.timeline.chart._numbers[-1] == passes
    assert panel.timeline.chart._numbers[:4] == [1, 2, 3, 4]  # the first try's passes come first on the chart
    assert window.passes_label.text() == f"passes: {passes} ({run.work()} run over every view)"
    assert np.array_equal(panel.board._answer, result.answer)
    assert not panel.keep_button.isEnabled()  # another view won: the puzzle's own line has nothing to continue
    # Every view's passes are there to step through, each saying which view it is.
    names = set()
    panel.timeline.position_cursor.move_to(0)
    panel.timeline._moved()
    while panel.timeline.position_cursor.step_pass(1):
        panel.timeline._moved()
        names.add(panel.timeline.label.text().split(" · ")[1])
    assert names == {"first try", *(f"other view {v} of 4" for v in range(1, 5))}


def test_other_views_are_shown_mapped_back_onto_the_puzzle_as_entered(qtbot):
    """A view's answer, changed cells and rule marks are on the puzzle's own cells: at a view's
    first pass a changed cell is exactly a cell whose digit differs from the puzzle's givens."""
    window = make_window(qtbot, max_passes=2, retry_tta=4)
    panel = window.panel_for("sudoku")
    assert window.open_path(SAMPLES / "sudoku" / "easy.sdm")
    puzzle = panel.current_puzzle()
    panel.step_wrapper = _puzzle_itself_never_solves(SUDOKU.encode(puzzle))
    trigger(window, "F5")
    wait_done(qtbot, panel, timeout=60000)
    views = [f for f in panel.run.frames if f.stage == OTHER_VIEWS]
    assert len({f.view for f in views}) == 4
    for frame in views:
        check = SUDOKU.check(frame.answer, puzzle)
        assert np.flatnonzero(frame.violations).tolist() == list(check.bad_cells)
        if frame.own_number == 1:
            assert np.array_equal(frame.changed, frame.answer != puzzle.givens)
        assert frame.confidence.shape == (81,)
    solved = [f for f in views if f.rule_ok]
    assert solved and all(np.array_equal(f.answer[puzzle.givens > 0], puzzle.givens[puzzle.givens > 0]) for f in solved)


def _only_noise_solves():
    """The shipped model's step, except that a carry the model itself produced (or the initial
    one) gets an echo of the puzzle and a halt vote against: only the noisy carries of exploring
    branches reach the model."""
    produced: set[bytes] = set()

    def wrap(step):
        def run(tokens, y, z):
            y = np.asarray(y)
            if not produced:  # the first call: the initial carry
                produced.update(row.tobytes() for row in y)
            clean = np.array([row.tobytes() in produced for row in y])
            out = step(tokens, y, z)
            produced.update(row.tobytes() for row in np.asarray(out.y))
            return _spoiled(out, tokens, clean)

        return run

    return wrap


def test_an_answer_found_by_exploring_names_its_branch_on_the_timeline(qtbot):
    """When neither the puzzle nor its views verify, the noisy branches' passes are part of the
    run: the winning branch's last pass is the result frame, named on the timeline and in the
    result line, and the pass counts agree."""
    window = make_window(qtbot, max_passes=3, retry_tta=2, explore=4)
    panel = window.panel_for("sudoku")
    assert window.open_path(SAMPLES / "sudoku" / "easy.sdm")
    panel.step_wrapper = _only_noise_solves()
    trigger(window, "F5")
    wait_done(qtbot, panel, timeout=90000)
    run = panel.run
    result = run.result
    assert result.solved and result.explored and 1 <= result.branch <= 4, result
    assert f"found by exploring branch {result.branch}" in panel.result_label.text()
    end = run.result_frame()
    frame = run.frames[end]
    assert frame.stage == EXPLORATION and frame.view == result.branch - 1 and frame.number == result.passes
    assert frame.where == f"exploration, branch {result.branch} of 4"
    stages = [f.stage for f in run.frames]
    assert stages.index(EXPLORATION) > stages.index(OTHER_VIEWS) > stages.index("first try")
    assert window.passes_label.text() == f"passes: {result.passes} ({run.work()} run over every view)"
    assert run.work() == result.work


def test_a_nearly_empty_grid_is_completed_by_fixing_the_surest_cells_and_the_counts_agree(qtbot):
    """One given: many solutions, and the shipped model wavers between them until the commit
    step fixes its surest cells. The window's defaults run it; its passes are part of the run,
    the result frame is the verified grid, and the result line says how it was found."""
    window = make_window(qtbot)
    panel = window.panel_for("sudoku")
    panel.paste_text("." * 40 + "5" + "." * 40)
    assert panel.solve()
    wait_done(qtbot, panel, timeout=120000)
    run = panel.run
    result = run.result
    assert result.solved and result.committed > 0, result
    assert SUDOKU.check(result.answer, panel.current_puzzle()).ok
    assert f"completed over {result.committed} round" in panel.result_label.text()
    end = run.result_frame()
    assert end is not None and run.frames[end].stage == COMMIT and run.frames[end].number == result.passes
    stages = [f.stage for f in run.frames]
    assert stages.index(COMMIT) > stages.index(OTHER_VIEWS) > stages.index("first try")
    assert window.passes_label.text() == f"passes: {result.passes} ({run.work()} run over every view)"
    assert run.work() == result.work


# -- inner steps and typed digits --------------------------------------------------------------


def test_inner_steps_mark_conflicts_exactly_as_passes_do(qtbot):
    """An inner step whose answer has two 8s in row 4 is marked there (once it showed them green)."""
    window = make_window(qtbot, models={"sudoku": TINY["sudoku"]}, max_passes=2, halt_threshold=1.0, retry_tta=0, commit=0, explore=0)
    panel = window.panel_for("sudoku")
    panel.paste_text(PUZZLE)
    r4 = [27, 29]  # r4c1 and r4c3: blank in PUZZLE, in one row and one box

    def two_eights(step):
        def run(tokens, y, z):
            out = step(tokens, y, z)
            bad = tokens.copy()
            bad[:, r4] = 9  # the token of digit 8
            inner = np.stack([_onehot(bad), _onehot(tokens)])  # (T, B, L, V): step 1 clashes, step 2 does not
            return StepOutput(out.y, out.z, _onehot(tokens), np.full(len(tokens), -9.0, np.float32), inner)

        return run

    panel.step_wrapper = two_eights
    panel.solve()
    wait_done(qtbot, panel)
    frame = panel.run.frames[-1]
    assert not frame.violations.any()  # the pass's own answer breaks no rule (it is incomplete)
    expected = np.zeros(81, bool)
    expected[list(SUDOKU.check(frame.answer_at(0), panel.current_puzzle()).bad_cells)] = True
    assert expected[r4].all() and np.array_equal(frame.violations_at(0), expected)
    panel.timeline.step_fine(-2)  # inner step 1 of the last pass
    assert panel.timeline.position_cursor.current == (len(panel.run.frames) - 1, 0)
    assert np.array_equal(panel.board._violations, expected)
    assert "cells in conflict" in panel.result_label.text()


def test_a_typed_digit_that_clashes_is_not_the_givens_breaking_the_rules(qtbot):
    window = make_window(qtbot, max_passes=1, retry_tta=0)
    panel = window.panel_for("sudoku")
    panel.paste_text(PUZZLE)  # a loaded puzzle: typed digits are the person's entries
    panel.enter_digit(1, 4)  # r1c2: the row's given r1c1 is a 4
    assert panel.board._conflicts[1] and not panel.board._conflicts[0]  # the entry is red, the given is not
    assert panel.solve()
    text = panel.banner.label.text()
    assert "givens break the rules" not in text
    assert text.startswith("Your digit in r1c2 clashes with the puzzle")
    wait_done(qtbot, panel)
    panel.set_entering_givens(True)
    panel.enter_digit(2, 4)  # now a given: the givens themselves clash
    assert not panel.solve() and "The givens break the rules" in panel.banner.label.text()


# -- ARC: no trained model ships ----------------------------------------------------------------


def test_arc_without_a_model_says_so_and_runs_nothing(qtbot):
    from gui.views.settings_dialog import KindModel, SettingsDialog, default_text

    window = make_window(qtbot)
    panel = window.panel_for("arc")
    assert window.open_path(SAMPLES / "arc" / "mirror_left_right.json")
    assert window.choice("arc").path is None  # never the tiny test model
    assert not panel.solve_button.isEnabled()
    assert not panel.model_note.isHidden() and "No ARC model answers a task before it has learned it" in panel.model_note.text()
    assert "Solve is off" in panel.solve_button.toolTip()
    assert window.model_label.text() == "Model: none installed"
    assert not panel.solve() and not panel.runner.running and panel.run is None
    assert "No ARC model answers a task before it has learned it" in panel.banner.label.text()
    assert "ARC: no model installed" in window.about_text()
    dialog = SettingsDialog(window.settings, [KindModel("arc", "ARC", None)])
    qtbot.addWidget(dialog)
    placeholder = dialog.models["arc"].edit.placeholderText()
    assert placeholder == default_text(None) and "none installed" in placeholder and "shipped" not in placeholder


def test_an_arc_model_the_person_chose_is_named_as_their_choice(qtbot):
    window = make_window(qtbot, models={"arc": TINY["arc"]})
    panel = window.panel_for("arc")
    assert window.open_path(SAMPLES / "arc" / "mirror_left_right.json")
    assert panel.solve_button.isEnabled() and panel.model_note.isHidden()
    assert window.model_label.text() == "Model: tiny_arc (your choice)"
    assert panel.solve()
    wait_done(qtbot, panel)
    text = panel.result_label.text()
    assert text.startswith("The model you chose, tiny_arc (accuracy not measured; its card says: randomly initialised")
    assert "shipped" not in text and "Nothing checks this answer" in text


# -- no result over another puzzle, for every kind ------------------------------------------------


def _slow(step):
    def run(tokens, y, z):
        time.sleep(0.05)
        return step(tokens, y, z)

    return run


def _setup(window, name: str):
    panel = window.panel_for(name)
    if name == "sudoku":
        assert window.open_path(SAMPLES / "sudoku" / "hard.sdm")
    elif name == "maze":
        assert window.open_path(SAMPLES / "maze" / "medium_15x15.txt")
    else:
        assert window.open_path(SAMPLES / "arc" / "blue_becomes_red.json")
    return panel


def _other(window, panel, name: str) -> None:
    if name == "sudoku":
        assert panel.paste_text(OTHER)
    elif name == "maze":
        assert panel.paste_text(OTHER_MAZE)
    else:
        assert window.open_path(SAMPLES / "arc" / "mirror_left_right.json")


def _shows_nothing(panel, name: str) -> bool:
    if name == "sudoku":
        return panel.board._answer is None
    if name == "maze":
        return panel.view._overlay is None
    return panel.model_view.blank


@pytest.mark.parametrize("when", ["mid-solve", "after the solve"])
@pytest.mark.parametrize("name", ["sudoku", "maze", "arc"])
def test_no_result_ever_refers_to_a_puzzle_other_than_the_one_shown(qtbot, name, when):
    window = make_window(qtbot, models={"arc": TINY["arc"]}, halt_threshold=1.0, max_passes=6, retry_tta=1)
    panel = _setup(window, name)
    kind = panel.kind
    broken = []

    def watch(*_args) -> None:
        run = panel.run
        if run is not None and not np.array_equal(kind.encode(run.puzzle), kind.encode(panel.current_puzzle())):
            broken.append(panel.result_label.text())
        if panel.runner.run is not None and panel.run is None and panel.result_label.text():
            broken.append(f"a run of another puzzle is still speaking: {panel.result_label.text()}")

    panel.runner.changed.connect(watch)
    panel.runner.ended.connect(watch)
    panel.timeline.positionChanged.connect(watch)
    if when == "mid-solve":
        panel.step_wrapper = _slow
    assert panel.solve()
    if when == "mid-solve":
        qtbot.waitUntil(lambda: panel.run is not None and len(panel.run.frames) >= 1, timeout=20000)
        assert panel.runner.running
    else:
        wait_done(qtbot, panel, timeout=60000)
        assert panel.run.state is RunState.DONE and panel.result_label.text()
    old = panel.runner.run
    _other(window, panel, name)
    assert panel.run is None and panel.result_label.text() == "" and _shows_nothing(panel, name)
    qtbot.wait(400)  # the old worker's last pass, if any, lands now and must be dropped
    assert panel.run is None and panel.result_label.text() == "" and _shows_nothing(panel, name)
    assert old.state in (RunState.DONE, RunState.CANCELLED) and old is not panel.runner.run
    panel.step_wrapper = None
    assert panel.solve()
    wait_done(qtbot, panel, timeout=60000)
    run = panel.run
    assert run.state is RunState.DONE
    assert np.array_equal(kind.encode(run.puzzle), kind.encode(panel.current_puzzle()))
    assert broken == []
    panel.runner.shutdown()


def test_passes_of_a_cancelled_run_already_queued_never_land_in_the_next_run(qtbot):
    """Solve, let passes queue up while the UI thread is busy, change the puzzle and solve the new
    one at once: the old run's queued passes must not join the new run."""
    window = make_window(qtbot, halt_threshold=1.0, max_passes=8, retry_tta=0, commit=0, explore=0)
    panel = window.panel_for("sudoku")
    assert window.open_path(SAMPLES / "sudoku" / "hard.sdm")
    panel.step_wrapper = _slow
    assert panel.solve()
    qtbot.waitUntil(lambda: panel.run is not None and len(panel.run.frames) >= 1, timeout=20000)
    time.sleep(0.4)  # the UI thread is busy; the worker's next passes wait in the event queue
    assert panel.paste_text(OTHER)
    assert panel.solve()
    wait_done(qtbot, panel, timeout=60000)
    numbers = [(f.track, f.number) for f in panel.run.frames]
    assert len(numbers) == len(set(numbers)) == 8
    assert np.array_equal(panel.run.puzzle.givens, panel.current_puzzle().givens)
    panel.runner.shutdown()
