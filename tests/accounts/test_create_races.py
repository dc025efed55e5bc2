"""Adding what can only be there once, at the same moment as a colleague: the second add
is told it is already there, never a 500."""

from django.db.models.signals import pre_save
from django.urls import reverse

from accounts.models import AccountTeamMember
from tests.factories import UserFactory


def test_adding_a_team_member_a_colleague_just_added_says_so(client, kam1, north_account):
    helper = UserFactory(username="lan", role="kam", team=kam1.team)
    client.force_login(kam1)

    def colleague_adds_lan_first(sender, instance, **kwargs):
        if instance.pk is None:  # between the form's check and this save
            pre_save.disconnect(colleague_adds_lan_first, sender=AccountTeamMember)
            AccountTeamMember.objects.create(account=north_account, user=helper, role="Support")

    pre_save.connect(colleague_adds_lan_first, sender=AccountTeamMember)
    try:
        response = client.post(
            reverse("accounts:team_member_add", args=[north_account.pk]),
            {"user": helper.pk, "role": "Technical lead"},
        )
    finally:
        pre_save.disconnect(colleague_adds_lan_first, sender=AccountTeamMember)

    assert response.status_code == 409
    assert "Someone added this a moment ago" in response.content.decode()
    # (The colleague's row went with this save's savepoint here; in life it is theirs.)
    assert north_account.team_members.count() <= 1
