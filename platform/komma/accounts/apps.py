"""Accounts app: pseudonymous members, municipalities, roles, privacy."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Core app (not a plugin): every module relies on members and municipalities."""

    name = "komma.accounts"
    label = "accounts"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import receivers  # noqa: F401  (connects signal receivers)
        from .actions import sync_roles

        post_migrate.connect(sync_roles, dispatch_uid="komma.accounts.sync_roles")
