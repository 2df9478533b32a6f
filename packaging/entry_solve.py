"""PyInstaller entry script of the `trm-solve` terminal solver (the same as the pip script)."""

import sys

from solver.cli import main

if __name__ == "__main__":
    sys.exit(main())
