"""Pages every installation needs: the home page and the accessibility statement.

Created after ``migrate`` (idempotent), so a production site without demo data
has them too; editors change their text in the admin afterwards.
"""

import json

from django.db import DatabaseError, transaction
from wagtail.models import Page, Site

HOME_TITLE = "KomMA Netzwerk"
ACCESSIBILITY_SLUG = "barrierefreiheit"

ACCESSIBILITY_BODY = [
    ("paragraph", "<p>Die Betreiberin ist bemüht, das KomMA Netzwerk im Einklang mit den "
     "Bestimmungen des Behindertengleichstellungsgesetzes (BGG) und der "
     "Barrierefreien-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich zu "
     "machen. Maßstab sind die Web Content Accessibility Guidelines (WCAG) 2.1, Stufe AA.</p>"),
    ("heading", "Stand der Vereinbarkeit mit den Anforderungen"),
    ("paragraph", "<p>Dieses Angebot ist <b>teilweise</b> mit der BITV 2.0 vereinbar. Die "
     "Seiten haben Sprungmarken zum Inhalt, sichtbare Fokusrahmen, eine Navigation per "
     "Tastatur und ausreichende Kontraste. Eine vollständige Prüfung durch eine externe "
     "Prüfstelle steht noch aus.</p>"),
    ("heading", "Nicht barrierefreie Inhalte"),
    ("paragraph", "<ul><li>Von Mitgliedern hochgeladene PDF-Dokumente sind nicht in jedem "
     "Fall barrierefrei.</li><li>Der Redaktionsbereich (Wagtail-Verwaltung) wird vom "
     "Hersteller gepflegt und ist nicht vollständig geprüft.</li></ul>"),
    ("heading", "Erstellung dieser Erklärung"),
    ("paragraph", "<p>Diese Erklärung beruht auf einer Selbstbewertung und wird bei jeder "
     "wesentlichen Änderung des Angebots überprüft.</p>"),
    ("heading", "Feedback und Kontakt"),
    ("paragraph", "<p>Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Schreiben Sie "
     "dem Programmteam; die Adresse steht unten auf jeder Seite und im Impressum. Wir "
     "antworten innerhalb von zwei Wochen.</p>"),
    ("heading", "Schlichtungsverfahren"),
    ("paragraph", "<p>Wenn auch nach Ihrem Feedback keine zufriedenstellende Lösung gefunden "
     "wurde, können Sie sich an die Schlichtungsstelle nach § 16 BGG bei der Beauftragten der "
     "Bundesregierung für die Belange von Menschen mit Behinderungen wenden: "
     '<a href="https://www.schlichtungsstelle-bgg.de">www.schlichtungsstelle-bgg.de</a>.</p>'),
    ("paragraph", "<p>Stand dieser Erklärung: November 2026.</p>"),
]  # fmt: skip


def stream(items) -> str:
    """StreamField raw data from (block type, value) pairs."""
    return json.dumps([{"type": kind, "value": value} for kind, value in items])


def ensure_home_page():
    """The site's root is a HomePage; Wagtail's placeholder welcome page is replaced."""
    from .models import HomePage

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        if root is None:  # a flushed database (transactional tests): no tree to extend
            return None
        placeholder = (
            root.get_children()
            .filter(slug="home", content_type__model="page", content_type__app_label="wagtailcore")
            .first()
        )
        if placeholder is not None:
            placeholder.delete()
            root.refresh_from_db()
        home = root.add_child(
            instance=HomePage(
                title=HOME_TITLE,
                slug="start",
                lead="Die bundesweite Plattform gegen Rassismus und Hass: Wissenstransfer, "
                "gute Praxis und Empfehlungen für Kommunen.",
            )
        )
    hostname, port = _base_host_and_port()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True,
                            site_name=HOME_TITLE)  # fmt: skip
        return home
    changed = site.root_page_id != home.pk
    site.root_page = home
    site.site_name = site.site_name or HOME_TITLE
    if (site.hostname, site.port) == ("localhost", 80):  # Wagtail's placeholder site
        site.hostname, site.port = hostname, port
        changed = True
    if changed:
        site.save()
    return home


def _base_host_and_port() -> tuple[str, int]:
    """Host and port of KOMMA_BASE_URL: absolute URLs (sitemap, feeds) use them."""
    from urllib.parse import urlsplit

    from django.conf import settings

    url = urlsplit(settings.KOMMA_BASE_URL)
    return url.hostname or "localhost", url.port or (443 if url.scheme == "https" else 80)


def ensure_accessibility_statement(home):
    """The "Erklärung zur Barrierefreiheit", linked from every page's footer."""
    from komma.core.models import SiteChrome

    from .models import StandardPage

    page = StandardPage.objects.child_of(home).filter(slug=ACCESSIBILITY_SLUG).first()
    if page is None:
        page = home.add_child(
            instance=StandardPage(
                title="Erklärung zur Barrierefreiheit",
                slug=ACCESSIBILITY_SLUG,
                lead="Wie barrierefrei das KomMA Netzwerk ist, und an wen Sie sich wenden, "
                "wenn etwas nicht zugänglich ist.",
                body=stream(ACCESSIBILITY_BODY),
                show_in_menus=False,
            )
        )
    site = Site.objects.get(is_default_site=True)
    chrome = SiteChrome.for_site(site)
    if chrome.accessibility_page_id is None:
        chrome.accessibility_page = page
        chrome.save()
    return page


def ensure_core_pages(**kwargs):
    """post_migrate: create what is missing; never touches edited pages."""
    try:
        with transaction.atomic():
            home = ensure_home_page()
            if home is not None:
                ensure_accessibility_statement(home)
    except DatabaseError:  # a partial migrate (tables of a later app missing)
        return
