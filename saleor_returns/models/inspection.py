"""What inspection finds in a returned unit and where the unit goes next."""

from django.db import models


class Condition(models.TextChoices):
    AS_NEW = "as_new"
    OPENED = "opened"
    DAMAGED = "damaged"
    MISSING_PARTS = "missing_parts"


class Disposition(models.TextChoices):
    RESTOCK = "restock"
    REFURBISH = "refurbish"
    SCRAP = "scrap"
    RETURN_TO_VENDOR = "return_to_vendor"
    RESELL_DISCOUNTED = "resell_discounted"
