"""The site frame (core.frame): menu pages and footer links from the shared cache, kept
fresh by a version that page, restriction, site and SiteChrome changes bump; the
reader's facts (administration, invitations, unread messages, level) in one query."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from wagtail.models import Site

from komma.accounts.models import User
from komma.conversations import actions
from komma.core.frame import chrome_cache_key
from komma.core.models import SiteChrome
from komma.pages.models import HomePage, StandardPage
from komma.pages.visibility import RANK, PageVisibility

pytestmark = pytest.mark.django_db

# Warm cache (menu pages and footer links already built for the audience): the frame
# of a logged-in member costs one query, the reader's facts (frame_facts: Wagtail admin
# access, may invite, unread messages, level); an anonymous reader's costs none.
FRAME_MEMBER = 1
FRAME_ANONYMOUS = 0


def menu(html: str) -> str:
    """The main navigation of a page."""
    found = re.search(r'<nav class="main-nav".*?</nav>', html, re.S)
    assert found, "no main navigation"
    return found.group(0)


def account_menu(html: str) -> str:
    found = re.search(r'<details class="account-menu">.*?</details>', html, re.S)
    assert found, "no account menu"
    return found.group(0)


def page(client, url="/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def add_menu_page(title: str, slug: str, visibility: str = "public") -> StandardPage:
    home = HomePage.objects.get()
    new = StandardPage(title=title, slug=slug, visibility=visibility, show_in_menus=True)
    home.add_child(instance=new)
    new.save_revision().publish()
    return new


# --- (1) publishing and unpublishing ----------------------------------------------------
def test_menu_shows_a_published_page_and_drops_an_unpublished_one(client):
    assert "Neu im Menü Xq7" not in menu(page(client))  # builds and caches the menu
    new = add_menu_page("Neu im Menü Xq7", "neu-im-menue")
    assert "Neu im Menü Xq7" in menu(page(client))
    new.unpublish()
    assert "Neu im Menü Xq7" not in menu(page(client))


# --- (2) audiences are kept apart ----------------------------------------------------------
def test_network_menu_page_for_members_only_even_when_a_member_warmed_the_cache(client, member):
    add_menu_page("Offen für alle Pm2", "offen")
    add_menu_page("Nur fürs Netzwerk Zk4", "nur-netzwerk", visibility="network")
    client.force_login(member)
    assert "Nur fürs Netzwerk Zk4" in menu(page(client))  # the member's menu is cached now
    client.logout()
    assert "Nur fürs Netzwerk Zk4" not in menu(page(client))

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    cached = cache.get(chrome_cache_key(request, "menu", RANK[PageVisibility.PUBLIC]))
    assert cached is not None, "the anonymous menu is cached"
    labels = [entry.label for entry in cached]
    assert "Offen für alle Pm2" in labels
    assert "Nur fürs Netzwerk Zk4" not in labels


# --- (3) the footer setting ------------------------------------------------------------------
def test_changed_contact_address_shows_on_the_next_request(client):
    assert "mailto:" not in page(client)  # the footer is cached without an address
    chrome = SiteChrome.for_site(Site.objects.get(is_default_site=True))
    chrome.contact_email = "team@komma.example"
    chrome.save()
    assert 'href="mailto:team@komma.example"' in page(client)
    chrome.contact_email = "neu@komma.example"
    chrome.save()
    html = page(client)
    assert 'href="mailto:neu@komma.example"' in html
    assert "team@komma.example" not in html


# --- (4) the reader's facts --------------------------------------------------------------------
def test_coordinator_gets_invitations_plain_member_does_not(
    client, make_member, member, municipality
):
    invitations = f'href="{reverse("accounts:invitations")}"'
    client.force_login(member)
    assert invitations not in account_menu(page(client))
    coordinator = make_member("KlareQuelle", municipality=municipality, coordinator=True)
    client.force_login(coordinator)
    assert invitations in account_menu(page(client))


def test_administration_link_for_the_admin_role_only(admin_client, client, member):
    assert 'href="/admin/"' in account_menu(page(admin_client))
    client.force_login(member)
    assert 'href="/admin/"' not in account_menu(page(client))


def test_unread_message_count_in_the_account_menu(client, member, make_member):
    client.force_login(member)
    assert "Nachrichten (" not in account_menu(page(client))
    actions.do_start_conversation(make_member("LeiseWelle"), member, subject="Frage", body="Hallo")
    assert "Nachrichten (1)" in account_menu(page(client))


# --- (5) the frame's cost -------------------------------------------------------------------------
def render_frame(user) -> str:
    """templates/base.html alone (no view), for ``user``, with the context processors."""
    request = RequestFactory().get("/")
    request.user = user
    html = render_to_string("base.html", request=request)
    assert '<nav class="main-nav"' in html
    return html


def test_frame_costs_one_query_for_a_member_on_a_warm_cache(member, django_assert_num_queries):
    render_frame(User.objects.get(pk=member.pk))  # builds menu and footer for the audience
    reader = User.objects.get(pk=member.pk)  # a fresh user object, as on a new request
    with django_assert_num_queries(FRAME_MEMBER):
        html = render_frame(reader)
    assert 'class="account-menu"' in html


def test_frame_costs_no_query_for_anonymous_readers_on_a_warm_cache(django_assert_num_queries):
    render_frame(AnonymousUser())
    with django_assert_num_queries(FRAME_ANONYMOUS):
        render_frame(AnonymousUser())
