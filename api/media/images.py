"""Decoding, checking and re-encoding uploaded images with Pillow; no database here.

An upload is trusted by nothing it claims (name, MIME type): Pillow decodes it, trying only
the JPEG, PNG, WebP and AVIF decoders. It is refused (`ImageRefused`, a 422 upstream) when it
is none of them, is animated, is a decompression bomb or larger than MEDIA_MAX_PIXELS, is
truncated, or carries something after the image's end (a polyglot: HTML, a ZIP archive) or
markup anywhere in it. Accepted images are oriented by their EXIF tag, then re-encoded from
pixels only, so EXIF (GPS included), XMP and text chunks never reach the store.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "jpeg", "PNG": "png", "WEBP": "webp", "AVIF": "avif"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp", "avif": "avif"}
MIMETYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "avif": "image/avif"}
RENDITION_WIDTHS = (320, 640, 1024, 1600)
RENDITION_FORMATS = ("webp", "jpeg")
# Markup a browser or server could execute if the file were ever served as HTML or SVG.
_MARKUP = re.compile(
    rb"<(?:html|script|svg|iframe|body|object|embed)[\s/>]|<!doctype\s+html|<\?php\s|<\?xml\s",
    re.IGNORECASE,
)
# A ZIP reader looks for its end-of-central-directory record in the last 64 KiB.
_ZIP_END = b"PK\x05\x06"
_ZIP_TAIL = 65_536 + 22
_SAVE_OPTIONS: dict[str, dict[str, object]] = {
    "jpeg": {"quality": 85, "progressive": True, "optimize": True},
    "png": {"optimize": False, "compress_level": 6},
    "webp": {"quality": 82, "method": 4},
    "avif": {"quality": 70},
}


class ImageRefused(Exception):
    """The upload is not an image this library stores; the message says why."""


@dataclass(frozen=True)
class Encoded:
    name: str  # "original" or the width
    format: str
    width: int
    height: int
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class Normalized:
    original: Encoded
    renditions: list[Encoded]
    dominant_color: str


def _check_markup(data: bytes) -> None:
    if data[:256].lstrip().startswith(b"<"):
        raise ImageRefused("SVG and other markup are not accepted: upload JPEG, PNG, WebP or AVIF.")
    if _MARKUP.search(data):
        raise ImageRefused("The file contains HTML or script markup besides the image.")
    if _ZIP_END in data[-_ZIP_TAIL:] or data.startswith(b"PK\x03\x04"):
        raise ImageRefused("The file is also a ZIP archive.")


def _png_end(data: bytes) -> int:
    position = 8
    while position + 12 <= len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        position += 12 + length
        if kind == b"IEND":
            return position
    raise ImageRefused("The PNG file is truncated.")


def _webp_end(data: bytes) -> int:
    (size,) = struct.unpack("<I", data[4:8])
    return 8 + size + (size & 1)


def _jpeg_end(data: bytes) -> int:
    """The offset after the EOI marker, walking segments and entropy-coded scans."""
    position, end = 2, len(data)
    while position < end:
        if data[position] != 0xFF:
            raise ImageRefused("The JPEG file is malformed.")
        while position < end and data[position] == 0xFF:
            position += 1  # fill bytes
        if position >= end:
            break
        marker = data[position]
        position += 1
        if marker == 0xD9:
            return position
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        if position + 2 > end:
            break
        (length,) = struct.unpack(">H", data[position : position + 2])
        position += length
        if marker == 0xDA:  # start of scan: entropy-coded data runs to the next real marker
            while position + 1 < end:
                if data[position] == 0xFF and data[position + 1] not in (0x00, *range(0xD0, 0xD8)):
                    break
                position += 1
            else:
                break
    raise ImageRefused("The JPEG file is truncated: it has no end marker.")


def _isobmff_end(data: bytes) -> int:
    position = 0
    while position < len(data):
        if position + 8 > len(data):
            return -1
        size, kind = struct.unpack(">I4s", data[position : position + 8])
        if size == 1 and position + 16 <= len(data):
            (size,) = struct.unpack(">Q", data[position + 8 : position + 16])
        elif size == 0:
            size = len(data) - position
        if size < 8 or not all(32 <= byte < 127 for byte in kind):
            return -1
        position += size
    return position


def _check_image_end(data: bytes, image_format: str) -> None:
    if image_format == "png":
        end = _png_end(data)
    elif image_format == "webp":
        end = _webp_end(data)
    elif image_format == "jpeg":
        end = _jpeg_end(data)
    else:
        end = _isobmff_end(data)
        if end != len(data):
            raise ImageRefused("The AVIF file is malformed or has data after its last box.")
    if end > len(data):
        raise ImageRefused(f"The {image_format.upper()} file is truncated.")
    if end < len(data):
        raise ImageRefused(
            f"The file has {len(data) - end} bytes after the end of the image "
            "(an image joined to another file)."
        )


def _open(data: bytes, max_pixels: int) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(FORMATS))
        except UnidentifiedImageError:
            raise ImageRefused("The file is not a JPEG, PNG, WebP or AVIF image.") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ImageRefused("The image has too many pixels (a decompression bomb?).") from None
        except (OSError, SyntaxError, ValueError, struct.error):
            raise ImageRefused("The image could not be decoded.") from None
    width, height = image.size
    if width < 1 or height < 1 or width * height > max_pixels:
        raise ImageRefused(
            f"The image is {width}x{height} pixels; at most {max_pixels} pixels are accepted."
        )
    if getattr(image, "n_frames", 1) > 1:
        raise ImageRefused("Animated images are not accepted.")
    return image


def _decode(data: bytes, max_pixels: int) -> tuple[Image.Image, str]:
    _check_markup(data)
    image = _open(data, max_pixels)
    image_format = FORMATS[image.format or ""]
    _check_image_end(data, image_format)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
            ImageOps.exif_transpose(image, in_place=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRefused("The image has too many pixels (a decompression bomb?).") from None
    except (OSError, SyntaxError, ValueError, struct.error):
        raise ImageRefused("The image is truncated or corrupt.") from None
    clean = _pixels_only(image)
    image.close()  # one full-size copy at a time: a 24-megapixel RGB photo is 72 MB
    return clean, image_format


def _pixels_only(image: Image.Image) -> Image.Image:
    """RGB or RGBA pixels with no metadata at all (EXIF, XMP, text chunks, ICC dropped)."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        image = image.point(lambda value: value / 256).convert("L")
    # A new plain Image (convert copies even to the same mode) whose `info`, where Pillow keeps
    # every piece of metadata an encoder could write back, is emptied.
    clean = image.convert("RGBA" if has_alpha else "RGB")
    clean.info = {}
    return clean


def _encode(image: Image.Image, image_format: str, name: str) -> Encoded:
    if image_format == "jpeg" and image.mode == "RGBA":
        flat = Image.new("RGB", image.size, (255, 255, 255))
        flat.paste(image, mask=image.getchannel("A"))
        image = flat
    buffer = io.BytesIO()
    image.save(buffer, format=image_format.upper(), **_SAVE_OPTIONS[image_format])
    return Encoded(name, image_format, image.width, image.height, buffer.getvalue())


def rendition_widths(width: int) -> list[int]:
    """The rendition widths for an image `width` pixels wide: never wider than the image."""
    return sorted({min(target, width) for target in RENDITION_WIDTHS})


def _dominant_color(image: Image.Image) -> str:
    red, green, blue = image.convert("RGB").resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))  # type: ignore[misc]
    return f"#{red:02x}{green:02x}{blue:02x}"


def normalize(data: bytes, *, max_pixels: int) -> Normalized:
    """Check and decode an upload, then encode its original and every rendition."""
    image, image_format = _decode(data, max_pixels)
    original = _encode(image, image_format, "original")
    renditions: list[Encoded] = []
    source = image
    for width in sorted(rendition_widths(image.width), reverse=True):
        height = max(1, round(image.height * width / image.width))
        # Each smaller width is reduced from the previous one: fast on a 24-megapixel photo.
        if (width, height) != source.size:
            source = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        renditions += [_encode(source, fmt, str(width)) for fmt in RENDITION_FORMATS]
    renditions.sort(key=lambda item: (item.format, item.width))
    return Normalized(original, renditions, _dominant_color(source))
