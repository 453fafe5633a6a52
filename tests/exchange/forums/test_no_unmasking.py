"""Pseudonymity across the whole forum: content by every cast member (an anonymous
case, replies with mentions and quotes, flags, moderation actions, a sanction,
notifications, an appeal, an edit history, a watched word), then every forum page
as every cast member and as the moderators, the digest e-mails and the GDPR export
of the others. No real name, e-mail, office or municipality ever shows, and the
anonymous case giver's pseudonym reaches no regular member.
"""

import json
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core import mail
from django.test import Client
from django.urls import reverse

from exchange.forums import actions, digest, moderation
from exchange.forums.export import personal_data
from exchange.forums.models import (
    Access,
    DigestFrequency,
    FlagReason,
    ForumProfile,
    ModerationAction,
    Notification,
    WatchedWord,
)
from tests.conftest import TEST_TOTP_SECRET

from .conftest import IDENTITIES, NEEDLES

pytestmark = pytest.mark.django_db

ANONYMOUS = "FallGeberin"
VIEWERS = ["case_giver", "adviser", "applicant", "partner", "moderator", "category_mod",
           "outsider"]  # fmt: skip
# Who must not learn who brought in the anonymous case (it is in the model-only
# category, which has no moderators of its own, so only the role Moderation may).
REGULAR = ["adviser", "applicant", "partner", "category_mod", "outsider"]


def needles_of(*pseudonyms):
    """The identity parts of the given cast members (their municipality included)."""
    found = []
    for pseudonym in pseudonyms:
        found += list(IDENTITIES[pseudonym])
    return found


@pytest.fixture
def world(cast, categories):
    """Forum content by everyone, through the same actions the views use."""
    model, members, partners = (categories[level] for level in
                                (Access.MODEL, Access.MEMBERS, Access.PARTNERS))  # fmt: skip
    giver, adviser, applicant = cast["case_giver"], cast["adviser"], cast["applicant"]
    partner, moderator, category_mod = cast["partner"], cast["moderator"], cast["category_mod"]
    # The case giver writes only in their anonymous case.
    case = actions.check_create_thread(
        giver, model, title="Anonymer Fall: Drohungen im Bürgeramt", anonymous=True,
        case=actions.CaseDetails(
            situation="Seit Wochen kommen Drohbriefe.", key_question="Was hilft sofort?",
            tried="Anzeige erstattet.", advice_wanted=["steps"],
        ),
    )  # fmt: skip
    advice = actions.check_reply(adviser, case, body="Auskunftssperre beantragen. @BereichsMod?")
    giver_reply = actions.check_reply(giver, case, body="Danke, mache ich.", quoted=advice)
    actions.do_toggle_helpful(giver, advice)
    actions.check_mark_solution(giver, advice)
    actions.check_reply(category_mod, case, body="Dazu gibt es eine Vorlage.", quoted=giver_reply)
    actions.check_edit_post(adviser, advice, body="Auskunftssperre beantragen, sofort.")

    talk = actions.check_create_thread(
        applicant, members, title="Schutzkonzepte in kleinen Gemeinden",
        body="Wie fangt ihr an, @RatGeber?",
    )  # fmt: skip
    answer = actions.check_reply(
        adviser, talk, body="Mit einer Gefährdungsanalyse, @AntragsKollege."
    )
    rude = actions.check_reply(applicant, talk, body="Die Hetzer sollen sich warm anziehen.")
    actions.check_reply(category_mod, talk, body="Bitte sachlich bleiben.", quoted=rude)

    alliance = actions.check_create_thread(
        partner, partners, title="Beratungsstelle stellt sich vor", body="Wir beraten vertraulich."
    )
    question = actions.check_reply(
        applicant, alliance, body="Danke! @PartnerOrga, wie erreichen wir euch?"
    )

    # Flags, moderation, a sanction, an appeal, a watched word, a pending post.
    moderation.check_flag_post(adviser, rude, reason=FlagReason.HATE, note="Ton")
    moderation.check_flag_post(partner, question, reason=FlagReason.OFF_TOPIC)
    moderation.check_flag_post(category_mod, answer, reason=FlagReason.OTHER, note="Doppelt?")
    hidden = moderation.check_hide(moderator, rude, "Drohender Ton gegenüber Dritten.")
    moderation.check_appeal(applicant, hidden, "Das war nicht als Drohung gemeint.")
    moderation.check_silence(moderator, partner, timedelta(days=1), "Werbung im Forum.")
    moderation.check_pin(category_mod, talk, "Wichtige Grundlagen.")
    moderation.check_add_watched_word(moderator, "hetz*", WatchedWord.Action.FLAG, "Häufig.")
    members.premoderated = True
    members.save(update_fields=["premoderated"])
    pending = actions.check_reply(adviser, talk, body="Noch eine Ergänzung zur Analyse.")
    for user in (adviser, category_mod, moderator):
        actions.do_toggle_bookmark(user, case.posts.get(number=1))
    actions.do_toggle_bookmark(partner, question)
    actions.do_toggle_bookmark(applicant, answer)
    ForumProfile.objects.update(digest=DigestFrequency.DAILY)
    return {
        "case": case, "talk": talk, "alliance": alliance, "advice": advice,
        "giver_reply": giver_reply, "rude": rude, "pending": pending, "hidden": hidden,
        "answer": answer,
    }  # fmt: skip


def client_for(user):
    client = Client()
    needs_mfa = user.groups.filter(name__in=["Moderation", "Redaktion"]).exists()
    if needs_mfa and not user.authenticator_set.exists():
        TOTP.activate(user, TEST_TOTP_SECRET)
    client.force_login(user)
    return client


def urls(cast, world):
    case, talk, alliance = world["case"], world["talk"], world["alliance"]
    appeal = world["hidden"].appeals.get()
    result = [
        reverse("forums:index"), reverse("forums:unread"), reverse("forums:notifications"),
        reverse("forums:bookmarks"), reverse("forums:preferences"),
        reverse("forums:mod_queue"), reverse("forums:mod_log"), reverse("forums:mod_words"),
        reverse("forums:mod_appeals"), reverse("forums:mod_appeal", kwargs={"pk": appeal.pk}),
        reverse("forums:appeal", kwargs={"action_pk": world["hidden"].pk}),
    ]  # fmt: skip
    for category in {case.category, talk.category, alliance.category}:
        result += [
            reverse("forums:category", kwargs={"slug": category.slug}),
            reverse("forums:new_thread", kwargs={"slug": category.slug}),
            reverse("forums:new_case", kwargs={"slug": category.slug}),
        ]
    for thread in (case, talk, alliance):
        result += [
            reverse("forums:thread", kwargs={"pk": thread.pk}),
            reverse("forums:thread", kwargs={"pk": thread.pk}) + "?seite=2",
            reverse("forums:first_unread", kwargs={"pk": thread.pk}),
            reverse("forums:reply", kwargs={"pk": thread.pk}),
        ]
        for post in thread.posts.all():
            result += [
                reverse("forums:post", kwargs={"pk": post.pk}),
                reverse("forums:reply", kwargs={"pk": thread.pk}) + f"?zitat={post.pk}",
                reverse("forums:edit_post", kwargs={"pk": post.pk}),
                reverse("forums:post_history", kwargs={"pk": post.pk}),
                reverse("forums:flag", kwargs={"pk": post.pk}),
            ]
            for action in ("hide", "approve", "edit", "dismiss_flags"):
                result.append(
                    reverse("forums:mod_post_action", kwargs={"pk": post.pk, "action": action})
                )
        for action in ("lock", "move", "reveal", "slow_mode"):
            result.append(
                reverse("forums:mod_thread_action", kwargs={"pk": thread.pk, "action": action})
            )
    for user in cast.values():
        result.append(reverse("forums:mod_member", kwargs={"pseudonym": user.pseudonym}))
    for entry in ModerationAction.objects.all():
        result.append(reverse("forums:appeal", kwargs={"action_pk": entry.pk}))
    return result


def pages(client, paths):
    """path -> (status, body); redirects followed inside the forum."""
    seen = {}
    for path in paths:
        response = client.get(path, follow=True)
        seen[path] = (response.status_code, response.content.decode(errors="replace"))
    return seen


@pytest.mark.parametrize("role", VIEWERS)
def test_no_forum_page_unmasks_anyone(cast, world, role):
    viewer = cast[role]
    client = client_for(viewer)
    seen = pages(client, urls(cast, world))
    assert any(status == 200 for status, _body in seen.values())
    own = set(IDENTITIES[viewer.pseudonym])
    for path, (status, body) in seen.items():
        assert status in (200, 403, 404, 405), (role, path, status)
        for needle in NEEDLES:
            if needle in own:
                continue  # one's own account menu may show one's own data
            assert needle not in body, (role, path, needle)
        if role in REGULAR and status == 200:
            if path.startswith("/foren/moderation/mitglied/"):
                # A moderator of another category looked the pseudonym up: the page
                # must not tie it to the anonymous case.
                assert world["case"].title not in body, (role, path)
            else:
                assert ANONYMOUS not in body, (role, path)


def test_regular_members_see_the_anonymous_label_instead(cast, world):
    body = (
        client_for(cast["adviser"])
        .get(reverse("forums:thread", kwargs={"pk": world["case"].pk}))
        .content.decode()
    )
    assert ANONYMOUS not in body
    assert "Anonymer Fall: Drohungen im Bürgeramt" in body
    assert "Modellkommune" in body or "model municipality" in body


def test_moderators_of_the_case_see_the_pseudonym_not_the_identity(cast, world):
    body = (
        client_for(cast["moderator"])
        .get(reverse("forums:thread", kwargs={"pk": world["case"].pk}))
        .content.decode()
    )
    assert ANONYMOUS in body
    for needle in [*needles_of(ANONYMOUS), "Modellstadt Quittenhain"]:
        assert needle not in body


def test_notifications_of_the_anonymous_case_stay_anonymous(cast, world):
    """The adviser was quoted by the case giver: the notification names nobody."""
    assert Notification.objects.filter(
        recipient=cast["adviser"], post=world["giver_reply"]
    ).exists()
    body = client_for(cast["adviser"]).get(reverse("forums:notifications")).content.decode()
    assert ANONYMOUS not in body
    for needle in NEEDLES:
        assert needle not in body or needle in IDENTITIES["RatGeber"]


def test_digest_e_mails_unmask_nobody(cast, world):
    mail.outbox.clear()
    assert digest.send_due_digests("daily") >= 3
    for message in mail.outbox:
        text = message.subject + "\n" + message.body
        for needle in NEEDLES + list(IDENTITIES):
            assert needle not in text, (message.to, needle)


@pytest.mark.parametrize("role", VIEWERS)
def test_gdpr_export_names_only_oneself(cast, world, role):
    user = cast[role]
    data = personal_data(user)
    text = json.dumps(data, ensure_ascii=False)
    others = [pseudonym for pseudonym in IDENTITIES if pseudonym != user.pseudonym]
    towns = ["Modellstadt Quittenhain", "Antragsgemeinde Mispelbach"]
    for needle in [*needles_of(*others), *towns]:
        assert needle not in text, (role, needle)
    if role != "case_giver":
        # Mentions in one's own text are one's own words; the anonymous author is not.
        assert ANONYMOUS not in text, role


def test_export_of_the_case_giver_holds_their_own_writing(cast, world):
    data = personal_data(cast["case_giver"])
    assert [thread["title"] for thread in data["threads"]] == [world["case"].title]
    assert {post["text"] for post in data["posts"]} >= {"Danke, mache ich."}
    assert all(post["anonymous"] for post in data["posts"])
    assert data["settings"]["digest"] == "daily"


def test_export_of_the_applicant_holds_the_action_and_appeal_without_moderator(cast, world):
    data = personal_data(cast["applicant"])
    assert data["moderation_concerning_you"][0]["reason"] == "Drohender Ton gegenüber Dritten."
    assert data["appeals"][0]["text"] == "Das war nicht als Drohung gemeint."
    assert "ModeratorIn" not in json.dumps(data, ensure_ascii=False)
    flags = personal_data(cast["adviser"])["flags_raised"]
    assert [(flag["reason"], flag["note"]) for flag in flags] == [("hate", "Ton")]
