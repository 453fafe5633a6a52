"""Writing in the forums: threads, cases, replies, edits (``actions``)."""

import uuid

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from exchange.forums import actions
from exchange.forums.models import (
    Access,
    Flag,
    ForumSettings,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    State,
    Thread,
    WatchedWord,
)

pytestmark = pytest.mark.django_db


def test_thread_and_reply_are_numbered_counted_and_rendered(cast, categories):
    category = categories[Access.MODEL]
    thread = actions.check_create_thread(
        cast["case_giver"], category, title="Drohschreiben an das Bürgeramt",
        body="Wie geht ihr mit **Drohbriefen** um? <script>alert(1)</script>",
    )  # fmt: skip
    reply = actions.check_reply(cast["adviser"], thread, body="Wir dokumentieren alles.")
    thread.refresh_from_db()
    category.refresh_from_db()
    assert (thread.post_count, thread.last_number, thread.last_post_id) == (2, 2, reply.pk)
    assert (category.thread_count, category.post_count) == (1, 2)
    opening = thread.posts.get(number=1)
    assert "<strong>Drohbriefen</strong>" in opening.body_html
    assert "<script" not in opening.body_html
    assert reply.number == 2


def test_case_composes_structured_opening_post(cast, categories):
    case = actions.CaseDetails(
        situation="Nach einer Ratssitzung kursieren Fotos der Kollegin.",
        key_question="Wie schützen wir die Kollegin jetzt?",
        tried="Anzeige erstattet.",
        advice_wanted=["steps", "contacts"],
    )
    thread = actions.check_create_thread(
        cast["case_giver"], categories[Access.MODEL], title="Fotos einer Kollegin im Netz",
        case=case, anonymous=True,
    )  # fmt: skip
    opening = thread.posts.get()
    assert thread.kind == "case" and thread.is_anonymous and opening.is_anonymous
    assert thread.key_question == "Wie schützen wir die Kollegin jetzt?"
    assert "Anzeige erstattet." in opening.body and "<h3>" in opening.body_html


def test_case_requires_situation_and_key_question(cast, categories):
    with pytest.raises(ValidationError) as exc:
        actions.check_create_thread(
            cast["case_giver"], categories[Access.MODEL], title="Ein Fall ohne Inhalt",
            case=actions.CaseDetails(situation=" ", key_question=""),
        )  # fmt: skip
    assert set(exc.value.error_dict) == {"situation", "key_question"}
    assert not Thread.objects.exists()


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 20_001, "a\x00b"])
def test_bad_bodies_change_nothing(cast, categories, body):
    with pytest.raises(ValidationError):
        actions.check_create_thread(
            cast["case_giver"], categories[Access.MODEL], title="Gültiger Titel", body=body
        )
    assert not Thread.objects.exists() and not Post.objects.exists()


def test_double_submit_creates_one_post(cast, categories):
    thread = actions.check_create_thread(
        cast["case_giver"], categories[Access.MODEL], title="Doppelt gesendet", body="Erster"
    )
    token = uuid.uuid4()
    first = actions.check_reply(cast["adviser"], thread, body="Antwort", client_token=token)
    again = actions.check_reply(cast["adviser"], thread, body="Antwort", client_token=token)
    assert first.pk == again.pk
    assert thread.posts.count() == 2


def test_locked_thread_refuses_replies_of_members_not_moderators(cast, categories):
    thread = actions.check_create_thread(
        cast["adviser"], categories[Access.MEMBERS], title="Gesperrtes Thema", body="Text"
    )
    Thread.objects.filter(pk=thread.pk).update(is_locked=True)
    thread.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        actions.check_reply(cast["applicant"], thread, body="Noch eine Antwort")
    assert exc.value.code == "locked"
    actions.check_reply(cast["category_mod"], thread, body="Hinweis der Moderation")
    assert thread.posts.count() == 2


def test_writing_in_a_category_without_access_is_refused(cast, categories):
    with pytest.raises(PermissionDenied):
        actions.check_create_thread(
            cast["applicant"], categories[Access.MODEL], title="Darf ich nicht", body="Text"
        )
    with pytest.raises(PermissionDenied):
        actions.check_create_thread(
            cast["outsider"], categories[Access.PARTNERS], title="Darf ich nicht", body="Text"
        )
    assert not Thread.objects.exists()


def test_new_members_first_posts_wait_for_approval(cast, categories, forum_settings):
    forum_settings.new_member_posts = 3
    forum_settings.save()
    newbie = cast["applicant"]
    newbie.forum_profile.approved_posts = 0
    newbie.forum_profile.save()
    thread = actions.check_create_thread(
        newbie, categories[Access.MEMBERS], title="Meine erste Frage", body="Hallo zusammen"
    )
    assert thread.state == State.PENDING
    category = categories[Access.MEMBERS]
    category.refresh_from_db()
    assert category.thread_count == 0


def test_premoderated_category_holds_posts_but_not_moderators(cast, categories):
    category = categories[Access.PARTNERS]
    category.premoderated = True
    category.save()
    thread = actions.check_create_thread(
        cast["partner"], category, title="Frage einer Partnerin", body="Text"
    )
    assert thread.state == State.PENDING
    by_mod = actions.check_create_thread(
        cast["moderator"], category, title="Hinweis der Moderation", body="Text"
    )
    assert by_mod.state == State.PUBLISHED


def test_watched_words_block_hold_or_flag(cast, categories):
    WatchedWord.objects.create(word="volksverräter*", action=WatchedWord.Action.BLOCK)
    WatchedWord.objects.create(word="adresse", action=WatchedWord.Action.REQUIRE_APPROVAL)
    WatchedWord.objects.create(word="hetze", action=WatchedWord.Action.FLAG)
    category = categories[Access.MEMBERS]
    with pytest.raises(ValidationError) as exc:
        actions.check_create_thread(
            cast["adviser"], category, title="Beleidigung", body="Das sind Volksverräterinnen!"
        )
    assert "volksverräter*" in str(exc.value)
    held = actions.check_create_thread(
        cast["adviser"], category, title="Die Adresse der Kollegin", body="Text"
    )
    assert held.state == State.PENDING
    flagged = actions.check_create_thread(
        cast["adviser"], category, title="Über Hetze im Netz", body="Hetze nimmt zu."
    )
    post = flagged.posts.get()
    assert flagged.state == State.PUBLISHED and post.open_flag_count == 1
    assert Flag.objects.get(post=post).flagged_by is None


def test_daily_limit_of_new_members(cast, categories, forum_settings):
    forum_settings.new_member_posts = 5
    forum_settings.new_member_daily_limit = 2
    forum_settings.save()
    user = cast["applicant"]
    user.forum_profile.approved_posts = 0
    user.forum_profile.save()
    category = categories[Access.MEMBERS]
    for n in range(2):
        actions.check_create_thread(user, category, title=f"Frage Nummer {n}", body="Text")
    with pytest.raises(ValidationError) as exc:
        actions.check_create_thread(user, category, title="Frage Nummer 3", body="Text")
    assert exc.value.code == "daily_limit"


def test_slow_mode(cast, categories):
    thread = actions.check_create_thread(
        cast["adviser"], categories[Access.MEMBERS], title="Langsames Thema", body="Text"
    )
    Thread.objects.filter(pk=thread.pk).update(slow_mode_seconds=600)
    thread.refresh_from_db()
    actions.check_reply(cast["applicant"], thread, body="Erste Antwort")
    with pytest.raises(ValidationError) as exc:
        actions.check_reply(cast["applicant"], thread, body="Zweite Antwort")
    assert exc.value.code == "slow_mode"


def test_mentions_quotes_and_replies_notify_readers_only(cast, categories):
    category = categories[Access.MODEL]
    thread = actions.check_create_thread(
        cast["case_giver"], category, title="Bitte um Rat", body="Wer hat Erfahrung?"
    )
    first = actions.check_reply(cast["adviser"], thread, body="Wir hatten das auch.")
    reply = actions.check_reply(
        cast["category_mod"], thread, quoted=first,
        body="@RatGeber hat recht. @AntragsKollege kennt das auch.",
    )  # fmt: skip
    kinds = dict(
        Notification.objects.filter(post=reply).values_list("recipient__pseudonym", "kind")
    )
    # The applicant may not read model-only categories: mentioned, but not told.
    assert kinds == {"RatGeber": NotificationKind.MENTION, "FallGeberin": NotificationKind.REPLY}
    assert 'class="mention"' in reply.body_html and "@RatGeber" in reply.body_html


def test_edit_keeps_history_and_marks_edited(cast, categories):
    thread = actions.check_create_thread(
        cast["adviser"], categories[Access.MEMBERS], title="Zu bearbeiten", body="Alte Fassung"
    )
    post = thread.posts.get()
    actions.check_edit_post(cast["adviser"], post, body="Neue Fassung")
    post.refresh_from_db()
    assert post.edited_at is not None and post.body == "Neue Fassung"
    assert PostRevision.objects.get(post=post).body == "Alte Fassung"
    with pytest.raises(PermissionDenied):
        actions.check_edit_post(cast["applicant"], post, body="Fremd")


def test_settings_defaults():
    assert ForumSettings().flags_to_hide == 3


def test_an_edit_is_held_or_flagged_by_watched_words_like_a_new_post(cast, categories):
    """Harmless text cannot be edited into what would have been held or flagged."""
    WatchedWord.objects.create(word="adresse", action=WatchedWord.Action.REQUIRE_APPROVAL)
    WatchedWord.objects.create(word="hetze", action=WatchedWord.Action.FLAG)
    category = categories[Access.MEMBERS]
    thread = actions.check_create_thread(
        cast["adviser"], category, title="Harmloser Anfang", body="Guten Tag."
    )
    reply = actions.check_reply(cast["applicant"], thread, body="Harmlose Antwort.")
    actions.check_edit_post(cast["applicant"], reply, body="Das ist Hetze.")
    reply.refresh_from_db()
    assert reply.state == State.PUBLISHED and reply.open_flag_count == 1
    actions.check_edit_post(cast["applicant"], reply, body="Hier die Adresse der Kollegin.")
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.state == State.PENDING and thread.post_count == 1
