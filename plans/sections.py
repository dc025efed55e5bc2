"""The plan's text sections: what each is, the question it asks the KAM (from 004's four
aspects of an account plan and 002's SWOT and future needs), and how the plan page lays
them out."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SectionKind(models.TextChoices):
    """The plan's text sections, in the order the plan shows them (004's four aspects first)."""

    INDUSTRY = "industry", _("Industry and customer analysis")
    PRIORITIES_SHORT = "priorities_short", _("Customer priorities: short term")
    PRIORITIES_MEDIUM = "priorities_medium", _("Customer priorities: medium term")
    PRIORITIES_LONG = "priorities_long", _("Customer priorities: long term")
    STRENGTHS = "strengths", _("SWOT: strengths")
    WEAKNESSES = "weaknesses", _("SWOT: weaknesses")
    OPPORTUNITIES = "opportunities", _("SWOT: opportunities")
    THREATS = "threats", _("SWOT: threats")
    FUTURE_NEEDS = "future_needs", _("The customer's predicted future needs")
    RESOURCES = "resources", _("Resources to invest")


PROMPTS = {
    SectionKind.INDUSTRY: _(
        "Which industry is the customer in and where is it heading? How does the customer "
        "make money, who are its own customers and competitors, and what sets it apart?"
    ),
    SectionKind.PRIORITIES_SHORT: _(
        "What must the customer solve this quarter or this year? Which of those can we help with?"
    ),
    SectionKind.PRIORITIES_MEDIUM: _(
        "What does the customer plan for the next one to three years: projects, investments, "
        "new sites, new markets?"
    ),
    SectionKind.PRIORITIES_LONG: _(
        "Where does the customer want to be in five years, and what would that ask of its "
        "suppliers?"
    ),
    SectionKind.STRENGTHS: _(
        "What do we do better for this customer than anyone else: products, references, "
        "relationships, service?"
    ),
    SectionKind.WEAKNESSES: _(
        "Where do we fall short for this customer: gaps in the offer, price, delivery, weak "
        "relationships?"
    ),
    SectionKind.OPPORTUNITIES: _(
        "What could we win: new units, new product lines, projects the customer is starting, "
        "a competitor's weakness?"
    ),
    SectionKind.THREATS: _(
        "What could we lose: competitors closing in, mergers, budget cuts, a supporter "
        "leaving, crises?"
    ),
    SectionKind.FUTURE_NEEDS: _(
        "What will the customer need that it does not ask for yet, and how will we be ready "
        "before it does?"
    ),
    SectionKind.RESOURCES: _(
        "What will we invest in this account this year: people, time, budget, specialists, "
        "management attention?"
    ),
}

SWOT = [
    SectionKind.STRENGTHS,
    SectionKind.WEAKNESSES,
    SectionKind.OPPORTUNITIES,
    SectionKind.THREATS,
]
PRIORITIES = [
    SectionKind.PRIORITIES_SHORT,
    SectionKind.PRIORITIES_MEDIUM,
    SectionKind.PRIORITIES_LONG,
]


def laid_out(sections) -> dict[str, list]:
    """The sections grouped as the page shows them: the analysis and priorities first, the
    SWOT as a two-by-two, then what comes after."""
    by_kind = {section.kind: section for section in sections}
    return {
        "analysis": [by_kind[k] for k in [SectionKind.INDUSTRY, *PRIORITIES] if k in by_kind],
        "swot": [by_kind[k] for k in SWOT if k in by_kind],
        "later": [
            by_kind[k] for k in [SectionKind.FUTURE_NEEDS, SectionKind.RESOURCES] if k in by_kind
        ],
    }
