"""Filling in a template: placeholders, the form and its validation, the preview,
and that nothing the user types is stored."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from tests.toolbox.filling_fixtures import *  # noqa: F403
from tests.toolbox.filling_fixtures import FILL_NEEDLES, client_for
from toolbox.filling import FillForm, fill, template_problems, used_keys
from toolbox.models import Resource, TemplateDraft, TemplatePlaceholder, Visibility

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def use_url(resource):
    return reverse("toolbox:resource_use", kwargs={"slug": resource.slug})


def values(**overrides):
    data = {
        "v-Kommune": "Stadt Beispielhausen",
        "v-Datum": "2026-11-20",
        "v-Vorfall": "Ein Plakat wurde beschmiert.\nDie Polizei ermittelt.",
        "v-Ansprechperson": "Pressestelle",
        "action": "preview",
    }
    data.update(overrides)
    return data


def ph(key, kind="text", required=True, max_length=200, label=None):
    return TemplatePlaceholder(
        key=key, label=label or key, kind=kind, required=required, max_length=max_length
    )


# --- parsing ------------------------------------------------------------------------


def test_used_keys_in_order_with_spaces_and_repeats():
    text = "{{Kommune}} am {{ Datum }}; wieder {{Kommune}} und {{Ansprech_person2}}"
    assert used_keys(text) == ["Kommune", "Datum", "Ansprech_person2"]


def test_matching_template_has_no_problems():
    placeholders = [ph("Kommune"), ph("Datum", "date")]
    assert template_problems("{{Kommune}}, {{ Datum }}", placeholders) == []


def test_undeclared_unused_malformed_and_unbalanced_are_each_reported():
    placeholders = [ph("Kommune"), ph("Vergessen")]
    text = "{{Kommune}} {{Unbekannt}} {{Zwei Worte}} {{Offen"
    problems = {(p.code, p.key) for p in template_problems(text, placeholders)}
    assert problems == {
        ("undeclared", "Unbekannt"),
        ("unused", "Vergessen"),
        ("malformed", "Zwei Worte"),
        ("unbalanced", "{{"),
    }
    with translation.override("en"):
        messages = [p.message for p in template_problems(text, placeholders)]
    assert any(
        "uses the placeholder {{Unbekannt}}" in m and "no such placeholder" in m for m in messages
    )
    assert any("“Vergessen” is declared" in m for m in messages)


def test_fill_is_single_pass_so_values_are_never_placeholders():
    text = "A {{Kommune}} B {{Datum}}"
    filled = fill(text, {"Kommune": "{{Datum}}", "Datum": "21. November 2026"})
    assert filled == "A {{Datum}} B 21. November 2026"


# --- the form -----------------------------------------------------------------------


def test_form_fields_follow_the_declarations():
    form = FillForm(
        [
            ph("Kommune", max_length=50),
            ph("Datum", "date"),
            ph("Vorfall", "multiline", required=False),
        ]
    )
    assert list(form.fields) == ["Kommune", "Datum", "Vorfall"]
    assert form.fields["Kommune"].max_length == 50 and form.fields["Kommune"].required
    assert form.fields["Datum"].widget.input_type == "date"
    assert form.fields["Vorfall"].widget.__class__.__name__ == "Textarea"
    assert not form.fields["Vorfall"].required
    html = str(form["Kommune"])
    assert 'name="v-Kommune"' in html and 'maxlength="50"' in html


def test_dates_are_written_out_in_the_templates_language():
    form = FillForm([ph("Datum", "date")], data={"v-Datum": "20.11.2026"}, language="de")
    assert form.is_valid(), form.errors
    assert form.values() == {"Datum": "20. November 2026"}
    assert form.stored_values() == {"Datum": "2026-11-20"}


@pytest.mark.parametrize(
    "value, fragment",
    [
        ("Stadt\x00Hausen", "control characters (code U+0000)"),
        ("Stadt\x07Hausen", "control characters (code U+0007)"),
        ("Stadt\u202eHausen", "control characters (code U+202E)"),
        ("Zeile eins\nZeile zwei", "This field takes one line"),
        # Not characters at all: python-docx cannot write them (and XML cannot hold them).
        ("Stadt\ufffeHausen", "not a character (U+FFFE)"),
        ("Stadt\uffffHausen", "not a character (U+FFFF)"),
        ("Stadt\ufdd0Hausen", "not a character (U+FDD0)"),
        ("Stadt\U0010ffffHausen", "not a character (U+10FFFF)"),
        ("Stadt\ud800Hausen", "not a character (U+D800)"),  # a lone surrogate
    ],
)
def test_control_characters_are_refused_with_a_message(value, fragment):
    with translation.override("en"):
        form = FillForm([ph("Kommune")], data={"v-Kommune": value})
        assert not form.is_valid()
        assert fragment in " ".join(form.errors["Kommune"])


def test_characters_newer_than_pythons_unicode_database_are_accepted():
    # U+1FAE8 (an emoji of Unicode 15) may be unassigned for Python's unicodedata; it
    # is harmless and people type it, so only noncharacters and surrogates are refused.
    form = FillForm([ph("Kommune")], data={"v-Kommune": "Stadt \U0001fae8 Hausen"})
    assert form.is_valid(), form.errors


def test_multiline_keeps_line_breaks_and_normalises_them():
    form = FillForm([ph("Vorfall", "multiline")], data={"v-Vorfall": "eins\r\nzwei\rdrei\tvier"})
    assert form.is_valid(), form.errors
    assert form.values() == {"Vorfall": "eins\nzwei\ndrei\tvier"}


# --- the use page ---------------------------------------------------------------------


def test_form_page_shows_fields_and_no_preview(fill_cast, press_template):
    response = client_for(fill_cast["member_a"]).get(use_url(press_template))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="v-Kommune"' in body and 'type="date"' in body and "<textarea" in body
    assert 'id="preview"' not in body
    assert "Save as draft of my municipality" in body


def test_preview_fills_the_text_and_counts_one_use(fill_cast, press_template):
    response = client_for(fill_cast["member_a"]).post(use_url(press_template), values())
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="preview"' in body
    assert "Pressemitteilung der Stadt Beispielhausen" in body
    assert "Am 20. November 2026 kam es" in body
    # Line breaks of the multi-line value become a <br> in the preview paragraph.
    assert "Ein Plakat wurde beschmiert.<br>Die Polizei ermittelt." in body
    # The readonly textarea holds the plain text to copy (works without JavaScript).
    assert '<textarea id="filled-plain" readonly' in body
    assert "Ansprechperson: Pressestelle</textarea>" in body
    # Download buttons post the same form to the export URL.
    export_url = reverse("toolbox:resource_export", args=[press_template.slug, "docx"])
    assert f'form="fill-form" formaction="{export_url}"' in body
    assert 'aria-live="polite" id="copy-status"' in body
    press_template.refresh_from_db()
    assert press_template.use_count == 1


def test_hostile_input_is_escaped_in_the_preview(fill_cast, press_template):
    response = client_for(fill_cast["member_a"]).post(
        use_url(press_template), values(**{"v-Vorfall": HOSTILE, "v-Kommune": "<b>Fett</b>"})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert" not in body and "<img src=x" not in body and "<b>Fett</b>" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "&lt;b&gt;Fett&lt;/b&gt;" in body


def test_required_values_missing_give_linked_messages_and_no_preview(fill_cast, press_template):
    data = values(**{"v-Kommune": "  ", "v-Datum": "", "v-Ansprechperson": ""})
    response = client_for(fill_cast["member_a"]).post(use_url(press_template), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="preview"' not in body
    assert 'class="error-summary" id="error-summary" role="alert"' in body
    assert '<a href="#id_v-Kommune">Name der Kommune: This field is required.</a>' in body
    assert '<a href="#id_v-Datum">Datum des Vorfalls: This field is required.</a>' in body
    assert "#id_v-Ansprechperson" not in body  # optional
    assert 'aria-invalid="true"' in body
    assert body.count("<title>Error:") == 1
    # What the user typed stays in the form.
    assert "Ein Plakat wurde beschmiert." in body
    press_template.refresh_from_db()
    assert press_template.use_count == 0


def test_over_long_value_gets_a_clear_message(fill_cast, press_template):
    data = values(**{"v-Kommune": "K" * 121})
    response = client_for(fill_cast["member_a"]).post(use_url(press_template), data)
    assert response.status_code == 400
    assert "Ensure this value has at most 120 characters (it has 121)." in response.content.decode()


def test_invalid_date_gets_a_clear_message(fill_cast, press_template):
    response = client_for(fill_cast["member_a"]).post(
        use_url(press_template), values(**{"v-Datum": "gestern"})
    )
    assert response.status_code == 400
    assert "Enter a date, for example 21.11.2026." in response.content.decode()


def test_broken_template_tells_members_to_ask_the_editors(fill_cast, make_template):
    broken = make_template(
        "Hallo {{Kommune}} und {{Unbekannt}}",
        [("Kommune", "Kommune", "text", True, 100), ("Vergessen", "Vergessen", "text", True, 100)],
    )
    body = client_for(fill_cast["member_a"]).get(use_url(broken)).content.decode()
    assert "This template cannot be used at the moment" in body
    assert "Please tell the editorial team" in body
    assert "Unbekannt" not in body and 'name="v-Kommune"' not in body
    # Posting values anyway changes nothing and fills nothing.
    response = client_for(fill_cast["member_a"]).post(use_url(broken), {"v-Kommune": "X"})
    assert response.status_code == 400
    broken.refresh_from_db()
    assert broken.use_count == 0


def test_broken_template_shows_editors_exactly_what_is_wrong(fill_cast, make_template):
    broken = make_template(
        "Hallo {{Kommune}} und {{Unbekannt}}",
        [("Kommune", "Kommune", "text", True, 100), ("Vergessen", "Vergessen", "text", True, 100)],
        visibility=Visibility.PUBLIC,
    )
    body = client_for(fill_cast["editor"]).get(use_url(broken)).content.decode()
    assert "For the editors: what does not match" in body
    assert "The text uses the placeholder {{Unbekannt}}, but no such placeholder" in body
    assert "The placeholder “Vergessen” is declared, but the text does not use" in body
    assert f'href="/admin/snippets/toolbox/resource/edit/{broken.pk}/"' in body


def test_template_without_placeholders_previews_its_text(fill_cast, make_template):
    plain = make_template("Nur fester Text.", [])
    response = client_for(fill_cast["member_a"]).post(use_url(plain), {"action": "preview"})
    assert response.status_code == 200
    assert "<p>Nur fester Text.</p>" in response.content.decode()


@pytest.mark.parametrize(
    "who, visibility, status",
    [
        ("anonymous", Visibility.PUBLIC, 200),
        ("anonymous", Visibility.PARTNERS, 404),
        ("partner", Visibility.PARTNERS, 200),
        ("partner", Visibility.NETWORK, 404),
        ("member_b", Visibility.NETWORK, 200),
    ],
)
def test_use_page_follows_resource_visibility(fill_cast, make_template, who, visibility, status):
    resource = make_template(visibility=visibility)
    user = None if who == "anonymous" else fill_cast[who]
    assert client_for(user).get(use_url(resource)).status_code == status


def test_unpublished_or_non_template_resources_are_404(fill_cast, make_template):
    draft = make_template(live=False, visibility=Visibility.PUBLIC)
    guide = make_template(kind="guide", visibility=Visibility.PUBLIC)
    client = client_for(fill_cast["member_a"])
    assert client.get(use_url(draft)).status_code == 404
    assert client.get(use_url(guide)).status_code == 404
    assert client.get("/toolbox/ressource/gibt-es-nicht/ausfuellen/").status_code == 404


def test_anonymous_and_partners_can_preview_but_see_no_save_button(fill_cast, make_template):
    resource = make_template(visibility=Visibility.PUBLIC)
    for user in (None, fill_cast["partner"], fill_cast["editor"]):
        response = client_for(user).post(use_url(resource), values())
        assert response.status_code == 200
        body = response.content.decode()
        assert 'id="preview"' in body and "Save as draft of my municipality" not in body


def test_preview_and_export_store_nothing(fill_cast, press_template):
    needle = "Quittengelee-Vorfall-93817"
    client = client_for(fill_cast["member_a"])
    data = values(**{"v-Vorfall": needle, "v-Kommune": needle + "-Kommune"})
    assert client.post(use_url(press_template), data).status_code == 200
    for fmt in ("txt", "md", "docx"):
        url = reverse("toolbox:resource_export", args=[press_template.slug, fmt])
        assert client.post(url, data).status_code == 200
    # A failed validation stores nothing either.
    client.post(use_url(press_template), values(**{"v-Vorfall": needle, "v-Datum": "x"}))
    assert TemplateDraft.objects.count() == 0
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump)
    assert needle not in dump.getvalue()
    # Preview and three downloads in one session: one use (``actions.do_record_use``).
    assert Resource.objects.get(pk=press_template.pk).use_count == 1


def test_use_page_shows_no_identity(fill_cast, press_template):
    client = client_for(fill_cast["member_a"])
    bodies = [
        client.get(use_url(press_template)).content.decode(),
        client.post(use_url(press_template), values()).content.decode(),
    ]
    for body in bodies:
        for needle in FILL_NEEDLES:
            assert needle not in body


def test_use_page_query_count(fill_cast, press_template, django_assert_num_queries):
    client = client_for(fill_cast["member_a"])
    client.get(use_url(press_template))  # warm the session's MFA check and plugin states
    # 1 session, 2 user, 3 toolbox viewer (memberships + groups), 4 the resource,
    # 5 its placeholders, 6 the site frame's facts of the user (admin access, invite)
    with django_assert_num_queries(EXPECTED_USE_QUERIES):
        assert client.get(use_url(press_template)).status_code == 200


EXPECTED_USE_QUERIES = 6


def test_date_values_in_the_preview_use_the_template_language(fill_cast, make_template):
    resource = make_template(
        "Datum: {{Datum}}", [("Datum", "Datum", "date", True, 50)], language="en"
    )
    response = client_for(fill_cast["member_a"]).post(
        use_url(resource), {"v-Datum": datetime.date(2026, 3, 5).isoformat()}
    )
    assert "Datum: March 5, 2026" in response.content.decode()
