"""Admin UI of the toolbox, grouped under "Toolbox": resources and crisis playbooks.

Resources are snippets with drafts, revisions, preview, scheduled publishing and
locking (the model's Wagtail mixins; the viewset switches each on by itself). The
edit form checks what the resource's kind needs and that a template's text and its
declared placeholders agree (``ResourceForm``), so a template readers cannot fill
in never gets saved. Permissions come from the models; the editorial roles get them
through ``receivers.toolbox_role_permissions``.
"""

from types import SimpleNamespace

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PublishingPanel,
    TabbedInterface,
)
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .filling import template_problems
from .models import VALUE_MAX_LENGTH, Kind, Playbook, Resource, ReviewStatus
from .playbook import ALLIANCE_SITUATION_KEYS, ALLIANCE_SITUATIONS


def _live_children(form, relation: str) -> list[dict]:
    """The cleaned rows of an inline formset that will be kept (filled, not deleted)."""
    formset = getattr(form, "formsets", {}).get(relation)
    if formset is None:
        return []
    rows = []
    for child in formset.forms:
        valid = child.is_valid()  # cleans it (the formset's own check runs later)
        if not child.has_changed() and not child.instance.pk:
            continue  # an empty extra form
        if formset.can_delete and formset._should_delete_form(child):
            continue
        if valid:
            rows.append(child.cleaned_data)
    return rows


class ResourceForm(WagtailAdminModelForm):
    """The resource edit form: what each kind needs, and a template's consistency.

    The checks live in the form, not in ``Resource.clean``: they need the inline rows
    (placeholders, steps, questions), which the model does not have until it is saved.
    """

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Kind.TEMPLATE:
            self._clean_template(cleaned)
        elif cleaned.get("template_type"):
            self.add_error("template_type", _("Only templates have a template type."))
        if kind == Kind.GUIDE and not _has_text(cleaned.get("body")):
            self.add_error("body", _("A guide needs a text."))
        if kind == Kind.CHECKLIST and not _live_children(self, "items"):
            self.add_error(None, _("A checklist needs at least one step."))
        if kind == Kind.FAQ and not _live_children(self, "faq_entries"):
            self.add_error(None, _("An FAQ needs at least one question with its answer."))
        if kind != Kind.TEMPLATE and _live_children(self, "placeholders"):
            self.add_error(
                None,
                _("Only templates have placeholders; remove them or make this a template."),
            )
        self._clean_review(cleaned)
        return cleaned

    def _clean_template(self, cleaned):
        if not cleaned.get("template_type"):
            self.add_error("template_type", _("Please choose the type of template."))
        text = cleaned.get("template_text") or ""
        if not text.strip():
            self.add_error("template_text", _("A template needs its text."))
            return
        declared = [
            SimpleNamespace(key=row.get("key"))
            for row in _live_children(self, "placeholders")
            if row.get("key")
        ]
        keys = [p.key for p in declared]
        for key in sorted({k for k in keys if keys.count(k) > 1}):
            self.add_error(None, _("The placeholder “%(key)s” is declared twice.") % {"key": key})
        self._clean_placeholder_lengths()
        for problem in template_problems(text, declared):
            self.add_error("template_text", problem.message)

    def _clean_placeholder_lengths(self):
        """A value may be 1 to ``VALUE_MAX_LENGTH`` characters long: the form for
        readers would otherwise silently use another limit (``filling.field_max_length``)."""
        formset = getattr(self, "formsets", {}).get("placeholders")
        if formset is None:
            return
        for child in formset.forms:
            if formset.can_delete and formset._should_delete_form(child):
                continue
            child.is_valid()  # cleans it (cached; the formset's own check reads the errors)
            length = getattr(child, "cleaned_data", {}).get("max_length")
            if length is not None and not 1 <= length <= VALUE_MAX_LENGTH:
                child.add_error(
                    "max_length",
                    _("The maximum length must be between 1 and %(max)d characters.")
                    % {"max": VALUE_MAX_LENGTH},
                )
                self.add_error(
                    None,
                    _("A placeholder’s maximum length must be between 1 and %(max)d.")
                    % {"max": VALUE_MAX_LENGTH},
                )

    def _clean_review(self, cleaned):
        status = cleaned.get("review_status")
        reviewed = cleaned.get("last_reviewed")
        if reviewed and reviewed > timezone.localdate():
            self.add_error("last_reviewed", _("The review date cannot be in the future."))
        if status in (ReviewStatus.LEGAL, ReviewStatus.EDITORIAL) and not reviewed:
            self.add_error("last_reviewed", _("Please enter when the resource was reviewed."))
        if status == ReviewStatus.LEGAL and not (cleaned.get("reviewed_by_role") or "").strip():
            self.add_error(
                "reviewed_by_role",
                _(
                    "Please name the role that reviewed it legally "
                    "(shown as “legally reviewed by …”)."
                ),
            )


def _has_text(html) -> bool:
    from django.utils.html import strip_tags

    return bool(strip_tags(html or "").strip())


class ResourceViewSet(SnippetViewSet):
    """Toolbox resources with drafts, revisions, preview and locking."""

    model = Resource
    icon = "doc-full"
    menu_label = gettext_lazy("Resources")
    list_display = ["title", "kind", "visibility", "review_status", "last_reviewed", "live"]
    list_filter = [
        "kind",
        "situation",
        "channel",
        "visibility",
        "review_status",
        "language",
        "live",
    ]
    search_fields = ["title", "summary", "slug"]
    copy_view_enabled = False
    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("title"),
                    FieldPanel("slug"),
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("template_type")]),
                    FieldPanel("summary"),
                    FieldPanel("body"),
                    FieldPanel("template_text"),
                    InlinePanel(
                        "placeholders",
                        heading=gettext_lazy("Placeholders (templates)"),
                        label=gettext_lazy("Placeholder"),
                        panels=[
                            FieldRowPanel([FieldPanel("key"), FieldPanel("label")]),
                            FieldPanel("help_text"),
                            FieldRowPanel(
                                [
                                    FieldPanel("kind"),
                                    FieldPanel("required"),
                                    FieldPanel(
                                        "max_length",
                                        widget=forms.NumberInput(
                                            attrs={"min": 1, "max": VALUE_MAX_LENGTH}
                                        ),
                                    ),
                                ]
                            ),
                        ],
                    ),
                    InlinePanel(
                        "items",
                        heading=gettext_lazy("Steps (checklists)"),
                        label=gettext_lazy("Step"),
                        panels=[
                            FieldPanel("text"),
                            FieldPanel("time_window"),
                            FieldPanel("help_text"),
                        ],
                    ),
                    InlinePanel(
                        "faq_entries",
                        heading=gettext_lazy("Questions (FAQs)"),
                        label=gettext_lazy("Question"),
                        panels=[FieldPanel("question"), FieldPanel("answer")],
                    ),
                    FieldPanel("document"),
                ],
                heading=gettext_lazy("Content"),
            ),
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("situation"),
                            FieldPanel("channel"),
                            FieldPanel("audience"),
                            FieldPanel("format"),
                            FieldPanel("language"),
                            FieldPanel("licence"),
                        ],
                        heading=gettext_lazy("Classification"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("publisher"),
                            FieldPanel("last_reviewed"),
                            FieldPanel("review_status"),
                            FieldPanel("reviewed_by_role"),
                        ],
                        heading=gettext_lazy("Publisher and review"),
                    ),
                    FieldPanel("visibility"),
                    PublishingPanel(),
                ],
                heading=gettext_lazy("Metadata"),
            ),
        ],
        base_form_class=ResourceForm,
    )


class PlaybookForm(WagtailAdminModelForm):
    """The playbook edit form: the situation must be one the alliance directory knows
    (``plugins.hooks.alliance_contacts``), or none (no contacts)."""

    def clean_alliance_situation(self):
        value = (self.cleaned_data.get("alliance_situation") or "").strip()
        if value and value not in ALLIANCE_SITUATION_KEYS:
            raise forms.ValidationError(
                _("Please choose one of the situations of the alliance directory."),
                code="invalid_choice",
            )
        return value


class PlaybookViewSet(SnippetViewSet):
    """Crisis playbooks: ordered steps with checklist, templates and contacts."""

    model = Playbook
    icon = "list-ol"
    menu_label = gettext_lazy("Crisis playbooks")
    list_display = ["title", "live", "updated_at"]
    list_filter = ["live"]
    search_fields = ["title", "slug"]
    copy_view_enabled = False
    panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        FieldPanel("intro"),
        FieldPanel(
            "alliance_situation",
            widget=forms.Select(
                choices=[("", gettext_lazy("— no alliance contacts —")), *ALLIANCE_SITUATIONS]
            ),
        ),
        FieldPanel("live"),
        InlinePanel(
            "steps",
            heading=gettext_lazy("Steps"),
            label=gettext_lazy("Step"),
            panels=[
                FieldPanel("title"),
                FieldPanel("time_window"),
                FieldPanel("guidance"),
                FieldPanel("checklist"),
                FieldPanel("templates", widget=forms.CheckboxSelectMultiple),
                FieldPanel("show_contacts"),
            ],
        ),
    ]
    edit_handler = ObjectList(panels, base_form_class=PlaybookForm)


class ToolboxViewSetGroup(SnippetViewSetGroup):
    menu_label = gettext_lazy("Toolbox")
    menu_icon = "folder-open-inverse"
    menu_order = 270
    items = (ResourceViewSet, PlaybookViewSet)


register_snippet(ToolboxViewSetGroup)
