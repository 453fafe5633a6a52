"""The resource list and detail pages cost a constant number of queries, however
many resources (and placeholders, steps, questions, votes) there are."""

import pytest
from django.urls import reverse

from toolbox.models import Feedback, Kind

from .conftest import client_for, create_resource

pytestmark = pytest.mark.django_db

# The site's frame (templates/base.html; komma.core.frame), the same on every page:
# nothing for anonymous visitors (cached), session, user and the frame facts for a
# member (as in tests/alliance/test_query_counts.py).
ANONYMOUS_FRAME = 0
MEMBER_FRAME = 3
# The viewer's toolbox facts (levels, municipalities, editor): logged-in only.
VIEWER = 1
# The total and every facet's counts in one aggregate query, and the page of results.
LIST_QUERIES = 2
# The resource with its document; the parts of its kind (placeholders, steps or
# questions; none for a guide).
DETAIL_QUERIES = {Kind.TEMPLATE: 2, Kind.CHECKLIST: 2, Kind.FAQ: 2, Kind.GUIDE: 1}
# The member's own vote.
OWN_VOTE = 1


def fill(n, voters=()):
    made = []
    kinds = list(Kind.values)
    for i in range(n):
        kind = kinds[i % 4]
        resource = create_resource(
            kind,
            title=f"Ressource {i:03d}",
            situation=["acute", "prevention", "aftercare"][i % 3],
            visibility=["public", "partners", "network"][i % 3],
            placeholders=[(f"Feld{j}", f"Feld {j}", "text", True) for j in range(3)],
            template_text="{{Feld0}} {{Feld1}} {{Feld2}}",
            items=[(f"Schritt {j}", "") for j in range(4)],
            faq=[(f"Frage {j}?", "<p>Antwort.</p>") for j in range(4)],
        )
        for voter in voters:
            Feedback.objects.create(resource=resource, user=voter, helpful=True)
        made.append(resource)
    return made


def count_queries(client, url, django_assert_num_queries, expected):
    client.get(url)  # warm caches (plugin states, site, ...) and count the view
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("n", [5, 50])
def test_list_anonymous(db, django_assert_num_queries, n):
    fill(n)
    url = reverse("toolbox:index") + "?q=ressource&situation=acute&situation=aftercare&art=faq"
    count_queries(client_for(), url, django_assert_num_queries, ANONYMOUS_FRAME + LIST_QUERIES)


@pytest.mark.parametrize("n", [5, 50])
def test_list_member(cast, django_assert_num_queries, n):
    fill(n, voters=[cast["member_b"]])
    url = reverse("toolbox:index") + "?sichtbarkeit=network&sichtbarkeit=public&seite=1"
    response = count_queries(client_for(cast["member_a"]), url, django_assert_num_queries,
                             MEMBER_FRAME + VIEWER + LIST_QUERIES)  # fmt: skip
    assert response.context["search"].total == len(range(0, n, 3)) + len(range(2, n, 3))


@pytest.mark.parametrize("n", [5, 50])
@pytest.mark.parametrize("kind", list(Kind.values))
def test_detail_member(cast, django_assert_num_queries, kind, n):
    fill(n, voters=[cast["member_b"], cast["member_a"]])
    resource = create_resource(
        kind,
        title="Die gemessene Ressource",
        visibility="network",
        placeholders=[(f"Feld{j}", f"Feld {j}", "text", True) for j in range(n)],
        template_text=" ".join(f"{{{{Feld{j}}}}}" for j in range(n)),
        items=[(f"Schritt {j}", "") for j in range(n)],
        faq=[(f"Frage {j}?", "<p>Antwort.</p>") for j in range(n)],
    )
    Feedback.objects.create(resource=resource, user=cast["member_a"], helpful=False)
    response = count_queries(client_for(cast["member_a"]), resource.get_absolute_url(),
                             django_assert_num_queries,
                             MEMBER_FRAME + VIEWER + DETAIL_QUERIES[kind] + OWN_VOTE)  # fmt: skip
    assert response.context["vote"] is False


@pytest.mark.parametrize("kind", list(Kind.values))
def test_detail_anonymous(db, django_assert_num_queries, kind):
    fill(8)
    resource = create_resource(kind, title="Öffentliche Ressource", visibility="public")
    count_queries(client_for(), resource.get_absolute_url(), django_assert_num_queries,
                  ANONYMOUS_FRAME + DETAIL_QUERIES[kind])  # fmt: skip


def test_first_view_adds_the_counter_update_and_session_save(cast, django_assert_num_queries):
    resource = create_resource(Kind.GUIDE, visibility="network")
    client = client_for(cast["member_a"])
    client.get(reverse("toolbox:index"))  # warm caches
    # + the F() update of view_count, + saving the session's list of viewed resources
    # (an UPDATE inside a savepoint in tests: 3; the savepoint is the test's transaction)
    expected = MEMBER_FRAME + VIEWER + DETAIL_QUERIES[Kind.GUIDE] + OWN_VOTE + 1 + 3
    with django_assert_num_queries(expected):
        client.get(resource.get_absolute_url())
    resource.refresh_from_db()
    assert resource.view_count == 1
