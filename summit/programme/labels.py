"""Display names of the codes this feature keeps (translated lazily)."""
from flask_babel import lazy_gettext as _l, lazy_pgettext

ITEM_KIND = {
    "opening": _l("Opening ceremony"),
    "keynote": _l("Keynote"),
    "roadshow": _l("Results roadshow"),
    "contest_final": _l("Contest final"),
    "recruitment": _l("Recruitment session"),
    "signing": _l("Signing ceremony"),
    "other": _l("Other"),
}
ITEM_PART = {
    "": _l("Every attendee"),
    "opening": _l("Opening"),
    "contest_final": _l("Contest final"),
    "recruitment": _l("Recruitment sessions"),
}
MATURITY = {"lab": _l("Laboratory"), "pilot": _l("Pilot"), "industrial": _l("Industrialised")}
COOPERATION = {"transfer": _l("Transfer"), "licence": _l("Licence"), "joint_development": _l("Joint development"),
               "equity": _l("Equity (IP as capital)")}
INTEREST_KIND = {"enterprise": _l("Enterprise"), "investor": _l("Investor"), "institute": _l("University / institute"),
                 "other": _l("Other")}
FOLLOW_UP = {"new": _l("New"), "contacted": _l("Contacted"), "negotiating": _l("Negotiating"),
             "agreed": _l("Agreed"), "closed": _l("Closed")}
BUDGET = {"lt50": _l("Under 500,000 yuan"), "50_200": _l("0.5–2 million yuan"), "200_500": _l("2–5 million yuan"),
          "500_1000": _l("5–10 million yuan"), "gt1000": _l("Over 10 million yuan"), "negotiable": _l("Negotiable")}
RESULT_STATUS = {"draft": _l("Draft"), "submitted": _l("Submitted"), "withdrawn": _l("Withdrawn")}
NEED_STATUS = {"draft": _l("Draft"), "open": lazy_pgettext("need status", "Open"), "closed": _l("Closed")}


def choices(mapping: dict) -> list[tuple[str, object]]:
    return list(mapping.items())
