"""returnSpikeAlertNote: staff note what was done about a spike alert (the KPI review shows it)."""

import graphene

from saleor_returns.analytics.spikes import note_spike_alert
from saleor_returns.api.mutations.base import InputError, ReturnMutation, decode_id
from saleor_returns.api.returners import ReturnSpikeAlert
from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.ids import is_uuid


class ReturnSpikeAlertNote(ReturnMutation):
    """The latest note replaces the one before. NOT_FOUND for an alert of another shop."""

    class Arguments:
        id = graphene.ID(required=True)
        note = graphene.String(required=True)

    alert = graphene.Field(ReturnSpikeAlert)

    @classmethod
    def perform(cls, info, requestor, actor, id, note):
        alert_id = decode_id(id, "ReturnSpikeAlert")
        if not is_uuid(alert_id):
            raise InputError("id", ReturnErrorCode.NOT_FOUND, "No spike alert has this id.")
        alert = note_spike_alert(installation=requestor.installation, alert_id=alert_id, note=note, actor=actor)
        return cls(alert=alert, errors=[])
