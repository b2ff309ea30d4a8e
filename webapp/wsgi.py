"""WSGI entry point for production servers: ``gunicorn webapp.wsgi:app`` (reads gunicorn.conf.py).

An unsafe production configuration stops the server with one line naming the setting (exit
status 4: gunicorn reports "App failed to load" and does not retry). The served process collects
cyclic garbage less often (webapp.platform.garbage_collection).
"""

import sys

from webapp import create_served_app
from webapp.platform.garbage_collection import collect_less_often
from webapp.platform.observability.safety import UnsafeConfiguration

try:
    app = create_served_app()
except UnsafeConfiguration as refused:
    print(f"mahalla: {refused}", file=sys.stderr, flush=True)
    sys.exit(4)
collect_less_often()
