"""How the Saleor Dashboard (3.23) builds the addresses of app iframes and app pages.

A port of what the real Dashboard runs, so that the double, and the tests of the
manifest, load the app exactly where the real one does (shared/specs/saleor.md §j):

* ``url_join`` is url-join 4.0.1 (``lib/url-join.js``), which the Dashboard uses
  for every app URL. It drops the slash before a query and turns every ``?`` after
  the first into ``&``.
* ``stringify_qs`` is the Dashboard's ``stringifyQs`` (qs 6: RFC 3986 encoding,
  arrays joined by commas for iframe context).
* The rest follows ``src/extensions/urls.ts`` (``ExtensionsUrls``),
  ``ViewManifestExtensionIframe.tsx``, ``AppIFrame.tsx``,
  ``AppWidgetExtensionItem.tsx`` and ``useExtensions.ts`` of saleor-dashboard 3.23.27.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote

EXTENSIONS_APP_SECTION = "/extensions/app"
INSTALLED_EXTENSIONS_PATH = "/extensions/installed"


def url_join(*parts: str) -> str:
    """url-join 4.0.1's ``normalize``, line for line."""
    items = list(parts)
    if not items:
        return ""
    # A first part that is a bare protocol is combined with the next one.
    if re.match(r"^[^/:]+:/*$", items[0]) and len(items) > 1:
        first = items.pop(0)
        items[0] = first + items[0]
    if re.match(r"^file:///", items[0]):
        items[0] = re.sub(r"^([^/:]+):/*", r"\1:///", items[0], count=1)
    else:
        items[0] = re.sub(r"^([^/:]+):/*", r"\1://", items[0], count=1)
    result = []
    for index, component in enumerate(items):
        if component == "":
            continue
        if index > 0:
            component = re.sub(r"^/+", "", component, count=1)
        if index < len(items) - 1:
            component = re.sub(r"/+$", "", component, count=1)
        else:
            component = re.sub(r"/+$", "/", component, count=1)
        result.append(component)
    joined = "/".join(result)
    # The slash before a query or a fragment goes; later "?" become "&".
    joined = re.sub(r"/(\?|&|#[^!])", r"\1", joined)
    head, *rest = joined.split("?")
    return head + ("?" if rest else "") + "&".join(rest)


def encode_uri_component(value: str) -> str:
    """JavaScript's ``encodeURIComponent``."""
    return quote(value, safe="-_.!~*'()")


def _qs_encode(value: str) -> str:
    # qs's default encoder (RFC 3986): everything but unreserved characters.
    return quote(value, safe="-_.~")


def stringify_qs(params: Mapping[str, object] | Iterable[tuple[str, object]], *, comma: bool = False) -> str:
    """qs.stringify: keys in order, ``None`` left out, lists as ``key[0]=…`` or (comma) ``key=a,b``."""
    items = params.items() if isinstance(params, Mapping) else params
    pairs = []
    for key, value in items:
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            if comma:
                pairs.append(f"{_qs_encode(key)}={_qs_encode(','.join(str(v) for v in value))}")
            else:
                pairs += [f"{_qs_encode(f'{key}[{i}]')}={_qs_encode(str(v))}" for i, v in enumerate(value)]
        else:
            pairs.append(f"{_qs_encode(key)}={_qs_encode(str(value))}")
    return "&".join(pairs)


def is_url_absolute(url: str) -> bool:
    """``isUrlAbsolute``: a scheme and "://"."""
    return bool(re.match(r"^[a-zA-Z][a-zA-Z\d+\-.]*://", url))


def view_manifest_extension_path(app_id: str) -> str:
    """``/extensions/app/<encoded app id>``: where the Dashboard shows an app."""
    return url_join(EXTENSIONS_APP_SECTION, encode_uri_component(app_id))


def app_deep_url(app_id: str, sub_path: str, params: Mapping[str, object] | None = None) -> str:
    """``resolveAppDeepUrl``: the Dashboard route an APP_PAGE extension opens (``openAppInContext``)."""
    return url_join(view_manifest_extension_path(app_id), sub_path) + "?" + stringify_qs(params or {})


def app_complete_url(dashboard_path: str, app_url: str, app_id: str, app_path: str | None = None) -> str:
    """``resolveAppCompleteUrlFromDashboardUrl`` (+ ``?appPath``): the app page behind a Dashboard route."""
    deep_sub_path = dashboard_path.replace(view_manifest_extension_path(app_id), "", 1)
    complete = url_join(app_url, deep_sub_path)
    if app_path:
        complete = f"{complete}/{app_path}"
    return complete


def app_iframe_url(
    app_id: str,
    src: str,
    *,
    saleor_api_url: str,
    location_search: str,
    params: Sequence[tuple[str, object]] = (),
) -> str:
    """``resolveAppIframeUrl``: ``src`` joined with the Dashboard's own query and the iframe context."""
    domain = saleor_api_url.split("://", 1)[1].split("/", 1)[0]
    context = dict([("domain", domain), ("saleorApiUrl", saleor_api_url), ("id", app_id)])
    context.update(params)
    return url_join(src, location_search, "?" + stringify_qs(context, comma=True))


def widget_extension_url(extension_url: str, app_url: str | None) -> str:
    """AppWidgetExtensionItem: an absolute ``url`` as is, else glued to appUrl (no join)."""
    return extension_url if is_url_absolute(extension_url) else f"{app_url or ''}{extension_url}"


def widget_iframe_url(
    *,
    app_id: str,
    extension_url: str,
    app_url: str | None,
    saleor_api_url: str,
    location_search: str,
    theme: str,
    params: Sequence[tuple[str, object]] = (),
) -> str:
    """A GET widget's iframe address: resolveAppIframeUrl runs twice, in the item and in AppIFrame.

    So ``domain``, ``saleorApiUrl``, ``id``, ``theme`` and the Dashboard's own query appear twice.
    """
    first = app_iframe_url(
        app_id, widget_extension_url(extension_url, app_url), saleor_api_url=saleor_api_url,
        location_search=location_search, params=[("id", app_id), ("theme", theme)],
    )
    return app_iframe_url(
        app_id, first, saleor_api_url=saleor_api_url, location_search=location_search,
        params=[*params, ("theme", theme)],
    )

