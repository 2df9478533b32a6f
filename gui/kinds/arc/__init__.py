"""The ARC tab: its panel (`PANEL`) and the answer grid a person paints."""

from gui.kinds.arc.panel import ArcPanel as PANEL

__all__ = ["PANEL"]
