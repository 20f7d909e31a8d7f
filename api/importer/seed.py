"""The demo content of `seed/`: creates what is missing and never changes an existing record.

`make run` seeds on every start, so anything staff changed (an edited or unpublished article,
a renamed topic, a removed see-also link) must survive it. A record whose slug exists, or is
an old slug of an article, is skipped and reported as skipped; nothing existing is written.
"""

from __future__ import annotations

import importlib.util
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import marshmallow as ma
import yaml
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from api.articles import staff
from api.articles.models import Article, ArticleStatus
from api.authors.models import Author
from api.authors.schemas import AuthorSchema
from api.authors.services import save_author
from api.blocks.schemas import SharedBlockWriteSchema
from api.blocks.services import block_by_key
from api.core.errors import Problem
from api.extensions import db
from api.importer.articles import import_fields
from api.importer.demo import approve_block_through_review, demo_editor, publish_through_review
from api.importer.frontmatter import FrontMatterError, parse_article
from api.importer.services import problem_text
from api.media.actions import upload_media
from api.topics.models import Topic
from api.topics.schemas import TopicSchema
from api.topics.services import save_topic

# Keys of seed/topics.yaml loaded after the articles (pillars name articles), or structural.
TOPIC_GRAPH_KEYS = ("children", "related", "pillar")
# Shared blocks (a topic's red flags): seed/blocks/<group>/<name>.md is the block <group>/<name>.
BLOCKS_DIRECTORY = "blocks"
# The demo's drawn images (seed/images.py): a module, as drawing them is code.
IMAGES_MODULE = "images.py"


@dataclass
class SeedReport:
    """What one run created and skipped ("article back-pain-guide"), and files that failed."""

    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[tuple[Path, str]] = field(default_factory=list)


def _load_yaml_list(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise FrontMatterError(f"{path.name}: expected a YAML list")
    return data


def _flatten_topics(
    nodes: list[dict[str, Any]], parent: str | None = None
) -> Iterator[dict[str, Any]]:
    for position, node in enumerate(nodes):
        children = node.get("children") or []
        yield {**node, "parent": parent, "position": position}
        yield from _flatten_topics(children, node["slug"])


def seed_topics(path: Path, report: SeedReport) -> set[str]:
    """Create the missing topics; returns their slugs (only those get pillars and links)."""
    schema, created = TopicSchema(), set()
    existing = set(db.session.scalars(select(Topic.slug)))
    for node in _flatten_topics(_load_yaml_list(path)):
        data = schema.load({k: v for k, v in node.items() if k not in TOPIC_GRAPH_KEYS})
        if data["slug"] in existing:
            report.skipped.append(f"topic {data['slug']}")
            continue
        save_topic(None, data)
        created.add(data["slug"])
        report.created.append(f"topic {data['slug']}")
    return created


def seed_authors(path: Path, report: SeedReport) -> None:
    schema = AuthorSchema()
    existing = set(db.session.scalars(select(Author.slug)))
    for entry in _load_yaml_list(path):
        entry = {("bio_markdown" if k == "bio" else k): v for k, v in entry.items()}
        data = schema.load(entry)
        if data["slug"] in existing:
            report.skipped.append(f"author {data['slug']}")
            continue
        save_author(None, data)
        report.created.append(f"author {data['slug']}")


def _block_file(path: Path, directory: Path) -> dict[str, Any]:
    """A block file: front matter (`title`, optional `topic`) and the body as its Markdown."""
    parts = path.read_text(encoding="utf-8").split("---", 2)
    header, body = (parts[1], parts[2]) if len(parts) == 3 and not parts[0] else ("", "")
    fields = yaml.safe_load(header) if header.strip() else None
    if not isinstance(fields, dict) or not body.strip():
        raise FrontMatterError(f"{path.name}: expected '---' front matter, then the block's text")
    key = path.relative_to(directory / BLOCKS_DIRECTORY).with_suffix("").as_posix()
    return {**fields, "key": key, "body_markdown": body.lstrip("\n")}


def seed_blocks(directory: Path, report: SeedReport) -> None:
    """Create the missing shared blocks, approved by the demo reviewer (before the articles
    that include them); each file in its own transaction, like articles."""
    for path in sorted((directory / BLOCKS_DIRECTORY).glob("*/*.md")):
        try:
            with db.transaction():
                data = SharedBlockWriteSchema().load(_block_file(path, directory))
                if block_by_key(data["key"]) is not None:
                    report.skipped.append(f"shared block {data['key']}")
                    continue
                approve_block_through_review(data)
                report.created.append(f"shared block {data['key']}")
        except (OSError, UnicodeDecodeError, yaml.YAMLError, FrontMatterError) as error:
            report.errors.append((path, str(error)))
        except ma.ValidationError as error:
            report.errors.append((path, str(error.messages)))
        except Problem as problem:
            report.errors.append((path, problem_text(problem)))


def _article_exists(slug: str) -> bool:
    found = db.session.scalar(select(Article.id).where(Article.slug == slug))
    return found is not None or staff.redirect_owner(slug) is not None


def seed_images(directory: Path, report: SeedReport) -> dict[str, int]:
    """Draw the demo images of `directory`/images.py and upload each through the media
    library's upload (the API's path); name -> media id. Drawn again, an image is the same
    item (its hash): reported as skipped, its text left as staff may have changed it."""
    module_path = directory / IMAGES_MODULE
    if not module_path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location("careleaf_seed_images", module_path)
    if spec is None or spec.loader is None:
        raise FrontMatterError(f"{IMAGES_MODULE}: cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    editor, found = demo_editor(), {}
    for name, image in module.IMAGES.items():
        upload = FileStorage(io.BytesIO(module.png(name)), filename=f"{name}.png")
        text = {"alt": image.alt, "caption": image.caption, "credit": module.CREDIT}
        item, created = upload_media(editor, upload, text)
        found[name] = item.id
        (report.created if created else report.skipped).append(f"media {name}")
    return found


def seed_article(
    path: Path, directory: Path, report: SeedReport, images: dict[str, int] | None = None
) -> None:
    """Create the article of one file unless its slug exists (or once existed)."""
    fields = parse_article(path.read_text(encoding="utf-8"))
    if _article_exists(fields["slug"]):
        report.skipped.append(f"article {fields['slug']}")
        return
    name = fields.pop("feature_image", None)
    if name is not None:
        if name not in (images or {}):
            raise FrontMatterError(f"feature_image: no demo image is named '{name}'")
        fields["feature_image_id"] = (images or {})[name]
    # One road to publication: a draft with revision 1, then (if the file says published)
    # submit, approval by the demo reviewer and publish, each audited like an API request.
    requested = fields.pop("status")
    article = import_fields(fields, source=path.name).article
    if requested is ArticleStatus.PUBLISHED:
        publish_through_review(article, fields.get("published_at"))
    report.created.append(f"article {fields['slug']}")


def seed_articles(
    directory: Path, report: SeedReport, images: dict[str, int] | None = None
) -> None:
    """Each file in its own transaction: a bad file writes nothing, good files still load."""
    for path in sorted((directory / "articles").glob("*.md")):
        try:
            with db.transaction():
                seed_article(path, directory, report, images)
        except (OSError, UnicodeDecodeError, FrontMatterError) as error:
            report.errors.append((path, str(error)))
        except Problem as problem:
            report.errors.append((path, problem_text(problem)))


def seed_topic_graph(path: Path, created: set[str]) -> None:
    """Pillars and see-also links of the topics this run created; others keep what staff set."""
    from api.taxonomy.services import add_see_also

    topics = {topic.slug: topic for topic in db.session.scalars(select(Topic))}
    for node in _flatten_topics(_load_yaml_list(path)):
        topic = topics[node["slug"]]
        if "pillar" in node and node["slug"] in created:
            save_topic(topic, {"pillar": node["pillar"]})
        for other in node.get("related") or []:
            if other not in topics:
                raise FrontMatterError(f"{path.name}: {node['slug']} is related to unknown {other}")
            if node["slug"] in created or other in created:
                add_see_also(topic.id, topics[other].id)


def load_seed(directory: Path) -> SeedReport:
    """Load the topics, authors, shared blocks and articles of `directory` that the store does
    not have."""
    report = SeedReport()
    try:
        with db.transaction():
            created_topics = seed_topics(directory / "topics.yaml", report)
            seed_authors(directory / "authors.yaml", report)
    except ma.ValidationError as error:
        raise FrontMatterError(f"seed data is invalid: {error.messages}") from None
    seed_blocks(directory, report)
    with db.transaction():
        images = seed_images(directory, report)
    seed_articles(directory, report, images)
    try:
        with db.transaction():
            seed_topic_graph(directory / "topics.yaml", created_topics)
    except Problem as problem:
        raise FrontMatterError(f"topics.yaml: {problem_text(problem)}") from None
    return report
