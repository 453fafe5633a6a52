"""Demo content of the forums (hook ``demo_data``, ``manage.py seed_demo``).

Categories of every access level (one pre-moderated), case threads with replies
(one brought in anonymously), a "hilfreich", a marked solution, a flagged post in
the review queue, a new member's post waiting for approval and a moderation log
entry. The texts use the programme's words; people and places are fictitious.

Idempotent: categories are keyed by slug, every post is written with a fixed
client token (``actions`` finds a repeated token and creates nothing), reactions,
flags and log entries are got-or-created.
"""

import uuid
from dataclasses import dataclass, field

from django.db import transaction

from . import actions, moderation
from .access import forget_viewer
from .models import (
    Access,
    Category,
    Flag,
    FlagReason,
    ForumProfile,
    ForumSettings,
    ModAction,
    ModerationAction,
    Post,
    Reaction,
    State,
    Thread,
    WatchLevel,
)

TOKENS = uuid.UUID("6b1f7c2e-4e53-4d0c-9a57-2f4b8d1e0c11")  # namespace of the demo's tokens

CATEGORIES = [
    # slug, name, access, pre-moderated, description
    ("kollegiale-beratung", "Kollegiale Beratung der Modellkommunen", Access.MODEL, False,
     "Fälle einbringen und gemeinsam beraten: Anfeindungen, Bedrohungen und Hass im Netz "
     "gegen Verwaltung und kommunale Spitzen. Nur für die zehn Modellkommunen."),
    ("austausch-kommunen", "Austausch aller Mitgliedskommunen", Access.MEMBERS, False,
     "Erfahrungen mit Schutzkonzepten, Clearingverfahren und Fortbildungen – für alle "
     "Kommunen im Netzwerk, auch die sich beworben haben."),
    ("erweiterte-allianz", "Erweiterte Allianz: Partner und Kommunen", Access.PARTNERS, False,
     "Verwaltung, Beratungs- und Hilfestellen, lokale Medien, zivilgesellschaftliche "
     "Bündnisse und Wirtschaft im Gespräch."),
    ("hass-im-netz", "Hass im Netz: Fälle mit Vorabprüfung", Access.MEMBERS, True,
     "Hier prüft die Moderation jeden Beitrag, bevor er erscheint – für Fälle, in denen "
     "Screenshots oder Zitate von Hasskommentaren nötig sind."),
]  # fmt: skip

# The demo's regular writers (not new members: their posts appear at once).
TRUSTED = ["MutigeEiche", "StarkeLinde", "OffeneWeide", "WacheLerche", "FesteHarfe"]
NEW_MEMBER = "HelleQuelle"
MODERATOR = "RuhigeBruecke"
FACILITATOR = "WacheLerche"


@dataclass
class Reply:
    key: str
    author: str
    body: str
    quote: str | None = None  # key of the quoted reply
    helpful_by: list[str] = field(default_factory=list)
    solution: bool = False


@dataclass
class DemoThread:
    key: str
    category: str
    author: str
    title: str
    body: str = ""
    case: actions.CaseDetails | None = None
    anonymous: bool = False
    replies: list[Reply] = field(default_factory=list)


THREADS = [
    DemoThread(
        key="case-unterkunft",
        category="kollegiale-beratung",
        author="OffeneWeide",
        title="Drohmails an Kolleginnen nach der Ratssitzung zur Unterkunft",
        anonymous=True,
        case=actions.CaseDetails(
            situation=(
                "Seit der Ratssitzung, in der die Verwaltung die neue Gemeinschaftsunterkunft "
                "vorgestellt hat, bekommen zwei Kolleginnen aus dem Fachbereich Soziales "
                "Drohmails. In einer lokalen Messenger-Gruppe werden sie mit Namen genannt, "
                "dazu Fotos vom Eingang des Rathauses."
            ),
            key_question=(
                "Wie schützen wir die Kolleginnen kurzfristig – und wer in der Verwaltung "
                "muss davon wissen?"
            ),
            tried=(
                "Screenshots gesichert, Strafanzeige über die Onlinewache gestellt, Gespräch "
                "mit der Amtsleitung. Die Kolleginnen arbeiten vorerst im Homeoffice."
            ),
            advice_wanted=["steps", "contacts"],
        ),
        replies=[
            Reply(
                key="r1",
                author="MutigeEiche",
                helpful_by=["OffeneWeide", "StarkeLinde"],
                solution=True,
                body=(
                    "Das kennen wir leider. Was bei uns geholfen hat:\n\n"
                    "1. **Auskunftssperre im Melderegister** für die Betroffenen beantragen – "
                    "das geht schnell, wenn die Amtsleitung die Gefährdung bestätigt.\n"
                    "2. Ein kurzes **Schutzkonzept** mit festen Ansprechpersonen: Wer nimmt "
                    "Drohungen entgegen, wer dokumentiert, wer informiert die Polizei?\n"
                    "3. Die spezialisierte **Beratungsstelle für Betroffene** früh dazuholen; "
                    "die kennen auch den Umgang mit Messenger-Gruppen.\n\n"
                    "Wichtig war für uns, dass die Leitung sich öffentlich vor die "
                    "Kolleginnen stellt."
                ),
            ),
            Reply(
                key="r2",
                author="StarkeLinde",
                quote="r1",
                body=(
                    "Ergänzend: Wir haben ein **Clearingverfahren** eingeführt. Jeder Vorfall "
                    "geht an eine kleine Runde aus Personalrat, Rechtsamt und Stab – so "
                    "bleibt niemand mit einer Drohung allein. @MutigeEiche, teilt ihr eure "
                    "Vorlage für das Schutzkonzept?"
                ),
            ),
            Reply(
                key="r3",
                author="OffeneWeide",
                body=(
                    "Danke euch! Die Auskunftssperre ist beantragt, und am Donnerstag "
                    "sprechen wir mit der Beratungsstelle. Ich berichte, wie es weitergeht."
                ),
            ),
        ],
    ),
    DemoThread(
        key="case-kommentare",
        category="kollegiale-beratung",
        author="MutigeEiche",
        title="Hasskommentare auf dem Social-Media-Kanal des Landkreises",
        case=actions.CaseDetails(
            situation=(
                "Unter Beiträgen zur Integrationsarbeit sammeln sich rassistische Kommentare. "
                "Das Social-Media-Team ist zu zweit und am Wochenende nicht im Dienst."
            ),
            key_question=(
                "Löschen, verbergen, anzeigen: Nach welchen Regeln moderiert ihr die Kanäle "
                "eurer Verwaltung?"
            ),
            tried="Eine Netiquette veröffentlicht; einzelne Kommentare verborgen.",
            advice_wanted=["experience", "steps"],
        ),
        replies=[
            Reply(
                key="r1",
                author="WacheLerche",
                helpful_by=["MutigeEiche"],
                body=(
                    "Wir arbeiten mit drei Stufen: **verbergen** bei Beleidigungen, "
                    "**löschen und dokumentieren** bei Volksverhetzung, **anzeigen** bei "
                    "Bedrohungen. Die Netiquette verweist darauf. @StarkeLinde hat dazu im "
                    "Transferprogramm eine gute Übersicht gezeigt."
                ),
            ),
            Reply(
                key="r2",
                author="StarkeLinde",
                body=(
                    "Die Übersicht stelle ich gern in die Toolbox. Für das Wochenende hilft "
                    "eine Funktion der Plattformen, Kommentare mit bestimmten Wörtern "
                    "automatisch zurückzuhalten."
                ),
            ),
        ],
    ),
    DemoThread(
        key="allianzen",
        category="austausch-kommunen",
        author="StarkeLinde",
        title="Erfahrungen beim Aufbau einer kommunalen Allianz",
        body=(
            "Wir bauen gerade eine **kommunale Allianz** gegen Rassismus und Hass auf: "
            "Verwaltung, Beratungs- und Hilfestellen und die örtliche Polizei. Wie habt ihr "
            "die Sicherheitsbehörden eingebunden, und wie oft trifft sich eure Runde?"
        ),
        replies=[
            Reply(
                key="r1",
                author="MutigeEiche",
                body=(
                    "Bei uns trifft sich die Allianz alle sechs Wochen. Die Polizei hat eine "
                    "feste Ansprechperson benannt – das war der wichtigste Schritt."
                ),
            ),
            # A new member's first post: it waits in the review queue.
            Reply(
                key="r2",
                author=NEW_MEMBER,
                body=(
                    "Wir haben uns als Kommune beworben und fangen gerade erst an. Gibt es "
                    "eine Vorlage für eine Kooperationsvereinbarung mit den Beratungsstellen?"
                ),
            ),
        ],
    ),
    DemoThread(
        key="partner",
        category="erweiterte-allianz",
        author="FesteHarfe",
        title="Beratungsstellen und Verwaltung: Wie gelingt der kurze Draht?",
        body=(
            "Als Beratungsstelle für Betroffene rechter Gewalt erfahren wir oft erst spät "
            "von Anfeindungen gegen Mitarbeitende der Verwaltung. Was würde euch helfen, "
            "uns früher einzubinden?"
        ),
        replies=[
            Reply(
                key="r1",
                author="OffeneWeide",
                helpful_by=["FesteHarfe"],
                body=(
                    "Eine feste Telefonnummer und ein kurzer Steckbrief eurer Angebote, den "
                    "wir ins Intranet stellen können. Dann wissen auch neue Kolleginnen, an "
                    "wen sie sich wenden."
                ),
            ),
            # Flagged by a partner: it names no one, but offers to (doxxing).
            Reply(
                key="r2",
                author="MutigeEiche",
                body=(
                    "Bei uns ist inzwischen bekannt, wer hinter dem anonymen Account mit den "
                    "Drohungen steckt. Soll ich Namen und Wohnort hier posten, damit alle "
                    "gewarnt sind?"
                ),
            ),
        ],
    ),
    DemoThread(
        key="hinweise",
        category="hass-im-netz",
        author=MODERATOR,
        title="Hinweise zur Vorabprüfung in diesem Bereich",
        body=(
            "In diesem Bereich prüft die Moderation jeden Beitrag, bevor er erscheint. "
            "Bitte schwärzen Sie in Screenshots Namen und Profilbilder – auch die der "
            "Verfassenden von Hasskommentaren. Beweise sichern Sie bitte außerhalb des "
            "Forums (Datum, Uhrzeit, Link)."
        ),
    ),
]


def _token(*parts: str) -> uuid.UUID:
    return uuid.uuid5(TOKENS, ":".join(parts))


def _set_trust(user, approved: int) -> None:
    profile, _created = ForumProfile.objects.get_or_create(user=user)
    if profile.approved_posts != approved:
        ForumProfile.objects.filter(pk=profile.pk).update(approved_posts=approved)
    forget_viewer(user)


def seed_categories(ctx) -> dict[str, Category]:
    categories = {}
    for position, (slug, name, access, premoderated, description) in enumerate(CATEGORIES, 1):
        category, _created = Category.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "access": access, "premoderated": premoderated,
                      "description": description, "position": position},
        )  # fmt: skip
        categories[slug] = category
    facilitator = ctx.people.get(FACILITATOR)
    if facilitator is not None:
        categories["kollegiale-beratung"].moderators.add(facilitator)
    return categories


def seed_thread(ctx, spec: DemoThread, categories, threshold: int) -> tuple[Thread, dict]:
    people = ctx.people
    author = people[spec.author]
    if spec.author in TRUSTED:
        _set_trust(author, threshold)
    thread = actions.check_create_thread(
        author, categories[spec.category], title=spec.title, body=spec.body, case=spec.case,
        anonymous=spec.anonymous, client_token=_token(spec.key),
    )  # fmt: skip
    posts = {}
    for reply in spec.replies:
        writer = people[reply.author]
        if reply.author in TRUSTED:
            _set_trust(writer, threshold)
        thread.refresh_from_db()
        post = actions.check_reply(
            writer, thread, body=reply.body,
            quoted=posts.get(reply.quote), client_token=_token(spec.key, reply.key),
        )  # fmt: skip
        posts[reply.key] = post
        for pseudonym in reply.helpful_by:
            if (
                post.state == State.PUBLISHED
                and not Reaction.objects.filter(post=post, user=people[pseudonym]).exists()
            ):
                actions.do_toggle_helpful(people[pseudonym], post)
        if reply.solution and thread.solution_id != post.pk:
            thread = actions.check_mark_solution(author, post)
    return thread, posts


def seed_flag(flagger, post) -> None:
    """A member's flag of ``post``: it waits in the review queue."""
    if Flag.objects.filter(post=post, flagged_by=flagger).exists():
        return
    moderation.check_flag_post(
        flagger, post, reason=FlagReason.DOXXING,
        note="Bitte keine Namen und Adressen von Dritten im Forum – das gehört zur Polizei "
             "oder zur Beratungsstelle.",
    )  # fmt: skip


def seed_log_entry(moderator, thread) -> None:
    """The moderator pins the notes of the pre-moderated category (logged with a reason)."""
    if ModerationAction.objects.filter(
        moderator=moderator, action=ModAction.PIN, thread=thread
    ).exists():
        return
    moderation.check_pin(
        moderator, thread, "Hinweise für alle, die in diesem Bereich einen Fall einbringen."
    )


@transaction.atomic
def seed_forums(ctx) -> None:
    """Add the forums' demo content (see module docstring)."""
    people = ctx.people
    needed = set(TRUSTED) | {NEW_MEMBER, MODERATOR}
    if not needed <= set(people):
        ctx.log("forums: demo members missing, no forum content")
        return
    moderator = people[MODERATOR]
    threshold = max(ForumSettings.load().new_member_posts, 1)
    categories = seed_categories(ctx)
    # The new member stays new: their first post waits for approval.
    if not Post.objects.filter(author=people[NEW_MEMBER], state=State.PUBLISHED).exists():
        _set_trust(people[NEW_MEMBER], 0)
    threads, posts = {}, {}
    for spec in THREADS:
        threads[spec.key], posts[spec.key] = seed_thread(ctx, spec, categories, threshold)
    seed_flag(people["FesteHarfe"], posts["partner"]["r2"])
    seed_log_entry(moderator, threads["hinweise"])
    actions.do_set_watch_level(
        people["FesteHarfe"], level=WatchLevel.WATCHING, category=categories["erweiterte-allianz"]
    )
    bookmarked = threads["case-unterkunft"].posts.get(number=1)
    if not bookmarked.bookmarks.filter(user=people["StarkeLinde"]).exists():
        actions.do_toggle_bookmark(people["StarkeLinde"], bookmarked)
    # The regular writers are not "new" in the running demo either.
    for pseudonym in TRUSTED:
        published = Post.objects.filter(author=people[pseudonym], state=State.PUBLISHED).count()
        _set_trust(people[pseudonym], max(threshold, published))
    for user in people.values():
        ForumProfile.objects.get_or_create(user=user)
    pending = Post.objects.filter(state=State.PENDING).count()
    flagged = Post.objects.filter(open_flag_count__gt=0).count()
    ctx.log(
        f"{Category.objects.count()} forum categories, {Thread.objects.count()} threads, "
        f"{Post.objects.count()} posts ({pending} waiting for approval, {flagged} flagged), "
        f"{ModerationAction.objects.count()} moderation log entries"
    )
