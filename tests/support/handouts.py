"""Reading handouts as a patient meets them: the PDF's text and pages, and page images
(PDFium's rasterizer) in which a real QR decoder (zxing-cpp) reads the code."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pypdfium2
import zxingcpp
from PIL import Image
from pypdf import PdfReader

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def pdf_reader(response) -> PdfReader:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.data))


def pdf_text(reader: PdfReader) -> str:
    """All pages' text, whitespace folded (lines break wherever the layout broke them)."""
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def font_size(reader: PdfReader, phrase: str) -> float:
    """The size in points of the first run of text holding `phrase` (the run's font size
    scaled by its text and current transformation matrices, as a viewer shows it)."""
    sizes: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        if phrase in text:
            sizes.append(round(size * abs(cm[0]) * abs(tm[0]), 1))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
        if sizes:
            return sizes[0]
    raise AssertionError(f"{phrase!r} is not in the PDF")


def page_image(pdf: bytes, number: int = 0, dpi: int = 150) -> Image.Image:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[number].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()


def qr_codes(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def save_artifact(image: Image.Image, name: str, docs_name: str | None = None) -> Path:
    """Keep a page image under tests/artifacts/ (gitignored) for people to look at; with
    UPDATE_SCREENSHOTS=1 it also refreshes docs/images/<docs_name>, the one the docs show."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    image.save(path, optimize=True)
    if docs_name and os.environ.get("UPDATE_SCREENSHOTS"):
        image.save(DOCS_IMAGES / docs_name, optimize=True)
    return path
