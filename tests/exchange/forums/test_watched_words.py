"""Watched words: moderators add and remove them, the test box, the admin cache."""

from html import escape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from exchange.forums import actions, moderation, words
from exchange.forums.models import Access, Flag, ModAction, ModerationAction, State, WatchedWord

from .conftest import NEEDLES

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from komma.accounts.middleware import needs_second_factor
    from tests.conftest import TEST_TOTP_SECRET

    if needs_second_factor(user) and not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, TEST_TOTP_SECRET)
    client = Client()
    client.force_login(user)
    return client


def test_add_logs_clears_cache_and_takes_effect(cast, categories):
    assert words.matches("Ein Hetzer schreibt") == []  # fills the cache
    moderation.check_add_watched_word(cast["moderator"], "  Hetz* ", "require_approval", "Neu")
    watched = WatchedWord.objects.get()
    assert watched.word == "hetz*" and watched.created_by == cast["moderator"]
    entry = ModerationAction.objects.get()
    assert entry.action == ModAction.WATCHED_WORD and entry.reason == "Neu"
    assert entry.details == {"added": "hetz*", "word_action": "require_approval"}
    thread = actions.check_create_thread(
        cast["applicant"], categories[Access.MEMBERS], title="Ein Thema", body="Der Hetzer ist da"
    )
    assert thread.state == State.PENDING


def test_add_refuses_bad_input_and_non_global_moderators(cast):
    with pytest.raises(PermissionDenied):
        moderation.check_add_watched_word(cast["category_mod"], "hass", "flag", "Grund")
    with pytest.raises(PermissionDenied):
        moderation.check_add_watched_word(cast["adviser"], "hass", "flag", "Grund")
    with pytest.raises(ValidationError) as exc:
        moderation.check_add_watched_word(cast["moderator"], "*", "explode", "")
    assert set(exc.value.message_dict) == {"word", "action", "reason"}
    moderation.check_add_watched_word(cast["moderator"], "hass", "flag", "Grund")
    with pytest.raises(ValidationError) as exc:
        moderation.check_add_watched_word(cast["moderator"], "HASS", "block", "Nochmal")
    assert "word" in exc.value.message_dict
    assert WatchedWord.objects.count() == 1 and ModerationAction.objects.count() == 1


def test_remove_logs_and_clears_cache(cast):
    moderation.check_add_watched_word(cast["moderator"], "hetze", "block", "Neu")
    assert [m.word for m in words.matches("keine Hetze")] == ["hetze"]
    with pytest.raises(ValidationError):
        moderation.check_remove_watched_word(cast["moderator"], WatchedWord.objects.get(), " ")
    moderation.check_remove_watched_word(cast["moderator"], WatchedWord.objects.get(), "Zu streng")
    assert not WatchedWord.objects.exists()
    assert words.matches("keine Hetze") == []
    removed = ModerationAction.objects.order_by("-pk").first()
    assert removed.details["removed"] == "hetze" and removed.reason == "Zu streng"


def test_admin_style_saves_clear_the_cache(cast):
    """A save outside the moderation functions (the Wagtail admin) takes effect at once."""
    assert words.matches("Volksverräter") == []
    word = WatchedWord.objects.create(word="volksverräter", action="flag")
    assert [m.word for m in words.matches("Volksverräter!")] == ["volksverräter"]
    word.delete()
    assert words.matches("Volksverräter") == []


def test_test_box_reports_words_and_strongest_action(cast):
    for word, action in (("hetz*", "flag"), ("drohung", "require_approval"), ("mord", "block")):
        WatchedWord.objects.create(word=word, action=action)
    result = moderation.test_watched_words("Eine Drohung und Hetzerei")
    assert [(m.word, m.action) for m in result.matches] == [
        ("drohung", "require_approval"), ("hetz*", "flag"),
    ]  # fmt: skip
    assert result.action == "require_approval"
    assert result.action_label == gettext("The post would wait for approval.")
    assert moderation.test_watched_words("Alles friedlich").action is None
    assert moderation.test_watched_words("Mordsspaß").action is None  # word boundaries
    assert moderation.test_watched_words("Mord!").action == "block"


def test_words_page_test_box_and_forms(cast):
    WatchedWord.objects.create(word="hetz*", action="flag")
    client = client_for(cast["moderator"])
    url = reverse("forums:mod_words")
    body = client.get(url).content.decode()
    assert "hetz*" in body and 'value="add"' in body
    result = client.post(url, {"form": "test", "text": "Hetzer überall"}).content.decode()
    assert escape(gettext("The post would be published and flagged for moderators.")) in result
    assert "„hetz*“" in result
    assert client.post(url, {"form": "add", "word": "", "action": "flag", "reason": "x"}
                       ).status_code == 200  # fmt: skip
    response = client.post(url, {"form": "add", "word": "drohung", "action": "block",
                                 "reason": "Häufig"})  # fmt: skip
    assert response.status_code == 302 and WatchedWord.objects.filter(word="drohung").exists()
    watched = WatchedWord.objects.get(word="drohung")
    response = client.post(url, {"form": "remove", "watched": watched.pk, "reason": "Weg"})
    assert response.status_code == 302 and not WatchedWord.objects.filter(word="drohung").exists()
    for needle in NEEDLES:
        assert needle not in body


def test_category_moderator_sees_words_and_tests_but_cannot_change(cast, categories):
    client = client_for(cast["category_mod"])
    url = reverse("forums:mod_words")
    body = client.get(url).content.decode()
    assert 'value="add"' not in body and 'value="test"' in body
    response = client.post(url, {"form": "add", "word": "hass", "action": "flag", "reason": "x"})
    assert response.status_code == 403 and not WatchedWord.objects.exists()
    assert client_for(cast["adviser"]).get(url).status_code == 404


def test_flag_word_creates_system_flag_shown_in_queue(cast, categories):
    moderation.check_add_watched_word(cast["moderator"], "hetz*", "flag", "Beobachten")
    thread = actions.check_create_thread(
        cast["applicant"], categories[Access.MEMBERS], title="Ein Thema", body="Hetzerei hier"
    )
    flag = Flag.objects.get()
    assert flag.flagged_by is None and flag.post.thread_id == thread.pk
    queue = moderation.review_queue(cast["category_mod"])
    assert [post.thread_id for post in queue["flagged"]] == [thread.pk]
    body = client_for(cast["category_mod"]).get(reverse("forums:mod_queue")).content.decode()
    assert "Hetzerei hier" in body
