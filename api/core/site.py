"""Where this API is reached: SITE_URL, or when it is unset, the host and port being served."""

from __future__ import annotations

from flask import current_app, has_request_context, request

# Outside a request with neither SITE_URL nor SERVER_NAME: `make run`'s default address.
DEVELOPMENT_SITE_URL = "http://127.0.0.1:5000"


def site_url(*, from_request: bool = True) -> str:
    """The API's base URL, without a trailing slash.

    SITE_URL when set. Unset, a response names the scheme, host and port its request came
    to (`make run` on another port, or another host, links to itself), unless `from_request`
    is False: mail must never carry a host a client chose (the Host header is the client's),
    so it takes SERVER_NAME, else the development address. `make run` sets SITE_URL from
    PORT; production sets it.
    """
    config = current_app.config
    if config.get("SITE_URL"):
        return str(config["SITE_URL"]).rstrip("/")
    if from_request and has_request_context():
        return request.host_url.rstrip("/")
    if config.get("SERVER_NAME"):
        return f"{config['PREFERRED_URL_SCHEME']}://{config['SERVER_NAME']}"
    return DEVELOPMENT_SITE_URL
