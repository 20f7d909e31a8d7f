"""Article body templates: realistic Markdown, rendered once each through the real pipeline.

Rendering 100,000 bodies of 10 KB one by one would take most of an hour, so a handful of
templates are rendered (Markdown -> sanitized HTML, contents, reading stats, exactly as a write
through the API derives them) and each article reuses one, with its own title and its own
internal-link targets substituted into the source, the HTML and the text afterwards.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass
from typing import Any

TITLE_MARK = "qqbenchtitleqq"
LINK_MARK = "qqbenchlink{}qq"
LINKS_PER_BODY = 4

THEMES: list[dict[str, Any]] = [
    {
        "subjects": ["back pain", "low back pain", "sciatica", "a stiff back", "neck pain"],
        "titles": ["Back pain", "Low back pain", "Sciatica", "Neck and back pain"],
    },
    {
        "subjects": ["sleep", "a restless night", "the mattress", "sleep position", "fatigue"],
        "titles": ["Sleep", "Sleeping positions", "Rest and recovery", "Fatigue"],
    },
    {
        "subjects": ["gut health", "fibre", "the microbiome", "bloating", "digestion"],
        "titles": ["Gut health", "Fibre", "Digestion", "The microbiome"],
    },
    {
        "subjects": ["walking", "stretching", "core strength", "swimming", "gentle exercise"],
        "titles": ["Walking", "Stretching", "Gentle exercise", "Core strength"],
    },
    {
        "subjects": ["stress", "mindfulness", "breathing", "anxiety", "chronic pain"],
        "titles": ["Stress", "Mindfulness", "Breathing exercises", "Living with chronic pain"],
    },
    {
        "subjects": ["inflammation", "omega-3 fats", "histamine", "mast cells", "joint pain"],
        "titles": ["Inflammation", "Omega-3 fats", "Histamine", "Mast cell activation"],
    },
]
ANGLES = [
    "a practical guide", "what helps", "at work", "for older adults", "myths and facts",
    "when to see a doctor", "first steps", "questions to ask", "a week-by-week plan",
    "for carers", "after surgery", "in pregnancy",
]  # fmt: skip
VERBS = [
    "affects", "eases", "often worsens", "can improve", "is linked to", "may relieve",
    "changes", "supports", "is measured against", "responds to",
]  # fmt: skip
OBJECTS = [
    "daily comfort", "morning stiffness", "the quality of your rest", "your mood",
    "muscle tension", "long-term recovery", "how far you can walk", "your energy",
    "flare-ups", "the way your joints move",
]  # fmt: skip
TAILS = [
    "for most people", "within a few weeks", "when you keep at it", "in small steps",
    "according to recent studies", "with the right support", "if you start slowly",
]  # fmt: skip
HEADINGS = [
    "Why it happens", "What you can do today", "Common triggers", "Everyday habits that help",
    "What the research says", "When to get help", "Questions people ask", "Planning ahead",
    "Living well", "Working with your care team",
]  # fmt: skip


@dataclass(frozen=True)
class Body:
    """One rendered template; `for_article` fills in an article's title and link targets."""

    theme: int
    markdown: str
    html: str
    text: str
    toc: list[dict[str, Any]]
    reading_time_minutes: int
    reading_grade: float

    def for_article(self, title: str, links: list[str]) -> dict[str, Any]:
        markdown, body_html, text = self.markdown, self.html, self.text
        markdown = markdown.replace(TITLE_MARK, title)
        body_html = body_html.replace(TITLE_MARK, html.escape(title, quote=False))
        text = text.replace(TITLE_MARK, title)
        for number, slug in enumerate(links):
            mark = LINK_MARK.format(number)
            markdown = markdown.replace(mark, slug)
            body_html = body_html.replace(mark, slug)
        return {
            "body_markdown": markdown,
            "body_html": body_html,
            "body_text": text,
            "toc": self.toc,
            "reading_time_minutes": self.reading_time_minutes,
            "reading_grade": self.reading_grade,
        }


def _sentence(rng: random.Random, subjects: list[str]) -> str:
    subject = rng.choice(subjects)
    text = f"{subject} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."
    return text[0].upper() + text[1:]


def _paragraph(rng: random.Random, subjects: list[str], sentences: int) -> str:
    return " ".join(_sentence(rng, subjects) for _ in range(sentences))


def template_markdown(variant: int) -> str:
    """About 10 KB of HTML once rendered: headings, paragraphs, lists and internal links."""
    rng = random.Random(variant)
    subjects = THEMES[variant % len(THEMES)]["subjects"]
    parts = [
        f"This article, {TITLE_MARK}, explains what matters most. " + _paragraph(rng, subjects, 8),
    ]
    headings = rng.sample(HEADINGS, len(HEADINGS))
    for index, heading in enumerate(headings):
        parts.append(f"## {heading}")
        parts.append(_paragraph(rng, subjects, rng.randint(5, 7)))
        items = [_sentence(rng, subjects) for _ in range(rng.randint(3, 5))]
        marker = "1." if index % 3 == 2 else "-"
        parts.append("\n".join(f"{marker} {item}" for item in items))
        if index % 2 == 0:
            link = LINK_MARK.format((index // 2) % LINKS_PER_BODY)
            parts.append(f"### {heading}: in more depth\n\n{_paragraph(rng, subjects, 3)} See also "
                         f"[this related article](/articles/{link}).")  # fmt: skip
    return "\n\n".join(parts) + "\n"


def render_templates(count: int) -> list[Body]:
    """Render `count` templates through `derive_from_body`, the API's write-time derivation.

    Needs an application context (the derivation reads the app's configuration).
    """
    from api.articles.derivation import derive_from_body
    from api.articles.models import Article

    bodies = []
    for variant in range(count):
        article = Article(body_markdown=template_markdown(variant))
        derive_from_body(article)
        bodies.append(
            Body(
                theme=variant % len(THEMES),
                markdown=article.body_markdown,
                html=article.body_html,
                text=article.body_text,
                toc=article.toc,
                reading_time_minutes=article.reading_time_minutes,
                reading_grade=article.reading_grade,
            )
        )
    return bodies


def article_title(rng: random.Random, theme: int) -> str:
    return f"{rng.choice(THEMES[theme]['titles'])}: {rng.choice(ANGLES)}"
