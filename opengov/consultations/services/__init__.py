"""Every write of consultations: `<entity>_<verb>(*, actor, ...)`, atomic, with its audit event.

Stable entry points for other apps (action plans open draft commitments for comment here):
`consultation_create`, `consultation_publish`, `article_add`, `articles_import`,
`comment_create`, `comment_update`, `comments_respond`, `report_publish`.
Each raises a `ServiceError` subclass with a message a person can act on.

A package by sub-domain; every public name is importable from `opengov.consultations.services`:
`consultations` (creating, editing, publishing, the space), `articles` (the draft's articles,
the amendment-table import, attachments), `comments`, `moderation` (reports and hiding) and
`handling` (decisions on comments, final texts, the report); `checks` holds what they share.
"""

from __future__ import annotations

from .articles import (
    article_add,
    article_delete,
    article_update,
    articles_import,
    attachment_add,
    draft_parse,
    unplaced_details,
)
from .checks import ATTACHMENT_EXTENSIONS
from .comments import comment_create, comment_update
from .consultations import (
    EDITABLE_BEFORE_PUBLICATION,
    EDITABLE_WHILE_OPEN,
    consultation_create,
    consultation_publish,
    consultation_set_space,
    consultation_update,
)
from .handling import article_set_final, comments_respond, report_publish, response_update
from .moderation import comment_hide, comment_report, comment_unhide, reports_dismiss

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "EDITABLE_BEFORE_PUBLICATION",
    "EDITABLE_WHILE_OPEN",
    "article_add",
    "article_delete",
    "article_set_final",
    "article_update",
    "articles_import",
    "attachment_add",
    "comment_create",
    "comment_hide",
    "comment_report",
    "comment_unhide",
    "comment_update",
    "comments_respond",
    "consultation_create",
    "consultation_publish",
    "consultation_set_space",
    "consultation_update",
    "draft_parse",
    "report_publish",
    "reports_dismiss",
    "response_update",
    "unplaced_details",
]
