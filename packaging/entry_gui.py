"""PyInstaller entry script of the `trm-puzzles` window (the same as `python -m gui`)."""

import sys

from gui.app import main

if __name__ == "__main__":
    sys.exit(main())
