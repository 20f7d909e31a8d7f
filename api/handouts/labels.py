"""The few fixed words a handout prints, in the article's language (English when there are
none for it), and its dates written the way that language writes them."""

from __future__ import annotations

import datetime as dt

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "reviewed_by": "Medically reviewed by",
        "reviewed_on": "Reviewed on",
        "next_review": "Next review due",
        "written_by": "Written by",
        "published": "Published",
        "phone": "Phone",
        "scan": "Scan to read this online",
        "online": "Read this online",
        "page": "Page",
        "of": "of",
        "disclaimer": "Disclaimer",
    },
    "es": {
        "reviewed_by": "Revisión médica de",
        "reviewed_on": "Revisado el",
        "next_review": "Próxima revisión",
        "written_by": "Escrito por",
        "published": "Publicado el",
        "phone": "Teléfono",
        "scan": "Escanee para leerlo en línea",
        "online": "Léalo en línea",
        "page": "Página",
        "of": "de",
        "disclaimer": "Aviso",
    },
}
MONTHS = {
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
        "septiembre", "octubre", "noviembre", "diciembre",
    ),
}  # fmt: skip


def _language(tag: str) -> str:
    primary = tag.split("-", 1)[0].lower()
    return primary if primary in LABELS else "en"


def labels(tag: str) -> dict[str, str]:
    """The labels for a BCP 47 tag (by its primary language: es-MX reads Spanish)."""
    return LABELS[_language(tag)]


def long_date(day: dt.date | None, tag: str) -> str | None:
    """`3 March 2026`, `3 de marzo de 2026`: a date no reader can take for another."""
    if day is None:
        return None
    language = _language(tag)
    if language in MONTHS:
        return f"{day.day} de {MONTHS[language][day.month - 1]} de {day.year}"
    return f"{day.day} {day:%B %Y}"
