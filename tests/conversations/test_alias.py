"""Contact from a page: the sender sees the recipient only under the alias, everywhere."""

import json

import pytest
from django.core import mail
from wagtail.models import Page

from komma.accounts.presentation import present_person
from komma.conversations.models import Conversation

from .conftest import BOB_NEEDLES, assert_absent, german

pytestmark = pytest.mark.django_db

ALIAS = "Team hinter „Clearingstelle Rheinfeld“"


@pytest.fixture
def page():
    return Page.objects.live().filter(depth=3).first().specific


def contact_url(page, block="block-1"):
    return f"/nachrichten/kontakt/{page.pk}/{block}/"


def test_alias_hides_the_recipient_from_the_sender_everywhere(
    client, alice, bob, page, fake_contact, django_capture_on_commit_callbacks
):
    fake_contact(bob, ALIAS)
    bob_avatar = str(present_person(bob, alice).avatar)
    hidden = [*BOB_NEEDLES, "KuehnerFalke", bob_avatar]
    client.force_login(alice)

    form = client.get(contact_url(page))
    assert form.status_code == 200
    html = form.content.decode()
    assert "Clearingstelle Rheinfeld" in html
    assert form.context["form"]["subject"].value() == page.title  # a sensible start
    assert_absent(html, hidden, "contact form")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            contact_url(page), {"subject": "Frage zur Clearingstelle", "body": "Guten Tag!"}
        )
    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert conversation.recipient_alias == ALIAS and conversation.context_page_id == page.pk
    url = f"/nachrichten/{conversation.pk}/"

    # The recipient sees the sender's pseudonym, and that they are seen only as the alias.
    assert [m.to for m in mail.outbox] == [[bob.email]] and "LeiseAmsel" in mail.outbox[0].body
    client.force_login(bob)
    thread = client.get(url).content.decode()
    assert "LeiseAmsel" in thread and "Clearingstelle Rheinfeld" in thread
    assert 'class="callout conversation-alias-notice"' in thread
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"body": "Gern, wir melden uns. Gruß aus dem Team"})

    # Everything the sender sees, receives or downloads names only the alias.
    assert [m.to for m in mail.outbox] == [[alice.email]]
    sent = mail.outbox[0]
    assert "Clearingstelle Rheinfeld" in sent.body
    assert_absent(sent.subject + sent.body, hidden, "reply mail to the sender")
    client.force_login(alice)
    for target in ("/nachrichten/", url, "/nachrichten/archiv/", "/", contact_url(page)):
        html = client.get(target).content.decode()
        assert_absent(html, hidden, f"{target} for the sender")
    thread = client.get(url).content.decode()
    assert "Gern, wir melden uns." in thread and "Clearingstelle Rheinfeld" in thread
    assert "conversation-alias-notice" not in thread
    assert "/konto/mitglieder/" not in thread.replace("/konto/mitglieder/LeiseAmsel/", "")
    assert "Clearingstelle Rheinfeld" in client.get("/nachrichten/").content.decode()
    client.post(f"{url}archivieren/", {"archived": "1"})
    assert_absent(client.get("/nachrichten/archiv/").content.decode(), hidden, "archive")
    export = client.get("/konto/daten/export.json").content.decode()
    assert_absent(json.dumps(json.loads(export)), hidden, "the sender's data export")


def test_without_alias_the_pseudonym_is_shown(client, alice, bob, page, fake_contact):
    fake_contact(bob, "")
    client.force_login(alice)
    assert "KuehnerFalke" in client.get(contact_url(page)).content.decode()
    client.post(contact_url(page), {"subject": "Frage", "body": "Hallo"})
    conversation = Conversation.objects.get()
    assert conversation.recipient_alias == ""
    assert "KuehnerFalke" in client.get(f"/nachrichten/{conversation.pk}/").content.decode()


def test_missing_block_hidden_or_unpublished_page_answers_404(
    client, alice, bob, page, fake_contact
):
    fake_contact(bob, ALIAS)
    client.force_login(alice)
    assert client.get(contact_url(page, "fehlt")).status_code == 404
    assert client.post(contact_url(page, "fehlt"), {"subject": "S", "body": "B"}).status_code == 404
    page.unpublish()
    assert client.get(contact_url(page)).status_code == 404
    assert client.get("/nachrichten/kontakt/987654/block-1/").status_code == 404
    assert Conversation.objects.count() == 0


def test_contacting_oneself_through_a_page(client, bob, page, fake_contact):
    fake_contact(bob, ALIAS)
    client.force_login(bob)
    response = client.post(contact_url(page), {"subject": "S", "body": "B"})
    assert response.status_code == 400
    assert german("You cannot write a message to yourself.") in response.content.decode()
    assert Conversation.objects.count() == 0


def test_bad_input_from_a_page_keeps_the_draft(client, alice, bob, page, fake_contact):
    fake_contact(bob, ALIAS)
    client.force_login(alice)
    response = client.post(contact_url(page), {"subject": "Betreff bleibt", "body": ""})
    assert response.status_code == 200
    assert "Betreff bleibt" in response.content.decode()
    assert Conversation.objects.count() == 0 and not mail.outbox


def test_end_to_end_with_a_real_contact_block(client, alice, bob):
    """The pages app's own contact block and ``contact_target``, no stub."""
    from komma.pages.models import GoodPracticePage, HomePage, KnowledgeHubPage

    block = "c0ffee00-0000-4000-8000-00000000beef"
    hub = KnowledgeHubPage(title="Wissensplattform", slug="wissen")
    HomePage.objects.get().add_child(instance=hub)
    hub.save_revision().publish()
    page = GoodPracticePage(
        title="Clearingstelle Rheinfeld", visibility="network", lead="Wie wir es machen.",
        municipality=bob.memberships.get().municipality,
        body=[{"type": "contact", "id": block,
               "value": {"heading": "Kontakt zum Team", "member": bob.pk, "text": ""}}],
    )  # fmt: skip
    hub.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()

    client.force_login(alice)  # another municipality: may not see where Bob works
    html = client.get(page.url).content.decode()
    url = f"/nachrichten/kontakt/{page.pk}/{block}/"
    assert f'href="{url}"' in html and "KuehnerFalke" not in html
    response = client.post(url, {"subject": "Frage", "body": "Wie habt ihr angefangen?"})
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert "Clearingstelle Rheinfeld" in conversation.recipient_alias
    for target in ("/nachrichten/", f"/nachrichten/{conversation.pk}/"):
        html = client.get(target).content.decode()
        assert "Clearingstelle Rheinfeld" in html
        assert_absent(html, [*BOB_NEEDLES, "KuehnerFalke"], f"{target} for the sender")
