"""The page a conversation started from is named only while the reader may read it."""

from django.urls import reverse

from komma.accounts.models import Municipality
from komma.conversations import actions
from komma.pages.models import HomePage, StandardPage


def test_a_closed_context_page_is_not_named(client, alice, bob):
    page = StandardPage(title="Auswertung Vorfall Nordhafen 5531", slug="auswertung")
    HomePage.objects.get().add_child(instance=page)
    page.save_revision().publish()
    conversation = actions.do_start_conversation(
        alice, bob, subject="Frage", body="Zur Auswertung", context_page=page
    )
    url = reverse("conversations:thread", args=[conversation.pk])
    client.force_login(bob)
    assert page.title in client.get(url).content.decode()
    page.visibility = "model"
    page.save_revision().publish()
    # Bob's municipality is an applicant now: model-only pages are closed to him.
    Municipality.objects.filter(memberships__user=bob).update(programme_status="applicant")
    client.force_login(bob)
    assert page.title not in client.get(url).content.decode()
