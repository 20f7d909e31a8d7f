"""The demo's images, drawn here with Pillow when the seed runs (nothing downloaded).

Each entry of IMAGES is a simple, labelled diagram with its alt text; the seed uploads the
PNG through the media library's upload path (`api.media.actions.upload_media`, as the API
does), so drawing the same picture again finds the same item. Articles name an image in their
front matter: `feature_image: spine-discs`.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import NamedTuple

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 750
BACKGROUND = (246, 248, 252)
INK = (33, 41, 54)
BONE = (226, 214, 190)
DISC = (88, 150, 214)
CREDIT = "Careleaf demo illustration"


class DemoImage(NamedTuple):
    draw: Callable[[], Image.Image]
    alt: str
    caption: str


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def _canvas(title: str) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((40, 28), title, fill=INK, font=_font(40))
    return image, draw


def spine_discs() -> Image.Image:
    """The lumbar spine from the side: five vertebrae, the discs between them, labelled."""
    image, draw = _canvas("The lower (lumbar) spine, side view")
    left, top, height, gap = 430, 110, 86, 38
    for index in range(5):
        y = top + index * (height + gap)
        draw.rounded_rectangle(
            (left, y, left + 230, y + height), radius=18, fill=BONE, outline=INK, width=3
        )
        draw.polygon(  # the spinous process, pointing back (right)
            [(left + 230, y + 20), (left + 330, y + 40), (left + 230, y + 66)],
            fill=BONE,
            outline=INK,
        )
        draw.text((left - 90, y + height // 2 - 18), f"L{index + 1}", fill=INK, font=_font(34))
        if index < 4:
            disc_y = y + height + 4
            draw.ellipse(
                (left + 8, disc_y, left + 222, disc_y + gap - 8), fill=DISC, outline=INK, width=2
            )
    label_y = top + height + 8
    draw.line((left + 222, label_y + 10, 900, label_y + 10), fill=INK, width=3)
    draw.text((910, label_y - 12), "Disc (cushion)", fill=INK, font=_font(32))
    draw.line((left + 330, top + 40, 900, top + 40), fill=INK, width=3)
    draw.text((910, top + 18), "Vertebra (bone)", fill=INK, font=_font(32))
    draw.text((40, HEIGHT - 60), "Front of the body", fill=INK, font=_font(28))
    draw.text((WIDTH - 260, HEIGHT - 60), "Back of the body", fill=INK, font=_font(28))
    return image


def _person_lying(draw: ImageDraw.ImageDraw, x: int, y: int, knees: int) -> None:
    """A stick figure on its back; `knees` of them (0-2) pulled to the chest."""
    draw.ellipse((x, y - 26, x + 40, y + 14), outline=INK, width=4)  # head
    draw.line((x + 40, y, x + 170, y), fill=INK, width=6)  # body
    draw.line((x + 70, y, x + 110, y - 40), fill=INK, width=4)  # arm
    for leg in range(2):
        offset = leg * 8
        if leg < knees:  # thigh up to the chest, shin folded back
            draw.line((x + 170, y + offset, x + 130, y - 60 + offset), fill=INK, width=5)
            draw.line((x + 130, y - 60 + offset, x + 190, y - 90 + offset), fill=INK, width=5)
        else:  # knee bent, foot on the floor
            draw.line((x + 170, y + offset, x + 230, y - 60 + offset), fill=INK, width=5)
            draw.line((x + 230, y - 60 + offset, x + 270, y + offset), fill=INK, width=5)


def knee_to_chest() -> Image.Image:
    """A knee-to-chest stretch in three steps."""
    image, draw = _canvas("Knee-to-chest stretch in 3 steps")
    steps = (
        "Lie on your back,\nknees bent",
        "Bring one knee\nto your chest",
        "Then both knees;\nhold 20 seconds",
    )
    for index, text in enumerate(steps):
        x = 40 + index * 390
        draw.rounded_rectangle((x, 110, x + 360, 640), radius=20, outline=INK, width=3)
        draw.ellipse((x + 16, 126, x + 76, 186), fill=DISC)
        draw.text((x + 36, 134), str(index + 1), fill=(255, 255, 255), font=_font(38))
        draw.line((x + 20, 430, x + 340, 430), fill=(150, 150, 150), width=3)  # the floor
        _person_lying(draw, x + 40, 420, knees=index)
        draw.multiline_text((x + 24, 480), text, fill=INK, font=_font(30), spacing=8)
    return image


def balanced_plate() -> Image.Image:
    """An anti-inflammatory plate: half vegetables, a quarter each grains and protein."""
    image, draw = _canvas("An anti-inflammatory plate")
    box = (300, 120, 900, 720)
    draw.ellipse(
        (box[0] - 20, box[1] - 20, box[2] + 20, box[3] + 20),
        fill=(255, 255, 255),
        outline=INK,
        width=3,
    )
    draw.pieslice(box, 90, 270, fill=(96, 170, 92), outline=INK, width=3)  # left half
    draw.pieslice(box, 270, 360, fill=(214, 180, 120), outline=INK, width=3)  # top right
    draw.pieslice(box, 0, 90, fill=(236, 128, 100), outline=INK, width=3)  # bottom right
    font = _font(34)
    draw.multiline_text(
        (350, 380), "Vegetables\nand greens\n(half)", fill=(255, 255, 255), font=font
    )
    draw.multiline_text((640, 250), "Whole\ngrains", fill=INK, font=font)
    draw.multiline_text((640, 470), "Fish, beans\nor chicken", fill=INK, font=font)
    draw.ellipse((950, 560, 1090, 700), fill=(222, 196, 70), outline=INK, width=3)
    draw.text((930, 520), "Olive oil", fill=INK, font=_font(30))
    return image


IMAGES: dict[str, DemoImage] = {
    "spine-discs": DemoImage(
        spine_discs,
        "Diagram of the lower spine from the side: five vertebrae labelled L1 to L5, "
        "with a cushioning disc between each pair.",
        "The lumbar vertebrae and the discs between them.",
    ),
    "knee-to-chest-stretch": DemoImage(
        knee_to_chest,
        "Three drawings of a person lying on their back: knees bent, then one knee pulled "
        "to the chest, then both knees held to the chest.",
        "Knee-to-chest stretch: move slowly and stop if pain shoots down a leg.",
    ),
    "anti-inflammatory-plate": DemoImage(
        balanced_plate,
        "A plate divided into half vegetables and greens, a quarter whole grains and a "
        "quarter fish, beans or chicken, with a little olive oil on the side.",
        "Fill half the plate with vegetables.",
    ),
}


def png(name: str) -> bytes:
    """The PNG of one demo image."""
    buffer = io.BytesIO()
    IMAGES[name].draw().save(buffer, format="PNG")
    return buffer.getvalue()
