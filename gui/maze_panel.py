"""MazePanel: the maze tab: draw walls, move S and G, generate, solve with a pass timeline."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from gui.background import BackgroundTask
from gui.colours import MAZE_COLOURS
from gui.commands import push_edit
from gui.maze_files import MazePair, load_maze_file, maze_file_text, read_mazes
from gui.maze_state import MazeBoardState, path_mask
from gui.pass_frame import PassFrame
from gui.puzzle_list import PuzzleList
from gui.result_text import ERROR, INFO, LEVEL_STYLE, SUCCESS, WARNING, describe_result
from gui.solve_job import ModelHandle, SolveOptions, SolveRequest
from gui.solve_run import SolveRun
from gui.views.grid_view import GridView
from gui.views.message_banner import MessageBanner
from gui.views.pass_timeline import PassTimeline
from solver.maze import GOAL, START, WALL, Maze, format_maze
from solver.maze_generator import generate_maze
from solver.result import SolveResult

log = logging.getLogger(__name__)

DEFAULT_SIZE = 15


def min_path_for(size: int) -> int:
    """A path length the generator reaches quickly but that still winds (about size²/8)."""
    return max(1, size * size // 8)


class MazePanel(QWidget):
    """Owns the maze being edited, its undo stack and its solves."""

    kind = "maze"
    titleChanged = Signal(str)
    statusChanged = Signal()

    def __init__(
        self,
        load_model: Callable[[], Callable[[], ModelHandle]],
        solve_options: Callable[[], SolveOptions],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._load_model = load_model
        self._solve_options = solve_options
        self.state = MazeBoardState.open_field(DEFAULT_SIZE)
        self.undo_stack = QUndoStack(self)
        self.mazes: PuzzleList[MazePair] = PuzzleList()
        self.file_path: Path | None = None
        self.step_wrapper = None
        self._stroke: list[tuple[int, int]] = []
        self._stroke_mode: str | None = None  # "wall", "open", "S" or "G"

        self.banner = MessageBanner()
        self.view = GridView(MAZE_COLOURS, line_colour="#9a9a9a", cell_hint=22)
        self.view.editable = True
        self.view.setAccessibleName("Maze")
        self.view.setToolTip("Click or drag: draw walls (on open cells) or erase them (on walls).\nDrag S or G to move them. Right button erases.")
        self.timeline = PassTimeline()
        self.run = SolveRun(self.timeline, self)
        self.generator = BackgroundTask(self)
        self.size_spin = QSpinBox()
        self.size_spin.setRange(4, 30)
        self.size_spin.setValue(DEFAULT_SIZE)
        self.size_spin.setPrefix("size ")
        self.size_spin.setAccessibleName("New maze size")
        self.new_button = QPushButton("New maze")
        self.new_button.setToolTip("Generate a maze with a long, unique shortest path")
        self.prev_button = QToolButton(text="◀")
        self.next_button = QToolButton(text="▶")
        self.list_label = QLabel()
        self.info_label = QLabel()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.solve_button = QPushButton("Solve")
        self.cancel_button = QPushButton("Cancel")
        self.keep_button = QPushButton("Keep thinking")

        top = QHBoxLayout()
        top.addWidget(self.prev_button)
        top.addWidget(self.list_label)
        top.addWidget(self.next_button)
        top.addWidget(self.info_label, 1)
        top.addWidget(self.size_spin)
        top.addWidget(self.new_button)
        buttons = QHBoxLayout()
        for b in (self.solve_button, self.cancel_button, self.keep_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.result_label)
        layout.addLayout(buttons)
        layout.addWidget(self.timeline)

        self.view.cellPressed.connect(self._pressed)
        self.view.cellDragged.connect(self._dragged)
        self.view.strokeFinished.connect(self._stroke_done)
        self.new_button.clicked.connect(lambda: self.new_maze(self.size_spin.value()))
        self.prev_button.clicked.connect(lambda: self.step_list(-1))
        self.next_button.clicked.connect(lambda: self.step_list(1))
        self.solve_button.clicked.connect(self.solve)
        self.cancel_button.clicked.connect(self.cancel)
        self.keep_button.clicked.connect(self.keep_thinking)
        self.run.frameShown.connect(self._show_frame)
        self.run.resultReady.connect(self._show_result)
        self.run.notice.connect(lambda text: self.show_message(text, WARNING))
        self.run.failed.connect(lambda m: self.show_message(f"The model could not run: {m}", ERROR))
        self.run.runningChanged.connect(self._running_changed)
        self.run.cancelled.connect(lambda: self.result_label.setText(f"Cancelled after {len(self.run.frames)} pass(es)."))
        self.generator.done.connect(self._generated)
        self.generator.failed.connect(lambda m: self.show_message(f"Could not generate a maze: {m}", ERROR))
        self.generator.runningChanged.connect(lambda busy: self.new_button.setEnabled(not busy))
        self._refresh()
        self._running_changed(False)

    def show_message(self, text: str, level: str = INFO) -> None:
        """A non-modal message above the maze."""
        log.info("%s: %s", level, text)
        self.banner.show_message(text, level)

    # -- editing with the mouse ----------------------------------------------------------------

    @Slot(int, int, int)
    def _pressed(self, row: int, col: int, button: int) -> None:
        value = int(self.state.grid[row, col])
        if value == START:
            self._stroke_mode = "S"
        elif value == GOAL:
            self._stroke_mode = "G"
        elif button == Qt.MouseButton.RightButton.value or value == WALL:
            self._stroke_mode = "open"
        else:
            self._stroke_mode = "wall"
        self._stroke = [(row, col)]
        self._preview()

    @Slot(int, int)
    def _dragged(self, row: int, col: int) -> None:
        if self._stroke_mode is None:
            return
        if self._stroke_mode in ("S", "G"):
            self._stroke = [(row, col)]
        else:
            self._stroke.append((row, col))
        self._preview()

    def _stroke_result(self) -> object:
        if self._stroke_mode in ("S", "G"):
            symbol = START if self._stroke_mode == "S" else GOAL
            return self.state.with_endpoint(symbol, self._stroke[-1])
        return self.state.with_wall(self._stroke, self._stroke_mode == "wall")

    def _preview(self) -> None:
        shape, data = self._stroke_result()  # type: ignore[misc]
        self.view.set_grid(np.frombuffer(data, np.uint8).reshape(shape))

    @Slot()
    def _stroke_done(self) -> None:
        if self._stroke_mode is None:
            return
        text = {"S": "Move start", "G": "Move goal", "wall": "Draw walls", "open": "Erase walls"}[self._stroke_mode]
        after = self._stroke_result()
        self._stroke_mode, self._stroke = None, []
        self._edit(after, text)
        self._refresh()

    def paint_walls(self, cells: list[tuple[int, int]], wall: bool = True) -> None:
        """Draw (or erase) walls on cells as one undoable edit (menus and tests)."""
        self._edit(self.state.with_wall(cells, wall), "Draw walls" if wall else "Erase walls")

    def move_endpoint(self, symbol: str, cell: tuple[int, int]) -> None:
        """Move S or G as one undoable edit."""
        self._edit(self.state.with_endpoint(START if symbol == "S" else GOAL, cell), f"Move {symbol}")

    def _edit(self, after: object, text: str) -> None:
        if push_edit(self.undo_stack, self.state, after, text, self._refresh):
            if self.run.running:
                self.run.cancel()
            self._show_answer(None)
            self.result_label.clear()

    def _refresh(self) -> None:
        self.view.set_grid(self.state.grid)
        h, w = self.state.shape
        many = len(self.mazes) > 1
        for widget in (self.prev_button, self.next_button, self.list_label):
            widget.setVisible(many)
        if many:
            self.list_label.setText(self.mazes.label())
        walls = float(np.mean(self.state.grid == WALL))
        self.info_label.setText(f"{h}×{w} maze · {walls:.0%} walls")
        self.statusChanged.emit()

    # -- puzzles in ----------------------------------------------------------------------------

    def set_maze(self, maze: Maze) -> None:
        """Put a maze on the board (undoable)."""
        self._edit(MazeBoardState.from_maze(maze).snapshot(), "Load maze")
        self.timeline.reset(0.5, 16)
        self._refresh()

    def set_mazes(self, pairs: list[MazePair], name: str) -> None:
        """Mazes of one file to step through."""
        self.mazes = PuzzleList(pairs, 0, name)
        self.set_maze(pairs[0][0])

    def step_list(self, delta: int) -> None:
        """The previous or next maze of the file."""
        if self.mazes.step(delta):
            self.set_maze(self.mazes.current[0])

    def new_maze(self, size: int, seed: int | None = None) -> bool:
        """Generate a size x size maze on a worker thread."""
        rng = np.random.default_rng(seed)
        return self.generator.start(lambda: generate_maze(size, min_path_for(size), rng))

    @Slot(object)
    def _generated(self, made: tuple[Maze, Maze]) -> None:
        self.mazes = PuzzleList()
        self.set_maze(made[0])

    def copy_text(self) -> str:
        """The maze as a text grid."""
        return format_maze(self.state.maze())

    def paste_text(self, text: str) -> bool:
        """A text grid or CSV row; a bad paste is a message and the maze stays."""
        try:
            pairs = read_mazes(text)
        except ValueError as err:
            self.show_message(f"The pasted text is not a maze: {err}", ERROR)
            return False
        self._take(pairs, "clipboard")
        return True

    def open_file(self, path: str | Path) -> bool:
        """Open a maze file; a bad file is a message and the maze stays."""
        path = Path(path)
        try:
            pairs = load_maze_file(path)
        except ValueError as err:
            self.show_message(f"Could not open the file: {err}", ERROR)
            return False
        self.file_path = path
        self._take(pairs, path.name)
        self.titleChanged.emit(path.name)
        return True

    def _take(self, pairs: list[MazePair], name: str) -> None:
        if len(pairs) > 1:
            self.set_mazes(pairs, name)
        else:
            self.mazes = PuzzleList()
            self.set_maze(pairs[0][0])
        self.banner.clear()

    def save_file(self, path: str | Path) -> bool:
        """Save the maze as a text grid (or a CSV row)."""
        path = Path(path)
        try:
            path.write_text(maze_file_text(self.state.maze(), path.suffix), encoding="utf-8")
        except (OSError, ValueError) as err:
            self.show_message(f"Could not save {path.name}: {err}", ERROR)
            return False
        self.undo_stack.setClean()
        self.file_path = path
        self.titleChanged.emit(path.name)
        self.show_message(f"Saved {path.name}.", SUCCESS)
        return True

    # -- solving -------------------------------------------------------------------------------

    def solve(self) -> bool:
        """Run the model on the maze on a worker thread."""
        if self.run.running:
            return False
        try:
            maze = self.state.maze()
        except ValueError as err:
            self.show_message(str(err), ERROR)
            return False
        if maze.start is None or maze.goal is None:
            self.show_message("A maze needs one S and one G.", ERROR)
            return False
        options = self._solve_options()
        request = SolveRequest(
            puzzle=maze,
            load_model=self._load_model(),
            max_passes=options.max_passes,
            threshold=options.threshold,
            tta_k=min(options.tta_k, 8),
            step_wrapper=self.step_wrapper,
        )
        self.banner.clear()
        self.result_label.setStyleSheet("")
        self.result_label.setText("Solving…")
        self.run.start(request)
        return True

    def cancel(self) -> None:
        """Stop the model now."""
        self.run.cancel()

    def keep_thinking(self) -> bool:
        """More passes from where the model stopped."""
        return self.run.keep_thinking()

    def _show_answer(self, frame: PassFrame | None, inner: int = -1) -> None:
        if frame is None:
            self.view.set_overlay(None)
            return
        answer = frame.answer_at(inner)
        self.view.set_overlay(
            path_mask(answer),
            QColor(MAZE_COLOURS[4]),
            alpha=frame.confidence,
            marks=frame.violations,
            changed=frame.changed,
        )

    @Slot(object, int)
    def _show_frame(self, frame: PassFrame, inner: int) -> None:
        self._show_answer(frame, inner)
        self.statusChanged.emit()

    @Slot(object)
    def _show_result(self, result: SolveResult) -> None:
        text, level = describe_result(result)
        self.result_label.setText(text)
        self.result_label.setStyleSheet(LEVEL_STYLE[level])

    @Slot(bool)
    def _running_changed(self, running: bool) -> None:
        self.solve_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.keep_button.setEnabled(not running and self.run.last_carry is not None)
        self.statusChanged.emit()
