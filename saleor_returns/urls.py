"""URL routes."""

from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from saleor_returns import evidence_urls, health, pages
from saleor_returns.dashboard import views as desk_views
from saleor_returns.api import exports
from saleor_returns.api.analytics_export import analytics_csv
from saleor_returns.api.analytics_review import kpi_review_page
from saleor_returns.api.views import ReturnsGraphQLView, graphiql_asset
from saleor_returns.notifications import views as notification_views
from saleor_returns.observability import views as observability_views
from saleor_returns.saleor import views as saleor_views
from saleor_returns.webhooks.carriers import carrier_webhook
from saleor_returns.webhooks.saleor.views import saleor_webhook

urlpatterns = [
    path("", pages.home, name="home"),
    path("privacy/", pages.privacy, name="privacy"),
    path("support/", pages.support, name="support"),
    path("healthz", health.healthz, name="healthz"),
    path("metrics", observability_views.metrics, name="metrics"),
    path("api/manifest", saleor_views.manifest, name="manifest"),
    path("api/register", saleor_views.register, name="register"),
    path("webhooks/saleor/<slug:event_slug>/", saleor_webhook, name="saleor-webhook"),
    path("webhooks/carriers/<slug:provider>/<str:key>/", carrier_webhook, name="carrier-webhook"),
    path("graphql/assets/<path:path>", graphiql_asset, name="graphiql-asset"),
    path("analytics/frequent-returners.csv", exports.frequent_returners_csv, name="export-frequent-returners"),
    path("analytics/<slug:table>.csv", analytics_csv, name="analytics-csv"),
    re_path(r"^analytics/review\.(?P<extension>html|pdf)$", kpi_review_page, name="analytics-kpi-review"),
    path("graphql/", csrf_exempt(ReturnsGraphQLView.as_view(graphiql=True)), name="graphql"),
    # The returns desk inside the Saleor Dashboard: every mount the manifest lists.
    # (with or without the trailing slash the Dashboard's url-join drops; never redirected)
    path("dashboard/assets/<path:path>", desk_views.asset, name="dashboard-asset"),
    path("dashboard/frames/message-preview", desk_views.message_preview_frame, name="dashboard-message-preview"),
    re_path(r"^dashboard(?:/(?P<subpage>.*))?$", desk_views.desk, name="dashboard"),
    path("evidence/<str:token>/", evidence_urls.evidence_file, name="evidence"),
    # The hosted returns portal of each shop.
    path("", include("saleor_returns.portal.urls")),
    path("notifications/unsubscribe/<str:token>", notification_views.unsubscribe, name="unsubscribe"),
]
