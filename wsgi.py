"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from api import create_app
from api.config import load_env_file

load_env_file()  # `.env`, as `flask` reads it: gunicorn and the CLI share one configuration
app = create_app()
