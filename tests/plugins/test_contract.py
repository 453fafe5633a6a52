"""The plugin contract, proven with the sample plugin (installed only via its entry point)."""

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from komma.asgi import application
from komma.core.demo import DemoContext
from plugins import registry
from plugins.discovery import discover_plugin_apps, entry_point_plugins
from plugins.hooks import (
    collect,
    demo_data,
    nav_entries,
    personal_data_export,
    search_documents,
)
from plugins.models import PluginState
from plugins.routing import CLOSE_NOT_FOUND, CLOSE_RECHECK, CLOSE_UNAUTHENTICATED

pytestmark = pytest.mark.django_db(transaction=False)


def switch(plugin_id: str, on: bool) -> None:
    PluginState.objects.update_or_create(plugin_id=plugin_id, defaults={"enabled": on})
    registry.forget_states()


def test_entry_point_discovery_and_exclusion():
    assert entry_point_plugins()["sample"] == "sample_plugin.apps.SamplePluginConfig"
    assert "sample_plugin.apps.SamplePluginConfig" in discover_plugin_apps([], [])
    assert discover_plugin_apps([], ["sample"]) == []
    assert discover_plugin_apps(["toolbox.apps.ToolboxConfig"], ["toolbox", "sample"]) == []
    assert discover_plugin_apps(["toolbox.apps.ToolboxConfig"], ["sample"]) == [
        "toolbox.apps.ToolboxConfig"
    ]


def test_metadata_of_installed_plugin():
    plugin = registry.get_plugin("sample")
    assert plugin.metadata() == {
        "id": "sample",
        "name": "Beispiel-Plugin",
        "module_area": "x",
        "version": "1.0",
        "description": "Test plugin for the plugin contract.",
        "app": "sample_plugin",
    }
    assert PluginState.objects.filter(plugin_id="sample", enabled=True).exists()


def test_urls_mounted_under_prefix_and_namespace(client):
    assert reverse("sample:index") == "/beispiel/"
    assert client.get("/beispiel/").content == b"sample plugin page"


def test_switched_off_plugin_answers_404_and_back(client):
    switch("sample", False)
    assert client.get("/beispiel/").status_code == 404
    switch("sample", True)
    assert client.get("/beispiel/").status_code == 200


def test_nav_entry_disappears_when_switched_off(client):
    assert 'href="/beispiel/"' in client.get("/").content.decode()
    switch("sample", False)
    assert 'href="/beispiel/"' not in client.get("/").content.decode()


def test_hooks_skip_switched_off_plugin(rf, member):
    for plugin in registry.installed_plugins():  # built-in plugins answer hooks too
        if plugin.plugin_id != "sample":
            switch(plugin.plugin_id, False)
    request = rf.get("/")
    request.user = member
    assert [e.key for e in collect(nav_entries.send(sender=None, request=request))] == ["sample"]
    assert collect(search_documents.send(sender=None)) == ["sample_plugin.SampleDocument"]
    switch("sample", False)
    assert collect(nav_entries.send(sender=None, request=request)) == []
    assert collect(search_documents.send(sender=None)) == []
    # Core apps' receivers (private messages, ...) always answer; the plugin's does not.
    answered = [r.__module__ for r, _ in personal_data_export.send(sender=None, user=member)]
    assert not [m for m in answered if m.startswith("sample_plugin")]
    ctx = DemoContext()
    demo_data.send(sender=None, context=ctx)
    assert ctx.messages == []


def test_role_permission_hook_grants_even_when_off():
    from komma.accounts.actions import sync_roles

    switch("sample", False)
    sync_roles()
    group = Group.objects.get(name="Moderation Live-Beratung")
    assert group.permissions.filter(codename="view_pluginstate").exists()


async def _connect(path, user=None):
    communicator = WebsocketCommunicator(
        application, path, headers=[(b"origin", b"http://testserver"), (b"host", b"testserver")]
    )
    if user is not None:
        communicator.scope["user"] = user
    return communicator


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_websocket_route_mounted_and_gated(member):
    from channels.db import database_sync_to_async

    # Anonymous: closed with 4401 by the member consumer.
    communicator = await _connect("/ws/beispiel/echo/")
    connected, _ = await communicator.connect()
    assert (await communicator.receive_output())["code"] == CLOSE_UNAUTHENTICATED
    await communicator.disconnect()

    # Unknown route: 4404.
    communicator = await _connect("/ws/nichts/")
    await communicator.connect()
    assert (await communicator.receive_output())["code"] == CLOSE_NOT_FOUND

    # Switched off: 4404 even for a member.
    await database_sync_to_async(switch)("sample", False)
    communicator = await _connect("/ws/beispiel/echo/", member)
    await communicator.connect()
    assert (await communicator.receive_output())["code"] == CLOSE_NOT_FOUND

    await database_sync_to_async(switch)("sample", True)
    communicator = await _connect("/ws/beispiel/echo/", member)
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_to(text_data="not json")
    assert (await communicator.receive_json_from())["code"] == "bad_json"
    await communicator.send_json_to({"type": "echo", "text": "hallo"})
    reply = await communicator.receive_json_from()
    assert reply["text"] == "hallo" and reply["from"]["pseudonym"] == "WacheEule"
    await communicator.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_foreign_origin_is_refused(member):
    communicator = WebsocketCommunicator(
        application, "/ws/beispiel/echo/", headers=[(b"origin", b"https://evil.example")]
    )
    communicator.scope["user"] = member
    connected, _ = await communicator.connect()
    assert not connected


def test_admin_switch_in_wagtail_admin(client, make_member):
    """An admin switches the plugin off in the Wagtail admin; its page answers 404 at once."""
    from allauth.mfa.totp.internal.auth import TOTP

    admin = make_member("Netzpflege", is_superuser=True, is_staff=True)
    TOTP.activate(admin, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(admin)
    state = PluginState.objects.get(plugin_id="sample")
    listing = client.get("/admin/plugins/")
    assert listing.status_code == 200 and "Beispiel-Plugin" in listing.content.decode()
    response = client.post(f"/admin/plugins/edit/{state.pk}/", {"enabled": ""})
    assert response.status_code == 302
    assert client.get("/beispiel/").status_code == 404
    assert client.get("/admin/plugins/add/").status_code in (302, 403, 404)  # installed, not added


def test_removed_plugin_leaves_core_working(tmp_path):
    """Excluding the plugin (as if uninstalled) needs no core change: checks pass, URL is gone."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "KOMMA_PLUGINS_EXCLUDE": ",".join(["sample", *settings.KOMMA_BUILTIN_PLUGINS]),
        "PYTHONPATH": f"{root / 'platform'}{os.pathsep}{root}",
    }
    code = (
        "import django; django.setup();"
        "from django.core.management import call_command; call_command('check');"
        "from django.urls import resolve, Resolver404;"
        "from plugins.registry import installed_plugins;"
        "print([p.plugin_id for p in installed_plugins()]);"
        "\ntry:\n    resolve('/beispiel/'); print('resolved', resolve('/beispiel/').namespaces)"
        "\nexcept Resolver404:\n    print('gone')"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env,
                         capture_output=True, text=True, check=True)  # fmt: skip
    lines = out.stdout.strip().splitlines()
    assert lines[-2] == "[]"
    # Without the plugin the path falls through to the Wagtail page tree, not to a plugin.
    assert "sample" not in lines[-1]


async def _connected(member):
    communicator = await _connect("/ws/beispiel/echo/", member)
    connected, _ = await communicator.connect()
    assert connected
    return communicator


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_role_without_second_factor_is_refused(member):
    from channels.db import database_sync_to_async

    await database_sync_to_async(
        lambda: member.groups.add(Group.objects.get_or_create(name="Moderation")[0])
    )()
    communicator = await _connect("/ws/beispiel/echo/", member)
    await communicator.connect()
    assert (await communicator.receive_output())["code"] == 4403


def _log_out(member, other_municipality):
    from django.contrib.auth.signals import user_logged_out

    user_logged_out.send(sender=type(member), request=None, user=member)


def _deactivate(member, other_municipality):
    member.is_active = False
    member.save(update_fields=["is_active"])


def _add_role(member, other_municipality):
    member.groups.add(Group.objects.get_or_create(name="Allianzpartner")[0])


def _add_role_from_group_side(member, other_municipality):
    Group.objects.get_or_create(name="Allianzpartner")[0].user_set.add(member)


def _join_municipality(member, other_municipality):
    from komma.accounts.models import Membership

    Membership.objects.create(user=member, municipality=other_municipality)


def _end_sessions(member, other_municipality):
    from allauth.usersessions.models import UserSession

    from komma.accounts.usersessions import UserSessionsAdapter

    session = UserSession.objects.create(user=member, ip="127.0.0.1", session_key="k" * 32)
    UserSessionsAdapter().end_sessions([session])


def _switch_plugin_off(member, other_municipality):
    switch("sample", False)


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("change", "code"),
    [
        (_log_out, CLOSE_UNAUTHENTICATED),
        (_deactivate, CLOSE_UNAUTHENTICATED),
        (_add_role, CLOSE_RECHECK),
        (_add_role_from_group_side, CLOSE_RECHECK),
        (_join_municipality, CLOSE_RECHECK),
        (_end_sessions, CLOSE_RECHECK),
        (_switch_plugin_off, CLOSE_NOT_FOUND),
    ],
    ids=lambda value: getattr(value, "__name__", str(value)).strip("_"),
)
async def test_open_connection_follows_access(member, other_municipality, change, code):
    """Logout, deactivation, role/membership/session changes and a plugin switched off
    reach open connections (in every process, through the channel layer)."""
    from channels.db import database_sync_to_async

    communicator = await _connected(member)
    await database_sync_to_async(change)(member, other_municipality)
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": code}


def test_channel_layer_outage_does_not_fail_a_saved_change(member, settings, client):
    """The change is committed; notifying live connections is best effort."""
    from channels.layers import channel_layers

    broken = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                          "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]}}}  # fmt: skip
    settings.CHANNEL_LAYERS = broken
    channel_layers.backends.clear()
    try:
        from komma.accounts.receivers import revoke_live_connections

        revoke_live_connections(member.pk)  # logs, does not raise
    finally:
        channel_layers.backends.clear()
