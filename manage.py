#!/usr/bin/env python
"""Django's command-line utility for KomMA Netzwerk."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main():
    # platform/ holds the core package "komma"; it is a folder on the path, not a
    # package, so the standard library's "platform" module stays importable.
    sys.path.insert(0, str(ROOT / "platform"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "komma.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
