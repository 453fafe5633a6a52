"""Editing knowledge pages in the Wagtail admin: every page type's form renders, and a
visibility more open than the parent's is refused with a message."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from komma.pages.models import ArticlePage, GoodPracticePage, RecommendationPage, StandardPage
from tests.conftest import TEST_TOTP_SECRET


@pytest.fixture
def superuser_client(client, make_member):
    boss = make_member("Chefredaktion", is_superuser=True, is_staff=True)
    TOTP.activate(boss, TEST_TOTP_SECRET)
    client.force_login(boss)
    return client


@pytest.mark.parametrize("cls", [GoodPracticePage, RecommendationPage, ArticlePage])
def test_edit_forms_render_with_a_contact_block(superuser_client, make_page, make_member, cls):
    contact = make_member("AntwortendeEule")
    body = [{"type": "contact", "value": {"heading": "Kontakt", "member": contact.pk, "text": ""}}]
    page = make_page(cls, "Mit Kontakt", body=body)
    response = superuser_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 200
    assert "AntwortendeEule" in response.content.decode()  # the chooser offers pseudonyms


def test_a_new_page_more_open_than_its_parent_is_refused(superuser_client, home):
    section = StandardPage(title="Intern", slug="intern", visibility="network")
    home.add_child(instance=section)
    section.save_revision().publish()
    url = reverse("wagtailadmin_pages:add", args=["pages", "standardpage", section.pk])
    data = {"title": "Offen", "slug": "offen", "visibility": "public", "lead": "",
            "body-count": "0"}  # fmt: skip
    response = superuser_client.post(url, data)
    assert response.status_code == 200  # the form again, with the message
    assert "visibility" in response.context["form"].errors
    assert not StandardPage.objects.filter(slug="offen").exists()
