"""Every cast role against every category level: reading, listing, 404s, writing,
moderating; sanctions; who sees the author of an anonymous case."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from exchange.forums import access, actions
from exchange.forums.models import Access, ForumProfile, State, Thread

pytestmark = pytest.mark.django_db

ROLES = ["case_giver", "adviser", "applicant", "partner", "moderator", "category_mod",
         "outsider", "anonymous"]  # fmt: skip
ALL = {Access.MODEL, Access.MEMBERS, Access.PARTNERS}
MAY_READ = {
    "case_giver": ALL,
    "adviser": ALL,
    "applicant": {Access.MEMBERS, Access.PARTNERS},
    "partner": {Access.PARTNERS},
    "moderator": ALL,
    "category_mod": ALL,
    "outsider": set(),
    "anonymous": set(),
}
MODERATES = {"moderator": ALL, "category_mod": {Access.MEMBERS}}


def person(cast, role):
    return AnonymousUser() if role == "anonymous" else cast[role]


def fresh(user):
    """The user object without cached viewer facts (as in a new request)."""
    if isinstance(user, AnonymousUser):
        return user
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def threads(cast, categories):
    """A published thread per level, written by the moderator."""
    return {
        level: actions.check_create_thread(
            cast["moderator"], category, title=f"Thema im Bereich {level}", body="Inhalt"
        )
        for level, category in categories.items()
    }


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", sorted(ALL))
def test_reading_matrix(cast, categories, threads, role, level):
    user = person(cast, role)
    viewer = access.forum_viewer(user)
    category = categories[level]
    may = level in MAY_READ[role]
    assert access.may_read_category(viewer, category) is may
    assert (category in access.readable_categories(user)) is may
    if may:
        assert access.access_category(user, category.slug) == category
        assert access.access_thread(user, threads[level].pk) == threads[level]
        opening = threads[level].posts.get(number=1)
        assert access.access_post(user, opening.pk) == opening
    else:
        with pytest.raises(Http404):
            access.access_category(user, category.slug)
        with pytest.raises(Http404):
            access.access_thread(user, threads[level].pk)
        with pytest.raises(Http404):
            access.access_post(user, threads[level].posts.get(number=1).pk)


@pytest.mark.parametrize("role", ROLES)
def test_readable_categories_are_exactly_the_allowed_levels(cast, categories, role):
    user = person(cast, role)
    levels = set(access.readable_categories(user).values_list("access", flat=True))
    assert levels == MAY_READ[role]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", sorted(ALL))
def test_writing_matrix(cast, categories, role, level):
    user = person(cast, role)
    category = categories[level]
    if level in MAY_READ[role]:
        assert access.check_may_write(user, category).user_id == user.pk
        thread = actions.check_create_thread(user, category, title="Ein neues Thema",
                                             body="Text")  # fmt: skip
        assert thread.pk
    else:
        with pytest.raises(PermissionDenied):
            access.check_may_write(user, category)
        with pytest.raises(PermissionDenied):
            actions.check_create_thread(user, category, title="Ein neues Thema", body="Text")
        assert not Thread.objects.filter(category=category).exists()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", sorted(ALL))
def test_moderator_matrix(cast, categories, role, level):
    viewer = access.forum_viewer(person(cast, role))
    expected = level in MODERATES.get(role, set())
    assert access.is_moderator(viewer, categories[level]) is expected
    assert access.is_moderator(viewer, categories[level].pk) is expected
    if expected:
        access.check_moderator(person(cast, role), categories[level])
    else:
        with pytest.raises(PermissionDenied):
            access.check_moderator(person(cast, role), categories[level])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("level", sorted(ALL))
def test_pending_thread_only_for_its_author_and_moderators(cast, categories, role, level):
    thread = actions.check_create_thread(
        cast["adviser"], categories[level], title="Wartet auf Freigabe", body="Text"
    )
    Thread.objects.filter(pk=thread.pk).update(state=State.PENDING)
    thread.posts.update(state=State.PENDING)
    user = person(cast, role)
    sees = level in MODERATES.get(role, set()) or role == "adviser"
    if sees:
        assert access.access_thread(user, thread.pk).pk == thread.pk
    else:
        with pytest.raises(Http404):
            access.access_thread(user, thread.pk)


@pytest.mark.parametrize("pk", ["abc", None, "", "1; DROP TABLE", 10**12, -1])
def test_forged_and_unknown_ids_are_404(cast, pk):
    with pytest.raises(Http404):
        access.access_thread(cast["adviser"], pk)
    with pytest.raises(Http404):
        access.access_post(cast["adviser"], pk)


def test_unknown_category_slug_is_404(cast, categories):
    with pytest.raises(Http404):
        access.access_category(cast["moderator"], "gibt-es-nicht")


def test_suspended_member_loses_everything(cast, categories, threads):
    ForumProfile.objects.filter(user=cast["adviser"]).update(
        suspended_until=timezone.now() + timedelta(days=3)
    )
    adviser = fresh(cast["adviser"])
    viewer = access.forum_viewer(adviser)
    assert viewer.levels == () and not access.readable_categories(adviser).exists()
    for level, category in categories.items():
        assert not access.may_read_category(viewer, category)
        with pytest.raises(Http404):
            access.access_thread(adviser, threads[level].pk)
        with pytest.raises(PermissionDenied):
            access.check_may_write(adviser, category)


def test_suspension_in_the_past_is_over(cast, categories):
    ForumProfile.objects.filter(user=cast["adviser"]).update(
        suspended_until=timezone.now() - timedelta(minutes=1)
    )
    adviser = fresh(cast["adviser"])
    assert access.readable_categories(adviser).count() == 3
    access.check_may_write(adviser, categories[Access.MODEL])


def test_silenced_member_reads_but_does_not_write(cast, categories, threads):
    ForumProfile.objects.filter(user=cast["applicant"]).update(
        silenced_until=timezone.now() + timedelta(hours=5)
    )
    applicant = fresh(cast["applicant"])
    category = categories[Access.MEMBERS]
    assert access.access_thread(applicant, threads[Access.MEMBERS].pk)
    with pytest.raises(PermissionDenied) as exc:
        access.check_may_write(applicant, category)
    assert "silenced" in str(exc.value) or "stumm" in str(exc.value)
    with pytest.raises(PermissionDenied):
        actions.check_reply(applicant, threads[Access.MEMBERS], body="Trotzdem")
    assert threads[Access.MEMBERS].posts.count() == 1


def test_global_moderator_who_is_suspended_is_not_a_reader(cast, categories):
    ForumProfile.objects.filter(user=cast["moderator"]).update(
        suspended_until=timezone.now() + timedelta(days=1)
    )
    moderator = fresh(cast["moderator"])
    assert not access.readable_categories(moderator).exists()


def test_inactive_and_deleted_accounts_are_nobody(cast, categories):
    adviser = cast["adviser"]
    adviser.is_active = False
    adviser.save(update_fields=["is_active"])
    assert access.forum_viewer(fresh(adviser)) == access.NOBODY


def test_viewer_facts_cost_two_queries_and_are_cached(cast, django_assert_num_queries):
    adviser = fresh(cast["adviser"])
    with django_assert_num_queries(2):
        access.forum_viewer(adviser)
    with django_assert_num_queries(0):
        access.forum_viewer(adviser)


# --- Anonymous cases ------------------------------------------------------------------
def anonymous_case(cast, category):
    return actions.check_create_thread(
        cast["case_giver"], category, title="Anonymer Fall", anonymous=True,
        case=actions.CaseDetails(situation="Bedrohung", key_question="Was tun?"),
    )  # fmt: skip


def sees(cast, role, thread):
    mod_ids = set(thread.category.moderators.values_list("pk", flat=True))
    return access.sees_anonymous_author(access.forum_viewer(person(cast, role)), thread, mod_ids)


def test_anonymous_case_without_own_moderators(cast, categories):
    """MODEL has no moderators of its own: the role Moderation sees the pseudonym."""
    thread = anonymous_case(cast, categories[Access.MODEL])
    assert {role: sees(cast, role, thread) for role in ROLES} == {
        "case_giver": True, "adviser": False, "applicant": False, "partner": False,
        "moderator": True, "category_mod": False, "outsider": False, "anonymous": False,
    }  # fmt: skip


def test_anonymous_case_in_category_with_own_moderators(cast, categories):
    """MEMBERS has its own moderator: only they (and the author) see it, until a reveal."""
    thread = anonymous_case(cast, categories[Access.MEMBERS])
    before = {role: sees(cast, role, thread) for role in ROLES}
    assert before == {
        "case_giver": True, "adviser": False, "applicant": False, "partner": False,
        "moderator": False, "category_mod": True, "outsider": False, "anonymous": False,
    }  # fmt: skip
    thread.revealed_at = timezone.now()
    after = {role: sees(cast, role, thread) for role in ROLES}
    assert after == {**before, "moderator": True}  # revealed to moderators, not to members


def test_superuser_sees_anonymous_author(cast, categories, make_member):
    thread = anonymous_case(cast, categories[Access.MEMBERS])
    root = make_member("Wurzel", is_superuser=True)
    assert access.sees_anonymous_author(
        access.forum_viewer(root), thread, {cast["category_mod"].pk}
    )
