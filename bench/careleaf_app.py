"""Careleaf as the bench serves it: `gunicorn bench.careleaf_app:app`.

The same `create_app` as wsgi.py, with per-IP rate limits off (Flask-Limiter's
RATELIMIT_ENABLED): the load comes from one IP, and the signup target measures the cost of a
signup, not of a 429. Everything else is the production configuration from the environment.
"""

from api import create_app

app = create_app({"RATELIMIT_ENABLED": False})
