"""seed_demo: idempotent, realistic, and the README's demo logins are true."""

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from wagtail.models import Page

from komma.accounts.choices import MunicipalityKind, ProgrammeStatus
from komma.accounts.models import Membership, Municipality, User
from komma.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_demo
from komma.pages.models import HomePage

README = Path(__file__).resolve().parents[2] / "README.md"
pytestmark = pytest.mark.django_db


def counts():
    return (
        User.objects.count(), Municipality.objects.count(), Membership.objects.count(),
        EmailAddress.objects.count(), Page.objects.count(),
    )  # fmt: skip


def test_seeding_twice_duplicates_nothing(settings):
    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    first = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == first
    assert first[0] >= 8 and first[1] >= 12


def test_refuses_without_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo", verbosity=0)
    assert User.objects.count() == 0


def test_every_kind_and_status_is_represented():
    seed_demo()
    assert set(Municipality.objects.values_list("kind", flat=True)) == set(MunicipalityKind.values)
    assert set(Municipality.objects.values_list("programme_status", flat=True)) == set(
        ProgrammeStatus.values
    )
    assert Municipality.objects.filter(programme_status="model").count() == 10
    home = HomePage.objects.get()
    assert "Rassismus" in home.intro and len(home.body) >= 3


def test_plugins_add_demo_content_through_the_hook():
    ctx = seed_demo()
    assert "sample plugin demo data" in ctx.messages


def test_readme_demo_logins_work(client):
    """Every e-mail in the README's demo table logs in with the documented password."""
    seed_demo()
    text = README.read_text()
    assert f"**`{DEMO_PASSWORD}`**" in text and DEMO_TOTP_SECRET in text
    emails = re.findall(r"^\| `([^`]+@demo\.komma\.invalid)` \| (\w+) \|", text, re.M)
    assert len(emails) >= 8
    for email, pseudonym in emails:
        user = User.objects.get(email=email)
        assert user.pseudonym == pseudonym
        assert user.check_password(DEMO_PASSWORD), email
        response = client.post("/konto/login/", {"login": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        client.logout()
