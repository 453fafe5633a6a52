"""Interactive checklists: progress shared within a municipality, invisible and
unchangeable for every other one; steps, notes, reset, export, and who may use them."""

import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.toolbox.checklist_fixtures import *  # noqa: F403  (fixtures)
from tests.toolbox.checklist_fixtures import STEPS, checklist_url, items_of, toggle_url
from tests.toolbox.conftest import NEEDLES, TOWN_A, TOWN_B, client_for
from toolbox.models import ChecklistItem, ChecklistProgress, ChecklistRun, Kind, Visibility

pytestmark = pytest.mark.django_db


def check(client, resource, item, *, done=True, note=None, **extra):
    data = {"item": item.pk, **extra}
    if done:
        data["done"] = "1"
    if note is not None:
        data["note"] = note
    return client.post(toggle_url(resource), data)


def export(client, resource, fmt, **params):
    url = reverse("toolbox:checklist_export", kwargs={"slug": resource.slug, "fmt": fmt})
    return client.get(url, params)


# ----------------------------------------------------------------- sharing and isolation


def test_progress_is_shared_by_the_members_of_a_municipality(cast, checklist, towns):
    steps = items_of(checklist)
    response = check(client_for(cast["member_a"]), checklist, steps[1], note="Erledigt um 9 Uhr")
    assert response.status_code == 302
    row = ChecklistProgress.objects.get()
    assert (row.municipality, row.item, row.checked_by) == (towns["a"], steps[1], cast["member_a"])
    assert row.note == "Erledigt um 9 Uhr"

    page = client_for(cast["member_a2"]).get(checklist_url(checklist)).content.decode()
    assert "1 of 4 steps done" in page
    assert "KommuneAlpha" in page  # who checked it: the pseudonym, linked to the profile
    assert reverse("accounts:member", kwargs={"pseudonym": "KommuneAlpha"}) in page
    assert "Erledigt um 9 Uhr" in page
    for needle in NEEDLES:
        assert needle not in page


def test_another_municipality_sees_its_own_empty_progress(cast, checklist):
    steps = items_of(checklist)
    check(client_for(cast["member_a"]), checklist, steps[0], note="Notiz der Stadt A")
    page = client_for(cast["member_b"]).get(checklist_url(checklist)).content.decode()
    assert "0 of 4 steps done" in page
    assert "KommuneAlpha" not in page and "Notiz der Stadt A" not in page
    assert TOWN_A not in page and TOWN_B in page
    overview = client_for(cast["member_b"]).get(reverse("toolbox:checklists")).content.decode()
    assert "0 of 4 steps done" in overview and TOWN_A not in overview


def test_another_municipality_cannot_change_the_first_ones_progress(cast, checklist, towns):
    steps = items_of(checklist)
    check(client_for(cast["member_a"]), checklist, steps[0])
    beta = client_for(cast["member_b"])
    # Unchecking the same step only concerns their own (empty) progress.
    assert check(beta, checklist, steps[0], done=False).status_code == 302
    assert ChecklistProgress.objects.filter(municipality=towns["a"]).count() == 1
    # Naming town A's id is a 404, for toggling, reset and export alike.
    a_id = towns["a"].pk
    assert check(beta, checklist, steps[0], done=False, kommune=a_id).status_code == 404
    assert check(beta, checklist, steps[1], kommune=a_id).status_code == 404
    reset = reverse("toolbox:checklist_reset", kwargs={"slug": checklist.slug})
    assert beta.post(reset, {"kommune": a_id}).status_code == 404
    assert beta.get(reset, {"kommune": a_id}).status_code == 404
    assert export(beta, checklist, "md", kommune=a_id).status_code == 404
    assert beta.get(checklist_url(checklist), {"kommune": a_id}).status_code == 404
    assert beta.get(checklist_url(checklist), {"kommune": "x"}).status_code == 404
    assert ChecklistProgress.objects.filter(municipality=towns["a"]).count() == 1
    assert not ChecklistProgress.objects.filter(municipality=towns["b"]).exists()


def test_reset_of_one_municipality_leaves_the_other(cast, checklist, towns):
    steps = items_of(checklist)
    check(client_for(cast["member_a"]), checklist, steps[0])
    check(client_for(cast["member_b"]), checklist, steps[0])
    reset = reverse("toolbox:checklist_reset", kwargs={"slug": checklist.slug})
    response = client_for(cast["member_b"]).post(reset)
    assert response.status_code == 302 and response["Location"] == checklist_url(checklist)
    assert list(ChecklistProgress.objects.values_list("municipality", flat=True)) == [towns["a"].pk]


def test_member_of_two_municipalities_chooses_with_kommune(cast, checklist, towns):
    from komma.accounts.models import Membership

    both = cast["member_b"]
    Membership.objects.create(user=both, municipality=towns["a"])
    steps = items_of(checklist)
    client = client_for(both)
    check(client, checklist, steps[0], kommune=towns["a"].pk)
    check(client, checklist, steps[1], kommune=towns["b"].pk)
    assert set(ChecklistProgress.objects.values_list("municipality", "item")) == {
        (towns["a"].pk, steps[0].pk),
        (towns["b"].pk, steps[1].pk),
    }
    page = client.get(checklist_url(checklist), {"kommune": towns["b"].pk}).content.decode()
    assert 'name="kommune"' in page and "1 of 4 steps done" in page


# ----------------------------------------------------------------- steps and notes


def test_forged_item_ids_are_404_and_change_nothing(cast, checklist, other_checklist):
    client = client_for(cast["member_a"])
    foreign = items_of(other_checklist)[0]
    for item_id in (foreign.pk, 999_999, "abc", "", "1 OR 1=1"):
        response = client.post(toggle_url(checklist), {"item": item_id, "done": "1"})
        assert response.status_code == 404, item_id
    assert not ChecklistProgress.objects.exists()


def test_unpublished_or_unknown_checklist_is_404(cast, make_resource):
    draft = make_resource(kind=Kind.CHECKLIST, slug="entwurf", live=False)
    client = client_for(cast["member_a"])
    assert client.get(checklist_url(draft)).status_code == 404
    step = items_of(draft)[0]
    assert client.post(toggle_url(draft), {"item": step.pk, "done": "1"}).status_code == 404
    assert (
        client.get(reverse("toolbox:checklist", kwargs={"slug": "gibt-es-nicht"})).status_code
        == 404
    )
    assert not ChecklistProgress.objects.exists()


def test_a_step_is_checked_once_and_unchecked_with_its_note(cast, checklist):
    steps = items_of(checklist)
    check(client_for(cast["member_a"]), checklist, steps[2], note="Screenshots liegen vor")
    # A colleague ticking it again keeps the first check and can edit the note.
    check(client_for(cast["member_a2"]), checklist, steps[2], note="Drei Screenshots")
    row = ChecklistProgress.objects.get()
    assert row.checked_by == cast["member_a"] and row.note == "Drei Screenshots"
    check(client_for(cast["member_a2"]), checklist, steps[2], done=False, note="egal")
    assert not ChecklistProgress.objects.exists()


def test_overlong_note_is_refused_with_the_text_kept(cast, checklist):
    steps = items_of(checklist)
    long_note = "Ä" * 501
    response = check(client_for(cast["member_a"]), checklist, steps[0], note=long_note)
    assert response.status_code == 400
    page = response.content.decode()
    assert "at most 500 characters" in page and long_note in page
    assert 'aria-invalid="true"' in page and 'href="#cl-note-' in page
    assert not ChecklistProgress.objects.exists()


@pytest.mark.parametrize(
    "note, code",
    [("Notiz\x00mit NUL", "U+0000"), ("Escape\x1b[31m", "U+001B"), ("Rück\u202ewärts", "U+202E")],
)
def test_control_characters_in_a_note_are_refused(cast, checklist, note, code):
    steps = items_of(checklist)
    client = client_for(cast["member_a"])
    # A new check with such a note stores nothing (NUL would be a 500 on PostgreSQL).
    response = check(client, checklist, steps[0], note=note)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"control characters (code {code})" in page and 'href="#cl-note-' in page
    assert not ChecklistProgress.objects.exists()
    # Changing the note of a checked step leaves the stored note as it was.
    assert check(client, checklist, steps[0], note="Gute Notiz").status_code == 302
    bad = client.post(
        toggle_url(checklist),
        {"item": steps[0].pk, "done": "1", "note": note},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400
    assert f"(code {code})" in json.loads(bad.content)["error"]
    assert ChecklistProgress.objects.get().note == "Gute Notiz"


def test_markup_in_a_note_is_escaped(cast, checklist):
    steps = items_of(checklist)
    check(client_for(cast["member_a"]), checklist, steps[0], note="<script>alert(1)</script>")
    page = client_for(cast["member_a2"]).get(checklist_url(checklist)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_toggle_answers_json_to_the_script(cast, checklist):
    steps = items_of(checklist)
    client = client_for(cast["member_a"])
    response = client.post(
        toggle_url(checklist), {"item": steps[1].pk, "done": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 200
    data = json.loads(response.content)
    assert data["ok"] and (data["done"], data["total"]) == (1, 4)
    assert data["count_text"] == "1 of 4 steps done"
    assert "Step 2 is checked" in data["message"]
    assert f'id="step-{steps[1].pk}"' in data["html"] and "KommuneAlpha" in data["html"]
    assert "checked" in data["html"]
    for needle in NEEDLES:
        assert needle not in response.content.decode()
    bad = client.post(
        toggle_url(checklist),
        {"item": steps[1].pk, "done": "1", "note": "x" * 600},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400 and not json.loads(bad.content)["ok"]
    assert ChecklistProgress.objects.get().note == ""


def test_next_brings_the_member_back_only_to_this_site(cast, checklist):
    steps = items_of(checklist)
    client = client_for(cast["member_a"])
    back = "/toolbox/krisenplan/erste-24/"
    response = check(client, checklist, steps[0], next=back)
    assert response["Location"] == f"{back}#step-{steps[0].pk}"
    for evil in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        response = check(client, checklist, steps[1], next=evil)
        assert response["Location"] == f"{checklist_url(checklist)}#step-{steps[1].pk}"


def test_get_on_toggle_is_refused(cast, checklist):
    assert client_for(cast["member_a"]).get(toggle_url(checklist)).status_code == 405


# ----------------------------------------------------------------- reset


def test_reset_asks_first_then_unchecks_and_records_who(cast, checklist, towns):
    steps = items_of(checklist)
    alpha = client_for(cast["member_a"])
    check(alpha, checklist, steps[0])
    check(alpha, checklist, steps[1])
    run = ChecklistRun.objects.get()
    assert run.reset_at is None and run.municipality == towns["a"]
    first_start = run.started_at

    reset = reverse("toolbox:checklist_reset", kwargs={"slug": checklist.slug})
    confirm = client_for(cast["member_a2"]).get(reset)
    assert confirm.status_code == 200
    assert "2 of 4 steps are checked" in confirm.content.decode()
    assert ChecklistProgress.objects.count() == 2  # asking changes nothing

    response = client_for(cast["member_a2"]).post(reset)
    assert response.status_code == 302
    assert not ChecklistProgress.objects.exists()
    run.refresh_from_db()
    assert run.reset_by == cast["member_a2"] and run.reset_at is not None
    page = alpha.get(checklist_url(checklist)).content.decode()
    assert "Last reset by" in page and "KommuneAlphaZwei" in page

    # The next check starts a new run.
    check(alpha, checklist, steps[3])
    run.refresh_from_db()
    assert run.started_at > run.reset_at >= first_start


# ----------------------------------------------------------------- export


@pytest.fixture
def progressed(cast, checklist):
    steps = items_of(checklist)
    alpha = client_for(cast["member_a"])
    check(alpha, checklist, steps[0], note="Kollegin ist in Sicherheit – „gut“ betreut")
    check(alpha, checklist, steps[2])
    return checklist


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_text_exports_show_progress_with_pseudonyms_only(cast, progressed, fmt):
    response = export(client_for(cast["member_a2"]), progressed, fmt)
    assert response.status_code == 200
    assert response["Content-Type"].startswith({"md": "text/markdown", "txt": "text/plain"}[fmt])
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    text = response.content.decode()
    assert f"[x] 1. {STEPS[0][0]}" in text and f"[ ] 2. {STEPS[1][0]}" in text
    assert f"[x] 3. {STEPS[2][0]}" in text
    assert "KommuneAlpha" in text and "Kollegin ist in Sicherheit – „gut“ betreut" in text
    assert "2 of 4 steps" in text and TOWN_A in text
    for needle in NEEDLES:
        assert needle not in text


def test_pdf_export_is_a_valid_pdf_with_the_steps(cast, progressed):
    response = export(client_for(cast["member_a"]), progressed, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for step_text, _window in STEPS:
        assert step_text in text
    assert "KommuneAlpha" in text and "„gut“" in text
    for needle in NEEDLES:
        assert needle not in text


def test_export_of_another_municipality_holds_only_its_own_progress(cast, progressed):
    text = export(client_for(cast["member_b"]), progressed, "md").content.decode()
    assert "[x]" not in text and "KommuneAlpha" not in text and "Kollegin" not in text
    assert TOWN_B in text and TOWN_A not in text


def test_unknown_export_format_is_404(cast, checklist):
    assert export(client_for(cast["member_a"]), checklist, "docx").status_code == 404
    assert export(client_for(cast["member_a"]), checklist, "exe").status_code == 404


# ----------------------------------------------------------------- who may use checklists


def test_anonymous_visitors_get_an_explanation_with_login(cast, checklist):
    client = client_for(None)
    for url in (reverse("toolbox:checklists"), checklist_url(checklist)):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Only for members of a municipality" in page
        assert reverse("account_login") in page
        assert STEPS[0][0] not in page  # not even the steps of a network checklist
    step = items_of(checklist)[0]
    assert check(client, checklist, step).status_code == 403
    response = export(client, checklist, "md")  # the explanation, not a download
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response and STEPS[0][0] not in response.content.decode()
    assert not ChecklistProgress.objects.exists()


@pytest.mark.parametrize("who", ["partner", "editor", "network"])
def test_accounts_without_municipality_are_told_it_is_for_members(cast, checklist, who):
    client = client_for(cast[who])
    response = client.get(checklist_url(checklist))
    assert response.status_code == 403
    assert "Only for members of a municipality" in response.content.decode()
    assert client.get(reverse("toolbox:checklists")).status_code == 403
    assert check(client, checklist, items_of(checklist)[0]).status_code == 403
    reset = reverse("toolbox:checklist_reset", kwargs={"slug": checklist.slug})
    assert client.post(reset).status_code == 403
    assert export(client, checklist, "pdf").status_code == 403
    assert not ChecklistProgress.objects.exists() and not ChecklistRun.objects.exists()


def test_overview_lists_readable_checklists_with_progress(cast, checklist, make_resource):
    make_resource(kind=Kind.CHECKLIST, title="Entwurfsliste", slug="entwurfsliste", live=False)
    make_resource(kind=Kind.GUIDE, title="Ein Leitfaden", slug="ein-leitfaden")
    partners_list = make_resource(
        kind=Kind.CHECKLIST, title="Partnerliste", slug="partnerliste",
        visibility=Visibility.PARTNERS, items=[("Schritt A", ""), ("Schritt B", "")],
    )  # fmt: skip
    alpha = client_for(cast["member_a"])
    check(alpha, partners_list, items_of(partners_list)[1])
    page = alpha.get(reverse("toolbox:checklists")).content.decode()
    assert checklist.title in page and "Partnerliste" in page
    assert "Entwurfsliste" not in page and "Ein Leitfaden" not in page
    assert "1 of 2 steps done" in page and "0 of 4 steps done" in page


# ----------------------------------------------------------------- query counts


def test_checklist_page_query_count(cast, checklist, django_assert_num_queries):
    steps = items_of(checklist)
    check(client_for(cast["member_a"]), checklist, steps[0], note="n")
    check(client_for(cast["member_a2"]), checklist, steps[1])
    client = client_for(cast["member_a"])
    client.get(checklist_url(checklist))  # warm caches (plugin states, site settings)
    # 1 session, 2 user, 3 viewer facts (memberships + groups), 4 municipality,
    # 5 checklist resource, 6 steps, 7 progress with the members who checked,
    # 8 the run with who reset it, 9 the site frame's "may open the admin" check.
    with django_assert_num_queries(9):
        response = client.get(checklist_url(checklist))
    assert response.status_code == 200
    # More steps and more checks by more members cost nothing more.
    for n in range(6):
        ChecklistItem.objects.create(resource=checklist, text=f"Zusatzschritt {n}")
    check(client_for(cast["member_a2"]), checklist, items_of(checklist)[2])
    check(client_for(cast["member_b"]), checklist, items_of(checklist)[5])
    with django_assert_num_queries(9):
        client.get(checklist_url(checklist))


def test_overview_query_count(cast, checklist, other_checklist, django_assert_num_queries):
    client = client_for(cast["member_a"])
    assert client.get(reverse("toolbox:checklists")).status_code == 200
    # 1 session, 2 user, 3 viewer facts, 4 municipality, 5 checklists with step and
    # progress counts (one aggregate query), 6 the site frame's admin check.
    with django_assert_num_queries(6):
        response = client.get(reverse("toolbox:checklists"))
    assert response.status_code == 200
    assert [s.resource for s in response.context["summaries"]] == sorted(
        [checklist, other_checklist], key=lambda r: r.title
    )
    assert check(client, other_checklist, items_of(other_checklist)[0]).status_code == 302
    with django_assert_num_queries(6):
        response = client.get(reverse("toolbox:checklists"))
    assert response.status_code == 200
    done = {s.resource.pk: s.done for s in response.context["summaries"]}
    assert done == {checklist.pk: 0, other_checklist.pk: 1}
