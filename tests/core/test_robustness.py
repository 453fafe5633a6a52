"""Failure containment: broken plugin hooks, e-mails in logs, stale plugin states."""

import logging

import pytest
from django.core.cache import cache

from komma.core.logging import RedactEmailFilter
from plugins import registry
from plugins.hooks import nav_entries
from plugins.models import PluginState

pytestmark = pytest.mark.django_db


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_a_broken_nav_receiver_breaks_no_page(client):
    def raises(sender, **kwargs):
        raise RuntimeError("plugin bug")

    def wrong_type(sender, **kwargs):
        return {"label": "kein Eintrag"}

    nav_entries.connect(raises, dispatch_uid="test-raises")
    nav_entries.connect(wrong_type, dispatch_uid="test-wrong-type")
    handler = _Collect()
    logging.getLogger("plugins.hooks").addHandler(handler)
    try:
        response = client.get("/")
    finally:
        logging.getLogger("plugins.hooks").removeHandler(handler)
        nav_entries.disconnect(dispatch_uid="test-raises")
        nav_entries.disconnect(dispatch_uid="test-wrong-type")
    assert response.status_code == 200
    assert 'href="/beispiel/"' in response.content.decode()  # the healthy plugin stays
    logged = " ".join(handler.messages)
    assert "raises failed" in logged and "returned dict, not a list" in logged


def test_log_records_lose_email_addresses():
    record = logging.LogRecord(
        "x", logging.ERROR, __file__, 1, "mail to %s refused", ("zq.geheim@leak.example",), None
    )
    try:
        raise OSError("550 rejected <zq.geheim@leak.example>")
    except OSError:
        import sys

        record.exc_info = sys.exc_info()
    assert RedactEmailFilter().filter(record)
    text = logging.Formatter().format(record)
    assert "zq.geheim" not in text
    assert (
        text.startswith("mail to <e-mail> refused") and "OSError: 550 rejected <<e-mail>>" in text
    )


def test_shared_cache_holds_only_stored_states():
    """Processes with other plugin sets must not overwrite each other's defaults."""
    PluginState.objects.all().delete()
    registry.forget_states()
    defaults = {p.plugin_id: p.enabled_by_default for p in registry.installed_plugins()}
    assert registry.plugin_states() == defaults and defaults["sample"] is True
    assert cache.get(registry.STATE_CACHE_KEY) == {}  # nothing stored, nothing cached


def test_switched_off_plugin_classes_are_recognised():
    from sample_plugin.consumers import EchoConsumer

    assert not registry.belongs_to_switched_off_plugin(EchoConsumer)
    PluginState.objects.update_or_create(plugin_id="sample", defaults={"enabled": False})
    registry.forget_states()
    assert registry.belongs_to_switched_off_plugin(EchoConsumer)
    assert not registry.belongs_to_switched_off_plugin(PluginState)  # core


def test_sitemap_uses_the_configured_base_url(client, settings):
    body = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://127.0.0.1:8000/</loc>" in body
    assert "localhost" not in body


@pytest.mark.parametrize(
    "path",
    ["/konto/mitglieder/%00/", "/konto/mitglieder/a%00b/", "/konto/mitglieder/x/",
     "/nachrichten/neu/%00/", "/wissen/%00/", "/fortbildungen/%00/"],
)  # fmt: skip
def test_junk_in_urls_is_a_404_not_a_database_error(client, member, path):
    # PostgreSQL refuses NUL bytes in text: the lookup must not reach the database.
    client.force_login(member)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "served"),
    [("media/images/bild.fill-100x100.webp", True), ("media/original_images/bild.png", True),
     ("media/documents/geheim.pdf", False), ("media//documents/geheim.pdf", False),
     ("media/images/../documents/geheim.pdf", False), ("media/images/..", False),
     ("media/x/../documents/geheim.pdf", False)],
)  # fmt: skip
def test_development_media_route_serves_images_only(settings, path, served):
    from komma.urls import dev_media_urlpatterns

    settings.DEBUG = True
    patterns = dev_media_urlpatterns()
    assert any(p.pattern.match(path) for p in patterns) is served
