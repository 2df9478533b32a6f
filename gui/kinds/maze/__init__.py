"""The maze tab: its panel (`PANEL`) and the maze being edited."""

from gui.kinds.maze.panel import MazePanel as PANEL

__all__ = ["PANEL"]
