"""Who sees which identity field: privacy.may_see and everything built on it."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import override

from komma.accounts.choices import Visibility
from komma.accounts.models import User
from komma.accounts.presentation import person_json, present_person
from komma.accounts.privacy import IDENTITY_FIELDS, may_see

from .conftest import add_role

pytestmark = pytest.mark.django_db

from tests.accounts.conftest import OFFICE  # noqa: E402

REAL_NAME = "Erika Mustermann"
LEVELS = [Visibility.NOBODY, Visibility.MODERATORS, Visibility.MUNICIPALITY, Visibility.NETWORK]
VIEWERS = ["self", "anonymous", "same_municipality", "other_municipality", "moderator"]

# Who may see a field at each level (the person always sees their own data).
ALLOWED = {
    Visibility.NOBODY: {"self"},
    Visibility.MODERATORS: {"self", "moderator"},
    Visibility.MUNICIPALITY: {"self", "moderator", "same_municipality"},
    Visibility.NETWORK: {"self", "moderator", "same_municipality", "other_municipality"},
}


@pytest.fixture
def viewers(make_member, municipality, other_municipality, subject):
    moderator = make_member("ModeratorMia", municipality=other_municipality)
    add_role(moderator, "moderator")
    return {
        "self": subject,
        "anonymous": AnonymousUser(),
        "same_municipality": make_member("NachbarNina", municipality=municipality),
        "other_municipality": make_member("FremderFritz", municipality=other_municipality),
        "moderator": moderator,
    }


def set_levels(user, level):
    for field in IDENTITY_FIELDS:
        setattr(user, f"{field}_visibility", level)
    user.save()


def fresh(user):
    """A new object, so no cached viewer facts carry over."""
    return User.objects.get(pk=user.pk) if user.is_authenticated else user


@pytest.mark.parametrize("level", LEVELS)
def test_may_see_matrix(subject, viewers, level):
    set_levels(subject, level)
    seen = {
        (viewer_key, field): may_see(fresh(viewers[viewer_key]), fresh(subject), field)
        for viewer_key, field in itertools.product(VIEWERS, IDENTITY_FIELDS)
    }
    expected = {
        (viewer_key, field): viewer_key in ALLOWED[level]
        for viewer_key, field in itertools.product(VIEWERS, IDENTITY_FIELDS)
    }
    assert seen == expected


def test_fields_are_independent(subject, viewers):
    subject.real_name_visibility = Visibility.NETWORK
    subject.municipality_visibility = Visibility.MUNICIPALITY
    subject.office_visibility = Visibility.NOBODY
    subject.save()
    other = fresh(viewers["other_municipality"])
    neighbour = fresh(viewers["same_municipality"])
    assert may_see(other, subject, "real_name")
    assert not may_see(other, subject, "municipality")
    assert not may_see(other, subject, "office")
    assert may_see(neighbour, subject, "municipality")
    assert not may_see(neighbour, subject, "office")


def test_unknown_level_shows_nothing(subject, viewers):
    User.objects.filter(pk=subject.pk).update(real_name_visibility="everyone")
    subject.refresh_from_db()
    for key in VIEWERS:
        if key != "self":
            assert not may_see(fresh(viewers[key]), subject, "real_name")


def test_inactive_viewer_is_anonymous(subject, viewers):
    set_levels(subject, Visibility.NETWORK)
    neighbour = fresh(viewers["same_municipality"])
    neighbour.is_active = False
    assert not may_see(neighbour, subject, "real_name")


def test_unknown_field_is_an_error(subject):
    with pytest.raises(ValueError):
        may_see(subject, subject, "email")


def test_person_json_contains_only_allowed_fields(subject, viewers):
    other = fresh(viewers["other_municipality"])
    data = person_json(subject, other)
    assert set(data) == {"pseudonym", "is_former_member", "profile_url", "bio"}
    assert data["pseudonym"] == "StilleLinde77"
    assert REAL_NAME not in str(data)
    assert subject.email not in str(data)

    assert set(person_json(subject, AnonymousUser())) == {"pseudonym", "is_former_member", "bio"}

    set_levels(subject, Visibility.MUNICIPALITY)
    data = person_json(subject, fresh(viewers["same_municipality"]))
    assert data["real_name"] == REAL_NAME
    assert data["office"] == OFFICE
    assert data["municipality"] == "Stadt Testhausen"
    assert "email" not in data
    assert set(person_json(subject, fresh(viewers["other_municipality"]))) == {
        "pseudonym", "is_former_member", "profile_url", "bio",
    }  # fmt: skip


def test_deleted_member_is_a_former_member_and_nothing_else(subject, viewers):
    set_levels(subject, Visibility.NETWORK)
    subject.bio = "Ich arbeite in der Verwaltung."
    subject.deleted_at = timezone.now()
    subject.save()
    for key in VIEWERS:
        viewer = fresh(viewers[key])
        assert not may_see(viewer, subject, "real_name")
        with override("en"):
            card = present_person(subject, viewer)
            data = person_json(subject, viewer)
        assert card.pseudonym == "former member"
        assert card.is_former_member
        assert (card.real_name, card.office, card.municipality, card.profile_url) == (None,) * 4
        assert card.bio == ""
        assert data == {"pseudonym": "former member", "is_former_member": True, "bio": ""}
    with override("en"):
        assert present_person(None, None).pseudonym == "former member"


# --- The profile page ---------------------------------------------------------------
def profile_url(user):
    return f"/konto/mitglieder/{user.pseudonym}/"


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("viewer_key", ["self", "same_municipality", "other_municipality"])
def test_profile_page_shows_what_may_see_allows(client, subject, viewers, level, viewer_key):
    set_levels(subject, level)
    viewer = viewers[viewer_key]
    client.force_login(viewer)
    response = client.get(profile_url(subject))
    assert response.status_code == 200
    page = response.content.decode()
    assert "StilleLinde77" in page
    allowed = viewer_key in ALLOWED[level]
    assert (REAL_NAME in page) is allowed
    assert (OFFICE in page) is allowed
    assert ("Stadt Testhausen" in page) is allowed
    assert subject.email not in page


def test_profile_page_for_moderator(client, subject, viewers):
    from .conftest import give_totp

    set_levels(subject, Visibility.MODERATORS)
    moderator = viewers["moderator"]
    give_totp(moderator)  # moderators need a second factor to use the site
    client.force_login(moderator)
    page = client.get(profile_url(subject)).content.decode()
    assert REAL_NAME in page
    assert OFFICE in page
    assert "Stadt Testhausen" in page


def test_profile_page_finds_pseudonym_case_insensitively(client, subject, viewers):
    client.force_login(viewers["other_municipality"])
    assert client.get("/konto/mitglieder/stillelinde77/").status_code == 200
    assert client.get("/konto/mitglieder/Niemand999/").status_code == 404


def test_profile_page_of_deleted_member_is_404(client, subject, viewers):
    subject.deleted_at = timezone.now()
    subject.save()
    client.force_login(viewers["other_municipality"])
    assert client.get(profile_url(subject)).status_code == 404


def test_anonymous_is_sent_to_login(client, subject):
    response = client.get(profile_url(subject))
    assert response.status_code == 302
    assert response.url == "/konto/login/?next=/konto/mitglieder/StilleLinde77/"
    assert REAL_NAME not in response.content.decode()


def test_profile_page_query_count(client, subject, viewers, django_assert_num_queries):
    set_levels(subject, Visibility.NETWORK)
    client.force_login(viewers["same_municipality"])
    client.get(profile_url(subject))  # warm caches (plugin states, MFA check in the session)
    # session, viewer, subject + memberships + municipalities, viewer facts (moderator
    # group, own municipalities: 2), and the frame's reader facts (frame_facts: admin
    # access, may invite, unread messages, level: 1). Menu pages and footer links come
    # from the (warm) shared cache.
    with django_assert_num_queries(8):
        response = client.get(profile_url(subject))
    assert REAL_NAME in response.content.decode()


# --- The privacy form ----------------------------------------------------------------
PRIVACY_URL = "/konto/privatsphaere/"


def test_privacy_form_saves_levels(client, subject):
    client.force_login(subject)
    response = client.post(
        PRIVACY_URL,
        {
            "real_name_visibility": "network",
            "municipality_visibility": "municipality",
            "office_visibility": "moderators",
        },
    )
    assert response.status_code == 302
    subject.refresh_from_db()
    assert subject.real_name_visibility == "network"
    assert subject.municipality_visibility == "municipality"
    assert subject.office_visibility == "moderators"


def test_privacy_form_rejects_an_invalid_level(client, subject):
    client.force_login(subject)
    response = client.post(
        PRIVACY_URL,
        {
            "real_name_visibility": "everyone",
            "municipality_visibility": "network",
            "office_visibility": "network",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("real_name_visibility", "invalid_choice")
    subject.refresh_from_db()
    assert subject.real_name_visibility == "nobody"
    assert subject.municipality_visibility == "nobody"
    assert subject.office_visibility == "nobody"


def test_municipality_level_names_only_shared_municipalities(
    make_member, municipality, other_municipality
):
    from komma.accounts.models import Membership
    from komma.accounts.presentation import present_person

    subject = make_member(
        "ZweiOrte", municipality=municipality, municipality_visibility="municipality"
    )
    Membership.objects.create(user=subject, municipality=other_municipality)
    colleague = make_member("NurEinOrt", municipality=municipality)
    assert present_person(subject, colleague).municipality == municipality.name
    subject.municipality_visibility = "network"
    subject.save()
    names = present_person(subject, colleague).municipality
    assert municipality.name in names and other_municipality.name in names
