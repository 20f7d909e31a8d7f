"""gunicorn settings for every documented way to serve Careleaf: `make run`, the production
command (docs/deployment-and-scale.md, "Serving in production") and the benchmark. gunicorn
reads this file from the working directory by itself; `-c gunicorn.conf.py` says so explicitly."""

from api import serving
from api.config import from_environment, load_env_file

load_env_file()  # before the limits below are read; wsgi.py (the app) loads the same file
# Above the app's own limits, so the app answers 414/431 first (problem+json, request id);
# what gunicorn still refuses itself is problem+json too.
_limits = serving.gunicorn_limits(from_environment())
limit_request_line = _limits["limit_request_line"]
limit_request_fields = _limits["limit_request_fields"]
limit_request_field_size = _limits["limit_request_field_size"]
serving.send_gunicorn_errors_as_problems()


def post_worker_init(worker):
    serving.refuse_per_process_limits(worker)
