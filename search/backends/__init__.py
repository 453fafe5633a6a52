"""Search backends: ``elasticsearch`` (production) and ``database`` (fallback)."""
