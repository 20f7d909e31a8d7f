"""Topics by their code in a medical terminology (ICD-10-CM, SNOMED CT, MeSH).

Topics store codes as `{"icd10": ..., "snomed": ..., "mesh": ...}` (api/topics/models.py).
A lookup names the system by its label (`ICD-10-CM:M54.50`, `SNOMED CT:161891005`,
`MeSH:D001416`, any case) or, for HL7 Infobutton requests, by its OID. ICD-10-CM is a
hierarchy written into the code itself (M54 > M54.5 > M54.50): when no topic holds the exact
code, the lookup climbs it one character at a time and says which code matched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from api.core.errors import Problem
from api.extensions import db
from api.topics.models import Topic
from api.topics.services import with_pillar


@dataclass(frozen=True)
class CodeSystem:
    key: str  # the key in Topic.codes
    label: str  # the name people write
    oid: str  # HL7's identifier of the code system
    pattern: re.Pattern[str]  # a well-formed code, once normalized
    hierarchical: bool = False


ICD10CM = CodeSystem(
    "icd10",
    "ICD-10-CM",
    "2.16.840.1.113883.6.90",
    re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"),
    hierarchical=True,
)
SNOMED_CT = CodeSystem(
    "snomed", "SNOMED CT", "2.16.840.1.113883.6.96", re.compile(r"^[0-9]{6,18}$")
)
MESH = CodeSystem("mesh", "MeSH", "2.16.840.1.113883.6.177", re.compile(r"^[A-Z][0-9]{6,9}$"))
SYSTEMS = (ICD10CM, SNOMED_CT, MESH)
SYSTEM_NAMES = ", ".join(system.label for system in SYSTEMS)


def _folded(name: str) -> str:
    """`ICD-10-CM`, `icd10cm`, `SNOMED CT`, `snomed-ct` and `SNOMED_CT` are the same name."""
    return re.sub(r"[\s_-]+", "", name).casefold()


_BY_NAME = {_folded(system.label): system for system in SYSTEMS}
_BY_OID = {system.oid: system for system in SYSTEMS}


@dataclass
class CodeMatch:
    """The topics holding a code; `matched_code` may be an ancestor of the code asked for."""

    system: CodeSystem
    code: str
    matched_code: str | None = None
    topics: list[Topic] = field(default_factory=list)


def system_named(name: str) -> CodeSystem | None:
    return _BY_NAME.get(_folded(name))


def system_with_oid(oid: str) -> CodeSystem | None:
    return _BY_OID.get(oid.strip())


def normalize_code(system: CodeSystem, code: str) -> str | None:
    """The code as topics store it (upper case; ICD-10-CM with its dot), or None if malformed."""
    value = code.strip().upper()
    if system is ICD10CM and len(value) > 3 and "." not in value:
        value = f"{value[:3]}.{value[3:]}"  # EHRs often send M5450 for M54.50
    return value if system.pattern.match(value) else None


def parse_code_parameter(value: str, *, field_name: str = "code") -> tuple[CodeSystem, str]:
    """`SYSTEM:CODE` (system name in any case) -> (system, normalized code), or a 422."""
    name, colon, code = value.partition(":")
    if not colon or not name.strip() or not code.strip():
        raise Problem(
            422,
            f"Give the code as SYSTEM:CODE, e.g. ICD-10-CM:M54.50 (systems: {SYSTEM_NAMES}).",
            errors={field_name: ["Expected SYSTEM:CODE."]},
        )
    system = system_named(name)
    if system is None:
        raise Problem(
            422,
            f"Unknown code system '{name.strip()}'; use one of {SYSTEM_NAMES}.",
            errors={field_name: [f"Unknown code system '{name.strip()}'."]},
        )
    normalized = normalize_code(system, code)
    if normalized is None:
        raise Problem(
            422,
            f"'{code.strip()}' is not a well-formed {system.label} code.",
            errors={field_name: [f"Not a well-formed {system.label} code."]},
        )
    return system, normalized


def code_and_ancestors(system: CodeSystem, code: str) -> list[str]:
    """The code, then (ICD-10-CM only) each ancestor up to its three-character category."""
    if not system.hierarchical:
        return [code]
    category, _dot, detail = code.partition(".")
    return [f"{category}.{detail[:size]}" for size in range(len(detail), 0, -1)] + [category]


def topics_with_code(system: CodeSystem, code: str) -> CodeMatch:
    """Topics holding `code`, else (ICD-10-CM) those holding its nearest ancestor: one query.

    Topics are few (a taxonomy, not a terminology): the JSON lookup reads them all.
    """
    candidates = code_and_ancestors(system, code)
    stored = Topic.codes[system.key].as_string()
    topics = list(
        db.session.scalars(
            select(Topic)
            .where(stored.in_(candidates))
            .options(
                selectinload(Topic.parent),
                *with_pillar(),
            )
            .order_by(Topic.name, Topic.id)
        )
    )
    match = CodeMatch(system, code)
    for candidate in candidates:  # the most specific code that any topic holds wins
        held = [topic for topic in topics if topic.codes.get(system.key) == candidate]
        if held:
            match.matched_code, match.topics = candidate, held
            break
    return match


def recognize_code(text: str) -> tuple[CodeSystem, str] | None:
    """A search query that is one code (`M54.50`, `D001416`, `161891005`, `MeSH:D001416`).

    A bare code is read in the first system whose form it has: ICD-10-CM, then MeSH, then
    SNOMED CT (their forms do not overlap).
    """
    value = text.strip()
    if ":" in value:
        name, _colon, code = value.partition(":")
        system = system_named(name)
        normalized = normalize_code(system, code) if system else None
        return (system, normalized) if system and normalized else None
    if not value or " " in value:
        return None
    for system in (ICD10CM, MESH, SNOMED_CT):
        # Bare ICD-10-CM: dotted, or a three-character category (M54), never run on (M5450).
        if system is ICD10CM and "." not in value and len(value) != 3:
            continue
        normalized = normalize_code(system, value)
        if normalized is not None:
            return system, normalized
    return None
