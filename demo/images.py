"""Placeholder images drawn with Pillow at seed time, so nothing binary lives in the repository."""

import colorsys
import functools
import hashlib
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

PLACEHOLDER_SIZE = (640, 400)


@functools.cache
def _fonts() -> tuple[ImageFont.ImageFont, ImageFont.ImageFont]:
    return ImageFont.load_default(size=26), ImageFont.load_default(size=15)


def placeholder_image(seed: str, title: str, index: int = 0) -> SimpleUploadedFile:
    """A 640×400 placeholder with colours and shapes derived from `seed`; a JPEG first, then a PNG."""
    digest = hashlib.sha256(f"{seed}#{index}".encode()).digest()
    hue = digest[0] / 255

    def colour(hue_shift: float, lightness: float, saturation: float) -> tuple[int, int, int]:
        red, green, blue = colorsys.hls_to_rgb((hue + hue_shift) % 1, lightness, saturation)
        return round(red * 255), round(green * 255), round(blue * 255)

    width, height = PLACEHOLDER_SIZE
    image = Image.new("RGB", PLACEHOLDER_SIZE, colour(0, 0.55, 0.45))
    draw = ImageDraw.Draw(image)
    for shape in range(5):
        x, y = digest[2 + shape * 3] / 255 * width, digest[3 + shape * 3] / 255 * (height - 90)
        radius = 30 + digest[4 + shape * 3] % 110
        fill = colour(0.08 * (shape + 1), 0.35 + 0.08 * shape, 0.5)
        box = (x - radius, y - radius, x + radius, y + radius)
        if digest[20 + shape] % 2:
            draw.ellipse(box, fill=fill)
        else:
            draw.rectangle(box, fill=fill)
    draw.rectangle((0, height - 90, width, height), fill=(250, 250, 247))
    title_font, note_font = _fonts()
    label = title if len(title) <= 42 else title[:41] + "…"
    draw.text((24, height - 78), label, fill=colour(0, 0.25, 0.5), font=title_font)
    draw.text((24, height - 36), "Placeholder image · Creative Labs demo", fill=(110, 110, 110), font=note_font)

    buffer = io.BytesIO()
    if index % 2 == 0:
        image.save(buffer, "JPEG", quality=85)
        name, content_type = f"placeholder-{index + 1}.jpg", "image/jpeg"
    else:
        image.save(buffer, "PNG")
        name, content_type = f"placeholder-{index + 1}.png", "image/png"
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)
