"""Moderators' actions, flags, sanctions and appeals (``exchange.forums.moderation``)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from exchange.forums import access, actions, moderation
from exchange.forums.models import (
    Access,
    Appeal,
    Category,
    Flag,
    FlagReason,
    ForumProfile,
    ForumSettings,
    ModAction,
    ModerationAction,
    Notification,
    NotificationKind,
    Post,
    PostRevision,
    State,
    Thread,
)
from exchange.forums.search import PostDocument, ThreadDocument, category_token

pytestmark = pytest.mark.django_db


def new_thread(author, category, title="Ein Thema zur Moderation", body="Erster Beitrag", **kw):
    return actions.check_create_thread(author, category, title=title, body=body, **kw)


def fresh(obj):
    obj.refresh_from_db()
    return obj


def reload_post(post):
    return Post.objects.select_related("thread__category", "author").get(pk=post.pk)


def moderation_notes(user):
    return list(
        Notification.objects.filter(recipient=user, kind=NotificationKind.MODERATION)
        .select_related("action")
        .order_by("pk")
    )


@pytest.fixture
def thread(cast, categories):
    """A published thread in the "members" category (moderated by ``category_mod``)."""
    thread = new_thread(cast["applicant"], categories[Access.MEMBERS], title="Ein Thema für alle")
    actions.check_reply(cast["adviser"], thread, body="Eine Antwort des Ratgebers")
    return Thread.objects.select_related("category").get(pk=thread.pk)


@pytest.fixture
def reply(thread):
    return reload_post(thread.posts.get(number=2))


@pytest.fixture
def pending_settings(forum_settings):
    forum_settings.new_member_posts = 5
    forum_settings.save()
    return forum_settings


def make_pending_reply(cast, thread):
    ForumProfile.objects.filter(user=cast["adviser"]).update(approved_posts=0)
    access.forget_viewer(cast["adviser"])
    return reload_post(actions.check_reply(cast["adviser"], thread, body="Wartet auf Freigabe"))


# --- log_action and the reason rule -----------------------------------------------------
def test_log_action_fills_references_from_post_and_notifies(cast, reply):
    entry = moderation.log_action(
        cast["moderator"], ModAction.EDIT, "Tippfehler", post=reply, notify_member=True
    )
    assert (entry.thread_id, entry.category_id, entry.member_id) == (
        reply.thread_id, reply.thread.category_id, cast["adviser"].pk,
    )  # fmt: skip
    [note] = moderation_notes(cast["adviser"])
    assert note.action == entry and note.post_id == reply.pk


def test_moderator_acting_on_own_content_is_not_notified(cast, categories):
    own = new_thread(cast["moderator"], categories[Access.MEMBERS], title="Eigenes Thema")
    moderation.check_lock(cast["moderator"], own, "Abgeschlossen")
    assert ModerationAction.objects.filter(action=ModAction.LOCK).count() == 1
    assert not Notification.objects.filter(recipient=cast["moderator"]).exists()


@pytest.mark.parametrize(
    "do",
    [
        lambda m, post, thread: moderation.check_hide(m, post, "   "),
        lambda m, post, thread: moderation.check_lock(m, thread, ""),
        lambda m, post, thread: moderation.check_pin(m, thread, "\n"),
        lambda m, post, thread: moderation.check_slow_mode(m, thread, 60, ""),
        lambda m, post, thread: moderation.check_reveal(m, thread, ""),
        lambda m, post, thread: moderation.check_moderator_edit(m, post, body="Neu", reason=" "),
    ],
)
def test_empty_reason_is_refused_and_nothing_changes(cast, thread, reply, do):
    with pytest.raises(ValidationError) as exc:
        do(cast["moderator"], reply, thread)
    assert "reason" in exc.value.message_dict
    assert not ModerationAction.objects.exists()
    assert not Notification.objects.filter(kind=NotificationKind.MODERATION).exists()
    reply, thread = fresh(reply), fresh(thread)
    assert reply.state == State.PUBLISHED and reply.body == "Eine Antwort des Ratgebers"
    assert not (thread.is_locked or thread.is_pinned or thread.slow_mode_seconds)


def test_overlong_reason_is_refused(cast, reply):
    with pytest.raises(ValidationError):
        moderation.check_hide(cast["moderator"], reply, "x" * 1001)
    assert fresh(reply).state == State.PUBLISHED


# --- Who may moderate ------------------------------------------------------------------
@pytest.mark.parametrize("role", ["applicant", "adviser", "partner", "outsider"])
def test_non_moderators_are_refused(cast, reply, role):
    with pytest.raises(PermissionDenied):
        moderation.check_hide(cast[role], reply, "Weil ich es kann")
    with pytest.raises(PermissionDenied):
        moderation.check_lock(cast[role], reply.thread, "Weil ich es kann")
    assert fresh(reply).state == State.PUBLISHED and not ModerationAction.objects.exists()


def test_category_moderator_cannot_moderate_another_category(cast, categories):
    other = new_thread(cast["case_giver"], categories[Access.MODEL], title="Modellkommunen-Thema")
    opening = reload_post(other.posts.get())
    with pytest.raises(PermissionDenied):
        moderation.check_hide(cast["category_mod"], opening, "Nicht mein Bereich")
    with pytest.raises(PermissionDenied):
        moderation.check_pin(cast["category_mod"], other, "Nicht mein Bereich")
    assert fresh(opening).state == State.PUBLISHED and not fresh(other).is_pinned
    # ... but the own category works.
    mine = new_thread(cast["applicant"], categories[Access.MEMBERS], title="Mein Bereich")
    moderation.check_pin(cast["category_mod"], mine, "Wichtig")
    assert fresh(mine).is_pinned


# --- Approve and reject -------------------------------------------------------------------
def test_approve_pending_thread_publishes_counts_and_notifies(cast, categories, pending_settings):
    ForumProfile.objects.filter(user=cast["applicant"]).update(approved_posts=0)
    thread = new_thread(cast["applicant"], categories[Access.MEMBERS], title="Neu und wartend")
    opening = reload_post(thread.posts.get())
    assert thread.state == State.PENDING and opening.state == State.PENDING
    category = fresh(categories[Access.MEMBERS])
    assert category.thread_count == 0
    entry = moderation.check_approve(cast["category_mod"], opening, "Passt")
    thread, opening, category = fresh(thread), fresh(opening), fresh(category)
    assert thread.state == opening.state == State.PUBLISHED
    assert (category.thread_count, category.post_count, thread.post_count) == (1, 1, 1)
    assert entry.action == ModAction.APPROVE and entry.reason == "Passt"
    assert entry.moderator == cast["category_mod"] and entry.member == cast["applicant"]
    assert [n.action for n in moderation_notes(cast["applicant"])] == [entry]
    assert ThreadDocument().prepare(thread) is not None
    assert ForumProfile.objects.get(user=cast["applicant"]).approved_posts == 1


def test_approve_refuses_published_post(cast, reply):
    with pytest.raises(ValidationError):
        moderation.check_approve(cast["moderator"], reply, "Passt")
    assert not ModerationAction.objects.exists()


def test_reject_keeps_text_but_never_shows_it(cast, thread, pending_settings):
    pending = make_pending_reply(cast, thread)
    entry = moderation.check_reject(cast["moderator"], pending, "Beleidigend")
    pending = fresh(pending)
    assert pending.state == State.REJECTED and pending.body == "Wartet auf Freigabe"
    assert pending.state_reason == "Beleidigend"
    assert entry.action == ModAction.REJECT and entry.post_id == pending.pk
    assert [n.action for n in moderation_notes(cast["adviser"])] == [entry]
    for role in ("applicant", "adviser", "moderator"):
        with pytest.raises(Http404):
            access.access_post(cast[role], pending.pk)
    assert fresh(thread).post_count == 2


# --- Hide and unhide --------------------------------------------------------------------
def test_hide_and_unhide_a_reply(cast, thread, reply):
    entry = moderation.check_hide(cast["category_mod"], reply, "Persönliche Daten")
    reply, thread = fresh(reply), fresh(thread)
    assert reply.state == State.HIDDEN and reply.state_reason == "Persönliche Daten"
    assert thread.post_count == 1 and fresh(thread.category).post_count == 1
    assert PostDocument().prepare(reload_post(reply)) is None
    assert entry.action == ModAction.HIDE and entry.reason == "Persönliche Daten"
    with pytest.raises(Http404):
        access.access_post(cast["applicant"], reply.pk)
    assert access.access_post(cast["category_mod"], reply.pk)

    back = moderation.check_unhide(cast["category_mod"], reload_post(reply), "Geklärt")
    assert fresh(reply).state == State.PUBLISHED and fresh(thread).post_count == 2
    assert [n.action for n in moderation_notes(cast["adviser"])] == [entry, back]


def test_hiding_the_opening_post_hides_the_thread(cast, thread):
    opening = reload_post(thread.posts.get(number=1))
    moderation.check_hide(cast["moderator"], opening, "Ganzer Faden problematisch")
    assert fresh(thread).state == State.HIDDEN
    assert fresh(thread.category).thread_count == 0
    with pytest.raises(Http404):
        access.access_thread(cast["adviser"], thread.pk)
    assert ThreadDocument().prepare(fresh(thread)) is None


def test_unhide_refuses_visible_post(cast, reply):
    with pytest.raises(ValidationError):
        moderation.check_unhide(cast["moderator"], reply, "Grund")


# --- Edit ----------------------------------------------------------------------------------
def test_moderator_edit_keeps_revision_logs_and_notifies(cast, reply):
    moderation.check_moderator_edit(
        cast["moderator"], reply, body="Entschärfte Fassung", reason="Name entfernt"
    )
    reply = fresh(reply)
    assert reply.body == "Entschärfte Fassung" and reply.edited_at is not None
    revision = PostRevision.objects.get(post=reply)
    assert revision.body == "Eine Antwort des Ratgebers" and revision.reason == "Name entfernt"
    entry = ModerationAction.objects.get(action=ModAction.EDIT)
    assert entry.reason == "Name entfernt" and entry.member == cast["adviser"]
    assert [n.action for n in moderation_notes(cast["adviser"])] == [entry]


# --- Thread settings ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("do", "undo", "field", "actions_"),
    [
        (moderation.check_lock, moderation.check_unlock, "is_locked", ("lock", "unlock")),
        (moderation.check_pin, moderation.check_unpin, "is_pinned", ("pin", "unpin")),
    ],
)
def test_lock_and_pin_toggle_log_and_notify(cast, thread, do, undo, field, actions_):
    do(cast["moderator"], thread, "Erster Grund")
    assert getattr(fresh(thread), field) is True
    with pytest.raises(ValidationError):
        do(cast["moderator"], thread, "Nochmal")
    undo(cast["moderator"], thread, "Zweiter Grund")
    assert getattr(fresh(thread), field) is False
    log = list(ModerationAction.objects.order_by("pk").values_list("action", "reason"))
    assert log == [(actions_[0], "Erster Grund"), (actions_[1], "Zweiter Grund")]
    assert len(moderation_notes(cast["applicant"])) == 2


def test_locked_thread_refuses_replies(cast, thread):
    moderation.check_lock(cast["moderator"], thread, "Diskussion beendet")
    with pytest.raises(ValidationError):
        actions.check_reply(cast["adviser"], fresh(thread), body="Noch etwas")


def test_slow_mode_is_set_validated_and_logged(cast, thread):
    with pytest.raises(ValidationError):
        moderation.check_slow_mode(cast["moderator"], thread, "viel", "Hitzig")
    with pytest.raises(ValidationError):
        moderation.check_slow_mode(cast["moderator"], thread, -5, "Hitzig")
    assert fresh(thread).slow_mode_seconds == 0
    entry = moderation.check_slow_mode(cast["moderator"], thread, 300, "Hitzig")
    assert fresh(thread).slow_mode_seconds == 300
    assert entry.details == {"seconds": 300, "previous": 0}
    actions.check_reply(cast["case_giver"], fresh(thread), body="Erste schnelle Antwort")
    with pytest.raises(ValidationError) as exc:
        actions.check_reply(cast["case_giver"], fresh(thread), body="Zweite schnelle Antwort")
    assert exc.value.code == "slow_mode"


def test_move_updates_both_categories_search_access_and_log(cast, categories, thread):
    old, new = categories[Access.MEMBERS], categories[Access.PARTNERS]
    assert ThreadDocument().prepare(thread).access == (category_token(old.pk),)
    entry = moderation.check_move(cast["moderator"], thread, new, "Passt besser zur Allianz")
    thread = Thread.objects.select_related("category").get(pk=thread.pk)
    old, new = fresh(old), fresh(new)
    assert thread.category == new
    assert (old.thread_count, old.post_count) == (0, 0)
    assert (new.thread_count, new.post_count) == (1, 2)
    assert ThreadDocument().prepare(thread).access == (category_token(new.pk),)
    reply = Post.objects.select_related("thread__category").get(thread=thread, number=2)
    assert PostDocument().prepare(reply).access == (category_token(new.pk),)
    assert entry.details["from_category"] == old.pk and entry.details["to_category"] == new.pk
    assert entry.category == new
    # The partner can read it now.
    assert access.access_thread(cast["partner"], thread.pk)


def test_move_needs_moderator_of_both_categories(cast, categories, thread):
    with pytest.raises(ValidationError):
        moderation.check_move(
            cast["category_mod"], thread, categories[Access.MODEL], "In den Modellbereich"
        )
    assert fresh(thread).category_id == categories[Access.MEMBERS].pk
    with pytest.raises(ValidationError):
        moderation.check_move(cast["moderator"], thread, thread.category, "Gleicher Bereich")
    assert not ModerationAction.objects.exists()


# --- Anonymous cases: reveal -----------------------------------------------------------------
@pytest.fixture
def anonymous_case(cast, categories):
    case = actions.CaseDetails(situation="Drohungen im Netz", key_question="Was tun?")
    thread = actions.check_create_thread(
        cast["adviser"], categories[Access.MEMBERS], title="Anonymer Fall", case=case,
        anonymous=True,
    )  # fmt: skip
    return Thread.objects.select_related("category").get(pk=thread.pk)


def test_reveal_only_by_moderators_who_see_the_author(cast, anonymous_case):
    # "members" has its own moderator: the global moderator does not see the author.
    with pytest.raises(PermissionDenied):
        moderation.check_reveal(cast["moderator"], anonymous_case, "Bitte offenlegen")
    assert fresh(anonymous_case).revealed_at is None
    entry = moderation.check_reveal(cast["category_mod"], anonymous_case, "Gefährdungslage")
    assert fresh(anonymous_case).revealed_at is not None
    assert entry.action == ModAction.REVEAL and entry.member == cast["adviser"]
    assert [n.action for n in moderation_notes(cast["adviser"])] == [entry]
    viewer = access.forum_viewer(cast["moderator"])
    assert access.sees_anonymous_author(viewer, fresh(anonymous_case), {cast["category_mod"].pk})
    with pytest.raises(ValidationError):
        moderation.check_reveal(cast["category_mod"], fresh(anonymous_case), "Nochmal")


def test_reveal_refuses_non_anonymous_thread(cast, thread):
    with pytest.raises(ValidationError):
        moderation.check_reveal(cast["moderator"], thread, "Grund")


# --- Sanctions ---------------------------------------------------------------------------------
def test_silenced_member_can_read_but_not_post(cast, thread):
    entry = moderation.check_silence(
        cast["moderator"], cast["adviser"], timedelta(days=3), "Wiederholt unsachlich"
    )
    profile = ForumProfile.objects.get(user=cast["adviser"])
    assert profile.silenced_until > timezone.now() + timedelta(days=2)
    assert entry.action == ModAction.SILENCE and "until" in entry.details
    assert [n.action for n in moderation_notes(cast["adviser"])] == [entry]
    adviser = type(cast["adviser"]).objects.get(pk=cast["adviser"].pk)
    with pytest.raises(PermissionDenied):
        actions.check_reply(adviser, thread, body="Ich will etwas sagen")
    assert access.access_thread(adviser, thread.pk) == thread
    assert Post.objects.filter(thread=thread).count() == 2


def test_suspended_member_loses_the_forum_and_lift_restores_it(cast, thread, client):
    moderation.check_suspend(cast["moderator"], cast["adviser"], timedelta(days=7), "Drohungen")
    client.force_login(cast["adviser"])
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.get(thread.category.get_absolute_url()).status_code == 404
    lift = moderation.check_lift(cast["moderator"], cast["adviser"], "Gespräch geführt")
    profile = ForumProfile.objects.get(user=cast["adviser"])
    assert profile.suspended_until is None and profile.silenced_until is None
    assert lift.action == ModAction.LIFT and "suspended_until" in lift.details
    assert client.get(thread.get_absolute_url()).status_code == 200
    with pytest.raises(ValidationError):
        moderation.check_lift(cast["moderator"], cast["adviser"], "Nichts mehr aktiv")


def test_sanctions_need_a_global_moderator_and_a_period(cast):
    with pytest.raises(PermissionDenied):
        moderation.check_silence(cast["category_mod"], cast["adviser"], timedelta(days=1), "x")
    with pytest.raises(ValidationError):
        moderation.check_silence(cast["moderator"], cast["adviser"], timedelta(0), "Grund")
    with pytest.raises(ValidationError):
        moderation.check_suspend(cast["moderator"], cast["moderator"], timedelta(days=1), "Ich")
    assert not ModerationAction.objects.exists()
    assert not ForumProfile.objects.filter(silenced_until__isnull=False).exists()


# --- Flags -----------------------------------------------------------------------------------
def test_flag_threshold_hides_the_post_until_review(cast, reply, forum_settings):
    forum_settings.flags_to_hide = 2
    forum_settings.save()
    moderation.check_flag_post(cast["applicant"], reply, FlagReason.HATE, "")
    assert fresh(reply).state == State.PUBLISHED and fresh(reply).open_flag_count == 1
    moderation.check_flag_post(cast["category_mod"], reload_post(reply), FlagReason.DOXXING, "")
    reply = fresh(reply)
    assert reply.state == State.HIDDEN and reply.open_flag_count == 2
    assert moderation.hidden_by_flags(reply)
    assert fresh(reply.thread).post_count == 1
    with pytest.raises(Http404):
        access.access_post(cast["partner"], reply.pk)
    # A moderator looks at it and finds it fine: shown again, flags closed.
    moderation.check_dismiss_flags(cast["moderator"], reload_post(reply), "Sachlich in Ordnung")
    reply = fresh(reply)
    assert reply.state == State.PUBLISHED and reply.open_flag_count == 0
    assert set(Flag.objects.values_list("upheld", flat=True)) == {False}
    [note] = moderation_notes(cast["adviser"])
    assert note.action.action == ModAction.DISMISS_FLAGS


def test_duplicate_and_own_flags_are_refused(cast, reply):
    moderation.check_flag_post(cast["applicant"], reply, FlagReason.OFF_TOPIC, "")
    with pytest.raises(ValidationError) as exc:
        moderation.check_flag_post(cast["applicant"], reload_post(reply), FlagReason.HATE, "")
    assert exc.value.code == "duplicate"
    with pytest.raises(ValidationError):
        moderation.check_flag_post(cast["adviser"], reload_post(reply), FlagReason.HATE, "")
    assert Flag.objects.count() == 1 and fresh(reply).open_flag_count == 1


def test_flag_needs_a_valid_reason_and_a_note_for_other(cast, reply):
    with pytest.raises(ValidationError) as exc:
        moderation.check_flag_post(cast["applicant"], reply, "spam", "")
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        moderation.check_flag_post(cast["applicant"], reply, FlagReason.OTHER, "  ")
    assert "note" in exc.value.message_dict
    assert not Flag.objects.exists()


def test_flag_needs_access(cast, categories):
    thread = new_thread(cast["case_giver"], categories[Access.MODEL], title="Nur Modellkommunen")
    opening = reload_post(thread.posts.get())
    with pytest.raises(PermissionDenied):
        moderation.check_flag_post(cast["applicant"], opening, FlagReason.HATE, "")
    assert not Flag.objects.exists()


def test_hiding_a_flagged_post_upholds_the_flags(cast, reply):
    moderation.check_flag_post(cast["applicant"], reply, FlagReason.HATE, "")
    moderation.check_hide(cast["moderator"], reload_post(reply), "Hassrede")
    flag = Flag.objects.get()
    assert flag.upheld is True and flag.resolved_by == cast["moderator"]
    assert fresh(reply).open_flag_count == 0


# --- Appeals ---------------------------------------------------------------------------------
def test_appeal_only_by_the_affected_member_once(cast, reply):
    entry = moderation.check_hide(cast["moderator"], reply, "Unsachlich")
    for role in ("applicant", "category_mod"):
        with pytest.raises(PermissionDenied):
            moderation.check_appeal(cast[role], entry, "Ich widerspreche")
    with pytest.raises(ValidationError):
        moderation.check_appeal(cast["adviser"], entry, "   ")
    appeal = moderation.check_appeal(cast["adviser"], entry, "Das war sachlich gemeint.")
    assert appeal.status == Appeal.Status.OPEN and appeal.member == cast["adviser"]
    with pytest.raises(ValidationError):
        moderation.check_appeal(cast["adviser"], entry, "Nochmal")
    assert Appeal.objects.count() == 1


def test_reversed_appeal_undoes_logs_and_notifies(cast, reply):
    entry = moderation.check_hide(cast["moderator"], reply, "Unsachlich")
    appeal = moderation.check_appeal(cast["adviser"], entry, "Bitte nochmal prüfen")
    with pytest.raises(PermissionDenied):
        moderation.check_answer_appeal(cast["applicant"], appeal, "reversed", "Nein")
    with pytest.raises(ValidationError):
        moderation.check_answer_appeal(cast["moderator"], appeal, "reversed", " ")
    assert fresh(appeal).status == Appeal.Status.OPEN
    answer = moderation.check_answer_appeal(
        cast["category_mod"], appeal, "reversed", "Sie haben recht."
    )
    appeal = fresh(appeal)
    assert appeal.status == Appeal.Status.REVERSED and appeal.answered_by == cast["category_mod"]
    assert fresh(reply).state == State.PUBLISHED
    assert answer.action == ModAction.APPEAL_ANSWER and answer.details["undone"] is True
    note = Notification.objects.get(recipient=cast["adviser"], kind=NotificationKind.APPEAL)
    assert note.action == answer
    with pytest.raises(ValidationError):
        moderation.check_answer_appeal(cast["moderator"], appeal, "upheld", "Doch nicht")


def test_upheld_appeal_against_suspension_keeps_it(cast):
    entry = moderation.check_suspend(cast["moderator"], cast["adviser"], timedelta(days=1), "Grund")
    appeal = moderation.check_appeal(cast["adviser"], entry, "Zu hart")
    # A category moderator cannot answer an appeal about a forum-wide sanction.
    with pytest.raises(PermissionDenied):
        moderation.check_answer_appeal(cast["category_mod"], appeal, "reversed", "Ok")
    moderation.check_answer_appeal(cast["moderator"], appeal, "upheld", "Bleibt so.")
    assert ForumProfile.objects.get(user=cast["adviser"]).suspended_until > timezone.now()
    assert Notification.objects.filter(
        recipient=cast["adviser"], kind=NotificationKind.APPEAL
    ).exists()


# --- Reads --------------------------------------------------------------------------------
def test_queue_contains_pending_and_flagged_in_scope_only(cast, categories, pending_settings):
    members_thread = new_thread(cast["moderator"], categories[Access.MEMBERS], title="Bereich M")
    model_thread = new_thread(cast["moderator"], categories[Access.MODEL], title="Bereich Modell")
    pending_members = make_pending_reply(cast, members_thread)
    pending_model = make_pending_reply(cast, model_thread)
    flagged = reload_post(members_thread.posts.get(number=1))
    moderation.check_flag_post(cast["applicant"], flagged, FlagReason.HATE, "Zu scharf")
    everything = moderation.review_queue(cast["moderator"])
    assert {p.pk for p in everything["pending"]} == {pending_members.pk, pending_model.pk}
    assert [p.pk for p in everything["flagged"]] == [flagged.pk]
    mine = moderation.review_queue(cast["category_mod"])
    assert [p.pk for p in mine["pending"]] == [pending_members.pk]
    with pytest.raises(PermissionDenied):
        moderation.review_queue(cast["adviser"])


def test_log_filters(cast, thread, reply, categories):
    moderation.check_hide(cast["moderator"], reply, "Eins")
    moderation.check_pin(cast["category_mod"], thread, "Zwei")
    other = new_thread(cast["case_giver"], categories[Access.MODEL], title="Modellthema")
    moderation.check_lock(cast["moderator"], other, "Drei")
    reasons = lambda filters, user="moderator": [  # noqa: E731
        e.reason for e in moderation.log_entries(cast[user], filters)
    ]
    assert reasons(None) == ["Drei", "Zwei", "Eins"]
    assert reasons(moderation.LogFilters(action=ModAction.PIN)) == ["Zwei"]
    assert reasons(moderation.LogFilters(moderator=cast["moderator"])) == ["Drei", "Eins"]
    assert reasons(moderation.LogFilters(member=cast["adviser"])) == ["Eins"]
    assert reasons(moderation.LogFilters(category=categories[Access.MODEL])) == ["Drei"]
    tomorrow = timezone.now() + timedelta(days=1)
    assert reasons(moderation.LogFilters(date_from=tomorrow)) == []
    assert reasons(moderation.LogFilters(date_to=tomorrow)) == ["Drei", "Zwei", "Eins"]
    # The category moderator sees their category only.
    assert reasons(None, "category_mod") == ["Zwei", "Eins"]


def test_member_filter_never_matches_a_hidden_anonymous_author(cast, anonymous_case):
    moderation.check_lock(cast["category_mod"], anonymous_case, "Ruhe")
    # The global moderator does not see who wrote the case (the category has its own).
    assert not moderation.log_entries(
        cast["moderator"], moderation.LogFilters(member=cast["adviser"])
    ).exists()
    assert moderation.log_entries(
        cast["category_mod"], moderation.LogFilters(member=cast["adviser"])
    ).exists()
    moderation.check_reveal(cast["category_mod"], fresh(anonymous_case), "Gefahr")
    assert (
        moderation.log_entries(
            cast["moderator"], moderation.LogFilters(member=cast["adviser"])
        ).count()
        == 2
    )


def test_category_without_own_moderators_lets_global_moderators_see(cast, categories):
    assert not Category.objects.get(pk=categories[Access.MODEL].pk).moderators.exists()
    case = actions.CaseDetails(situation="Lage", key_question="Frage?")
    thread = actions.check_create_thread(
        cast["case_giver"], categories[Access.MODEL], title="Fall Modell", case=case,
        anonymous=True,
    )  # fmt: skip
    moderation.check_lock(cast["moderator"], thread, "Ruhe")
    assert moderation.log_entries(
        cast["moderator"], moderation.LogFilters(member=cast["case_giver"])
    ).exists()


def test_flag_threshold_zero_never_hides(cast, reply):
    settings = ForumSettings.load()
    settings.flags_to_hide = 0
    settings.save()
    moderation.check_flag_post(cast["applicant"], reply, FlagReason.HATE, "")
    assert fresh(reply).state == State.PUBLISHED
