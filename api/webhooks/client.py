"""POSTing a webhook to a checked address, cut off at a hard deadline."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading

from api.webhooks.targets import Target

MAX_RESPONSE_BYTES = 64 * 1024


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address; Host (and TLS SNI) still name the host."""

    address: str = ""

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    address: str = ""

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _connection(target: Target, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        connection: http.client.HTTPConnection = _PinnedHTTPS(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = _PinnedHTTP(target.host, target.port, timeout=timeout)
    connection.address = target.addresses[0]  # type: ignore[attr-defined]
    return connection


def _abort(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """The response status; raises OSError (timeouts included) or HTTPException on failure.

    The whole exchange gets `timeout` seconds: a receiver that answers slowly, or trickles its
    answer, is cut off then.
    """
    connection = _connection(target, timeout)
    deadline = threading.Timer(timeout, _abort, args=(connection,))
    deadline.daemon = True
    deadline.start()
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MAX_RESPONSE_BYTES)
        if not deadline.is_alive():
            raise TimeoutError(f"no complete answer within {timeout:g} seconds")
        return response.status
    except OSError:
        if not deadline.is_alive():
            raise TimeoutError(f"no complete answer within {timeout:g} seconds") from None
        raise
    finally:
        deadline.cancel()
        connection.close()
