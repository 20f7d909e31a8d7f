"""One configuration for every process: `.env` is read by `flask` and by the WSGI entry point
(gunicorn) alike, an explicit environment variable wins over it, and the outbox worker never
"delivers" a real recipient's mail to the log because its shell lacked the MAIL_* settings."""

from __future__ import annotations

import configparser
import json
import logging
import os
import subprocess
import sys

import pytest
from alembic import command

from tests.conftest import ROOT, alembic_config
from tests.support.newsletter import run_outbox
from tests.support.outbox import enqueue_mails

REAL = "patient@careleaf-patients.org"  # not a reserved example domain: a real recipient
OUTBOX = "/api/v1/outbox"


def _clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a new shell: none of the app's settings, the repository importable."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("MAIL_", "FLASK_", "DATABASE_", "SITE_", "TEST_"))
    }
    return {**environment, "PYTHONPATH": str(ROOT), **extra}


def _run(args: list[str], cwd, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=_clean_environment(**extra),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def shared_store(database_url, make_app, tmp_path):
    """(app, URL) of a store this test shares with a `flask` process: the test store on
    PostgreSQL; on SQLite a file of this test's own, so that no connection another test left
    open in this process has the file that a second process writes to."""
    if not database_url.startswith("sqlite"):
        return make_app(), database_url
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    command.upgrade(alembic_config(url), "head")
    return make_app(DATABASE_URL=url), url


def test_flask_cli_reads_dotenv_and_the_environment_wins(shared_store, smtp_server, tmp_path):
    app, url = shared_store
    enqueue_mails(app, to=REAL)
    (tmp_path / ".env").write_text(
        f"DATABASE_URL={url}\nMAIL_SERVER=127.0.0.1\nMAIL_PORT=1\nMAIL_TIMEOUT=5\n",
        encoding="utf-8",
    )
    # MAIL_PORT=1 in the file would fail; the variable set in the environment is used instead.
    result = _run(
        ["-m", "flask", "--app", "wsgi", "outbox", "run", "--once"],
        tmp_path,
        MAIL_PORT=str(smtp_server.port),
    )
    assert result.returncode == 0, result.stderr
    assert "claiming 1 messages" in result.stdout
    [mail] = smtp_server.messages
    assert mail["To"] == REAL
    # Sent means recorded as sent: another run has nothing left to deliver.
    again = _run(
        ["-m", "flask", "--app", "wsgi", "outbox", "run", "--once"],
        tmp_path,
        MAIL_PORT=str(smtp_server.port),
    )
    assert "claiming 0 messages" in again.stdout, again.stderr


def test_wsgi_entry_point_reads_dotenv_like_gunicorn_does(tmp_path):
    unused = f"sqlite:///{tmp_path / 'unused.db'}"  # the app is built, never queried
    (tmp_path / ".env").write_text(
        "# the server's settings\n"
        f"DATABASE_URL={unused}\n"
        "MAIL_SERVER=smtp.clinic.example\nMAIL_PORT=2525\nMAIL_BACKEND=smtp\n"
        "MAX_URL_BYTES=4000\n",
        encoding="utf-8",
    )
    script = (
        "import json, runpy, sys, wsgi\n"
        "conf = runpy.run_path(sys.argv[1])\n"
        "keys = ('MAIL_SERVER', 'MAIL_PORT', 'MAX_URL_BYTES')\n"
        "print(json.dumps({**{k: wsgi.app.config[k] for k in keys},"
        " 'gunicorn_fields': conf['limit_request_fields']}))\n"
    )
    result = _run(
        ["-c", script, str(ROOT / "gunicorn.conf.py")],
        tmp_path,
        MAIL_PORT="587",
        MAX_HEADER_FIELDS="50",
    )
    assert result.returncode == 0, result.stderr
    settings = json.loads(result.stdout.strip().splitlines()[-1])
    assert settings["MAIL_SERVER"] == "smtp.clinic.example"  # from .env
    assert settings["MAIL_PORT"] == 587  # the environment wins
    assert settings["MAX_URL_BYTES"] == 4000
    assert settings["gunicorn_fields"] == 50 + 28  # gunicorn.conf.py sees the same settings

    skipped = _run(
        ["-c", "import wsgi; print(wsgi.app.config['MAIL_SERVER'])"],
        tmp_path,
        FLASK_SKIP_DOTENV="1",
        DATABASE_URL=unused,
    )
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stdout.strip().splitlines()[-1] == "None"


def test_outbox_run_refuses_to_start_without_mail_server_for_real_recipients(
    app, runner, admin, caplog
):
    assert app.config["MAIL_SERVER"] is None and app.config["MAIL_BACKEND"] == "smtp"
    enqueue_mails(app, to="dev@example.com")
    enqueue_mails(app, to=f"Patient <{REAL}>")
    with caplog.at_level(logging.INFO):
        for args in (["outbox", "run", "--once"], ["outbox", "run"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 1, result.output
            assert "MAIL_SERVER is unset" in result.output
            assert "MAIL_BACKEND=log" in result.output
    assert {m["status"] for m in admin.get(OUTBOX).get_json()} == {"pending"}
    assert not [r for r in caplog.records if r.name == "careleaf.dev_mail"]


def test_a_running_worker_keeps_real_mail_without_mail_server(app, admin, caplog):
    # A worker started while the outbox held only example mail must not log a real one either.
    enqueue_mails(app, to=REAL)
    with caplog.at_level(logging.INFO):
        run_outbox(app)
    [message] = admin.get(OUTBOX).get_json()
    assert message["status"] == "pending" and message["attempts"] == 1
    assert "MAIL_SERVER is unset" in message["last_error"]
    assert not [r for r in caplog.records if r.name == "careleaf.dev_mail"]


@pytest.mark.parametrize("to", [REAL, "dev@example.com"])
def test_mail_backend_log_writes_every_mail_to_the_log_on_purpose(make_app, admin, caplog, to):
    logging_app = make_app(MAIL_BACKEND="log", MAIL_SERVER="smtp.unreachable.invalid")
    enqueue_mails(logging_app, to=to)
    with caplog.at_level(logging.INFO):
        result = logging_app.test_cli_runner().invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    [record] = [r for r in caplog.records if r.name == "careleaf.dev_mail"]
    assert record.getMessage().startswith("MAIL_BACKEND=log; this mail was not sent")
    assert to not in record.getMessage()  # redacted
    [message] = admin.get(OUTBOX).get_json()
    assert message["status"] == "sent"


def test_service_units_run_the_documented_commands_and_stop_gracefully(app):
    def unit(name: str) -> configparser.SectionProxy:
        parser = configparser.ConfigParser(interpolation=None, strict=True)
        parser.optionxform = str  # type: ignore[assignment,method-assign]
        parser.read(ROOT / "deploy" / name, encoding="utf-8")
        return parser["Service"]

    worker, web = unit("careleaf-outbox.service"), unit("careleaf-web.service")
    assert worker["ExecStart"].endswith("/flask --app wsgi outbox run")
    assert "gunicorn -c gunicorn.conf.py" in web["ExecStart"] and "wsgi:app" in web["ExecStart"]
    for service in (worker, web):
        # The working directory is where .env and gunicorn.conf.py are read from.
        assert service["WorkingDirectory"] and service["KillSignal"] == "SIGTERM"
    # systemd must not kill the worker before its own stop deadline (MAIL_TIMEOUT + 1 s).
    assert int(worker["TimeoutStopSec"]) > app.config["MAIL_TIMEOUT"] + 1
