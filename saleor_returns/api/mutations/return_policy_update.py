"""returnPolicyUpdate: staff write a new version of the shop's (or a channel's) policy."""

import graphene

from saleor_returns.access import SETTINGS_PERMISSIONS
from saleor_returns.api.enums import PolicyPresetEnum
from saleor_returns.api.mutations.base import ReturnMutation, enum_value
from saleor_returns.api.types.shop import ReturnPolicy
from saleor_returns.installations import actions as installation_actions


class ReturnPolicyUpdate(ReturnMutation):
    permissions = SETTINGS_PERMISSIONS

    class Arguments:
        channel_slug = graphene.String(description="Omit for the policy of every channel without its own.")
        rules = graphene.JSONString(
            required=True,
            description=(
                "Settings to set; the rest keep their defaults. Among them, the customer's messages: "
                "`ship_reminder_days` reminds the customer to send the parcel that many days after "
                "approval while no carrier has scanned it, once per approval; 0 sends no reminder, and it "
                "must be fewer than `approved_return_expiry_days` (default 3, or the day before approved "
                "returns expire if that comes first). `survey_enabled` (default true) "
                "sends the satisfaction survey `survey_delay_days` (0 to 365, default 2) after the return "
                "is resolved; 0 sends it within the hour, false sends none. Days are elapsed time, 24 hours "
                "each, and the policy in force when they fall due decides. Service targets, in hours (1 to "
                "8760), that return analytics measures each stage against: `target_hours_decision` (48), "
                "`target_hours_approval_to_scan` (120), `target_hours_scan_to_received` (120), "
                "`target_hours_received_to_resolved` (48) and `target_hours_request_to_money` (336)."
            ),
        )
        preset = PolicyPresetEnum(description="Apply a legal preset on top of the rules.")

    policy = graphene.Field(ReturnPolicy)

    @classmethod
    def perform(cls, info, requestor, actor, rules, channel_slug=None, preset=None):
        policy = installation_actions.update_return_policy(
            installation=requestor.installation,
            channel_slug=(channel_slug or "").strip(),
            rules=rules,
            preset=None if preset is None else enum_value(preset),
            actor=actor,
        )
        return cls(policy=policy, errors=[])
