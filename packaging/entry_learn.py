"""PyInstaller entry script of the learning add-on's `trm-learn` (the same as `python -m training.learn`)."""

import sys

from training.learn import main

if __name__ == "__main__":
    sys.exit(main())
