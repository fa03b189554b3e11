"""The organizers' workbook: results, needs, matches and the interest follow-up list (.xlsx)."""
from __future__ import annotations

from flask_babel import force_locale, gettext as _, pgettext
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from summit.core import spreadsheet
from summit.core.models import Summit
from summit.programme import labels
from summit.programme.common import field_codes, utc_to_local
from summit.programme.needs import counts as roadshow_counts, matches, needs_of
from summit.programme.results import results_of
from summit.programme.roadshow import interests_of


def _sheet(wb, title: str, header: list[str], rows: list[list]):
    ws = spreadsheet.add_sheet(wb, title)
    spreadsheet.append(ws, header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        spreadsheet.append(ws, ["" if v is None else v for v in row])
    ws.freeze_panes = "A2"
    for i, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(str(r[i - 1])) for r in rows[:200] if len(r) >= i])
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, width * 1.6))
    return ws


def workbook_bytes(summit: Summit, locale: str = "zh_CN") -> bytes:
    with force_locale(locale):
        return _build(summit, locale)


def _local(value):
    return utc_to_local(value) if value else None


def _build(summit: Summit, locale: str) -> bytes:
    tags = field_codes(summit)
    tag_names = lambda codes: "、".join(tags[c].name(locale) for c in codes if c in tags)  # noqa: E731
    found = matches(summit)
    wb = spreadsheet.new_workbook()
    counts = roadshow_counts(summit, found)
    _sheet(wb, _("Overview"), [_("Figure"), _("Count")], [
        [_("Results submitted"), counts["results"]], [_("Results on the roadshow"), counts["results_on_stage"]],
        [_("Open technology needs"), counts["needs"]], [_("Matches"), counts["matches"]],
        [_("Interests"), counts["interests"]]])
    results = results_of(summit)
    _sheet(wb, pgettext("research", "Results"), [_("ID"), _("Title"), _("University or institute"), _("Team"), _("Fields"),
                              _("Maturity"), _("Patents"), _("Cooperation wanted"), _("Contact person"),
                              _("Contact phone"), _("Contact email"), _("Status"), _("Interests"), _("Submitted")],
           [[r.id, r.title, r.institution, r.team.replace("\n", "、"), tag_names(r.fields),
             str(labels.MATURITY.get(r.maturity, r.maturity)), "、".join(r.patents),
             "、".join(str(labels.COOPERATION[c]) for c in r.cooperation if c in labels.COOPERATION),
             r.contact_name, r.contact_phone, r.contact_email, str(labels.RESULT_STATUS.get(r.status, r.status)),
             len(r.interests), _local(r.submitted_at)] for r in results])
    needs = needs_of(summit)
    _sheet(wb, _("Needs"), [_("ID"), _("Enterprise"), _("Title"), _("Fields"), _("Budget"), _("Description"),
                            _("Contact person"), _("Contact phone"), _("Contact email"), _("Status")],
           [[n.id, n.enterprise, n.title, tag_names(n.fields), str(labels.BUDGET.get(n.budget, n.budget)),
             n.description, n.contact_name, n.contact_phone, n.contact_email,
             str(labels.NEED_STATUS.get(n.status, n.status))] for n in needs])
    _sheet(wb, _("Matches"), [_("Result"), _("University or institute"), _("Need"), _("Enterprise"), pgettext("match", "Score"),
                              _("Shared fields"), _("Shared key terms")],
           [[found["results"][p["result_id"]].title, found["results"][p["result_id"]].institution,
             found["needs"][p["need_id"]].title, found["needs"][p["need_id"]].enterprise, p["score"],
             tag_names(p["shared_fields"]), "、".join(p["shared_terms"])] for p in found["pairs"]])
    _sheet(wb, _("Interests"), [pgettext("interest", "Registered"), _("Result"), _("University or institute"), _("Name"),
                                _("Organisation"), _("Contact"), _("You are"), _("Cooperation"), _("Note"),
                                _("Follow-up"), _("Follow-up note")],
           [[_local(i.created_at), i.result.title, i.result.institution, i.name, i.organisation, i.contact,
             str(labels.INTEREST_KIND.get(i.kind, i.kind)),
             str(labels.COOPERATION.get(i.cooperation, "")) if i.cooperation else "", i.note,
             str(labels.FOLLOW_UP.get(i.follow_up, i.follow_up)), i.follow_up_note]
            for i in interests_of(summit)])
    return spreadsheet.xlsx_bytes(wb)
