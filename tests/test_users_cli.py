"""`flask users list|set-role|deactivate`: staff administration from the command line, with
the API's rules (the last active admin stays one) and its audit log."""

from __future__ import annotations

from tests.support.staff import problem


def test_list_set_role_and_deactivate(runner, make_staff, admin, client):
    writer = make_staff("writer", name="Wendy Writer", email="wendy@clinic.example")
    make_staff("reviewer", name="Rita Reviewer", email="rita@clinic.example", credentials="MD")

    listed = runner.invoke(args=["users", "list"])
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert lines[0] == "id\tname\temail\trole\tcredentials\tstate"
    rows = {line.split("\t")[2]: line.split("\t") for line in lines[1:]}
    assert rows["wendy@clinic.example"][1:] == [
        "Wendy Writer", "wendy@clinic.example", "writer", "-", "active",
    ]  # fmt: skip
    assert rows["rita@clinic.example"][4] == "MD"
    assert len(rows) == 3
    only_writers = runner.invoke(args=["users", "list", "--role", "writer"]).output
    assert [line.split("\t")[2] for line in only_writers.splitlines()[1:]] == [
        "wendy@clinic.example"
    ]

    promoted = runner.invoke(args=["users", "set-role", " WENDY@clinic.example", "editor"])
    assert promoted.exit_code == 0, promoted.output
    assert "now editor" in promoted.output
    assert writer.get("/api/v1/users/me").get_json()["role"] == "editor"

    deactivated = runner.invoke(args=["users", "deactivate", "wendy@clinic.example"])
    assert deactivated.exit_code == 0, deactivated.output
    problem(writer.get("/api/v1/users/me"), 401)  # the token stops working at once
    assert "\tinactive" in runner.invoke(args=["users", "list", "--role", "editor"]).output

    audit = admin.get("/api/v1/audit?object_type=user").get_json()
    changes = [entry["changes"] for entry in audit if entry["action"] == "user.update"]
    assert {"is_active": {"from": True, "to": False}} in changes
    assert {"role": {"from": "writer", "to": "editor"}} in changes
    assert all(entry["actor"] is None for entry in audit if entry["action"] == "user.update")


def test_cli_keeps_the_last_admin_and_names_unknown_users(runner, admin):
    email = admin.user.email
    demoted = runner.invoke(args=["users", "set-role", email, "writer"])
    assert demoted.exit_code != 0 and "last active admin" in demoted.output
    assert runner.invoke(args=["users", "deactivate", email]).exit_code != 0
    assert admin.get("/api/v1/users/me").get_json()["role"] == "admin"

    unknown = runner.invoke(args=["users", "deactivate", "nobody@clinic.example"])
    assert unknown.exit_code != 0 and "Unknown user" in unknown.output
    wrong_role = runner.invoke(args=["users", "set-role", email, "overlord"])
    assert wrong_role.exit_code != 0 and "overlord" in wrong_role.output
