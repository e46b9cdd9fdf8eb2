"""Small real files for the attachment tests and benchmarks: images made with Pillow (a JPEG
with EXIF, GPS and a comment, a PNG with text chunks, an animated GIF, a WebP), a PDF, and
files that only pretend to be one."""
from __future__ import annotations

import io
from typing import Tuple

from PIL import Image

# A JPEG's EXIF: the camera, the author, a GPS position and the orientation (6: turn right).
EXIF_MAKE, EXIF_ARTIST, EXIF_GPS, EXIF_ORIENTATION = 0x010F, 0x013B, 0x8825, 0x0112


def jpeg_with_exif(size: Tuple[int, int] = (64, 32)) -> bytes:
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[EXIF_MAKE] = "SecretCam"
    exif[EXIF_ARTIST] = "Erika Muster"
    exif[EXIF_ORIENTATION] = 6
    exif.get_ifd(EXIF_GPS)[2] = (52.0, 31.0, 12.0)  # GPSLatitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"taken at home")
    return out.getvalue()


def png_with_text(size: Tuple[int, int] = (40, 30)) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Erika Muster")
    info.add_text("Comment", "home address: Musterweg 1")
    out = io.BytesIO()
    Image.new("RGBA", size, (10, 200, 10, 128)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def animated_gif(frames: int = 3, size: Tuple[int, int] = (20, 20)) -> bytes:
    images = [Image.new("RGB", size, (index * 60 % 256, 255 - index * 50 % 256, 90))
              for index in range(frames)]
    out = io.BytesIO()
    images[0].save(out, "GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def webp(size: Tuple[int, int] = (30, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 0, 255)).save(out, "WEBP")
    return out.getvalue()


def screenshot_png(size: Tuple[int, int] = (320, 200)) -> bytes:
    """What a clipboard screenshot is: a plain PNG."""
    image = Image.new("RGB", size, (240, 240, 240))
    for x in range(0, size[0], 16):
        for y in range(0, size[1], 16):
            image.putpixel((x, y), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pdf() -> bytes:
    """A one-page PDF (made by Pillow, as any PDF writer would)."""
    out = io.BytesIO()
    Image.new("RGB", (50, 50), (255, 255, 255)).save(out, "PDF")
    return out.getvalue()


def png_bomb(width: int = 20000, height: int = 20000) -> bytes:
    """A PNG that claims a huge picture in a few bytes: what a decompression bomb starts as."""
    out = io.BytesIO()
    Image.new("1", (width, height), 0).save(out, "PNG", optimize=True)
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


def noise_png(size: Tuple[int, int] = (120, 120)) -> bytes:
    """A PNG of random pixels: one that no compression makes small."""
    import os

    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()
