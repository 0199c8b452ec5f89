"""Field helpers shared by the models."""

from django.db import models


def money_field(**kwargs) -> models.DecimalField:
    """An amount; the currency sits in a `currency` field on the same row."""
    return models.DecimalField(max_digits=20, decimal_places=3, **kwargs)
