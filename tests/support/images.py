"""Images for media tests, drawn with Pillow here (nothing downloaded): each format, a phone
photo with GPS in its EXIF, and the hostile kinds an upload must refuse."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def drawing(
    width: int = 800, height: int = 600, *, seed: int = 0, mode: str = "RGB"
) -> Image.Image:
    """A simple diagram: a background and a few shapes, different for each `seed`."""
    image = Image.new(mode, (width, height), (240, 244, 250, 255)[: len(mode)])
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (width // 10, height // 10, width // 2, height // 2), fill=(200, 40, 40, 255)[: len(mode)]
    )
    draw.ellipse(
        (width // 2, height // 3, width - 10, height - 10),
        fill=(20, 90, 160 + seed % 90, 255)[: len(mode)],
    )
    draw.line(
        (0, height - 1 - seed % height, width, seed % height),
        fill=(0, 0, 0, 255)[: len(mode)],
        width=5,
    )
    return image


def encode(image: Image.Image, image_format: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def jpeg(width: int = 800, height: int = 600, *, seed: int = 0) -> bytes:
    return encode(drawing(width, height, seed=seed), "JPEG", quality=90)


def png(width: int = 800, height: int = 600, *, seed: int = 0) -> bytes:
    return encode(drawing(width, height, seed=seed, mode="RGBA"), "PNG")


def webp(width: int = 800, height: int = 600, *, seed: int = 0) -> bytes:
    return encode(drawing(width, height, seed=seed), "WEBP", quality=90)


def avif(width: int = 800, height: int = 600, *, seed: int = 0) -> bytes:
    return encode(drawing(width, height, seed=seed), "AVIF", quality=80)


def phone_photo(*, width: int = 800, height: int = 600, orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: GPS coordinates, a camera model and an orientation tag
    (6: the pixels are stored rotated; shown upright they are `height` wide)."""
    exif = Image.Exif()
    exif[0x010F] = "CareleafPhone"  # Make
    exif[0x0110] = "Model 7"  # Model
    exif[ORIENTATION] = orientation
    exif[GPS_IFD] = {1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.0)}
    return encode(drawing(width, height), "JPEG", quality=90, exif=exif.tobytes())


def png_with_text(*, key: str = "Location", value: str = "51.5007 N, 0.1246 W") -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(key, value)
    return encode(drawing(400, 300, mode="RGBA"), "PNG", pnginfo=info)


def bomb_png(side: int = 30_000) -> bytes:
    """A tiny PNG that claims `side` x `side` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * side
    data = zlib.compress(row * 64, 9)  # far fewer rows than claimed: never decoded anyway
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


def truncated(data: bytes, keep: float = 0.6) -> bytes:
    return data[: int(len(data) * keep)]


def with_html(data: bytes) -> bytes:
    return data + b"<html><body><script>alert(document.cookie)</script></body></html>"


def with_zip(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.html", "<p>hello</p>")
    return data + buffer.getvalue()


SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
)


def gif() -> bytes:
    return encode(drawing(50, 50), "GIF")


def animated_webp() -> bytes:
    frames = [drawing(100, 80, seed=seed) for seed in range(3)]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="WEBP", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def upload(staff: object, data: bytes, filename: str = "picture.jpg", **fields: object) -> object:
    """POST an image to the media library as `staff`, as a browser form would."""
    form: dict[str, object] = {"file": (io.BytesIO(data), filename), **fields}
    return staff.post(  # type: ignore[attr-defined]
        "/api/v1/media", data=form, content_type="multipart/form-data"
    )
