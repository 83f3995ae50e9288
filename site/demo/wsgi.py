import io
import os

from django.core.management import call_command
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")
application = get_wsgi_application()
# A WSGI server runs no system checks, unlike runserver and migrate: refuse to serve with the
# demo's published SECRET_KEY in production (demo/checks.py) here too.
call_command("check", tags=["security"], stdout=io.StringIO())
