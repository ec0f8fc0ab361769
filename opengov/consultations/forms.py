"""Forms of the consultation pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import rules
from .models import Decision, FinalStatus, Kind, Stance, Topic

GROUND_LABELS = {
    "illegal": _("Threats, obscenity, defamation, fraud, insult or other illegality"),
    "infringes_rights": _("Infringes the rights of others"),
    "discrimination": _("Racial, religious or gender discrimination, or a personal attack"),
    "liability_or_pending_case": _("Risk of liability, or a case pending in court"),
    "unclear_or_personal": _("Unclear, or only a personal interest"),
    "virtual_persons": _("Concerns virtual or online persons or things"),
    "advertising": _("Commercial self-promotion or advertising"),
}


def ground_label(ground: str) -> str:
    """The published wording of a moderation ground."""
    return str(GROUND_LABELS.get(ground, ground))


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"


class ConsultationForm(forms.Form):
    """Create or edit a consultation."""

    agency = forms.ChoiceField(label=_("Agency"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=pgettext_lazy("consultation", "Summary"),
        widget=forms.Textarea,
        help_text=_("What is proposed and why. Markdown is allowed."),
    )
    easy_read_summary = forms.CharField(
        label=_("Easy-read summary (optional)"),
        widget=forms.Textarea,
        required=False,
        max_length=5000,
        help_text=_(
            "The same in short sentences and everyday words (易讀版), shown beside the "
            "summary. Markdown is allowed."
        ),
    )
    legal_basis = forms.CharField(
        label=_("Legal basis"),
        max_length=500,
        required=False,
        help_text=_("Administrative Procedure Act Art. 154: the law the draft rests on."),
    )
    contact = forms.CharField(
        label=_("Contact"),
        max_length=500,
        required=False,
        help_text=_("The office that takes comments: unit, telephone, e-mail (published)."),
    )
    closes_on = forms.DateField(
        label=_("Last day for comments"),
        widget=DateInput,
        required=False,
        help_text=_("Leave empty for the shortest period the rules allow."),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices, initial=Topic.GENERAL)
    foreign_residents_may_comment = forms.BooleanField(
        label=_("Foreign residents may also comment (trade, investment and IP drafts only)"),
        required=False,
    )
    is_amendment = forms.BooleanField(
        label=_("This is an amendment: articles show the current text beside the proposed text"),
        required=False,
    )

    def __init__(self, *args: Any, agencies: Any = None, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["agency"]
        else:
            self.fields["agency"].choices = [(a.code, a.name) for a in agencies or []]


class OpenConsultationForm(forms.Form):
    """What may change while a consultation is open."""

    contact = ConsultationForm.base_fields["contact"]
    easy_read_summary = ConsultationForm.base_fields["easy_read_summary"]
    closes_on = forms.DateField(
        label=_("Last day for comments"),
        widget=DateInput,
        help_text=_("It can be moved later, never earlier."),
    )


class ArticleForm(forms.Form):
    """One article of the draft."""

    label = forms.CharField(label=_("Article number"), max_length=50, initial="第一條")
    chapter = forms.CharField(label=_("Chapter"), max_length=200, required=False)
    text = forms.CharField(label=_("Proposed text"), widget=forms.Textarea, required=False)
    current_text = forms.CharField(
        label=_("Current text"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Amendments only: the article as in force; empty for a new article."),
    )
    explanation = forms.CharField(label=_("Explanation"), widget=forms.Textarea, required=False)


class ImportForm(forms.Form):
    """A draft file, or pasted text."""

    file = forms.FileField(
        label=_("Draft file (.txt or .md)"),
        required=False,
        help_text=_(
            "Plain text or Markdown in UTF-8 or Big5. Articles start with 「第一條」 or "
            "「第 2 條」; chapters with 「第一章」; explanations with 「說明：」. Amendments: a "
            "table with the columns 修正條文, 現行條文, 說明."
        ),
    )
    text = forms.CharField(label=_("Or paste the draft"), widget=forms.Textarea, required=False)


class AttachmentForm(forms.Form):
    """A document published with the consultation."""

    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))


class CommentForm(forms.Form):
    """A comment on the whole text or one article."""

    stance = forms.ChoiceField(
        label=_("Your position"), choices=Stance.choices, widget=forms.RadioSelect
    )
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["body"].max_length = rules.comment_max_chars()
        self.fields["body"].help_text = _(
            "At most %(n)d characters. Editable for %(m)d minutes."
        ) % {
            "n": rules.comment_max_chars(),
            "m": rules.section().comment_edit_minutes,
        }


class ReportCommentForm(forms.Form):
    """Report a comment to the moderators."""

    reason = forms.CharField(label=_("Why should moderators look at it?"), max_length=500)


class HideForm(forms.Form):
    """A moderator hides a comment on a published ground."""

    ground = forms.ChoiceField(label=_("Ground"))
    note = forms.CharField(label=_("Note shown with the ground"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [(g, ground_label(g)) for g in rules.moderation_grounds()]


class ResponseForm(forms.Form):
    """One decision and reason for the selected comments."""

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea)


class FinalTextForm(forms.Form):
    """What became of an article in the final text."""

    final_status = forms.ChoiceField(
        label=_("In the final text"), choices=FinalStatus.choices, widget=forms.RadioSelect
    )
    final_text = forms.CharField(
        label=_("Amended text"),
        widget=forms.Textarea,
        required=False,
        help_text=_("Only when the article was amended after the comments."),
    )


class ReportForm(forms.Form):
    """The summary published with the report."""

    summary = forms.CharField(
        label=_("Summary of the comments and the agency's handling"), widget=forms.Textarea
    )


class TranslationForm(forms.Form):
    """The consultation's title, summary and easy-read summary in another shipped language."""

    language = forms.ChoiceField(label=_("Language"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = forms.CharField(
        label=pgettext_lazy("consultation", "Summary"), widget=forms.Textarea, required=False
    )
    easy_read_summary = forms.CharField(
        label=_("Easy-read summary"), widget=forms.Textarea, required=False, max_length=5000
    )

    def __init__(self, *args: Any, languages: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = languages
