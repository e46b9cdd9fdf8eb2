"""What a sent file is, from its bytes alone (never its name or the type the client claims), and
the copy of it the hub keeps: images (PNG, JPEG, WebP, GIF) decoded and encoded again, which
leaves their metadata (EXIF, comments, GPS, thumbnails) behind and anything hidden after the
picture; PDFs kept as sent (they are only ever served as downloads, in a sandbox). Anything
else is refused, SVG and HTML included: nothing the hub serves can run script.
"""
from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Optional

from PIL import Image, ImageOps

PDF = "application/pdf"
# The image formats accepted: Pillow's name, the served type, the file extension.
IMAGE_TYPES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg"),
               "WEBP": ("image/webp", "webp"), "GIF": ("image/gif", "gif")}
ACCEPTED_TYPES = tuple(content_type for content_type, _ in IMAGE_TYPES.values()) + (PDF,)
NAME_CHARS = 120
# What of an image's `info` is the picture itself (an animation's timing, which colour is
# transparent); Pillow writes the rest (EXIF, comments, text chunks, ICC, XMP) back if left.
PICTURE_INFO = frozenset({"duration", "loop", "transparency", "background", "disposal"})
JPEG_QUALITY = 90
WEBP_QUALITY = 90


class Refused(ValueError):
    """A file the hub does not keep; `code` is what the client says, in its user's language."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class KeptFile:
    content: bytes
    content_type: str
    name: str
    width: Optional[int] = None
    height: Optional[int] = None

    @property
    def is_image(self) -> bool:
        return self.content_type != PDF


def sniffed_format(content: bytes) -> Optional[str]:
    """The accepted format the bytes start as (a Pillow format name, or "PDF"), else None."""
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if content.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if content[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "WEBP"
    if content.startswith(b"%PDF-"):
        return "PDF"
    return None


def kept_file(content: bytes, name: str, max_bytes: int, max_pixels: int) -> KeptFile:
    """The copy the hub keeps of a sent file, or Refused."""
    if not content:
        raise Refused("file_empty", "the file is empty")
    if len(content) > max_bytes:
        raise Refused("file_too_large", f"files are limited to {max_bytes} bytes")
    kind = sniffed_format(content)
    if kind is None:
        raise Refused("file_type", "only PNG, JPEG, WebP and GIF images and PDF files are taken")
    if kind == "PDF":
        return KeptFile(content, PDF, file_name(name, "pdf"))
    content_type, extension = IMAGE_TYPES[kind]
    image, frames = _opened(content, kind, max_pixels)
    encoded, width, height = _encoded(image, kind, frames)
    if len(encoded) > max_bytes:  # a re-encoding can come out larger than what was sent
        raise Refused("file_too_large", f"files are limited to {max_bytes} bytes")
    return KeptFile(encoded, content_type, file_name(name, extension), width, height)


def _opened(content: bytes, kind: str, max_pixels: int) -> "tuple[Image.Image, int]":
    """The image, its size checked before any pixel is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(content), formats=[kind])
            frames = getattr(image, "n_frames", 1)
            if image.width * image.height * frames > max_pixels:
                raise Refused("image_too_large",
                              f"images are limited to {max_pixels} pixels (all frames together)")
            image.load()
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused("image_too_large", f"images are limited to {max_pixels} pixels") from None
    except Exception:  # noqa: BLE001 - any decoder's failure is the same refusal to the sender
        raise Refused("file_unreadable", "the image could not be read") from None
    return image, frames


def _picture_only(image: Image.Image) -> Image.Image:
    image.info = {key: value for key, value in image.info.items() if key in PICTURE_INFO}
    return image


def _encoded(image: Image.Image, kind: str, frames: int) -> "tuple[bytes, int, int]":
    """The image written again, and its width and height as written."""
    out = io.BytesIO()
    try:
        if kind == "JPEG":
            # The orientation is applied to the pixels, as the EXIF that said it is not kept.
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            _picture_only(image).save(out, "JPEG", quality=JPEG_QUALITY)
            return out.getvalue(), image.width, image.height
        image = _picture_only(image)
        if kind == "PNG":
            image.save(out, "PNG")
        elif frames > 1:  # an animated GIF or WebP stays animated
            image.save(out, kind, save_all=True, **({"quality": WEBP_QUALITY}
                                                      if kind == "WEBP" else {}))
        elif kind == "WEBP":
            image.save(out, "WEBP", quality=WEBP_QUALITY)
        else:
            image.save(out, "GIF")
    except Exception:  # noqa: BLE001 - a picture Pillow reads but cannot write is refused alike
        raise Refused("file_unreadable", "the image could not be read") from None
    return out.getvalue(), image.width, image.height


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def file_name(sent: str, extension: str) -> str:
    """The sent name made safe to show and to download under: no folder, no control or path
    characters, at most NAME_CHARS, ending in the extension of what the file really is."""
    name = unicodedata.normalize("NFC", sent or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:NAME_CHARS - len(extension) - 1].strip(" .") or "file"
    return f"{stem}.{extension}"
