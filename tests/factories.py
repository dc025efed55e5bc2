from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Account, Opportunity, OpportunityStage, RevenueLine, Stakeholder
from kamcrm.models import Role, Team, User

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    role = Role.KAM
    password = factory.django.Password(PASSWORD)


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")
    director = factory.SubFactory(UserFactory, role=Role.DIRECTOR)


class AccountFactory(DjangoModelFactory[Account]):
    class Meta:
        model = Account

    name = factory.Faker("company")
    owner = factory.SubFactory(UserFactory, role=Role.KAM)
    currency_id = "USD"
    country = "Thailand"
    industry = "Cement"


class StakeholderFactory(DjangoModelFactory[Stakeholder]):
    class Meta:
        model = Stakeholder

    account = factory.SubFactory(AccountFactory)
    name = factory.Faker("name")
    title = "Head of procurement"
    department = "Procurement"


class OpportunityFactory(DjangoModelFactory[Opportunity]):
    class Meta:
        model = Opportunity

    account = factory.SubFactory(AccountFactory)
    name = factory.Sequence(lambda n: f"Deal {n}")
    stage = factory.LazyFunction(lambda: OpportunityStage.objects.get(name="Propose"))
    amount = Decimal("100000.00")
    currency_id = "USD"
    probability = 50
    expected_close = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=60))
    owner = factory.SelfAttribute("account.owner")


class RevenueLineFactory(DjangoModelFactory[RevenueLine]):
    class Meta:
        model = RevenueLine

    account = factory.SubFactory(AccountFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=40))
    amount = Decimal("1000.00")
    currency_id = "USD"
    external_ref = factory.Sequence(lambda n: f"R-{n}")
