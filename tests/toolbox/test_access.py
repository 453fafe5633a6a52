"""Who reads which resource (every role × every level), unpublished resources,
usage counters, feedback and downloads."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document

from toolbox.models import Feedback, Resource, Visibility

from .conftest import NEEDLES, TOWN_A, TOWN_B, client_for

pytestmark = pytest.mark.django_db

PUBLIC, PARTNERS, NETWORK = Visibility.PUBLIC, Visibility.PARTNERS, Visibility.NETWORK
# Which levels each kind of viewer reads (toolbox.access).
READS = {
    "anonymous": {PUBLIC},
    "partner": {PUBLIC, PARTNERS},
    "network": {PUBLIC, PARTNERS, NETWORK},
    "member_a": {PUBLIC, PARTNERS, NETWORK},
    "member_b": {PUBLIC, PARTNERS, NETWORK},
    "editor": {PUBLIC, PARTNERS, NETWORK},
}


@pytest.mark.parametrize("who", list(READS))
@pytest.mark.parametrize("level", [PUBLIC, PARTNERS, NETWORK])
def test_detail_by_role_and_level(cast, levelled, who, level):
    resource = levelled[level]
    response = client_for(cast[who]).get(resource.get_absolute_url())
    if level in READS[who]:
        assert response.status_code == 200
        assert resource.title in response.content.decode()
    else:
        assert response.status_code == 404
        assert resource.title not in response.content.decode()


@pytest.mark.parametrize("who", list(READS))
def test_list_by_role(cast, levelled, who):
    html = client_for(cast[who]).get(reverse("toolbox:index")).content.decode()
    for level in (PUBLIC, PARTNERS, NETWORK):
        assert (levelled[level].title in html) == (level in READS[who]), level
    assert levelled["draft"].title not in html


@pytest.mark.parametrize("who", list(READS))
def test_unpublished_is_invisible_to_everyone(cast, levelled, who):
    draft = levelled["draft"]
    client = client_for(cast[who])
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("toolbox:resource_download", args=[draft.slug])).status_code == 404
    response = client.post(reverse("toolbox:resource_feedback", args=[draft.slug]), {"vote": "yes"})
    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_unpublished_after_publishing_then_unpublishing(cast, make_resource):
    resource = make_resource(title="Zurückgezogener Leitfaden")
    client = client_for(cast["member_a"])
    assert client.get(resource.get_absolute_url()).status_code == 200
    resource.unpublish()
    assert client.get(resource.get_absolute_url()).status_code == 404


def test_unknown_slug_is_404(cast):
    assert client_for().get(reverse("toolbox:resource", args=["gibt-es-nicht"])).status_code == 404


def test_unmasked_identities_appear_nowhere(cast, levelled, make_resource):
    make_resource(kind="template", title="Vorlage Pressemitteilung")
    Feedback.objects.create(resource=levelled[PUBLIC], user=cast["member_a"], helpful=True)
    for who in ("member_a", "member_b", "partner", "anonymous"):
        client = client_for(cast[who])
        for url in (reverse("toolbox:index"), levelled[PUBLIC].get_absolute_url()):
            html = client.get(url).content.decode()
            for needle in [*NEEDLES, TOWN_A, TOWN_B]:
                assert needle not in html, (who, url, needle)


# --- views ------------------------------------------------------------------------------
def test_view_counts_once_per_session(cast, make_resource):
    resource = make_resource()
    first = client_for(cast["member_a"])
    first.get(resource.get_absolute_url())
    first.get(resource.get_absolute_url())
    resource.refresh_from_db()
    assert resource.view_count == 1
    client_for(cast["member_b"]).get(resource.get_absolute_url())
    resource.refresh_from_db()
    assert resource.view_count == 2


def test_anonymous_views_counted_once_without_a_session_cookie(make_resource):
    resource = make_resource()
    client = client_for()
    response = client.get(resource.get_absolute_url())
    client.get(resource.get_absolute_url())
    resource.refresh_from_db()
    assert resource.view_count == 1
    assert "sessionid" not in response.cookies
    # Another visitor (address) counts.
    client_for().get(resource.get_absolute_url(), REMOTE_ADDR="198.51.100.7")
    resource.refresh_from_db()
    assert resource.view_count == 2


def test_counts_are_shown(cast, make_resource):
    resource = make_resource(kind="template")
    Resource.objects.filter(pk=resource.pk).update(
        view_count=41, use_count=17, download_count=5, helpful_count=9, not_helpful_count=2
    )
    html = client_for().get(resource.get_absolute_url()).content.decode()
    for text in ("42 views", "17 uses of the template", "5 downloads of the attached file",
                 "9 found it helpful",
                 "2 did not find it helpful"):  # fmt: skip
        assert text in html


# --- feedback ---------------------------------------------------------------------------
def _vote(client, resource, vote):
    return client.post(reverse("toolbox:resource_feedback", args=[resource.slug]), {"vote": vote})


def _counts(resource):
    resource.refresh_from_db()
    return resource.helpful_count, resource.not_helpful_count


def test_feedback_one_changeable_vote(cast, make_resource):
    resource = make_resource()
    client = client_for(cast["member_a"])
    response = _vote(client, resource, "yes")
    assert response.status_code == 302
    assert response["Location"].endswith(resource.get_absolute_url() + "#feedback")
    assert _counts(resource) == (1, 0)
    _vote(client, resource, "yes")  # the same vote again changes nothing
    assert _counts(resource) == (1, 0)
    _vote(client, resource, "no")  # changed
    assert _counts(resource) == (0, 1)
    assert Feedback.objects.get().helpful is False
    _vote(client_for(cast["member_b"]), resource, "no")
    assert _counts(resource) == (0, 2)
    _vote(client, resource, "none")  # withdrawn
    assert _counts(resource) == (0, 1)
    assert Feedback.objects.count() == 1


def test_feedback_form_shows_own_vote(cast, make_resource):
    resource = make_resource()
    client = client_for(cast["member_a"])
    _vote(client, resource, "no")
    html = client.get(resource.get_absolute_url()).content.decode()
    assert 'value="no" class="button" aria-pressed="true"' in html
    assert 'value="yes" class="button button-secondary" aria-pressed="false"' in html


def test_anonymous_sees_counts_but_cannot_vote(cast, make_resource):
    resource = make_resource()
    Resource.objects.filter(pk=resource.pk).update(helpful_count=3)
    client = client_for()
    html = client.get(resource.get_absolute_url()).content.decode()
    assert "3 found it helpful" in html
    assert reverse("toolbox:resource_feedback", args=[resource.slug]) not in html
    response = _vote(client, resource, "yes")
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert _counts(resource) == (3, 0)
    assert not Feedback.objects.exists()


def test_bad_vote_is_refused_with_a_message(cast, make_resource):
    resource = make_resource()
    response = _vote(client_for(cast["member_a"]), resource, "vielleicht")
    assert response.status_code == 400
    assert "Please choose “helpful” or “not helpful”." in response.content.decode()
    assert _counts(resource) == (0, 0)
    assert not Feedback.objects.exists()


def test_feedback_on_a_resource_one_may_not_read_is_404(cast, levelled):
    response = _vote(client_for(cast["partner"]), levelled[NETWORK], "yes")
    assert response.status_code == 404
    assert _counts(levelled[NETWORK]) == (0, 0)


def test_feedback_needs_post(cast, make_resource):
    resource = make_resource()
    url = reverse("toolbox:resource_feedback", args=[resource.slug])
    assert client_for(cast["member_a"]).get(url, {"vote": "yes"}).status_code == 405
    assert _counts(resource) == (0, 0)


def test_feedback_needs_csrf(cast, make_resource):
    from django.test import Client

    resource = make_resource()
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["member_a"])
    assert _vote(client, resource, "yes").status_code == 403
    assert _counts(resource) == (0, 0)


# --- downloads --------------------------------------------------------------------------
@pytest.fixture
def document(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    doc = Document(title="Leitfaden als PDF")
    doc.file.save("leitfaden.pdf", ContentFile(b"%PDF-1.4\n% test\n"), save=False)
    doc.save()
    return doc


def test_download_serves_the_document_and_counts(cast, make_resource, document):
    resource = make_resource(visibility="partners", document=document)
    url = reverse("toolbox:resource_download", args=[resource.slug])
    response = client_for(cast["partner"]).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-1.4")
    assert "attachment" in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"
    resource.refresh_from_db()
    assert resource.download_count == 1
    html = client_for(cast["partner"]).get(resource.get_absolute_url()).content.decode()
    assert url in html and "1 download" in html


def test_download_of_an_invisible_resource_is_404(cast, make_resource, document):
    resource = make_resource(visibility="network", document=document)
    url = reverse("toolbox:resource_download", args=[resource.slug])
    assert client_for(cast["partner"]).get(url).status_code == 404
    assert client_for().get(url).status_code == 404
    resource.refresh_from_db()
    assert resource.download_count == 0


def test_download_without_document_is_404(cast, make_resource):
    resource = make_resource()
    url = reverse("toolbox:resource_download", args=[resource.slug])
    assert client_for(cast["member_a"]).get(url).status_code == 404


def test_access_resource_by_kind(cast, make_resource):
    from django.http import Http404

    from toolbox.access import access_resource

    guide = make_resource(kind="guide", title="Ein Leitfaden", visibility="network")
    assert access_resource(cast["member_a"], guide.slug) == guide
    assert access_resource(cast["member_a"], guide.slug, kind="guide") == guide
    for user, kind in ((cast["member_a"], "checklist"), (cast["member_a"], "template"),
                       (cast["partner"], None), (None, "guide")):  # fmt: skip
        with pytest.raises(Http404):
            access_resource(user, guide.slug, kind=kind)
