"""The plan as one page: each section edited in place (htmx), saved as the KAM types,
never over someone else's newer text; the SWOT as a two-by-two; a completeness meter."""

from django.urls import reverse

from plans.models import PlanStatus, SectionKind
from plans.sections import PROMPTS
from tests.forms import posted
from tests.plans.conftest import make_ready
from tests.plans.test_plan_parts import formset

IN_PLACE = {"HTTP_HX_REQUEST": "true"}


def section_url(plan, kind="industry"):
    return reverse("plans:section", args=[plan.pk, kind])


def autosave(client, plan, text, version, kind="industry", **extra):
    return client.post(
        section_url(plan, kind), {"text": text, "version": version} | extra, **IN_PLACE
    )


def test_it_opens_a_section_in_place_with_its_question(client, kam1, plan):
    client.force_login(kam1)

    response = client.get(section_url(plan, "threats"), **IN_PLACE)

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html  # a fragment for the card, not a page
    assert 'id="section-threats"' in html
    assert str(PROMPTS[SectionKind.THREATS]) in html
    assert 'hx-trigger="input delay:1200ms, submit"' in html


def test_it_autosaves_and_hands_back_the_new_version(client, kam1, plan):
    client.force_login(kam1)

    response = autosave(client, plan, "Cement demand grows.", 1)

    section = plan.sections.get(kind="industry")
    assert (section.text, section.version) == ("Cement demand grows.", 2)
    html = response.content.decode()
    assert 'id="version-industry" value="2" hx-swap-oob="true"' in html
    assert "Saved at" in html
    assert "HX-Retarget" not in response.headers  # the editor stays as the KAM types in it


def test_it_keeps_one_revision_for_a_run_of_autosaves(client, kam1, plan):
    client.force_login(kam1)

    for version, text in enumerate(["Cement", "Cement demand", "Cement demand grows."], start=1):
        autosave(client, plan, text, version)

    revisions = plan.revisions.filter(what="industry")
    assert [r.text for r in revisions] == ["Cement demand grows."]


def test_it_writes_nothing_when_the_text_did_not_change(client, kam1, plan):
    client.force_login(kam1)
    autosave(client, plan, "Cement demand grows.", 1)

    autosave(client, plan, "Cement demand grows.", 2)

    assert plan.sections.get(kind="industry").version == 2
    assert plan.revisions.filter(what="industry").count() == 1


def test_a_stale_autosave_is_refused_with_both_texts_and_loses_nothing(client, kam1, admin, plan):
    client.force_login(admin)
    autosave(client, plan, "Text by the admin.", 1)
    client.force_login(kam1)

    response = autosave(client, plan, "Text by the KAM.", 1)

    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#section-industry"
    html = response.content.decode()
    assert "Text by the KAM.</textarea>" in html  # the user's text kept in the box
    assert "Text by the admin." in html  # the stored one shown beside it
    assert f"saved by {admin}" in html
    assert 'hx-trigger="submit"' in html  # autosave stops until the KAM merges
    assert 'value="2"' in html  # saving from here overwrites knowingly
    assert plan.sections.get(kind="industry").text == "Text by the admin."


def test_done_closes_the_editor_into_the_card(client, kam1, plan):
    client.force_login(kam1)

    response = autosave(client, plan, "Cement demand grows.", 1, done="1")

    html = response.content.decode()
    assert response.headers["HX-Retarget"] == "#section-industry"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert "<p>Cement demand grows.</p>" in html
    assert "<textarea" not in html


def test_a_submitted_plan_sends_the_editor_back_to_the_page(client, kam1, plan):
    make_ready(plan)
    plan.status = PlanStatus.SUBMITTED
    plan.save()
    client.force_login(kam1)

    response = autosave(client, plan, "Late words.", 1)

    assert response.headers["HX-Redirect"] == reverse("plans:detail", args=[plan.pk])
    assert plan.sections.get(kind="industry").text == "Cement demand grows 4 % a year."


def test_an_outsider_cannot_open_or_save_a_section(client, kam2, plan):
    client.force_login(kam2)

    assert client.get(section_url(plan), **IN_PLACE).status_code == 404
    assert autosave(client, plan, "Mine now.", 1).status_code == 404
    assert plan.sections.get(kind="industry").text == ""


def test_the_meter_counts_what_is_filled_in(client, kam1, plan):
    client.force_login(kam1)
    page = client.get(reverse("plans:detail", args=[plan.pk]))
    assert page.context["completeness"].done == 0  # a new plan: nothing yet
    assert page.context["completeness"].total == 15

    make_ready(plan)  # the analysis, a strategy, a goal
    response = autosave(client, plan, "Our service.", 1, kind="strengths")

    assert response.context["completeness"].done == 4
    html = response.content.decode()
    assert 'id="completeness" class="mb-3" hx-swap-oob="true"' in html
    assert 'value="4" max="15"' in html
    assert "SWOT: weaknesses" in html  # listed as still to fill in
    assert "SWOT: strengths" not in html


def test_the_swot_is_a_two_by_two(client, kam1, plan):
    client.force_login(kam1)

    html = client.get(reverse("plans:detail", args=[plan.pk])).content.decode()

    swot = html.split('data-testid="swot"')[1].split("</div>\n      \n")[0]
    quadrants = ["strengths", "weaknesses", "opportunities", "threats"]
    positions = [swot.find(f'id="section-{kind}"') for kind in quadrants]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert "row-cols-md-2" in html.split('data-testid="swot"')[0].rsplit("<div", 1)[1]


def test_it_edits_the_targets_in_their_card(client, kam1, plan):
    client.force_login(kam1)
    url = reverse("plans:targets", args=[plan.pk])
    opened = client.get(url, **IN_PLACE)
    assert 'id="card-targets"' in opened.content.decode()
    assert "<html" not in opened.content.decode()

    data = posted(opened.context["form"]) | {"payments_target": "1500000"}
    saved = client.post(url, data, **IN_PLACE)

    plan.refresh_from_db()
    assert plan.payments_target == 1_500_000
    html = saved.content.decode()
    assert 'id="card-targets"' in html
    assert "1,500,000" in html  # the card as it now reads
    assert 'id="checklist"' in html  # the checklist brought up to date beside it
    assert "hx-swap-oob" in html


def test_a_target_form_with_errors_stays_in_its_card(client, kam1, plan):
    client.force_login(kam1)
    url = reverse("plans:targets", args=[plan.pk])
    data = posted(client.get(url, **IN_PLACE).context["form"]) | {"payments_target": "lots"}

    response = client.post(url, data, **IN_PLACE)

    assert response.status_code == 422
    assert 'id="card-targets"' in response.content.decode()
    assert response.context["form"].errors["payments_target"]
    plan.refresh_from_db()
    assert plan.payments_target == 0


def test_a_stale_target_edit_is_refused_in_its_card(client, kam1, admin, plan):
    client.force_login(kam1)
    url = reverse("plans:targets", args=[plan.pk])
    data = posted(client.get(url, **IN_PLACE).context["form"])
    client.force_login(admin)
    client.post(url, data | {"payments_target": "900000"}, **IN_PLACE)
    client.force_login(kam1)

    response = client.post(url, data | {"payments_target": "1500000"}, **IN_PLACE)

    assert response.status_code == 409
    assert 'id="card-targets"' in response.content.decode()
    plan.refresh_from_db()
    assert plan.payments_target == 900_000


def test_it_adds_a_goal_in_its_card(client, kam1, plan):
    client.force_login(kam1)
    url = reverse("plans:rows", args=[plan.pk, "goals"])
    assert 'id="card-goals"' in client.get(url, **IN_PLACE).content.decode()
    rows = [{"name": "Retention", "unit": "%", "target": "95", "actual": ""}]

    response = client.post(url, formset("goals", rows), **IN_PLACE)

    assert plan.goals.get().name == "Retention"
    html = response.content.decode()
    assert 'id="card-goals"' in html
    assert "Retention" in html
    assert 'value="1" max="15"' in html  # the meter moved


def test_the_plan_history_trail_and_whitespace_are_tabs_of_one_page(client, kam1, plan):
    client.force_login(kam1)

    for name, current in [
        ("detail", "Plan"),
        ("history", "History"),
        ("whitespace", "Whitespace map"),
    ]:
        html = client.get(reverse(f"plans:{name}", args=[plan.pk])).content.decode()
        tabs = html.split('aria-label="Plan views"')[1].split("</nav>")[0]
        assert (
            f'aria-current="page" href="{reverse(f"plans:{name}", args=[plan.pk])}">{current}'
            in tabs
        )
        assert tabs.count("nav-link") == 4
