from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from api.importer.frontmatter import FrontMatterError
from api.importer.seed import load_seed
from api.importer.services import import_articles
from api.newsletter.seed import seed_newsletters

SEED_DIRECTORY = Path(__file__).resolve().parents[2] / "seed"


@click.command("import-articles")
@with_appcontext
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--submit", is_flag=True, help="Send each created or changed draft for review (audited)."
)
def import_articles_command(paths: tuple[Path, ...], submit: bool) -> None:
    """Create drafts, or new revisions of drafts, from Markdown files with YAML front matter.

    Nothing is published: that is the workflow's (submit, approve, publish)."""
    failures = 0
    for result in import_articles(paths, submit=submit):
        if result.ok:
            click.echo(f"imported {result.path}: {result.slug} ({result.outcome})")
        else:
            failures += 1
            click.echo(f"error {result.path}: {result.error}", err=True)
    if failures:
        raise SystemExit(1)


@click.command("seed")
@with_appcontext
@click.option(
    "--directory", type=click.Path(path_type=Path, file_okay=False), default=SEED_DIRECTORY
)
def seed_command(directory: Path) -> None:
    """Create the demo content of seed/ that is missing; never changes existing records."""
    try:
        report = load_seed(directory)
        newsletters, old_newsletters = seed_newsletters(directory / "newsletters.yaml")
    except (FrontMatterError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    report.created += [f"newsletter {slug}" for slug in newsletters]
    report.skipped += [f"newsletter {slug}" for slug in old_newsletters]
    for path, error in report.errors:
        click.echo(f"error {path}: {error}", err=True)
    for entry in report.created:
        click.echo(f"created {entry}")
    for entry in report.skipped:
        click.echo(f"skipped {entry} (exists; left as it is)")
    click.echo(
        f"seed {directory} into {_store()}: {len(report.created)} created, "
        f"{len(report.skipped)} skipped, {len(report.errors)} failed"
    )
    if report.errors:
        raise SystemExit(1)


def _store() -> str:
    url = current_app.config["DATABASE_URL"]
    return url.split("@")[-1] if "@" in url else url
