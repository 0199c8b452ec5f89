"""factory_boy factories."""

import factory
from django.utils import timezone

from saleor_returns.models import Installation


class InstallationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Installation

    saleor_api_url = factory.Sequence(lambda n: f"https://shop-{n}.example.com/graphql/")
    saleor_domain = factory.LazyAttribute(lambda o: o.saleor_api_url.split("/")[2])
    app_id = factory.Sequence(lambda n: f"QXBwOj{n}")
    app_token = factory.Sequence(lambda n: f"apptoken{n:022d}")
    is_active = True
    installed_at = factory.LazyFunction(timezone.now)
