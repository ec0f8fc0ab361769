"""WSGI entry point (`granian --interface wsgi opengov.wsgi:application`, or gunicorn)."""

import gc
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "opengov.settings")
django.setup(set_prefix=False)

from opengov.core.handlers import OpenGovWSGIHandler  # noqa: E402 - needs the settings

# Django's WSGI handler, with cookie-less API requests on a shorter chain (core/handlers.py)
application = OpenGovWSGIHandler()


def _load_before_serving() -> None:
    """Load what requests would otherwise load lazily (the URL configuration, hence every
    view and API module, and each language's translations), then leave all of it out of the
    garbage collector's full collections: they otherwise walk every object of the process,
    pausing all its threads for over 100 ms under load."""
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018 - imports the URL configuration
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Home")
    gc.collect()
    gc.freeze()


_load_before_serving()
