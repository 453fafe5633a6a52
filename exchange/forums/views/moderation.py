"""Moderation views, thin: the review queue, actions on posts and threads, the log,
member sanctions, watched words and appeals; and the members' flags and appeals.

Every write goes through ``exchange.forums.moderation``. Content a viewer may not
see answers 404 (``access``); a member who sees it but may not moderate it gets
403 with a message.
"""

from datetime import datetime, time, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from komma.accounts.models import User
from komma.core.forms import add_action_errors

from .. import moderation
from ..access import (
    access_post,
    access_thread,
    forum_viewer,
    is_moderator,
    may_see_thread,
)
from ..context import frame
from ..models import (
    BODY_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Appeal,
    Category,
    FlagReason,
    ModAction,
    ModerationAction,
    Post,
    State,
    WatchedWord,
)

PAGE_SIZE = 50
TEMPLATES = "forums/moderation/"


# --- Forms (parse only; the moderation module validates again) ------------------------------
def _reason_field(label=None):
    return forms.CharField(
        label=label or gettext_lazy("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Logged, and shown to the member concerned."),
        error_messages={"required": gettext_lazy("Please give a reason.")},
    )


class ReasonForm(forms.Form):
    reason = _reason_field()


class EditForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=TITLE_MAX_LENGTH)
    body = forms.CharField(
        label=gettext_lazy("Text"), max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
    )  # fmt: skip
    reason = _reason_field()

    def __init__(self, *args, with_title=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_title:
            del self.fields["title"]


class MoveForm(forms.Form):
    category = forms.ModelChoiceField(
        label=gettext_lazy("New category"), queryset=Category.objects.none(),
        error_messages={"invalid_choice": gettext_lazy("Please choose a category from the list.")},
    )  # fmt: skip
    reason = _reason_field()

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


SLOW_MODE_CHOICES = [
    (0, pgettext_lazy("slow mode", "off")),
    (30, gettext_lazy("30 seconds")),
    (60, gettext_lazy("1 minute")),
    (300, gettext_lazy("5 minutes")),
    (900, gettext_lazy("15 minutes")),
    (3600, gettext_lazy("1 hour")),
    (86400, gettext_lazy("1 day")),
]


class SlowModeForm(forms.Form):
    seconds = forms.TypedChoiceField(
        label=gettext_lazy("Time between two posts of one member"), choices=SLOW_MODE_CHOICES,
        coerce=int,
    )  # fmt: skip
    reason = _reason_field()


DURATIONS = {
    "1h": (timedelta(hours=1), gettext_lazy("1 hour")),
    "1d": (timedelta(days=1), gettext_lazy("1 day")),
    "3d": (timedelta(days=3), gettext_lazy("3 days")),
    "7d": (timedelta(days=7), gettext_lazy("1 week")),
    "30d": (timedelta(days=30), gettext_lazy("30 days")),
    "90d": (timedelta(days=90), gettext_lazy("90 days")),
    "365d": (timedelta(days=365), gettext_lazy("1 year")),
}


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Sanction"), widget=forms.RadioSelect,
        choices=[
            ("silence", gettext_lazy("Silence: may read, but not write")),
            ("suspend", gettext_lazy("Suspend: loses access to the forums")),
        ],
    )  # fmt: skip
    duration = forms.ChoiceField(
        label=gettext_lazy("For"), choices=[(key, label) for key, (_d, label) in DURATIONS.items()]
    )
    reason = _reason_field()


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=gettext_lazy("What is wrong with this post?"), choices=FlagReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Please choose a reason.")},
    )  # fmt: skip
    note = forms.CharField(
        label=gettext_lazy("Note for the moderators"), required=False,
        max_length=REASON_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required for “other”. The author does not learn who flagged."),
    )  # fmt: skip


class AppealForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your reply to the moderators"), max_length=moderation.APPEAL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": gettext_lazy("Please write your reply.")},
    )  # fmt: skip


class AnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Decision"), widget=forms.RadioSelect,
        choices=[
            (Appeal.Status.UPHELD, gettext_lazy("The decision stands")),
            (Appeal.Status.REVERSED, gettext_lazy("Reverse the decision")),
        ],
        error_messages={"required": gettext_lazy("Please choose a decision.")},
    )  # fmt: skip
    response = forms.CharField(
        label=gettext_lazy("Answer to the member"), max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": gettext_lazy("Please write an answer.")},
    )  # fmt: skip


class WordForm(forms.Form):
    word = forms.CharField(
        label=gettext_lazy("Word or phrase"), max_length=100,
        help_text=gettext_lazy("“*” stands for any letters within a word, e.g. “hetz*”."),
    )  # fmt: skip
    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=WatchedWord.Action.choices)
    reason = _reason_field()


class RemoveWordForm(forms.Form):
    watched = forms.ModelChoiceField(
        label=gettext_lazy("Word"), queryset=WatchedWord.objects.all(),
        error_messages={"invalid_choice": gettext_lazy("Please choose a word from the list.")},
    )  # fmt: skip
    reason = _reason_field()


class WordTestForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Text to test"), max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip


class PseudonymField(forms.CharField):
    """A member given by pseudonym (case-insensitive); cleans to the user."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        user = User.objects.filter(pseudonym__iexact=value.strip()).first()
        if user is None:
            raise ValidationError(
                _("There is no member with the pseudonym “%(name)s”.") % {"name": value[:40]}
            )
        return user


class LogFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=pgettext_lazy("moderation log filter", "Action"), required=False,
        choices=[("", gettext_lazy("all actions")), *ModAction.choices],
        error_messages={"invalid_choice": gettext_lazy("Please choose an action from the list.")},
    )  # fmt: skip
    moderator = PseudonymField(label=gettext_lazy("Moderator (pseudonym)"), required=False,
                               max_length=30)  # fmt: skip
    member = PseudonymField(label=gettext_lazy("Member (pseudonym)"), required=False,
                            max_length=30)  # fmt: skip
    category = forms.ModelChoiceField(
        label=gettext_lazy("Category"), required=False, queryset=Category.objects.none(),
        empty_label=gettext_lazy("all categories"),
        error_messages={"invalid_choice": gettext_lazy("Please choose a category from the list.")},
    )  # fmt: skip
    date_from = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Please enter a date such as 2025-03-31.")},
    )  # fmt: skip
    date_to = forms.DateField(
        label=pgettext_lazy("date range", "Until"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("Please enter a date such as 2025-03-31.")},
    )  # fmt: skip

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date lies before the start date."))
        return data

    def filters(self) -> moderation.LogFilters:
        """The valid filters; invalid ones are ignored (and shown as errors)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})

        def day(value, extra=0):
            if not value:
                return None
            return timezone.make_aware(datetime.combine(value + timedelta(days=extra), time.min))

        return moderation.LogFilters(
            action=data.get("action") or "",
            moderator=data.get("moderator"),
            member=data.get("member"),
            category=data.get("category"),
            date_from=day(data.get("date_from")),
            date_to=day(data.get("date_to"), extra=1),
        )


# --- Helpers ----------------------------------------------------------------------------
def _denied(request, message):
    return render(request, TEMPLATES + "denied.html", {"message": message, **frame(
        request, "moderation")}, status=403)  # fmt: skip


def _next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _require_moderator(request):
    viewer = forum_viewer(request.user)
    if viewer.is_suspended() or not viewer.is_any_moderator:
        raise Http404
    return viewer


POST_ACTIONS = {
    "approve": (gettext_lazy("Approve post"), moderation.check_approve),
    "reject": (gettext_lazy("Reject post"), moderation.check_reject),
    "hide": (gettext_lazy("Hide post"), moderation.check_hide),
    "unhide": (gettext_lazy("Show post again"), moderation.check_unhide),
    "dismiss_flags": (gettext_lazy("Dismiss flags"), moderation.check_dismiss_flags),
    "edit": (gettext_lazy("Edit post"), None),
}

THREAD_ACTIONS = {
    "approve": (gettext_lazy("Approve thread"), None),
    "reject": (gettext_lazy("Reject thread"), None),
    "hide": (gettext_lazy("Hide thread"), None),
    "unhide": (gettext_lazy("Show thread again"), None),
    "lock": (gettext_lazy("Lock thread"), moderation.check_lock),
    "unlock": (gettext_lazy("Unlock thread"), moderation.check_unlock),
    "pin": (gettext_lazy("Pin thread"), moderation.check_pin),
    "unpin": (gettext_lazy("Unpin thread"), moderation.check_unpin),
    "move": (gettext_lazy("Move thread"), None),
    "slow_mode": (gettext_lazy("Slow mode"), None),
    "reveal": (gettext_lazy("Reveal the author to the moderators"), moderation.check_reveal),
}
# Thread actions that act on the opening post.
VIA_OPENING_POST = {"approve", "reject", "hide", "unhide"}

DONE = {
    "approve": gettext_lazy("Approved. The member has been told."),
    "reject": gettext_lazy("Rejected. The member has been told."),
    "hide": gettext_lazy("Hidden. The member has been told."),
    "unhide": gettext_lazy("Shown again. The member has been told."),
    "dismiss_flags": gettext_lazy("The flags have been dismissed."),
    "edit": gettext_lazy("The post has been edited. The member has been told."),
    "lock": gettext_lazy("The thread is locked."),
    "unlock": gettext_lazy("The thread is open again."),
    "pin": gettext_lazy("The thread is pinned."),
    "unpin": gettext_lazy("The thread is no longer pinned."),
    "move": gettext_lazy("The thread has been moved."),
    "slow_mode": gettext_lazy("The slow mode has been changed."),
    "reveal": gettext_lazy("The author is now shown to all moderators."),
}


def _after_url(request, thread, post=None) -> str:
    """Back to where the moderator came from, else to the content if still visible."""
    thread.refresh_from_db(fields=["state"])
    if thread.state == State.REJECTED or (post is not None and post.state == State.REJECTED):
        default = reverse("forums:mod_queue")
    elif post is not None:
        default = f"{thread.get_absolute_url()}#beitrag-{post.number}"
    else:
        default = thread.get_absolute_url()
    return _next_url(request, default)


# --- Member side: flags, appeals, edit history ---------------------------------------------
@login_required
def flag(request, pk):
    """A member reports a post to the moderators."""
    post = access_post(request.user, pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.check_flag_post(
                request.user, post, form.cleaned_data["reason"], form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        except PermissionDenied as exc:
            return _denied(request, str(exc) or _("You cannot flag this post."))
        else:
            messages.success(request, _("Thank you. The moderators will look at the post."))
            thread = post.thread
            thread.refresh_from_db(fields=["state"])
            if may_see_thread(forum_viewer(request.user), thread):
                return redirect(thread.get_absolute_url())
            return redirect(thread.category.get_absolute_url())
    return render(
        request, TEMPLATES + "flag.html",
        {"post": post, "thread": post.thread, "form": form, **frame(request, "index")},
    )  # fmt: skip


@login_required
def appeal(request, action_pk):
    """The member concerned sees a moderator's decision and its reason, and replies."""
    action = (
        ModerationAction.objects.select_related("thread", "post", "category")
        .filter(pk=action_pk, member=request.user)
        .first()
    )
    if action is None or action.moderator_id == request.user.pk:
        raise Http404
    appeals = list(Appeal.objects.filter(action=action, member=request.user))
    has_open = any(item.status == Appeal.Status.OPEN for item in appeals)
    may_appeal = action.action in moderation.APPEALABLE and not has_open
    form = AppealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.check_appeal(request.user, action, form.cleaned_data["text"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Your reply has been sent to the moderators."))
            return redirect("forums:appeal", action_pk=action.pk)
    # The member's own content only: their post, or the title of their thread.
    own_post = action.post if action.post and action.post.author_id == request.user.pk else None
    own_thread = (
        action.thread if action.thread and action.thread.author_id == request.user.pk else None
    )
    return render(
        request, TEMPLATES + "appeal.html",
        {"action": action, "appeals": appeals, "may_appeal": may_appeal, "form": form,
         "own_post": own_post, "own_thread": own_thread, **frame(request, "notifications")},
    )  # fmt: skip


@login_required
def post_history(request, pk):
    """Moderators see the earlier texts of a post: who replaced them, when, why."""
    post = access_post(request.user, pk)
    thread = post.thread
    viewer = forum_viewer(request.user)
    if not is_moderator(viewer, thread.category_id):
        return _denied(request, _("Only moderators can see the edit history."))
    cat_mods = moderation.category_moderator_ids()
    revisions = list(post.revisions.select_related("edited_by"))
    for revision in revisions:
        by_author = revision.edited_by_id == post.author_id
        revision.editor_shown = moderation.author_display(
            viewer, thread, revision.edited_by, post.is_anonymous and by_author, cat_mods
        )
    author = moderation.author_display(viewer, thread, post.author, post.is_anonymous, cat_mods)
    return render(
        request, TEMPLATES + "history.html",
        {"post": post, "thread": thread, "revisions": revisions, "author": author,
         **frame(request, "moderation")},
    )  # fmt: skip


# --- Moderators: queue, actions -------------------------------------------------------------
@login_required
def queue(request):
    """Pending posts and threads, flagged and flag-hidden posts, open appeals."""
    _require_moderator(request)
    items = moderation.review_queue(request.user)
    return render(
        request, TEMPLATES + "queue.html",
        {**items, "reason_form": ReasonForm(), "mod_page": "queue",
         **frame(request, "moderation")},
    )  # fmt: skip


@login_required
def post_action(request, pk, action):
    """GET: confirmation with the reason field; POST: do it."""
    if action not in POST_ACTIONS:
        raise Http404
    post = access_post(request.user, pk)
    thread = post.thread
    viewer = forum_viewer(request.user)
    if not is_moderator(viewer, thread.category_id):
        return _denied(request, _("Only moderators of this category may do this."))
    title, check = POST_ACTIONS[action]
    data = request.POST if request.method == "POST" else None
    if action == "edit":
        form = EditForm(
            data, with_title=post.number == 1, initial={"body": post.body, "title": thread.title}
        )
    else:
        form = ReasonForm(data)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            if action == "edit":
                moderation.check_moderator_edit(
                    request.user, post, body=cleaned["body"], reason=cleaned["reason"],
                    title=cleaned.get("title"),
                )  # fmt: skip
            else:
                check(request.user, post, cleaned["reason"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        except PermissionDenied as exc:
            return _denied(request, str(exc))
        else:
            messages.success(request, DONE[action])
            return redirect(_after_url(request, thread, post))
    return _confirm(request, title, action, form, thread=thread, post=post)


@login_required
def thread_action(request, pk, action):
    """GET: confirmation with the reason field; POST: do it."""
    if action not in THREAD_ACTIONS:
        raise Http404
    thread = access_thread(request.user, pk)
    viewer = forum_viewer(request.user)
    if not is_moderator(viewer, thread.category_id):
        return _denied(request, _("Only moderators of this category may do this."))
    title, check = THREAD_ACTIONS[action]
    data = request.POST if request.method == "POST" else None
    if action == "move":
        form = MoveForm(data, categories=moderation.movable_categories(request.user, thread))
    elif action == "slow_mode":
        form = SlowModeForm(data, initial={"seconds": thread.slow_mode_seconds})
    else:
        form = ReasonForm(data)
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        try:
            if action in VIA_OPENING_POST:
                opening = moderation._opening_post(thread)
                POST_ACTIONS[action][1](request.user, opening, cleaned["reason"])
            elif action == "move":
                moderation.check_move(request.user, thread, cleaned["category"], cleaned["reason"])
            elif action == "slow_mode":
                moderation.check_slow_mode(
                    request.user, thread, cleaned["seconds"], cleaned["reason"]
                )
            else:
                check(request.user, thread, cleaned["reason"])
        except ValidationError as exc:
            add_action_errors(form, exc)
        except PermissionDenied as exc:
            return _denied(request, str(exc))
        else:
            messages.success(request, DONE[action])
            return redirect(_after_url(request, thread))
    return _confirm(request, title, action, form, thread=thread)


def _confirm(request, title, action, form, *, thread, post=None):
    viewer = forum_viewer(request.user)
    cat_mods = moderation.category_moderator_ids()
    if post is None and action in VIA_OPENING_POST:
        post = Post.objects.filter(thread=thread, number=1).select_related("author").first()
    author = None
    if post is not None:
        author = moderation.author_display(viewer, thread, post.author, post.is_anonymous, cat_mods)
    else:
        author = moderation.author_display(
            viewer, thread, thread.author, thread.is_anonymous, cat_mods
        )
    action_url = request.path if request.method == "POST" else request.get_full_path()
    return render(
        request, TEMPLATES + "confirm.html",
        {"title": title, "action": action, "form": form, "thread": thread, "post": post,
         "author": author, "action_url": action_url,
         "next": _next_url(request, ""), **frame(request, "moderation")},
    )  # fmt: skip


# --- Moderators: log, member, words, appeals ------------------------------------------------
@login_required
def log(request):
    """The moderation log: browse and filter (GET), paginated."""
    viewer = _require_moderator(request)
    categories = (
        Category.objects.all()
        if viewer.is_global_moderator
        else Category.objects.filter(pk__in=viewer.moderated_category_ids)
    )
    form = LogFilterForm(request.GET or None, categories=categories)
    filters = form.filters() if request.GET else moderation.LogFilters()
    entries = moderation.log_entries(request.user, filters)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("seite"))
    moderation.present_entries(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request, TEMPLATES + "log.html",
        {"form": form, "page": page, "entries": page.object_list, "query": query.urlencode(),
         "mod_page": "log", **frame(request, "moderation")},
    )  # fmt: skip


@login_required
def member(request, pseudonym):
    """A member's forum standing: active sanctions, actions about them, sanction forms."""
    viewer = _require_moderator(request)
    subject = User.objects.filter(pseudonym__iexact=pseudonym).first()
    if subject is None:
        raise Http404
    may_sanction = viewer.is_global_moderator and subject.pk != request.user.pk
    sanction_form = SanctionForm(request.POST if request.POST.get("form") == "sanction" else None)
    lift_form = ReasonForm(request.POST if request.POST.get("form") == "lift" else None)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "sanction" and sanction_form.is_valid():
                data = sanction_form.cleaned_data
                duration = DURATIONS[data["duration"]][0]
                check = (
                    moderation.check_silence if data["kind"] == "silence"
                    else moderation.check_suspend
                )  # fmt: skip
                check(request.user, subject, duration, data["reason"])
                messages.success(request, _("The sanction is in force. The member has been told."))
                return redirect("forums:mod_member", pseudonym=subject.pseudonym)
            if request.POST.get("form") == "lift" and lift_form.is_valid():
                moderation.check_lift(request.user, subject, lift_form.cleaned_data["reason"])
                messages.success(request, _("The sanction has been lifted."))
                return redirect("forums:mod_member", pseudonym=subject.pseudonym)
        except ValidationError as exc:
            add_action_errors(
                sanction_form if request.POST.get("form") == "sanction" else lift_form, exc
            )
        except PermissionDenied as exc:
            return _denied(request, str(exc))
    return render(
        request, TEMPLATES + "member.html",
        {"subject": subject, "sanctions": moderation.active_sanctions(subject),
         "entries": moderation.member_actions(request.user, subject),
         "may_sanction": may_sanction, "sanction_form": sanction_form, "lift_form": lift_form,
         "mod_page": "member", **frame(request, "moderation")},
    )  # fmt: skip


@login_required
def watched_words(request):
    """The watched words, add and remove forms, and the test box."""
    viewer = _require_moderator(request)
    which = request.POST.get("form")
    add_form = WordForm(request.POST if which == "add" else None)
    remove_form = RemoveWordForm(request.POST if which == "remove" else None)
    test_form = WordTestForm(request.POST if which == "test" else None)
    result = None
    if request.method == "POST":
        try:
            if which == "add" and add_form.is_valid():
                data = add_form.cleaned_data
                moderation.check_add_watched_word(
                    request.user, data["word"], data["action"], data["reason"]
                )
                messages.success(request, _("The word is now watched."))
                return redirect("forums:mod_words")
            if which == "remove" and remove_form.is_valid():
                data = remove_form.cleaned_data
                moderation.check_remove_watched_word(request.user, data["watched"], data["reason"])
                messages.success(request, _("The word is no longer watched."))
                return redirect("forums:mod_words")
            if which == "test" and test_form.is_valid():
                result = moderation.test_watched_words(test_form.cleaned_data["text"])
        except ValidationError as exc:
            add_action_errors(add_form if which == "add" else remove_form, exc)
        except PermissionDenied as exc:
            return _denied(request, str(exc))
    return render(
        request, TEMPLATES + "words.html",
        {"words": WatchedWord.objects.all(), "add_form": add_form, "remove_form": remove_form,
         "test_form": test_form, "result": result, "may_edit": viewer.is_global_moderator,
         "mod_page": "words", **frame(request, "moderation")},
    )  # fmt: skip


@login_required
def appeals(request):
    _require_moderator(request)
    return render(
        request, TEMPLATES + "appeals.html",
        {"appeals": moderation.open_appeals(request.user), "mod_page": "appeals",
         **frame(request, "moderation")},
    )  # fmt: skip


@login_required
def answer_appeal(request, pk):
    _require_moderator(request)
    item = moderation.access_appeal(request.user, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.check_answer_appeal(
                request.user, item, form.cleaned_data["status"], form.cleaned_data["response"]
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        except PermissionDenied as exc:
            return _denied(request, str(exc))
        else:
            messages.success(request, _("The appeal has been answered. The member has been told."))
            return redirect("forums:mod_appeals")
    return render(
        request, TEMPLATES + "appeal_answer.html",
        {"appeal": item, "form": form, "mod_page": "appeals", **frame(request, "moderation")},
    )  # fmt: skip
