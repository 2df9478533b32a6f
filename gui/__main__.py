"""``python -m gui`` opens the window."""

import sys

from gui.app import main

sys.exit(main())
