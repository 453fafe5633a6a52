"""Nobody is unmasked: seeded identities appear in no page, JSON, frame or e-mail to others.

Every person below has a distinctive real name, e-mail address, office and
municipality, all set to be seen by nobody. Another member (of the *same*
municipality, the hardest case) then opens every member-facing page of the core,
the JSON endpoints, a WebSocket and receives e-mails; none may contain any of it.
"""

import json

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import Page

from komma.accounts.actions import do_create_invitation
from komma.accounts.models import Municipality

SECRETS = {
    "first_name": "Zacharias",
    "last_name": "Quellenfeld-Oyelaran",
    "email": "zq.geheim.4711@verwaltung-leak.example",
    "office": "Stabsstelle Xerophyt 8841",
    "municipality": "Geheimstadt Quarzbruch",
}
SECOND = {
    "first_name": "Ottilie",
    "last_name": "Wendehals-Brakmann",
    "email": "ottilie.brakmann.9932@landkreis-leak.example",
    "office": "Ordnungsamtsleitung Yttrium 5521",
}
NEEDLES = [
    "Zacharias", "Quellenfeld", "Oyelaran", "zq.geheim.4711", "verwaltung-leak",
    "Xerophyt", "8841", "Quarzbruch",
    "Ottilie", "Wendehals", "Brakmann", "9932", "landkreis-leak", "Yttrium", "5521",
]  # fmt: skip


def assert_no_identity(text: str, where: str, needles=NEEDLES) -> None:
    found = [needle for needle in needles if needle.lower() in text.lower()]
    assert not found, f"{where} shows {found}"


@pytest.fixture
def secret_town(db):
    return Municipality.objects.create(
        name=SECRETS["municipality"], kind="kreisangehoerige_stadt", bundesland="SN",
        ags="14999111", programme_status="model", public_naming_consent=False,
    )  # fmt: skip


@pytest.fixture
def hidden_people(make_member, secret_town):
    first = make_member(
        "StilleMuehle", email=SECRETS["email"], municipality=secret_town, coordinator=True,
        first_name=SECRETS["first_name"], last_name=SECRETS["last_name"],
        office=SECRETS["office"], bio="Ich arbeite zu Allianzaufbau.",
    )  # fmt: skip
    second = make_member(
        "KlugeWelle", email=SECOND["email"], municipality=secret_town,
        first_name=SECOND["first_name"], last_name=SECOND["last_name"], office=SECOND["office"],
    )  # fmt: skip
    editors = Group.objects.get(name="Redaktion")
    second.groups.add(editors)
    TOTP.activate(second, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return first, second


@pytest.fixture(params=["colleague", "outsider"])
def viewer(request, make_member, secret_town, other_municipality):
    """A colleague in the same municipality (shares the most) or a member elsewhere."""
    town = secret_town if request.param == "colleague" else other_municipality
    user = make_member("NeugierigeLerche", municipality=town)
    # A colleague's own pages name their own municipality: that is not a leak.
    user.needles = [n for n in NEEDLES if request.param == "outsider" or n != "Quarzbruch"]
    return user


def member_pages(hidden):
    first, second = hidden
    home = Page.objects.get(depth=2)
    pages = [
        "/",
        home.get_children().first().url,
        reverse("accounts:profile"),
        reverse("accounts:privacy"),
        reverse("accounts:data"),
        reverse("accounts:delete"),
        reverse("accounts:member", args=[first.pseudonym]),
        reverse("accounts:member", args=[second.pseudonym]),
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        reverse("usersessions_list"),
        "/beispiel/",
        "/gibt-es-nicht/",
        "/sitemap.xml",
        "/healthz",
    ]
    return pages


def test_pages_show_no_identity_to_a_colleague(client, hidden_people, viewer):
    client.force_login(viewer)
    for url in member_pages(hidden_people):
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), url
        assert_no_identity(response.content.decode(), url, viewer.needles)
    # The profiles do show the pseudonyms: the check above is not vacuous.
    page = client.get(reverse("accounts:member", args=["StilleMuehle"])).content.decode()
    assert "StilleMuehle" in page and "Ich arbeite zu Allianzaufbau." in page


def test_pages_show_no_identity_to_the_public(client, hidden_people):
    for url in member_pages(hidden_people):
        response = client.get(url, follow=True)
        assert_no_identity(response.content.decode(), f"anonymous {url}")


def test_json_export_holds_only_own_data(client, hidden_people, viewer):
    client.force_login(viewer)
    response = client.get(reverse("accounts:data_export"))
    payload = response.content.decode()
    assert json.loads(payload)["account"]["pseudonym"] == "NeugierigeLerche"
    assert_no_identity(payload, "data export", viewer.needles)


def test_wagtail_admin_shows_editors_by_pseudonym(client, hidden_people):
    """An editor's revisions are shown to other editors by pseudonym, never by name."""
    _first, second = hidden_people
    home = Page.objects.get(depth=2).specific
    home.lead = "Überarbeitet."
    home.save_revision(user=second, log_action=True).publish()
    other_editor = type(second).objects.create_user(
        email="andere.redaktion@example.org", password="x" * 16, pseudonym="AndereRedaktion"
    )
    other_editor.groups.add(Group.objects.get(name="Redaktion"))
    TOTP.activate(other_editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(other_editor)
    for url in ["/admin/", f"/admin/pages/{home.pk}/", f"/admin/pages/{home.pk}/edit/",
                f"/admin/pages/{home.pk}/history/", "/admin/pages/"]:  # fmt: skip
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert not response.redirect_chain, f"{url} redirected: not a page the editor sees"
        assert_no_identity(response.content.decode(), url)
        # Gravatar URLs carry a hash of the e-mail address and call a third party.
        assert "gravatar" not in response.content.decode().lower(), url
    history = client.get(f"/admin/pages/{home.pk}/history/", follow=True)
    assert "KlugeWelle" in history.content.decode(), history.redirect_chain


def test_invitation_mail_does_not_carry_the_inviter(
    db, hidden_people, secret_town, django_capture_on_commit_callbacks
):
    first, _second = hidden_people
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        do_create_invitation(
            first, email="neu@example.org", municipality=secret_town, roles=[],
            as_coordinator=False,
        )  # fmt: skip
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["neu@example.org"]
    assert_no_identity(message.subject + message.body, "invitation e-mail")


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_websocket_frames_show_pseudonym_only(hidden_people):
    from komma.asgi import application

    first, _second = hidden_people
    communicator = WebsocketCommunicator(
        application, "/ws/beispiel/echo/", headers=[(b"origin", b"http://testserver")]
    )
    communicator.scope["user"] = first
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "echo", "text": "Guten Morgen"})
    frame = await communicator.receive_from()
    assert '"pseudonym": "StilleMuehle"' in frame
    assert_no_identity(frame, "WebSocket frame")
    await communicator.disconnect()


def test_wagtail_reports_and_exports_show_no_identity(client, hidden_people):
    """Reports list users through get_username(); with e-mail login that was the address."""
    _first, second = hidden_people
    home = Page.objects.get(depth=2).specific
    # Editors may not publish themselves; the four-eyes approval publishes in the
    # approver's name without checking their publish permission (komma.review.workflows).
    home.save_revision(user=second, log_action=True).publish(
        user=second, log_action=True, skip_permission_checks=True
    )
    client.force_login(second)
    for url in ["/admin/reports/aging-pages/", "/admin/reports/aging-pages/?export=csv",
                "/admin/reports/aging-pages/?export=xlsx", "/admin/reports/site-history/",
                "/admin/reports/site-history/?export=csv", "/admin/reports/locked/",
                "/admin/reports/workflow/", "/admin/reports/workflow_tasks/"]:  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        if url.endswith("xlsx"):
            import io

            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(raw)).active
            body = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row)
        else:
            body = raw.decode()
        assert_no_identity(body, url)
        if "export" in url:
            assert "@" not in body, url
    # The aging-pages report lists the pages the viewer may publish, so an editor's is
    # empty (nobody but superusers publishes directly): a superuser's shows the page.
    viewer = type(second).objects.create_superuser(
        email="netzpflege@example.org", password="x" * 16, pseudonym="Netzpflege"
    )
    TOTP.activate(viewer, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(viewer)
    csv = b"".join(client.get("/admin/reports/aging-pages/?export=csv").streaming_content)
    assert_no_identity(csv.decode(), "aging pages as administrator")
    assert "KlugeWelle" in csv.decode()


def test_profile_form_keeps_the_email(client, member):
    """Saving the profile (a ModelForm, so Model.clean) must not touch the login address."""
    client.force_login(member)
    response = client.post("/konto/profil/", {"pseudonym": "NeuerName", "bio": "", "first_name": "",
                                              "last_name": "", "office": ""})  # fmt: skip
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == "wacheeule@example.org" and member.pseudonym == "NeuerName"


@pytest.fixture
def knowledge_and_events(hidden_people, secret_town):
    """A good-practice page from the hidden municipality with a hidden contact, and an
    event both hidden people registered for (one confirmed, one waiting)."""
    from datetime import timedelta

    from django.utils import timezone

    from komma.events.actions import check_register
    from komma.events.models import EventIndexPage, EventPage
    from komma.pages.models import GoodPracticePage, HomePage, KnowledgeHubPage

    first, second = hidden_people
    home = HomePage.objects.get()
    hub = home.add_child(instance=KnowledgeHubPage(title="Wissen", slug="wissen"))
    body = [{"type": "contact", "value": {"heading": "Kontakt", "member": first.pk, "text": ""}}]
    page = hub.add_child(
        instance=GoodPracticePage(title="Clearingstelle", slug="clearing", body=body,
                                  municipality=secret_town, lead="Ein Beispiel.")
    )  # fmt: skip
    page.save_revision().publish()
    index = home.add_child(instance=EventIndexPage(title="Fortbildungen", slug="fortbildungen"))
    start = timezone.now() + timedelta(days=10)
    event = index.add_child(
        instance=EventPage(title="Training", slug="training", start=start,
                           end=start + timedelta(hours=2), format="online",
                           online_link="https://konferenz.example.org/x", capacity=1,
                           registration_deadline=start - timedelta(days=1))
    )  # fmt: skip
    check_register(first, event)
    check_register(second, event)
    return hub, page, event


def test_knowledge_events_and_messages_show_no_identity(
    client, hidden_people, knowledge_and_events, viewer, django_capture_on_commit_callbacks
):
    from komma.accounts.roles import ROLES
    from komma.conversations.actions import do_start_conversation

    first, _second = hidden_people
    hub, page, event = knowledge_and_events
    viewer.groups.add(Group.objects.get(name=ROLES["facilitator"].group_name))
    event.facilitators.add(viewer)
    event.save()  # a parental relation is written when the page is saved
    with django_capture_on_commit_callbacks(execute=True):
        conversation = do_start_conversation(first, viewer, subject="Frage", body="Hallo")
    client.force_login(viewer)
    urls = [
        hub.url, page.url, hub.url + "feed/", hub.url + "feed/atom/", event.get_parent().url,
        event.url, event.url + "kalender/", event.url + "teilnehmende/",
        reverse("conversations:inbox"), reverse("conversations:thread", args=[conversation.pk]),
    ]  # fmt: skip
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_identity(response.content.decode(), url, viewer.needles)
    # Not vacuous: the participant list and the thread do show the pseudonyms.
    assert "StilleMuehle" in client.get(event.url + "teilnehmende/").content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert_no_identity(message.subject + message.body, "message e-mail", viewer.needles)
