"""The forums' demo content: every access level, cases (one anonymous) with replies,
a flagged post, a pending post and a log entry — seeded once however often it runs."""

import pytest

from exchange.forums.access import forum_viewer
from exchange.forums.models import (
    Access,
    Bookmark,
    Category,
    Flag,
    ForumProfile,
    ModerationAction,
    Notification,
    Post,
    Reaction,
    State,
    Subscription,
    Thread,
    ThreadKind,
)
from komma.core.demo import seed_demo

pytestmark = pytest.mark.django_db

FORUM_MODELS = [Category, Thread, Post, Reaction, Bookmark, Subscription, Flag,
                ModerationAction, Notification, ForumProfile]  # fmt: skip


def counts():
    return {model.__name__: model.objects.count() for model in FORUM_MODELS}


def test_seeding_twice_creates_nothing_twice():
    ctx = seed_demo()
    first = counts()
    assert any("forum categories" in message for message in ctx.messages)
    seed_demo()
    assert counts() == first
    assert first["Thread"] >= 4 and first["Post"] >= 10


def test_demo_covers_what_the_issue_asks_for():
    ctx = seed_demo()
    assert set(Category.objects.values_list("access", flat=True)) == set(Access.values)
    assert Category.objects.filter(premoderated=True).exists()
    cases = Thread.objects.filter(kind=ThreadKind.CASE)
    assert cases.count() >= 2
    anonymous = cases.get(is_anonymous=True)
    assert anonymous.post_count >= 3 and anonymous.solution_id is not None
    assert anonymous.posts.filter(is_anonymous=True).count() >= 2  # the giver replied too
    assert Reaction.objects.exists()
    flagged = Post.objects.get(open_flag_count__gt=0)
    assert Flag.objects.filter(post=flagged, resolved_at__isnull=True).exists()
    pending = Post.objects.get(state=State.PENDING)
    assert pending.author == ctx.people["HelleQuelle"]
    entry = ModerationAction.objects.get()
    assert entry.reason and entry.moderator == ctx.people["RuhigeBruecke"]
    assert Thread.objects.filter(is_pinned=True).exists()


def test_demo_members_are_not_new_and_roles_see_their_levels():
    ctx = seed_demo()
    for pseudonym in ("MutigeEiche", "StarkeLinde", "OffeneWeide", "FesteHarfe"):
        assert ForumProfile.objects.get(user=ctx.people[pseudonym]).approved_posts >= 3
    assert forum_viewer(ctx.people["MutigeEiche"]).is_model
    assert forum_viewer(ctx.people["RuhigeBruecke"]).is_global_moderator
    partner = forum_viewer(ctx.people["FesteHarfe"])
    assert partner.levels == (Access.PARTNERS,)
    # Replies notified the case giver; nobody is told about a pending post.
    assert Notification.objects.filter(recipient=ctx.people["OffeneWeide"]).exists()
    assert not Notification.objects.filter(post__state=State.PENDING).exists()
