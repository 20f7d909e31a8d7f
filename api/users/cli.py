"""`flask users create|list|set-role|deactivate` and `flask tokens create|list|revoke`: the way
in for the first admin, and staff administration without the API."""

from __future__ import annotations

import datetime as dt

import click
import marshmallow as ma
from flask.cli import AppGroup

from api.core import clock
from api.core.errors import Problem
from api.extensions import db
from api.users import services
from api.users.models import Role, User
from api.users.schemas import UserSchema

users_cli = AppGroup("users", help="Manage staff users.")
tokens_cli = AppGroup("tokens", help="Manage API tokens.")


def _fail(problem: Problem) -> None:
    details = "; ".join(
        f"{name}: {' '.join(map(str, messages))}"
        for name, messages in (problem.errors or {}).items()
    )
    raise click.ClickException(details or str(problem.description))


@users_cli.command("create")
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([role.value for role in Role]))
@click.option("--credentials", default=None, help="Shown publicly on reviewed articles, e.g. MD")
def create_user_command(name: str, email: str, role: str, credentials: str | None) -> None:
    """Create a staff user."""
    try:
        data = UserSchema().load(
            {"name": name, "email": email.strip(), "role": role, "credentials": credentials}
        )
        with db.transaction():
            user = services.create_user(None, data)
    except ma.ValidationError as error:
        raise click.ClickException(str(error.messages)) from None
    except Problem as problem:
        _fail(problem)
    click.echo(f"Created user {user.id} ({user.role.value}).")


USER_COLUMNS = ("id", "name", "email", "role", "credentials", "state")


@users_cli.command("list")
@click.option("--role", default=None, type=click.Choice([role.value for role in Role]))
def list_users_command(role: str | None) -> None:
    """List staff users (tab-separated, with a header), by name."""
    query = services.users_query()
    if role is not None:
        query = query.where(User.role == Role(role))
    click.echo("\t".join(USER_COLUMNS))
    for user in db.session.scalars(query):
        state = "active" if user.is_active else "inactive"
        values = (user.id, user.name, user.email, user.role.value, user.credentials or "-", state)
        click.echo("\t".join(str(value) for value in values))


def _update_user(email: str, data: dict[str, object]) -> User:
    """The same rules as the API (the last active admin stays one), audited as the CLI's."""
    try:
        with db.transaction():
            user = services.user_by_email(email)
            services.update_user(None, user, data)
    except Problem as problem:
        _fail(problem)
    return user


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice([role.value for role in Role]))
def set_role_command(email: str, role: str) -> None:
    """Give the user with this email another role."""
    user = _update_user(email, {"role": Role(role)})
    click.echo(f"User {user.id} is now {user.role.value}.")


@users_cli.command("deactivate")
@click.argument("email")
def deactivate_command(email: str) -> None:
    """Deactivate the user with this email: their tokens stop working at once."""
    user = _update_user(email, {"is_active": False})
    click.echo(f"Deactivated user {user.id}.")


@tokens_cli.command("create")
@click.option("--user", "email", required=True, help="The user's email")
@click.option("--name", required=True, help="What the token is for, e.g. laptop")
@click.option("--expires-in-days", type=click.IntRange(min=1), default=None)
def create_token_command(email: str, name: str, expires_in_days: int | None) -> None:
    """Create a token and print it, once: it cannot be shown again."""
    expires_at = clock.now() + dt.timedelta(days=expires_in_days) if expires_in_days else None
    try:
        with db.transaction():
            user = services.user_by_email(email)
            token, plain = services.create_token(None, user, name[:100], expires_at=expires_at)
    except Problem as problem:
        _fail(problem)
    click.echo(f"Token {token.id} for user {user.id} (shown once, keep it secret):", err=True)
    click.echo(plain)


LIST_COLUMNS = ("id", "user_id", "user", "name", "created", "last_used", "expires", "state")


@tokens_cli.command("list")
@click.option("--user", "email", default=None, help="Only this user's tokens")
def list_tokens_command(email: str | None) -> None:
    """List tokens (tab-separated, with a header); never the tokens themselves."""
    try:
        user_id = services.user_by_email(email).id if email else None
    except Problem as problem:
        _fail(problem)
    now = clock.now()
    click.echo("\t".join(LIST_COLUMNS))
    for token in db.session.scalars(services.tokens_query(user_id)):
        state = "revoked" if token.revoked_at else "active"
        if state == "active" and token.expires_at is not None and token.expires_at <= now:
            state = "expired"
        click.echo(
            "\t".join(
                str(value)
                for value in (
                    token.id,
                    token.user_id,
                    token.user.name,
                    token.name,
                    token.created_at.isoformat(),
                    token.last_used_at.isoformat() if token.last_used_at else "-",
                    token.expires_at.isoformat() if token.expires_at else "-",
                    state,
                )
            )
        )


@tokens_cli.command("revoke")
@click.argument("token_id", type=int)
def revoke_token_command(token_id: int) -> None:
    """Revoke a token by id; it stops working at once."""
    try:
        with db.transaction():
            services.revoke_token(None, services.token_or_404(token_id))
    except Problem as problem:
        _fail(problem)
    click.echo(f"Revoked token {token_id}.")
