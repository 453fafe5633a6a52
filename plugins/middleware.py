"""HTTP gate: a switched-off plugin's URLs answer 404."""

from django.http import Http404

from .registry import installed_plugins, is_enabled


class PluginGateMiddleware:
    """Answers 404 for any view mounted under a switched-off plugin's namespace.

    The plugins' URLs are mounted under their ``plugin_id`` as the outermost URL
    namespace (see :mod:`plugins.urls`), so the resolved namespace says which
    plugin a request belongs to without importing any plugin module.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.plugin_ids = {plugin.plugin_id for plugin in installed_plugins()}

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match and match.namespaces:
            outer = match.namespaces[0]
            if outer in self.plugin_ids and not is_enabled(outer):
                raise Http404("This module is switched off.")
        return None
