"""Plain pages: the app's home, privacy and support pages, and the Dashboard mount point."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from saleor_returns import __version__


def _context(**extra) -> dict:
    return {"manifest_url": settings.APP_PUBLIC_URL + "/api/manifest", "version": __version__, **extra}


@require_GET
def home(request):
    return render(request, "saleor_returns/home.html", _context())


@require_GET
def privacy(request):
    return render(request, "saleor_returns/privacy.html", _context())


@require_GET
def support(request):
    return render(request, "saleor_returns/support.html", _context())


@require_GET
@xframe_options_exempt
def dashboard(request, subpage: str = ""):
    """Mount point of the app inside the Saleor Dashboard (its iframe)."""
    return render(request, "saleor_returns/dashboard.html", _context())
