"""004's example tactics for each strategy, offered as suggestions on the account page
and picked into the account plan."""

from django.utils.translation import gettext_lazy as _

from .models import Strategy

TACTICS = {
    Strategy.ACQUIRE: [
        _("Take the customer to reference sites and our company to build trust in us."),
        _("Hold technical exchanges so they understand our products better."),
        _("Build relationships at senior level through several channels."),
        _("Talk more and compare us with other products to win support on the ground."),
        _("Offer favourable terms, such as payment periods or help with financing."),
    ],
    Strategy.DEVELOP: [
        _("Present the full range of our solutions and shape their short and long-term plans."),
        _("Learn their needs and yearly budget early, and plan ahead."),
        _("Understand what their people and organisation need; help them get the most value."),
        _("Invest in pre-sales and early solutions; bid for this year's projects."),
    ],
    Strategy.RETAIN: [
        _("Keep bringing new solutions and keep discovering new needs."),
        _("Raise the service standard and personalise service to deepen trust."),
        _("Give some products or services free or at low cost to delight them."),
        _("Build business and technical moats that keep competitors out."),
        _("Turn opponents around and unite as many supporters as possible."),
    ],
    Strategy.WIN_BACK: [
        _("Find the real reasons they drifted away and fix them one by one."),
        _("Find new supporters inside the customer and build an alliance."),
        _("Work out how to soften the opposition, and act on it."),
        _("Bring new products and solutions to shift the focus."),
        _("Make a win-back offer: special terms, a discount or a gift, and record the outcome."),
    ],
    Strategy.WAIT_AND_WATCH: [
        _("Keep in touch and learn about their future project plans."),
        _("Analyse why potential and contribution are low, and wait for an opening."),
        _("Offer advice and services within our means."),
    ],
}
