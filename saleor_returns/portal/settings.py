"""A shop's portal settings: branding checked for readable colours, and the origins that may embed it."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from saleor_returns.error_codes import ReturnErrorCode
from saleor_returns.models.portal import PortalSettings

HEX_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
MAX_FRAME_ANCESTORS = 10
# WCAG 2 AA for body text.
READABLE_CONTRAST = 4.5
WHITE, INK = "#FFFFFF", "#1B1B1F"


def settings_for(installation) -> PortalSettings:
    """The shop's settings; an unsaved row with the defaults when it has none."""
    return PortalSettings.objects.filter(installation=installation).first() or PortalSettings(installation=installation)


def _invalid(field: str, message: str, code: ReturnErrorCode = ReturnErrorCode.INVALID) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code.value)})


def _channel(value: int) -> float:
    fraction = value / 255
    return fraction / 12.92 if fraction <= 0.03928 else ((fraction + 0.055) / 1.055) ** 2.4


def luminance(color: str) -> float:
    red, green, blue = (int(color[index:index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on `background` (one always reaches 4.5:1)."""
    return WHITE if contrast(background, WHITE) >= contrast(background, INK) else INK


def readable_on_white(color: str) -> str:
    """`color`, darkened until it reads as text on white: links and focus rings keep the brand's hue."""
    red, green, blue = (int(color[index:index + 2], 16) for index in (1, 3, 5))
    current = color.upper()
    while contrast(current, WHITE) < READABLE_CONTRAST:
        red, green, blue = (int(part * 0.9) for part in (red, green, blue))
        current = f"#{red:02X}{green:02X}{blue:02X}"
    return current


@dataclass(frozen=True)
class Palette:
    primary: str
    on_primary: str
    primary_text: str
    accent: str
    on_accent: str


def palette(portal_settings: PortalSettings) -> Palette:
    return Palette(
        primary=portal_settings.primary_color, on_primary=text_on(portal_settings.primary_color),
        primary_text=readable_on_white(portal_settings.primary_color),
        accent=portal_settings.accent_color, on_accent=text_on(portal_settings.accent_color),
    )


def normalize_origin(value: str) -> str:
    """`https://shop.example.com[:port]`, or `https://*.example.com`; raises ValueError saying what is wrong."""
    text = (value or "").strip()
    parts = urlsplit(text)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ValueError(f"{text or 'An empty value'} is not an origin such as https://shop.example.com.")
    if parts.username or parts.password or parts.query or parts.fragment or parts.path not in ("", "/"):
        raise ValueError(f"{text} is not an origin: leave out the path, query and user name.")
    host = (parts.hostname or "").rstrip(".")
    labels = host.split(".")
    wildcard = labels[0] == "*"
    checked = labels[1:] if wildcard else labels
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{text} has an invalid port.") from None
    if not checked or (wildcard and len(checked) < 2) or not all(HOST_LABEL.match(label) for label in checked):
        raise ValueError(f"{text} does not name a host such as shop.example.com or *.example.com.")
    return f"{parts.scheme}://{host}" + (f":{port}" if port else "")


def _clean_color(field: str, value: str) -> str:
    value = (value or "").strip()
    if not HEX_COLOR.match(value):
        raise _invalid(field, "Give a colour as # and six hexadecimal digits, e.g. #1F4FD1.")
    return value.upper()


def _clean_logo_url(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or parts.username or parts.password:
        raise _invalid("logoUrl", "The logo must be an https:// address.")
    if len(value) > 500:
        raise _invalid("logoUrl", "Use at most 500 characters.")
    return value


def _clean_email(value: str) -> str:
    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise _invalid("supportEmail", "Give an e-mail address such as help@shop.example.com.") from None
    return value


def _clean_frame_ancestors(values) -> list[str]:
    origins = []
    for value in values or []:
        try:
            origin = normalize_origin(value)
        except ValueError as error:
            raise _invalid("frameAncestors", str(error)) from None
        if origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_FRAME_ANCESTORS:
        raise _invalid("frameAncestors", f"List at most {MAX_FRAME_ANCESTORS} origins.")
    return origins


def update_portal_settings(*, installation, changes: dict) -> PortalSettings:
    """Apply the given settings (snake_case keys); every value is checked before anything is saved."""
    cleaned = {}
    if "is_enabled" in changes:
        cleaned["is_enabled"] = bool(changes["is_enabled"])
    if "shop_name" in changes:
        name = (changes["shop_name"] or "").strip()
        if len(name) > 100:
            raise _invalid("shopName", "Use at most 100 characters.")
        cleaned["shop_name"] = name
    if "logo_url" in changes:
        cleaned["logo_url"] = _clean_logo_url(changes["logo_url"])
    for name, field in (("primary_color", "primaryColor"), ("accent_color", "accentColor")):
        if name in changes:
            cleaned[name] = _clean_color(field, changes[name])
    if "support_email" in changes:
        cleaned["support_email"] = _clean_email(changes["support_email"])
    if "frame_ancestors" in changes:
        cleaned["frame_ancestors"] = _clean_frame_ancestors(changes["frame_ancestors"])
    with transaction.atomic():
        portal_settings, _ = PortalSettings.objects.select_for_update().get_or_create(installation=installation)
        for name, value in cleaned.items():
            setattr(portal_settings, name, value)
        portal_settings.save()
    return portal_settings
