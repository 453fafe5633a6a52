"""Root URLconf: core, accounts, admin, search, plugins, then the Wagtail page tree."""

from allauth.account.decorators import secure_admin_login
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.http import Http404
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from komma.accounts.admin_account import account_view
from komma.accounts.views import InvitationSignupView
from komma.core.sitemaps import PageSitemap
from komma.core.views import healthz
from plugins.urls import plugin_urlpatterns

# Every login goes through allauth: one form, one rate limit, one MFA stage.
admin.site.login = secure_admin_login(admin.site.login)

# The Django admin would list e-mail addresses, sessions (with IP addresses) and second
# factors next to pseudonyms; identities are seen only through the logged reveal.
for _model in (EmailAddress, Authenticator, UserSession):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class AdminLoginRedirect(RedirectView):
    """Wagtail's own login form is replaced by allauth's (keeps ?next=)."""

    pattern_name = "account_login"
    query_string = True


def user_admin_closed(request, *args, **kwargs):
    """Wagtail's user admin shows identities; members are managed by pseudonym instead."""
    raise Http404


def dev_media_urlpatterns():
    """Uploaded images for ``runserver`` (DEBUG only; nginx serves them in production).

    Document files are left out, as in nginx: they are served only through
    /dokumente/, which checks who may read the pages linking them.
    """
    if not settings.DEBUG:
        return []
    from django.views.static import serve

    # Image files only, one file name below the two image folders: no "..", no "//".
    return [
        re_path(r"^media/(?P<path>(?:original_images|images)/(?!\.)[^/]+)$", serve,
                {"document_root": settings.MEDIA_ROOT}),
    ]  # fmt: skip


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    re_path(r"^admin/users/", user_admin_closed),
    re_path(r"^admin/bulk/accounts/user/", user_admin_closed),
    path("admin/login/", AdminLoginRedirect.as_view(), name="wagtailadmin_login"),
    path("admin/account/", account_view, name="wagtailadmin_account"),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("dokumente/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/signup/", InvitationSignupView.as_view(), name="account_signup"),
    path("konto/", include("komma.accounts.urls")),
    path("konto/", include("allauth.urls")),
    path("nachrichten/", include("komma.conversations.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PageSitemap}}, name="sitemap"),
    path("suche/", include("search.urls")),
    *plugin_urlpatterns(),
    *dev_media_urlpatterns(),
    path("", include(wagtail_urls)),
]
