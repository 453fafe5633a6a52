"""Writing in the forums through the test client: threads, cases, replies, edits,
attachments, one-click actions, bad input."""

import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from PIL import Image

from exchange.forums import actions
from exchange.forums.models import (
    Access,
    Attachment,
    Bookmark,
    ForumProfile,
    Post,
    Reaction,
    State,
    Subscription,
    Thread,
    WatchLevel,
)

from .test_views_reading import _jpeg, client_for, new_thread

pytestmark = pytest.mark.django_db


def jpeg_with_gps() -> bytes:
    """A JPEG carrying EXIF with a GPS position and a camera owner."""
    image = Image.new("RGB", (32, 24), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x013B] = "Ottilie Brennessel-Okonkwo"  # Artist
    gps = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    exif[0x8825] = gps  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get(0x013B)  # the test image has EXIF
    return data


def test_new_thread_via_form(cast, categories):
    client = client_for(cast["adviser"])
    url = reverse("forums:new_thread", args=["modellkommunen"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Ein neues Thema", "body": "Hallo **alle**",
                                 "client_token": str(uuid.uuid4())})  # fmt: skip
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"] == thread.get_absolute_url()
    assert thread.posts.get().body_html.count("<strong>alle</strong>") == 1


def test_bad_input_keeps_the_text_and_changes_nothing(cast, categories):
    client = client_for(cast["adviser"])
    url = reverse("forums:new_thread", args=["modellkommunen"])
    response = client.post(url, {"title": "Kurz", "body": "Mein sorgfältiger Entwurf"})
    assert response.status_code == 400
    assert "Mein sorgfältiger Entwurf" in response.content.decode()
    assert not Thread.objects.exists()
    response = client.post(url, {"title": "Langer Titel hier", "body": "x" * 20_001})
    assert response.status_code == 400 and not Thread.objects.exists()


def test_case_form_with_anonymous_author(cast, categories):
    client = client_for(cast["case_giver"])
    url = reverse("forums:new_case", args=["modellkommunen"])
    page = client.get(url).content.decode()
    assert 'name="advice_wanted"' in page and 'name="anonymous"' in page
    response = client.post(url, {
        "title": "Ein anonymer Fall", "situation": "Es gibt Drohbriefe.",
        "key_question": "Wie reagieren?", "tried": "Polizei informiert.",
        "advice_wanted": ["steps", "contacts"], "anonymous": "on",
    })  # fmt: skip
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert thread.kind == "case" and thread.is_anonymous
    assert thread.advice_wanted == ["steps", "contacts"]
    body = client_for(cast["adviser"]).get(thread.get_absolute_url()).content.decode()
    assert "FallGeberin" not in body and "Wie reagieren?" in body


def test_case_form_missing_fields(cast, categories):
    client = client_for(cast["case_giver"])
    url = reverse("forums:new_case", args=["modellkommunen"])
    response = client.post(url, {"title": "Ein Fall", "situation": "Etwas passierte."})
    assert response.status_code == 400 and not Thread.objects.exists()
    assert "Etwas passierte." in response.content.decode()


def test_silenced_member_gets_a_message_not_a_form(cast, categories):
    from datetime import timedelta

    from django.utils import timezone

    ForumProfile.objects.filter(user=cast["adviser"]).update(
        silenced_until=timezone.now() + timedelta(days=1)
    )
    response = client_for(cast["adviser"]).get(
        reverse("forums:new_thread", args=["modellkommunen"])
    )
    assert response.status_code == 403
    assert 'name="title"' not in response.content.decode()


def test_reply_and_double_submit_create_one_post(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    client = client_for(cast["adviser"])
    url = reverse("forums:reply", args=[thread.pk])
    token = str(uuid.uuid4())
    first = client.post(url, {"body": "Meine Antwort", "client_token": token})
    second = client.post(url, {"body": "Meine Antwort", "client_token": token})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert first["Location"].endswith("#beitrag-2")
    assert thread.posts.count() == 2


def test_reply_form_on_the_thread_page_has_a_token(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    body = client_for(cast["adviser"]).get(thread.get_absolute_url()).content.decode()
    assert 'name="client_token"' in body and 'enctype="multipart/form-data"' in body


def test_locked_thread_refuses_reply_in_german(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    client = client_for(cast["adviser"])
    client.cookies["django_language"] = "de"
    response = client.post(
        reverse("forums:reply", args=[thread.pk]), {"body": "Trotzdem antworten"},
        HTTP_ACCEPT_LANGUAGE="de",
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400
    with translation.override("de"):  # the German text once the catalogue has it
        message = gettext("This thread is locked. New replies are not possible.")
    assert message in body
    assert "Trotzdem antworten" in body
    assert thread.posts.count() == 1
    page = client.get(thread.get_absolute_url()).content.decode()
    assert 'name="body"' not in page


def test_reply_quote_uses_public_label(cast, categories):
    case = actions.CaseDetails(situation="Lage", key_question="Frage?")
    thread = actions.check_create_thread(
        cast["adviser"], categories[Access.MEMBERS], title="Anonymer Fall zum Zitieren",
        case=case, anonymous=True,
    )  # fmt: skip
    reply = actions.check_reply(cast["applicant"], thread, body="Ein Rat")
    opening = thread.posts.get(number=1)
    # The category's moderator sees the pseudonym, but the quote stays anonymous.
    client = client_for(cast["category_mod"])
    url = reverse("forums:reply", args=[thread.pk])
    quote = client.get(url, {"zitat": opening.pk}).content.decode()
    assert "RatGeber" not in quote
    with translation.override("de"):
        anonymous = gettext("Member of a model municipality")
        wrote = gettext("%(name)s wrote:")
    assert "&gt; " + wrote % {"name": f"**{anonymous}**"} in quote
    quote = client.get(url, {"zitat": reply.pk}).content.decode()
    assert "&gt; " + wrote % {"name": "**@AntragsKollege**"} in quote
    response = client.post(url, {"body": "> Zitat\n\nDanke", "quoted": reply.pk})
    assert response.status_code == 302
    assert Post.objects.get(number=3).quoted_id == reply.pk


def test_pending_notice_after_posting_to_premoderated_category(cast, categories):
    category = categories[Access.MEMBERS]
    category.premoderated = True
    category.save()
    thread = new_thread(cast["category_mod"], category)
    client = client_for(cast["applicant"])
    response = client.post(reverse("forums:reply", args=[thread.pk]), {"body": "Bitte prüfen"},
                           follow=True)  # fmt: skip
    assert Post.objects.get(number=2).state == State.PENDING
    assert "approval" in response.content.decode() or "Freigabe" in response.content.decode()


def test_attachment_exif_is_stripped(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    client = client_for(cast["adviser"])
    upload = SimpleUploadedFile("urlaub.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(reverse("forums:reply", args=[thread.pk]), {
        "body": "Mit Foto", "attachments": [upload], "descriptions": "Ein blaues Rechteck",
    })  # fmt: skip
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.alt_text == "Ein blaues Rechteck"
    assert "urlaub" not in attachment.label and "urlaub" not in attachment.file.name
    served = client.get(reverse("forums:attachment", args=[attachment.pk]))
    data = b"".join(served.streaming_content)
    image = Image.open(io.BytesIO(data))
    assert not dict(image.getexif())
    assert b"Brennessel" not in data and b"Kamerahersteller" not in data
    assert image.size == (32, 24)


def test_exe_renamed_jpg_is_refused(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    client = client_for(cast["adviser"])
    fake = SimpleUploadedFile("bild.jpg", b"MZ\x90\x00" + b"\x00" * 200, content_type="image/jpeg")
    response = client.post(reverse("forums:reply", args=[thread.pk]),
                           {"body": "Mit Anhang", "attachments": [fake]})  # fmt: skip
    assert response.status_code == 400
    assert "bild.jpg" in response.content.decode()
    assert "Mit Anhang" in response.content.decode()
    assert thread.posts.count() == 1 and not Attachment.objects.exists()


def test_oversized_image_is_refused(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    client = client_for(cast["adviser"])
    big = _jpeg() + b"\x00" * (actions.IMAGE_MAX_BYTES + 10)
    upload = SimpleUploadedFile("gross.jpg", big, content_type="image/jpeg")
    response = client.post(reverse("forums:reply", args=[thread.pk]),
                           {"body": "Zu groß", "attachments": [upload]})  # fmt: skip
    assert response.status_code == 400
    assert thread.posts.count() == 1 and not Attachment.objects.exists()


def test_edit_own_post_and_title(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    opening = thread.posts.get()
    client = client_for(cast["case_giver"])
    url = reverse("forums:edit_post", args=[opening.pk])
    assert 'name="reason"' not in client.get(url).content.decode()
    response = client.post(url, {"title": "Neuer Titel des Themas", "body": "Neuer Text"})
    assert response.status_code == 302
    opening.refresh_from_db()
    assert opening.edited_at is not None and opening.body == "Neuer Text"
    assert Thread.objects.get().title == "Neuer Titel des Themas"
    # Someone else may not edit it.
    assert client_for(cast["adviser"]).get(url).status_code == 403


def test_moderator_edit_requires_reason(cast, categories):
    thread = new_thread(cast["adviser"], categories[Access.MEMBERS])
    opening = thread.posts.get()
    client = client_for(cast["category_mod"])
    url = reverse("forums:edit_post", args=[opening.pk])
    assert 'name="reason"' in client.get(url).content.decode()
    response = client.post(url, {"title": thread.title, "body": "Moderiert", "reason": ""})
    assert response.status_code == 400
    opening.refresh_from_db()
    assert opening.body == "Erster Beitrag"


def test_helpful_bookmark_solution_watch(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    reply = actions.check_reply(cast["adviser"], thread, body="Hilfreiche Antwort")
    author = client_for(cast["case_giver"])
    response = author.post(reverse("forums:helpful", args=[reply.pk]))
    assert response.status_code == 302 and response["Location"].endswith("#beitrag-2")
    assert Reaction.objects.filter(post=reply, user=cast["case_giver"]).exists()
    assert author.post(reverse("forums:bookmark", args=[reply.pk])).status_code == 302
    assert Bookmark.objects.filter(post=reply).count() == 1
    author.post(reverse("forums:solution", args=[reply.pk]))
    assert Thread.objects.get().solution_id == reply.pk
    # Others cannot mark a solution; own post cannot be helpful.
    adviser = client_for(cast["adviser"])
    adviser.post(reverse("forums:solution", args=[reply.pk]))
    assert Thread.objects.get().solution_id == reply.pk
    adviser.post(reverse("forums:helpful", args=[reply.pk]))
    assert Reaction.objects.filter(post=reply).count() == 1
    response = author.post(reverse("forums:watch_thread", args=[thread.pk]), {"level": "muted"})
    assert response.status_code == 302
    assert (
        Subscription.objects.get(user=cast["case_giver"], thread=thread).level == WatchLevel.MUTED
    )
    bad = author.post(reverse("forums:watch_thread", args=[thread.pk]), {"level": "laut"})
    assert bad.status_code == 302
    assert (
        Subscription.objects.get(user=cast["case_giver"], thread=thread).level == WatchLevel.MUTED
    )
    author.post(reverse("forums:watch_category", args=["modellkommunen"]), {"level": "watching"})
    assert Subscription.objects.filter(category__slug="modellkommunen").count() == 1


def test_json_answer_of_helpful(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    reply = actions.check_reply(cast["adviser"], thread, body="Antwort")
    response = client_for(cast["case_giver"]).post(
        reverse("forums:helpful", args=[reply.pk]), HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"active": True, "helpful_count": 1}


@pytest.mark.parametrize(
    "name", ["helpful", "bookmark", "solution", "watch_thread", "watch_category",
             "mark_category_read"],
)  # fmt: skip
def test_post_only_urls_answer_405_to_get(cast, categories, name):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    arg = {"watch_category": "modellkommunen", "mark_category_read": "modellkommunen",
           "watch_thread": thread.pk}.get(name, thread.posts.get().pk)  # fmt: skip
    assert client_for(cast["adviser"]).get(reverse(f"forums:{name}", args=[arg])).status_code == 405


def test_next_parameter_must_be_local(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL])
    post = thread.posts.get()
    response = client_for(cast["adviser"]).post(
        reverse("forums:bookmark", args=[post.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"].startswith("/foren/")
