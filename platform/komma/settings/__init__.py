"""Settings: ``base`` plus the ``dev``, ``test`` and ``production`` overlays.

Every value that differs between machines comes from an environment variable;
see ``komma.settings.env`` and the README's table.
"""
