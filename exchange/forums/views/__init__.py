"""Views of the forums, thin: parse, call ``actions``/``selectors``, render.

``reading``: category list, thread list, thread page, permalinks, attachments.
``writing``: new threads and cases, replies, edits, reactions, bookmarks, following.
``personal``: the member's notifications, bookmarks and forum settings.
``moderation``: the moderators' queue, actions, log, watched words; flags and appeals.
"""
