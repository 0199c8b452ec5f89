"""Message templates: the shipped defaults, a shop's own versions, validation and sandboxed rendering.

A template is Jinja2 reduced to placeholders: `{{ rma_number }}` and `{% if label_url %}…{% else
%}…{% endif %}` on the event's placeholders (`catalog.placeholders`), combined with `and`, `or`
and `not`. Nothing else is accepted: no attributes, items, calls, filters, loops, literals,
assignments, includes or macros, so a template can neither run code nor reach data other than
its message's own text values. That is checked on the template's syntax tree before it is
saved, and it renders in Jinja2's SandboxedEnvironment with no globals, filters or tests, with
StrictUndefined, over a context of plain strings only; HTML is autoescaped.

Defaults live in `default_templates/<language>.toml`, one table per event (subject, text,
html) and a `labels` table of the words placeholders are made of.
"""

import html as html_module
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.notifications import catalog
from saleor_returns.notifications.defaults import FIELDS, LANGUAGES, default_template
from saleor_returns.models.notifications import EVENTS, MessageTemplate
from saleor_returns.notifications.samples import sample_data, sample_recipient
from saleor_returns.notifications.values import placeholder_values

logger = logging.getLogger(__name__)

HTML_LANGUAGES = {"en": "en", "zh-hans": "zh-Hans"}
MAX_LENGTHS = {"subject": 500, "text": 50_000, "html": 100_000}
# The syntax a template may use; every other node of Jinja2's tree is refused.
ALLOWED_NODES = (nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.If, nodes.Not, nodes.And, nodes.Or)
FORBIDDEN_MESSAGE = (
    "Only placeholders such as {{ rma_number }} and {% if … %} on them are allowed: "
    "no attributes, calls, filters, loops, literals or other templates."
)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    html: str


def template_for(installation, event: str, language: str) -> dict[str, str]:
    """The shop's subject, text and HTML for `event` in `language`; a part it left blank is the default."""
    parts = default_template(event, language)
    own = MessageTemplate.objects.filter(installation=installation, event=event, language=language).first()
    if own is not None:
        parts.update({field: getattr(own, field) for field in FIELDS if getattr(own, field)})
    return parts


def _environment(*, autoescape: bool) -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=autoescape, trim_blocks=True, lstrip_blocks=True, cache_size=0
    )
    environment.globals.clear()
    environment.filters.clear()
    environment.tests.clear()
    return environment


TEXT_ENVIRONMENT = _environment(autoescape=False)
HTML_ENVIRONMENT = _environment(autoescape=True)


def _walk(node: nodes.Node):
    yield node
    for child in node.iter_child_nodes():
        yield from _walk(child)


def template_problems(event: str, field: str, source: str) -> list[ValidationError]:
    """Why `source` cannot be the `field` of `event`'s template, or an empty list."""
    if len(source) > MAX_LENGTHS[field]:
        return [ValidationError(f"At most {MAX_LENGTHS[field]} characters.", code=ReturnErrorCode.INVALID.value)]
    environment = HTML_ENVIRONMENT if field == "html" else TEXT_ENVIRONMENT
    try:
        tree = environment.parse(source)
    except TemplateSyntaxError as error:
        return [
            ValidationError(f"Line {error.lineno}: {error.message}", code=ReturnErrorCode.TEMPLATE_SYNTAX.value)
        ]
    allowed = catalog.placeholders(event)
    problems: list[ValidationError] = []
    unknown: list[str] = []
    for node in _walk(tree):
        if not isinstance(node, ALLOWED_NODES):
            return [ValidationError(FORBIDDEN_MESSAGE, code=ReturnErrorCode.TEMPLATE_FORBIDDEN.value)]
        if isinstance(node, nodes.Name) and (node.ctx != "load" or node.name not in allowed):
            if node.name not in unknown:
                unknown.append(node.name)
    for name in unknown:
        problems.append(
            ValidationError(
                f"{{{{ {name} }}}} is not a placeholder of this message; it can use "
                + ", ".join(f"{{{{ {known} }}}}" for known in allowed) + ".",
                code=ReturnErrorCode.UNKNOWN_PLACEHOLDER.value,
                params={"placeholder": name},
            )
        )
    return problems


def validate_template(event: str, parts: dict[str, str]) -> None:
    """Raise a ValidationError naming each part (`subject`, `text`, `html`) at fault."""
    errors = {field: problems for field, source in parts.items() if (problems := template_problems(event, field, source))}
    if errors:
        raise ValidationError(errors)


def _html_value(value: str) -> Markup:
    # Values of several lines (items, an address) keep their lines in HTML.
    return Markup("<br>\n").join(escape(line) for line in value.split("\n"))


def render(parts: dict[str, str], values: dict[str, str], *, language: str, footer: dict | None = None) -> RenderedMessage:
    """The message from validated template parts and its placeholder values (plain strings only).

    `footer` ({"text", "html"}, already safe) ends the message: the unsubscribe line of
    reminders and surveys, which a shop's template cannot leave out.
    """
    context = {name: str(value) for name, value in values.items()}
    subject = " ".join(TEXT_ENVIRONMENT.from_string(parts["subject"]).render(context).split())
    text = TEXT_ENVIRONMENT.from_string(parts["text"]).render(context).strip() + "\n"
    body = HTML_ENVIRONMENT.from_string(parts["html"]).render({name: _html_value(v) for name, v in context.items()})
    if footer:
        text += "\n-- \n" + footer["text"] + "\n"
        body += footer["html"]
    return RenderedMessage(subject=subject, text=text, html=html_document(subject, body, language))


def html_document(subject: str, body: str, language: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{HTML_LANGUAGES[language]}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html_module.escape(subject)}</title>\n</head>\n"
        '<body style="margin:0 auto;max-width:600px;padding:16px;font-family:-apple-system,\'Segoe UI\',Roboto,'
        "'PingFang SC','Microsoft YaHei',sans-serif;font-size:16px;line-height:1.5;color:#1f2328\">\n"
        f"{body}\n</body>\n</html>\n"
    )


def update_message_template(
    *, installation, event: str, language: str, parts: dict[str, str | None], updated_by: str = ""
) -> MessageTemplate:
    """Keep the shop's own version of the parts given (None: unchanged; empty: back to the default).

    Raises a ValidationError naming the part at fault; nothing is saved then.
    """
    check_event_and_language(event, language)
    given = {field: value for field, value in parts.items() if value is not None}
    validate_template(event, {field: value for field, value in given.items() if value})
    with transaction.atomic():
        template, _ = MessageTemplate.objects.select_for_update().get_or_create(
            installation=installation, event=event, language=language
        )
        for field, value in given.items():
            setattr(template, field, value)
        template.updated_by = updated_by
        template.save()
    logger.info("Message template updated", extra={"event": event, "language": language})
    return template


def check_event_and_language(event: str, language: str) -> None:
    if event not in EVENTS:
        raise ValidationError({"event": ValidationError("Unknown event.", code=ReturnErrorCode.INVALID.value)})
    if language not in LANGUAGES:
        raise ValidationError(
            {"language": ValidationError(f"Templates exist in {', '.join(LANGUAGES)}.", code=ReturnErrorCode.INVALID.value)}
        )


def preview_message(*, installation, event: str, language: str, parts: dict[str, str | None], shop_name: str,
                    support_email: str) -> RenderedMessage:
    """The message `event` would be with these parts (unsaved; missing ones as saved), on sample data.

    Raises a ValidationError as `update_message_template` would.
    """
    check_event_and_language(event, language)
    given = {field: value for field, value in parts.items() if value}
    validate_template(event, given)
    merged = {**template_for(installation, event, language), **given}
    values = placeholder_values(event, sample_data(event), language=language,
                                recipient=sample_recipient(shop_name, support_email))
    return render(merged, values, language=language)
