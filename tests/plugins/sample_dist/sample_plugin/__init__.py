"""A third-party-style plugin used by the tests (installed through its entry point).

``SampleDocument`` is importable from here: the plugin's ``search_documents``
receiver names it "sample_plugin.SampleDocument"."""

from .search import SampleDocument

__all__ = ["SampleDocument"]
