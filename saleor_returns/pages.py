"""Plain pages: the app's home, privacy and support pages."""

from django.conf import settings
from django.shortcuts import render
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
