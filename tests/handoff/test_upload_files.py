"""What the hub keeps of a sent file (handoff/rules/uploads.py) and its links
(handoff/rules/file_links.py): the type from the bytes alone, images re-encoded without their
metadata, decompression bombs refused unread, names made safe, links that expire and that no
one can alter."""
import io

import pytest
from PIL import Image

from handoff.rules.file_links import link_key, link_refusal, signed_link
from handoff.rules.uploads import Refused, file_name, kept_file, sniffed_format
from support import files

MB = 1024 * 1024
PIXELS = 40_000_000


def kept(content: bytes, name: str = "x", max_bytes: int = 10 * MB, max_pixels: int = PIXELS):
    return kept_file(content, name, max_bytes, max_pixels)


def refusal(content: bytes, name: str = "x", **limits) -> str:
    with pytest.raises(Refused) as refused:
        kept(content, name, **limits)
    return refused.value.code


def test_the_type_comes_from_the_bytes_never_the_name():
    assert sniffed_format(files.jpeg_with_exif()) == "JPEG"
    assert sniffed_format(files.png_with_text()) == "PNG"
    assert sniffed_format(files.animated_gif()) == "GIF"
    assert sniffed_format(files.webp()) == "WEBP"
    assert sniffed_format(files.pdf()) == "PDF"
    # A PNG named like a PDF is a PNG, named and served as one.
    png = kept(files.png_with_text(), "report.pdf")
    assert (png.content_type, png.name) == ("image/png", "report.png")
    # An SVG or a page named like an image is refused.
    assert refusal(files.SVG, "logo.png") == "file_type"
    assert refusal(files.HTML, "photo.jpg") == "file_type"
    assert refusal(b"MZ\x90\x00" + b"\x00" * 100, "setup.pdf") == "file_type"


def test_a_jpeg_loses_its_exif_gps_and_comment_but_keeps_its_orientation():
    sent = files.jpeg_with_exif((64, 32))
    assert b"SecretCam" in sent and b"Erika Muster" in sent and b"taken at home" in sent
    copy = kept(sent, "IMG_0001.JPG")
    assert copy.content_type == "image/jpeg" and copy.name == "IMG_0001.jpg"
    for secret in (b"SecretCam", b"Erika Muster", b"taken at home", b"Exif"):
        assert secret not in copy.content
    image = Image.open(io.BytesIO(copy.content))
    assert not image.getexif()
    assert "comment" not in image.info and "exif" not in image.info
    # Orientation 6 was applied to the pixels: the picture stands upright without the EXIF.
    assert image.size == (32, 64) == (copy.width, copy.height)


def test_a_png_loses_its_text_chunks():
    sent = files.png_with_text()
    assert b"Musterweg" in sent
    copy = kept(sent)
    assert b"Musterweg" not in copy.content and b"Erika" not in copy.content
    assert Image.open(io.BytesIO(copy.content)).size == (40, 30)


def test_anything_after_the_picture_is_not_kept():
    hidden = files.png_with_text() + b"<script>alert(1)</script>"
    assert b"<script>" not in kept(hidden).content


def test_animated_gifs_stay_animated_and_webp_stays_webp():
    gif = kept(files.animated_gif(frames=3))
    assert gif.content_type == "image/gif"
    assert Image.open(io.BytesIO(gif.content)).n_frames == 3
    assert kept(files.webp()).content_type == "image/webp"


def test_a_pdf_is_kept_as_sent():
    sent = files.pdf()
    copy = kept(sent, "Rechnung März.pdf")
    assert copy.content == sent and copy.content_type == "application/pdf"
    assert copy.name == "Rechnung März.pdf" and copy.width is None and not copy.is_image


def test_size_limits_and_decompression_bombs():
    assert refusal(files.pdf(), max_bytes=100) == "file_too_large"
    assert refusal(b"") == "file_empty"
    bomb = files.png_bomb(20000, 20000)
    assert len(bomb) < MB
    assert refusal(bomb) == "image_too_large"
    # The frames of an animation count together.
    assert refusal(files.animated_gif(frames=5, size=(100, 100)), max_pixels=40_000) \
        == "image_too_large"
    # A broken image behind a good header is refused, not half-kept.
    assert refusal(files.png_with_text()[:60]) == "file_unreadable"


@pytest.mark.parametrize("sent, extension, wanted", [
    ("../../etc/passwd", "png", "passwd.png"),
    ("C:\\Users\\erika\\Desktop\\shot.PNG", "png", "shot.png"),
    ("a\x00b\u202ec.jpg", "jpg", "abc.jpg"),
    ('inv"oi<ce>.pdf', "pdf", "inv_oi_ce_.pdf"),
    ("", "pdf", "file.pdf"),
    ("...", "gif", "file.gif"),
    ("スクリーンショット 2026.png", "png", "スクリーンショット 2026.png"),
])
def test_names_are_made_safe(sent, extension, wanted):
    assert file_name(sent, extension) == wanted


def test_long_names_are_cut_keeping_the_extension():
    name = file_name("x" * 500 + ".png", "png")
    assert len(name) == 120 and name.endswith(".png")


def test_links_expire_and_cannot_be_altered():
    key = link_key("the hub's secret")
    link = signed_link(key, "f-1", now=1000.0, lifetime_seconds=300)
    path, query = link.split("?")
    assert path == "/files/f-1"
    params = dict(part.split("=", 1) for part in query.split("&"))
    assert link_refusal(key, "f-1", params["expires"], params["sig"], now=1299) is None
    assert link_refusal(key, "f-1", params["expires"], params["sig"], now=1301) == "expired"
    # Another file, a later expiry, another signature, another hub's secret: all refused.
    assert link_refusal(key, "f-2", params["expires"], params["sig"], now=1000) == "tampered"
    assert link_refusal(key, "f-1", str(int(params["expires"]) + 3600), params["sig"],
                        now=1000) == "tampered"
    assert link_refusal(key, "f-1", params["expires"], params["sig"][:-2] + "AA",
                        now=1000) == "tampered"
    assert link_refusal(link_key("another secret"), "f-1", params["expires"], params["sig"],
                        now=1000) == "tampered"
    assert link_refusal(key, "f-1", None, params["sig"], now=1000) == "tampered"
    assert link_refusal(key, "f-1", "-5", params["sig"], now=1000) == "tampered"
