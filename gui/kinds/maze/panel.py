"""MazePanel: the maze tab: draw walls, move S and G, generate, solve with a pass timeline."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
)

from gui.background import BackgroundTask
from gui.colours import MAZE_COLOURS
from gui.kinds.maze.legend import maze_legend
from gui.kinds.maze.state import MazeBoardState, path_mask
from gui.pass_frame import PassFrame
from gui.puzzle_list import PuzzleList
from gui.puzzle_panel import Command, PanelContext, PuzzlePanel
from gui.result_text import ERROR
from gui.views.grid_view import GridView
from gui.views.legend import LegendEntry
from solver.kinds import Kind, Record
from solver.kinds.maze import GOAL, START, WALL, Maze, format_maze
from solver.kinds.maze.generator import generate_maze

DEFAULT_SIZE = 15


def min_path_for(size: int) -> int:
    """A path length the generator reaches quickly but that still winds (about size²/8)."""
    return max(1, size * size // 8)


class MazePanel(PuzzlePanel):
    """Owns the maze being edited, its undo stack and its runs."""

    max_tta = 8

    def __init__(self, kind: Kind, context: PanelContext, parent: QWidget | None = None) -> None:
        super().__init__(kind, context, parent)
        self.state = MazeBoardState.open_field(DEFAULT_SIZE)
        self._stroke: list[tuple[int, int]] = []
        self._stroke_mode: str | None = None  # "wall", "open", "S" or "G"

        self.view = GridView(MAZE_COLOURS, line_colour="#9a9a9a", cell_hint=22)
        self.view.editable = True
        self.view.setAccessibleName("Maze")
        self.view.setToolTip("Click or drag: draw walls (on open cells) or erase them (on walls).\nDrag S or G to move them. Right button erases.")
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

        top = QHBoxLayout()
        top.addWidget(self.prev_button)
        top.addWidget(self.list_label)
        top.addWidget(self.next_button)
        top.addWidget(self.info_label, 1)
        top.addWidget(self.size_spin)
        top.addWidget(self.new_button)
        self._lay_out(top, self.view)

        self.view.cellPressed.connect(self._pressed)
        self.view.cellDragged.connect(self._dragged)
        self.view.strokeFinished.connect(self._stroke_done)
        self.new_button.clicked.connect(lambda: self.new_maze(self.size_spin.value()))
        self.prev_button.clicked.connect(lambda: self.step_list(-1))
        self.next_button.clicked.connect(lambda: self.step_list(1))
        self.generator.done.connect(self._generated)
        self.generator.failed.connect(lambda m: self.show_message(f"Could not generate a maze: {m}", ERROR))
        self.generator.runningChanged.connect(lambda busy: self.new_button.setEnabled(not busy))
        self._refresh()
        self._update_buttons()

    def commands(self) -> list[Command]:
        return [Command("Puzzle", "New &maze", lambda: self.new_maze(self.size_spin.value()), "Ctrl+M")]

    def legend_entries(self) -> list[LegendEntry]:
        return maze_legend(self.palette())

    def help_text(self) -> str:
        return ("<p>The rule checker accepts an answer that keeps the maze as it is and draws one shortest "
                "path from S to G through open cells. Click or drag on open cells to draw walls, on walls to "
                "erase them (or use the right button); drag S or G to move them.</p>")

    def hint_text(self) -> str:
        if self.source or self.edited:
            return ""
        return ("<b>Getting started:</b> draw walls on this open field, generate a maze with <b>New maze</b> "
                "(Ctrl+M), or pick File ▸ Sample puzzles; then <b>Solve</b> (F5).")

    def focus_board(self) -> None:
        self.view.setFocus()

    def shutdown(self) -> None:
        super().shutdown()
        self.generator.wait()

    def new_board(self) -> None:
        """An open field of the chosen size, S top-left and G bottom-right, to draw walls on."""
        self.records = PuzzleList()
        self._edit(MazeBoardState.open_field(self.size_spin.value()).snapshot(), "New maze field", source="")
        self._refresh()

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

    def _refresh(self) -> None:
        self.view.set_grid(self.state.grid)
        h, w = self.state.shape
        many = len(self.records) > 1
        for widget in (self.prev_button, self.next_button, self.list_label):
            widget.setVisible(many)
        if many:
            self.list_label.setText(self.records.label())
        walls = float(np.mean(self.state.grid == WALL))
        self.info_label.setText(f"{h}×{w} maze · {walls:.0%} walls")
        self.statusChanged.emit()

    # -- puzzles in ----------------------------------------------------------------------------

    def set_maze(self, maze: Maze, source: str = "") -> None:
        """Put a maze on the board as a new puzzle (undoable)."""
        self._edit(MazeBoardState.from_maze(maze).snapshot(), "Load maze", source=source)
        self._refresh()

    def load_record(self, record: Record, source: str) -> None:
        self.set_maze(record.puzzle, source)

    def new_maze(self, size: int, seed: int | None = None) -> bool:
        """Generate a size x size maze on a worker thread."""
        rng = np.random.default_rng(seed)
        return self.generator.start(lambda: generate_maze(size, min_path_for(size), rng))

    @Slot(object)
    def _generated(self, made: tuple[Maze, Maze]) -> None:
        self.records = PuzzleList()
        h, w = made[0].shape
        self.set_maze(made[0], f"new {h}×{w} maze")

    def copy_text(self) -> str:
        """The maze as a text grid."""
        return format_maze(self.state.maze())

    # -- solving -------------------------------------------------------------------------------

    def current_puzzle(self) -> Maze:
        """The maze on the board."""
        return self.state.maze()

    def solvable_puzzle(self) -> Maze | None:
        """The maze on the board, when it has its S and its G."""
        maze = super().solvable_puzzle()
        if maze is not None and (maze.start is None or maze.goal is None):
            self.show_message("A maze needs one S and one G.", ERROR)
            return None
        return maze

    def _draw(self, frame: PassFrame, inner: int | None) -> None:
        self.view.set_overlay(
            path_mask(frame.answer_at(inner)),
            QColor(MAZE_COLOURS[4]),
            alpha=frame.confidence,
            marks=frame.violations_at(inner),
            changed=frame.changed,
        )

    def _clear_answer(self) -> None:
        self.view.set_overlay(None)
