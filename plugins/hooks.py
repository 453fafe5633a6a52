"""The hook points through which plugins extend the core.

Each hook point is a :class:`PluginSignal`. A plugin connects receivers in its
``ready()`` (or a module imported from there) with ``@receiver(hook)``; when the
plugin is switched off its receivers are skipped, so its navigation entries,
dashboard panels, demo data and search documents disappear with it. Receivers
in core packages always run. Receivers are synchronous functions.

Every hook is called with ``sender`` set to the caller's class or None, plus the
keyword arguments documented on it; what a receiver returns is documented there
too. ``send()`` returns ``[(receiver, response), ...]`` like Django's signals;
:func:`collect` flattens the responses of list-returning hooks.
"""

import logging
from dataclasses import dataclass, field

from django.dispatch import Signal

from .registry import plugin_id_for_module, plugin_states

logger = logging.getLogger(__name__)


class PluginSignal(Signal):
    """A Django signal whose receivers in switched-off plugins do not run.

    Exceptions in receivers propagate (a broken plugin should fail loudly in tests,
    not be hidden); use ``send_robust`` in places where one plugin must not break
    a page for everyone.
    """

    def _active_receivers(self, sender):
        sync_receivers, _async_receivers = self._live_receivers(sender)
        if not sync_receivers:
            return
        states = plugin_states()
        for receiver in sync_receivers:
            plugin_id = plugin_id_for_module(getattr(receiver, "__module__", ""))
            if plugin_id is not None and not states.get(plugin_id, False):
                continue
            yield receiver

    def send(self, sender, **named):
        """Call the receivers of core and of switched-on plugins."""
        if not self.receivers:
            return []
        return [
            (receiver, receiver(signal=self, sender=sender, **named))
            for receiver in self._active_receivers(sender)
        ]

    def send_robust(self, sender, **named):
        """Like ``send``, but a receiver's exception is returned as its response."""
        if not self.receivers:
            return []
        responses = []
        for receiver in self._active_receivers(sender):
            try:
                response = receiver(signal=self, sender=sender, **named)
            except Exception as err:  # logged and returned to the caller
                logger.exception(
                    "hook receiver %s.%s failed",
                    getattr(receiver, "__module__", "?"),
                    getattr(receiver, "__qualname__", receiver),
                )
                response = err
            responses.append((receiver, response))
        return responses

    def send_to_all(self, sender, **named):
        """Call every receiver, switched-off plugins included (setup work such as roles)."""
        return super().send(sender, **named)


def collect(responses) -> list:
    """Flatten list-returning receivers' responses; ``None`` and failures are skipped.

    A receiver that returns something other than a list or tuple is a plugin bug:
    it is logged and skipped, so one plugin cannot break every page.
    """
    items = []
    for receiver, response in responses:
        if response is None or isinstance(response, Exception):
            continue
        if not isinstance(response, (list, tuple)):
            logger.error(
                "hook receiver %s.%s returned %s, not a list",
                getattr(receiver, "__module__", "?"),
                getattr(receiver, "__qualname__", receiver),
                type(response).__name__,
            )
            continue
        items.extend(response)
    return items


@dataclass(frozen=True)
class NavEntry:
    """One entry of the main navigation.

    ``key`` identifies the entry for the "current page" marker: the entry is current
    when the request path starts with ``url``. ``members_only`` hides it from
    anonymous visitors.
    """

    label: str
    url: str
    order: int = 100
    members_only: bool = False
    key: str = field(default="")


nav_entries = PluginSignal()
"""Main navigation. kwargs: ``request``. Returns a list of :class:`NavEntry`
the requesting user may follow (receivers filter by permission themselves)."""

editor_dashboard_panels = PluginSignal()
"""Panels on the Wagtail admin dashboard. kwargs: ``request``. Returns a list of
Wagtail components (``wagtail.admin.ui.components.Component``) with an ``order``."""

demo_data = PluginSignal()
"""Demo content. kwargs: ``context`` (:class:`komma.core.demo.DemoContext` with the
seeded municipalities and people, and ``log(message)``). Returns None. Must be
idempotent: running ``seed_demo`` twice creates nothing twice."""

search_documents = PluginSignal()
"""Search documents. No kwargs. Returns a list of document classes (see the
``search`` package) that the plugin indexes. A switched-off plugin's documents
are neither indexed nor searched."""

search_access_tokens = PluginSignal()
"""Search access. kwargs: ``user`` (a logged-in, active member). Returns a list of
access tokens the user holds in the plugin (e.g. ``"forum-category:3"``); documents
carrying one of them are found by the user (see ``search.access``)."""

role_permissions = PluginSignal()
"""Role permissions. No kwargs. Returns a dict role key -> list of
``"app_label.codename"`` that members of the role get (role keys are in
``komma.accounts.roles.ROLES``). Sent with ``send_to_all`` when roles are synced,
so a switched-off plugin keeps its grants for when it comes back."""

personal_data_export = PluginSignal()
"""GDPR export. kwargs: ``user``. Returns a dict section name -> JSON-serialisable
data the plugin holds about that user (what they wrote, drafts, settings)."""


@dataclass(frozen=True)
class AllianceContact:
    """One contact of the alliance directory, as the hook ``alliance_contacts`` returns it.

    ``channels`` holds only what the asking user may see, as tuples
    ``(kind, kind label, value, label)``; ``kind`` is one of ``phone``, ``email``,
    ``postal_address``, ``contact_person``, ``website``, ``fax``, ``messenger``,
    ``other``. ``url`` is the site-relative URL of the directory entry; ``why`` says
    in the site's language why this kind of organisation helps in the situation.
    """

    name: str
    url: str
    category: str  # local_media, civil_society, business, counselling, security_authority, ...
    category_label: str
    why: str
    city: str = ""
    bundesland: str = ""  # ISO suffix ("SN")
    channels: tuple[tuple[str, str, str, str], ...] = ()


alliance_contacts = PluginSignal()
"""„Wer hilft bei …?“ — the alliance directory's contacts for a situation. kwargs:
``user`` (the asking user, may be anonymous), ``situation`` (a key: ``attack_on_staff``,
``online_hate``, ``threat_letters``, ``racist_incident``, ``antisemitic_incident``,
``extremist_event``, ``public_communication``, ``broad_alliance``; see
``alliance.wizard.SITUATIONS``), ``bundesland`` (two-letter ISO suffix, e.g. ``"SN"``).
Returns a list of :class:`AllianceContact` the user may see, in the order to contact
them; an unknown situation or Bundesland gives an empty list. Use
``collect(alliance_contacts.send_robust(sender=None, user=..., situation=...,
bundesland=...))``; when the directory is switched off the list is empty."""


@dataclass(frozen=True)
class ForumTarget:
    """A forum category a user may start a thread in (hook ``forum_thread_targets``)."""

    id: int
    label: str
    allows_anonymous: bool = True


forum_thread_targets = PluginSignal()
"""Where a user may start a forum thread. kwargs: ``user``. Returns a list of
:class:`ForumTarget` (empty when the user may not write in any category). Used by
other plugins (live sessions) to offer "turn this into a forum thread"; when the
forums are switched off the collected list is empty."""


@dataclass(frozen=True)
class ForumSubmission:
    """The outcome of ``submit_forum_thread``: ``ok`` with the thread's site-relative
    ``url`` (``pending`` when it waits for moderation), or ``errors`` to show."""

    ok: bool
    url: str = ""
    pending: bool = False
    errors: tuple[str, ...] = ()


submit_forum_thread = PluginSignal()
"""Start a forum thread on the user's behalf through the forum's own checks (access,
rate limits, watched words, pre-moderation). kwargs: ``user``, ``category_id``,
``title``, ``body`` (Markdown), ``anonymous`` (bool: post as "member of a model
municipality"). Returns a one-element list with a :class:`ForumSubmission`; an
empty collected list means the forums are switched off."""
