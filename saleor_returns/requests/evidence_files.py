"""What an uploaded evidence file really is, judged by decoding it, and the clean copy that is stored.

Photos are decoded and re-encoded by Pillow: what is stored holds pixels only, turned as
the camera meant (EXIF orientation applied), converted to sRGB, with no EXIF, GPS, XMP,
comments or text chunks. HEIC (iPhones) is stored as JPEG, which every browser shows.
PDFs cannot be re-encoded here; they are checked for the shape of a PDF and kept as sent.
The name and content type the client declared are never trusted.
"""

import io
import logging
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import pillow_heif
from django.core.exceptions import ValidationError
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from saleor_returns.error_codes import ReturnErrorCode

logger = logging.getLogger(__name__)

pillow_heif.register_heif_opener()

ACCEPTED = "Upload a JPEG, PNG, WebP or HEIC photo, or a PDF."
UNREADABLE = "This image could not be read; upload it again."

# The decoders Pillow may try; nothing else (GIF, TIFF, BMP, PSD, ...) is even attempted.
DECODERS = ["JPEG", "PNG", "WEBP", "HEIF"]
# Pillow format → (stored format, content type, extension). MPO is how Pillow names the
# JPEGs many phones write (a JPEG with extra pictures appended); only the first is kept.
IMAGE_FORMATS = {
    "JPEG": ("JPEG", "image/jpeg", "jpg"),
    "MPO": ("JPEG", "image/jpeg", "jpg"),
    "PNG": ("PNG", "image/png", "png"),
    "WEBP": ("WEBP", "image/webp", "webp"),
    "HEIF": ("JPEG", "image/jpeg", "jpg"),
}
SAVE_OPTIONS = {
    "JPEG": {"quality": 90},
    "PNG": {},
    "WEBP": {"quality": 90},
}
# The modes each stored format takes as they are; _fit_mode converts the others.
KEPT_MODES = {"JPEG": {"RGB", "L"}, "PNG": {"RGB", "RGBA", "L", "LA"}, "WEBP": {"RGB", "RGBA"}}
PDF_VERSIONS = (b"%PDF-1.", b"%PDF-2.")
# Writers may add a few bytes (line ends, padding) after the last %%EOF.
PDF_TAIL_BYTES = 1024
SRGB = ImageCms.createProfile("sRGB")


@dataclass(frozen=True)
class CleanFile:
    content: bytes
    content_type: str
    filename: str


def invalid_file(message: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=ReturnErrorCode.INVALID_FILE.value)})


def clean_evidence_file(content: bytes, filename: str, *, max_pixels: int) -> CleanFile:
    """The file to store for `content`, or a ValidationError on `file` (INVALID_FILE).

    `max_pixels` bounds a photo's width × height, checked from its header before any
    pixel is decoded: a small file may claim dimensions that would take gigabytes.
    """
    stem = _stem(filename)
    if content.startswith(PDF_VERSIONS):
        if b"%%EOF" not in content[-PDF_TAIL_BYTES:]:
            raise invalid_file(ACCEPTED)
        return CleanFile(content=content, content_type="application/pdf", filename=f"{stem}.pdf")
    image, source_format = _decode(content, max_pixels=max_pixels)
    stored_format, content_type, extension = IMAGE_FORMATS[source_format]
    out = io.BytesIO()
    _fit_mode(image, stored_format).save(out, format=stored_format, **SAVE_OPTIONS[stored_format])
    return CleanFile(content=out.getvalue(), content_type=content_type, filename=f"{stem}.{extension}")


def _decode(content: bytes, *, max_pixels: int) -> tuple[Image.Image, str]:
    """The picture as it should be seen, with nothing but its pixels, and the format it came in."""
    too_large = invalid_file(f"Photos may be at most {max_pixels // 1_000_000} megapixels.")
    # Decoders meet malformed input with many kinds of exception (OSError, SyntaxError,
    # struct.error, IndexError, ...); for a customer each means the same: not a photo we can read.
    try:
        image = Image.open(io.BytesIO(content), formats=DECODERS)
    except Image.DecompressionBombError:
        raise too_large from None
    except Exception as error:  # noqa: BLE001 - see above
        _refused(error)
        raise invalid_file(ACCEPTED) from None
    with image:
        source_format = image.format
        width, height = image.size
        if width * height > max_pixels:
            raise too_large
        try:
            image.load()
            icc_profile = image.info.get("icc_profile")
            image = ImageOps.exif_transpose(image)
        except Image.DecompressionBombError:
            raise too_large from None
        except Exception as error:  # noqa: BLE001 - see above
            _refused(error)
            raise invalid_file(UNREADABLE) from None
    image = _to_8_bit(_to_srgb(image, icc_profile))
    # A new image from the pixels alone: no EXIF, XMP, comment or text can ride along.
    return Image.frombytes(image.mode, image.size, image.tobytes()), source_format


def _refused(error: Exception) -> None:
    if not isinstance(error, (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)):
        logger.warning("Evidence image not decoded", extra={"error": type(error).__name__})


def _to_8_bit(image: Image.Image) -> Image.Image:
    """RGB, RGBA, L or LA: what every stored format can hold."""
    if image.mode in {"RGB", "RGBA", "L", "LA"}:
        return image
    if image.mode == "1":
        return image.convert("L")
    if image.mode.startswith("I"):  # 16-bit greyscale: keep the high byte rather than clip to white
        return image.convert("I").point(lambda value: value / 256).convert("L")
    has_alpha = image.mode in {"PA", "RGBa", "La"} or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")


def _to_srgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Colours as the camera's profile meant them, in sRGB, so that the profile itself can go."""
    if not icc_profile or image.mode not in {"RGB", "RGBA", "CMYK"}:
        return image
    try:
        return ImageCms.profileToProfile(image, ImageCms.ImageCmsProfile(io.BytesIO(icc_profile)), SRGB,
                                         outputMode="RGBA" if image.mode == "RGBA" else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


def _fit_mode(image: Image.Image, stored_format: str) -> Image.Image:
    """JPEG has no transparency: transparent parts become white rather than black."""
    if image.mode in KEPT_MODES[stored_format]:
        return image
    if image.mode in {"RGBA", "LA"} and stored_format == "JPEG":
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image.convert("RGBA"), mask=image.getchannel("A"))
        return background
    return image.convert("RGBA" if image.mode.endswith("A") else "RGB")


def _stem(filename: str) -> str:
    """The name the customer gave, without folders or extension (those come from the content)."""
    name = PureWindowsPath(PurePosixPath(filename or "").name).name
    stem = name.rsplit(".", 1)[0] if "." in name.strip(".") else name.strip(".")
    stem = "".join(c for c in stem if c.isprintable() and c not in '<>:"/\\|?*').strip(" .")
    return stem[:200] or "upload"
