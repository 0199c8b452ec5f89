"""Evidence files made with Pillow (and pillow-heif), and the multipart upload of one."""

import io
import json
import struct
import wave
import zlib

import pillow_heif
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

UPLOAD = ("mutation($file: Upload!) { returnEvidenceUpload(file: $file) {"
          " evidence { id filename contentType size } errors { field code message } } }")

# A parcel photographed in Berlin: the GPS position a stored photo must not give away.
BERLIN = {
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (52.0, 31.0, 12.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (13.0, 24.0, 36.0),
}


def photo_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: camera, owner, orientation and GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.Base.Model] = "Phone 15"
    exif[ExifTags.Base.Artist] = "Alice Example"
    exif[ExifTags.Base.Orientation] = orientation
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(BERLIN)
    return exif


def picture(width: int = 40, height: int = 20) -> Image.Image:
    """Red on the left half, blue on the right: which way up it is shows in the pixels."""
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width // 2, height))
    return image


def jpeg_with_gps(orientation: int = 1) -> bytes:
    out = io.BytesIO()
    picture().save(out, format="JPEG", quality=95, exif=photo_exif(orientation), comment=b"Alice's kitchen")
    return out.getvalue()


def png(width: int = 40, height: int = 20) -> bytes:
    info = PngInfo()
    info.add_text("Author", "Alice Example")
    out = io.BytesIO()
    picture(width, height).save(out, format="PNG", pnginfo=info, exif=photo_exif())
    return out.getvalue()


def encoded(image_format: str, **options) -> bytes:
    """The test picture in `image_format` (e.g. "WEBP"; "MPO" with a second picture, as phones write)."""
    out = io.BytesIO()
    if image_format == "MPO":
        options = {"save_all": True, "append_images": [picture().rotate(180)], **options}
    picture().save(out, format=image_format, **options)
    return out.getvalue()


def grey_16_bit_png() -> bytes:
    """A scanner's 16-bit greyscale PNG, mid-grey."""
    out = io.BytesIO()
    Image.new("I;16", (40, 20), 30000).save(out, format="PNG")
    return out.getvalue()


def heic_with_gps() -> bytes:
    out = io.BytesIO()
    pillow_heif.from_pillow(picture()).save(out, quality=80, exif=photo_exif().tobytes())
    return out.getvalue()


def png_bomb(width: int, height: int) -> bytes:
    """A black 1-bit PNG: a few kilobytes on disk, width × height pixels once decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row * 1000) for _ in range(height // 1000))
    pixels += compressor.compress(row * (height % 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def wav() -> bytes:
    """A second of silence: a RIFF file, like WebP, but sound."""
    out = io.BytesIO()
    with wave.open(out, "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(b"\x00\x00" * 8000)
    return out.getvalue()


def pdf() -> bytes:
    """The smallest well-formed PDF: one empty page."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return body


def upload(caller, content: bytes, name: str = "photo.png", content_type: str = "image/png") -> dict:
    """returnEvidenceUpload as a GraphQL multipart request; the mutation's payload."""
    data = {
        "operations": json.dumps({"query": UPLOAD, "variables": {"file": None}}),
        "map": json.dumps({"0": ["variables.file"]}),
        "0": SimpleUploadedFile(name, content, content_type=content_type),
    }
    headers = {"Saleor-Api-Url": caller.api_url, "Authorization": f"Bearer {caller.token}"}
    response = caller.client.post("/graphql/", data, headers=headers)
    assert response.status_code == 200, response.content
    return response.json()["data"]["returnEvidenceUpload"]
