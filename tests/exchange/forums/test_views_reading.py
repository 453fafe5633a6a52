"""Reading the forums through the test client, as every member of the cast."""

import pytest
from django.test import Client
from django.urls import reverse

from exchange.forums import actions
from exchange.forums.models import Access, ForumSettings, Post, ReadState, State, Thread

from .conftest import NEEDLES

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    """A logged-in client; roles bound to a second factor get one first."""
    from allauth.mfa.totp.internal.auth import TOTP

    from komma.accounts.middleware import needs_second_factor
    from tests.conftest import TEST_TOTP_SECRET

    if needs_second_factor(user):
        TOTP.activate(user, TEST_TOTP_SECRET)
    client = Client()
    client.force_login(user)
    return client


def new_thread(author, category, title="Ein Thema zum Lesen", body="Erster Beitrag", **kwargs):
    return actions.check_create_thread(author, category, title=title, body=body, **kwargs)


@pytest.fixture
def model_thread(cast, categories):
    """A thread in the model-only category with an image attachment and a reply."""
    thread = new_thread(cast["case_giver"], categories[Access.MODEL], title="Geheimes Modellthema")
    actions.check_reply(cast["adviser"], thread, body="Antwort des Ratgebers")
    return thread


def test_index_lists_only_readable_categories(cast, categories):
    body = client_for(cast["applicant"]).get(reverse("forums:index")).content.decode()
    assert "Austausch aller Mitgliedskommunen" in body and "Erweiterte Allianz" in body
    assert "Kollegiale Beratung Modellkommunen" not in body
    partner = client_for(cast["partner"]).get(reverse("forums:index")).content.decode()
    assert "Erweiterte Allianz" in partner and "Austausch aller" not in partner
    outsider = client_for(cast["outsider"]).get(reverse("forums:index"))
    assert outsider.status_code == 200
    assert "Erweiterte Allianz" not in outsider.content.decode()


def test_anonymous_visitors_are_sent_to_login(categories):
    response = Client().get(reverse("forums:index"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_index_shows_counts_last_post_and_unread(cast, categories, model_thread):
    body = client_for(cast["category_mod"]).get(reverse("forums:index")).content.decode()
    assert "Geheimes Modellthema" in body  # the last post's thread
    assert "1 unread thread" in body or "1 ungelesenes" in body
    # The author has read their own thread.
    own = client_for(cast["adviser"]).get(reverse("forums:index")).content.decode()
    assert "Geheimes Modellthema" in own
    assert "unread thread" not in own and "ungelesen" not in own.split("forum-categories")[1]


@pytest.mark.parametrize("role", ["applicant", "partner", "outsider"])
def test_model_only_things_are_404_for_others(cast, categories, model_thread, role):
    image = _jpeg()
    thread = new_thread(
        cast["case_giver"], categories[Access.MODEL], title="Thema mit Bild",
        uploads=[actions.Upload("bild.jpg", image, "Ein Bild")],
    )  # fmt: skip
    attachment = thread.posts.get().attachments.get()
    post = model_thread.posts.get(number=2)
    client = client_for(cast[role])
    urls = [
        reverse("forums:category", args=["modellkommunen"]),
        reverse("forums:new_thread", args=["modellkommunen"]),
        reverse("forums:new_case", args=["modellkommunen"]),
        reverse("forums:thread", args=[model_thread.pk]),
        reverse("forums:first_unread", args=[model_thread.pk]),
        reverse("forums:reply", args=[model_thread.pk]),
        reverse("forums:post", args=[post.pk]),
        reverse("forums:edit_post", args=[post.pk]),
        reverse("forums:attachment", args=[attachment.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Geheimes Modellthema" not in response.content.decode()
    for url in [
        reverse("forums:helpful", args=[post.pk]),
        reverse("forums:bookmark", args=[post.pk]),
        reverse("forums:solution", args=[post.pk]),
        reverse("forums:watch_thread", args=[model_thread.pk]),
        reverse("forums:watch_category", args=["modellkommunen"]),
        reverse("forums:mark_category_read", args=["modellkommunen"]),
    ]:
        assert client.post(url, {"level": "watching"}).status_code == 404, url
    # Nothing in the lists either.
    for url in [reverse("forums:index"), reverse("forums:unread"), reverse("forums:bookmarks")]:
        assert "Geheimes Modellthema" not in client.get(url).content.decode()


def test_unknown_and_junk_ids_are_404(cast, categories, model_thread):
    client = client_for(cast["adviser"])
    assert client.get(reverse("forums:thread", args=[999999])).status_code == 404
    assert client.get(reverse("forums:post", args=[999999])).status_code == 404
    assert client.get(reverse("forums:attachment", args=[999999])).status_code == 404
    assert client.get(reverse("forums:category", args=["gibt-es-nicht"])).status_code == 404
    assert client.get("/foren/thema/99999999999999999999999/").status_code == 404


@pytest.mark.parametrize("page", ["abc", "0", "-1", "99", "1e9", "999999999999"])
def test_junk_page_numbers_are_404_not_500(cast, categories, model_thread, page):
    client = client_for(cast["adviser"])
    url = reverse("forums:thread", args=[model_thread.pk])
    assert client.get(url, {"seite": page}).status_code == 404
    category_url = reverse("forums:category", args=["modellkommunen"])
    assert client.get(category_url, {"seite": page}).status_code == 404


def test_thread_page_shows_posts_and_marks_read(cast, categories, model_thread):
    client = client_for(cast["category_mod"])
    response = client.get(reverse("forums:thread", args=[model_thread.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Erster Beitrag" in body and "Antwort des Ratgebers" in body
    assert 'id="beitrag-2"' in body
    assert "FallGeberin" in body and "RatGeber" in body
    state = ReadState.objects.get(user=cast["category_mod"], thread=model_thread)
    assert state.last_read_number == 2
    for needle in NEEDLES:
        assert needle not in body


def test_pagination_by_post_number_and_permalinks(cast, categories):
    settings = ForumSettings.load()
    settings.posts_per_page = 5
    settings.save()
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    for number in range(2, 13):
        actions.check_reply(cast["adviser"], thread, body=f"Antwort Nummer {number}")
    client = client_for(cast["category_mod"])
    url = reverse("forums:thread", args=[thread.pk])
    page2 = client.get(url, {"seite": 2}).content.decode()
    assert "Antwort Nummer 6" in page2 and "Antwort Nummer 10" in page2
    assert "Antwort Nummer 5" not in page2 and "Antwort Nummer 11" not in page2
    assert client.get(url, {"seite": 4}).status_code == 404
    post = thread.posts.get(number=11)
    response = client.get(reverse("forums:post", args=[post.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{url}?seite=3#beitrag-11"
    # Read up to page 2: the jump goes to post 11.
    state = ReadState.objects.get(user=cast["category_mod"], thread=thread)
    assert state.last_read_number == 10
    jump = client.get(reverse("forums:first_unread", args=[thread.pk]))
    assert jump["Location"] == f"{url}?seite=3#beitrag-11"


def test_anonymous_case_label_for_members_pseudonym_for_category_moderators(cast, categories):
    case = actions.CaseDetails(situation="Drohungen am Telefon", key_question="Was tun?")
    thread = actions.check_create_thread(
        cast["adviser"], categories[Access.MEMBERS], title="Anonymer Fall zum Lesen",
        case=case, anonymous=True,
    )  # fmt: skip
    actions.check_reply(cast["applicant"], thread, body="Ein Rat dazu")
    actions.check_reply(cast["adviser"], thread, body="Danke, sagt die Fallgeberin")
    url = reverse("forums:thread", args=[thread.pk])
    member_view = client_for(cast["applicant"]).get(url).content.decode()
    assert "Member of a model municipality" in member_view or "Modellkommune" in member_view
    assert "RatGeber" not in member_view
    assert "AntragsKollege" in member_view
    mod_view = client_for(cast["category_mod"]).get(url).content.decode()
    assert "RatGeber" in mod_view
    # The global moderator is not this category's moderator: the label only.
    global_view = client_for(cast["moderator"]).get(url).content.decode()
    assert "RatGeber" not in global_view
    # The thread list and category list follow the same rule.
    listing = (
        client_for(cast["applicant"])
        .get(reverse("forums:category", args=["mitgliedskommunen"]))
        .content.decode()
    )
    assert "Anonymer Fall zum Lesen" in listing and "RatGeber" not in listing
    index = client_for(cast["applicant"]).get(reverse("forums:index")).content.decode()
    assert "RatGeber" not in index
    for body in (member_view, mod_view, global_view, listing, index):
        for needle in NEEDLES:
            assert needle not in body


def test_pending_posts_are_shown_only_to_author_and_moderators(cast, categories):
    category = categories[Access.MEMBERS]
    category.premoderated = True
    category.save()
    thread = new_thread(cast["category_mod"], category, title="Thema im Vorabcheck")
    reply = actions.check_reply(cast["applicant"], thread, body="Wartender Beitrag hier")
    assert reply.state == State.PENDING
    url = reverse("forums:thread", args=[thread.pk])
    assert "Wartender Beitrag hier" in client_for(cast["applicant"]).get(url).content.decode()
    assert "Wartender Beitrag hier" not in client_for(cast["adviser"]).get(url).content.decode()
    assert "Wartender Beitrag hier" in client_for(cast["category_mod"]).get(url).content.decode()
    other = client_for(cast["adviser"])
    assert other.get(reverse("forums:post", args=[reply.pk])).status_code == 404


def test_unread_list_and_category_read(cast, categories, model_thread):
    client = client_for(cast["category_mod"])
    assert "Geheimes Modellthema" in client.get(reverse("forums:unread")).content.decode()
    response = client.post(reverse("forums:mark_category_read", args=["modellkommunen"]))
    assert response.status_code == 302
    assert "Geheimes Modellthema" not in client.get(reverse("forums:unread")).content.decode()
    actions.check_reply(cast["adviser"], model_thread, body="Noch eine Antwort")
    assert "Geheimes Modellthema" in client.get(reverse("forums:unread")).content.decode()


def test_solution_box_links_to_the_solution(cast, categories, model_thread):
    reply = model_thread.posts.get(number=2)
    client = client_for(cast["case_giver"])
    response = client.post(reverse("forums:solution", args=[reply.pk]))
    assert response.status_code == 302
    body = client.get(reverse("forums:thread", args=[model_thread.pk])).content.decode()
    assert "forum-solution-box" in body
    assert reverse("forums:post", args=[reply.pk]) in body


def test_edited_marker_links_history_for_moderators_only(cast, categories, model_thread):
    post = model_thread.posts.get(number=2)
    actions.check_edit_post(cast["adviser"], post, body="Geänderte Antwort")
    history = reverse("forums:post_history", args=[post.pk])
    url = reverse("forums:thread", args=[model_thread.pk])
    member_body = client_for(cast["case_giver"]).get(url).content.decode()
    assert "forum-edited" in member_body and history not in member_body
    assert history in client_for(cast["moderator"]).get(url).content.decode()


def test_attachment_served_inline_with_safe_headers(cast, categories):
    thread = new_thread(
        cast["case_giver"], categories[Access.MODEL], title="Thema mit Anhängen",
        uploads=[actions.Upload("foto.jpg", _jpeg(), "Ein Foto"),
                 actions.Upload("bericht.pdf", b"%PDF-1.4\n%fake\n", "")],
    )  # fmt: skip
    image, pdf = thread.posts.get().attachments.order_by("pk")
    client = client_for(cast["adviser"])
    page = client.get(reverse("forums:thread", args=[thread.pk])).content.decode()
    assert 'alt="Ein Foto"' in page and reverse("forums:attachment", args=[pdf.pk]) in page
    response = client.get(reverse("forums:attachment", args=[image.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    response = client.get(reverse("forums:attachment", args=[pdf.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_hidden_post_attachment_is_404_for_members(cast, categories):
    thread = new_thread(
        cast["case_giver"], categories[Access.MODEL], title="Thema mit Bild",
        uploads=[actions.Upload("foto.jpg", _jpeg(), "")],
    )  # fmt: skip
    attachment = thread.posts.get().attachments.get()
    Post.objects.filter(thread=thread).update(state=State.HIDDEN)
    Thread.objects.filter(pk=thread.pk).update(state=State.HIDDEN)
    url = reverse("forums:attachment", args=[attachment.pk])
    assert client_for(cast["adviser"]).get(url).status_code == 404
    assert client_for(cast["moderator"]).get(url).status_code == 200


def _jpeg(exif=None) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    image = Image.new("RGB", (16, 12), (200, 30, 30))
    if exif is not None:
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()
