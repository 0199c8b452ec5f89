"""returnMessageTemplateUpdate: staff write a shop's own subject, text or HTML of an event's e-mail in a language."""

import graphene

from saleor_returns.access import INTEGRATION_PERMISSIONS
from saleor_returns.api.mutations.base import ReturnMutation, enum_value
from saleor_returns.api.notifications import ReturnMessageEventEnum, ReturnMessageLanguageEnum, ReturnMessageTemplate
from saleor_returns.notifications.templates import update_message_template


class ReturnMessageTemplateInput(graphene.InputObjectType):
    subject = graphene.String(description="Omit to keep; empty: back to the default.")
    text = graphene.String(description="The plain-text part. Omit to keep; empty: back to the default.")
    html = graphene.String(description="The HTML part. Omit to keep; empty: back to the default.")


class ReturnMessageTemplateUpdate(ReturnMutation):
    """Placeholders are written {{ name }}, with {% if name %}…{% else %}…{% endif %} around optional parts;
    an unknown placeholder, a syntax error or anything else is refused with the part at fault."""

    permissions = INTEGRATION_PERMISSIONS

    class Arguments:
        event = ReturnMessageEventEnum(required=True)
        language = ReturnMessageLanguageEnum(required=True)
        input = ReturnMessageTemplateInput(required=True)

    template = graphene.Field(ReturnMessageTemplate)

    @classmethod
    def perform(cls, info, requestor, actor, event, language, input):
        event, language = enum_value(event), enum_value(language)
        saved = update_message_template(
            installation=requestor.installation, event=event, language=language,
            parts={field: input.get(field) for field in ("subject", "text", "html")},
            updated_by=actor.email or actor.id,
        )
        return cls(template=ReturnMessageTemplate.build(event, language, saved), errors=[])
