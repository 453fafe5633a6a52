"""A third-party-style plugin used by the tests (installed through its entry point)."""
