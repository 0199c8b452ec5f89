"""The portal's routes, under /portal/<shop>/ (the installation's id)."""

from django.urls import path

from saleor_returns.portal.views import orders, returns, start, surveys
from saleor_returns.portal.views.base import asset

urlpatterns = [
    path("portal/assets/<path:path>", asset, name="portal-asset"),
    path("portal/<uuid:installation_id>/", start.home, name="portal-home"),
    path("portal/<uuid:installation_id>/theme.css", start.theme, name="portal-theme"),
    path("portal/<uuid:installation_id>/language", start.switch_language, name="portal-language"),
    path("portal/<uuid:installation_id>/lookup", start.lookup, name="portal-lookup"),
    path("portal/<uuid:installation_id>/signin", start.sign_in, name="portal-sign-in"),
    path("portal/<uuid:installation_id>/signout", start.sign_out, name="portal-sign-out"),
    path("portal/<uuid:installation_id>/orders", orders.orders, name="portal-orders"),
    path("portal/<uuid:installation_id>/orders/<str:order_id>/return", orders.new_return, name="portal-new-return"),
    path("portal/<uuid:installation_id>/return", start.open_link, name="portal-link"),
    path("portal/<uuid:installation_id>/return/<str:return_id>", returns.return_page, name="portal-return"),
    path("portal/<uuid:installation_id>/survey", surveys.survey, name="portal-survey"),
    path("portal/<uuid:installation_id>/return/<str:return_id>/survey", surveys.return_survey,
         name="portal-return-survey"),
    path("portal/<uuid:installation_id>/return/<str:return_id>/<slug:action>", returns.return_action,
         name="portal-return-action"),
]
