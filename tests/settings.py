"""Settings of the test run: the core's test settings plus the sample plugin.

The sample plugin is "installed" the way any third-party plugin is: its
distribution metadata (with a ``komma.plugins`` entry point) is put on the
import path before settings discover plugins. No core file names it.
"""

import sys
from pathlib import Path

SAMPLE_DIST = Path(__file__).resolve().parent / "plugins" / "sample_dist"
if str(SAMPLE_DIST) not in sys.path:
    sys.path.insert(0, str(SAMPLE_DIST))

from komma.settings.test import *  # noqa: E402, F403
