"""Admin UI of the forums: categories and watched words, grouped under "Foren".

Permissions come from the models (the role Moderation gets them through
``receivers.forum_role_permissions``). People appear by pseudonym only: the
moderators of a category are chosen by pseudonym, never by e-mail or name.
The day-to-day moderation (queue, log, sanctions) is in the site's moderator
views, which link here.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from komma.accounts.models import User

from . import (
    moderation,  # noqa: F401  (connects the watched-word cache receivers)
    words,
)
from .models import Category, WatchedWord


class PseudonymChoiceField(forms.ModelMultipleChoiceField):
    """Members listed by pseudonym (``User.__str__`` is the pseudonym; explicit here)."""

    def label_from_instance(self, obj):
        return obj.display_name


class CategoryViewSet(ModelViewSet):
    """Forum categories: audience, pre-moderation and own moderators."""

    model = Category
    icon = "list-ul"
    menu_label = _("Categories")
    form_fields = ["name", "slug", "description", "position", "access", "premoderated",
                   "moderators"]  # fmt: skip
    list_display = ["name", "access", "premoderated", "position", "thread_count"]
    list_filter = ["access", "premoderated"]
    search_fields = ["name", "slug"]
    copy_view_enabled = False

    def formfield_for_dbfield(self, db_field, **kwargs):
        if db_field.name == "moderators":
            return PseudonymChoiceField(
                queryset=User.objects.filter(is_active=True, deleted_at__isnull=True).order_by(
                    "pseudonym"
                ),
                required=False,
                label=db_field.verbose_name,
                help_text=db_field.help_text,
                widget=forms.SelectMultiple(attrs={"size": 10}),
            )
        return super().formfield_for_dbfield(db_field, **kwargs)


class WatchedWordViewSet(ModelViewSet):
    """Watched words and their action; the site's moderator page has a test box."""

    model = WatchedWord
    icon = "warning"
    menu_label = _("Watched words")
    form_fields = ["word", "action"]
    list_display = ["word", "action", "created_at"]
    list_filter = ["action"]
    search_fields = ["word"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        form_class = super().get_form_class(for_update)

        class WatchedWordForm(form_class):
            def clean_word(self):
                word = " ".join((self.cleaned_data.get("word") or "").split()).lower()
                if len(word.replace("*", "")) < 2:
                    raise forms.ValidationError(
                        _("Please enter a word or phrase of at least 2 letters.")
                    )
                duplicate = WatchedWord.objects.filter(word__iexact=word)
                if self.instance.pk:
                    duplicate = duplicate.exclude(pk=self.instance.pk)
                if duplicate.exists():
                    raise forms.ValidationError(_("This word is already watched."))
                return word

            def save(self, commit=True):
                instance = super().save(commit=commit)
                words.forget_cache()
                return instance

        return WatchedWordForm


class ForumsViewSetGroup(ViewSetGroup):
    menu_label = _("Forums")
    menu_icon = "group"
    menu_order = 250
    items = (
        CategoryViewSet("forum_categories"),
        WatchedWordViewSet("forum_watched_words"),
    )


@hooks.register("register_admin_viewset")
def register_forum_viewsets():
    return ForumsViewSetGroup()
