"""Building XML documents (feeds, sitemaps, Infobutton responses) from text we do not control:
characters XML 1.0 cannot carry are dropped, never sent as a document readers reject."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

# Control characters, lone surrogates and the two non-characters XML 1.0 forbids.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# The `updated` of a document with no entries: fixed, so that its validator does not move.
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot carry."""
    return _NOT_XML.sub("", text)


def add_element(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    """A child element of `parent`, its text and attribute values made XML-safe."""
    element = ET.SubElement(parent, tag, {name: xml_text(value) for name, value in attrib.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def rfc3339(moment: dt.datetime) -> str:
    """An Atom date: UTC, with a Z."""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
