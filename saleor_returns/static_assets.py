"""Serving a package folder's JavaScript and CSS as they are, with no build step (the desk, the portal)."""

import mimetypes
from pathlib import Path

from django.http import Http404
from django.views.static import serve

mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/css", ".css")


def serve_asset(request, root: Path, path: str):
    """The file at `path` under `root`, nothing outside it; revalidated on every use (Last-Modified),
    so a new release is picked up at once."""
    target = (root / path).resolve()
    if root not in target.parents or not target.is_file():
        raise Http404("No such asset.")
    response = serve(request, path, document_root=str(root))
    response["Cache-Control"] = "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response
