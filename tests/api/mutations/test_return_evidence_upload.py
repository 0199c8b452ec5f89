"""returnEvidenceUpload (GraphQL multipart request) and evidence on requests."""

import io
import json

import pillow_heif
import pytest
from PIL import Image

from saleor_returns.models import Evidence, ReturnRequest
from tests.api.conftest import CREATE, create_input
from tests.evidence import (
    UPLOAD, encoded, grey_16_bit_png, heic_with_gps, jpeg_with_gps, pdf, photo_exif, png, png_bomb, upload, wav,
)

PHOTO_OR_PDF = "Upload a JPEG, PNG, WebP or HEIC photo, or a PDF."
ADD_INFO = """mutation($id: ID!, $evidenceIds: [ID!]) { returnRequestAddInfo(id: $id, evidenceIds: $evidenceIds) {
  errors { field code message } } }"""
REQUEST_INFO = "mutation($id: ID!) { returnRequestRequestInfo(id: $id, message: \"A photo, please.\") { errors { code } } }"


def stored_image(evidence_id: str) -> Image.Image:
    with Evidence.objects.get(pk=evidence_id).file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        image.load()
    return image


def test_a_photo_is_stored_and_can_prove_damage(as_alice, alices_order, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    evidence = upload(as_alice, png())["evidence"]
    stored = Evidence.objects.get()
    assert (evidence["filename"], evidence["contentType"], evidence["size"]) == ("photo.png", "image/png", stored.file.size)

    # when: a reason that needs a photo, with the photo
    data = create_input(alices_order, reason="DEFECT")
    data["lines"][0]["evidenceIds"] = [evidence["id"]]
    result = as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]

    # then
    assert result["errors"] == []
    stored.refresh_from_db()
    assert stored.return_request == ReturnRequest.objects.get()
    assert stored.return_line.order_line_id == alices_order["lines"][0]["id"]


@pytest.mark.parametrize(("_case", "content", "name", "content_type", "message"), [
    ("not what it claims", b"MZ\x90\x00 executable", "photo.png", "image/png", PHOTO_OR_PDF),
    ("a type we do not take", b"GIF89a....", "photo.gif", "image/gif", PHOTO_OR_PDF),
    ("a sound named as a WebP photo", wav(), "photo.webp", "image/webp", PHOTO_OR_PDF),
    ("junk named as a HEIC photo", b"\x00\x00\x00 not a photo at all", "photo.heic", "image/heic", PHOTO_OR_PDF),
    ("junk behind a HEIC header", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x17" * 200, "photo.heic",
     "image/heic", PHOTO_OR_PDF),
    ("a PNG cut short", png()[:-40], "photo.png", "image/png", "This image could not be read; upload it again."),
    ("a PDF header and nothing more", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "receipt.pdf", "application/pdf", PHOTO_OR_PDF),
    ("a PNG with a photo's content type", png(), "photo.png", "application/pdf", None),
    ("empty", b"", "photo.png", "image/png", "The file is empty."),
    ("too large", b"\x89PNG\r\n\x1a\n" + b"\x00" * (10 * 1024 * 1024), "photo.png", "image/png", "Files may be at most 10 MB."),
])
def test_bad_files_are_refused_and_nothing_stored(as_alice, shop, settings, tmp_path, _case, content, name, content_type, message):
    # given
    settings.MEDIA_ROOT = tmp_path

    # when
    result = upload(as_alice, content, name=name, content_type=content_type)

    # then: the content decides, never the name or the declared type
    if message is None:
        assert result["errors"] == []
        assert result["evidence"]["contentType"] == "image/png"
        return
    assert result["evidence"] is None
    assert result["errors"] == [{"field": "file", "code": "INVALID_FILE", "message": message}]
    assert Evidence.objects.count() == 0
    assert list(tmp_path.rglob("*.*")) == []


def test_a_phone_photo_is_stored_without_its_location_and_the_right_way_up(as_alice, shop, settings, tmp_path):
    # given: a landscape photo taken with the phone turned (EXIF orientation 6: rotate 90° to show)
    settings.MEDIA_ROOT = tmp_path

    # when
    evidence = upload(as_alice, jpeg_with_gps(orientation=6), name="IMG_0001.JPG", content_type="image/jpeg")["evidence"]

    # then: no EXIF (GPS, camera, owner), no comment; turned as the phone showed it
    assert (evidence["filename"], evidence["contentType"]) == ("IMG_0001.jpg", "image/jpeg")
    image = stored_image(evidence["id"])
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert {"exif", "comment", "icc_profile", "xmp"} & set(image.info) == set()
    assert image.size == (20, 40)
    top, bottom = image.getpixel((10, 2)), image.getpixel((10, 37))
    assert top[0] > 200 and top[2] < 60  # red, once on the left, is on top
    assert bottom[2] > 200 and bottom[0] < 60
    assert b"Alice" not in Evidence.objects.get().file.open("rb").read()


def test_a_png_keeps_no_text_or_exif(as_alice, shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = upload(as_alice, png())["evidence"]
    image = stored_image(evidence["id"])
    assert (image.format, image.size, image.info.keys() & {"Author", "exif"}) == ("PNG", (40, 20), set())
    assert dict(image.getexif()) == {}


def test_a_heic_photo_is_stored_as_a_jpeg_without_metadata(as_alice, shop, settings, tmp_path):
    # given: an iPhone photo (HEIC); browsers other than Safari cannot show HEIC
    settings.MEDIA_ROOT = tmp_path
    assert pillow_heif.libheif_info()["HEIF"]  # this libheif can encode, so the test photo is real

    # when
    evidence = upload(as_alice, heic_with_gps(), name="IMG_0002.HEIC", content_type="image/heic")["evidence"]

    # then
    assert (evidence["filename"], evidence["contentType"]) == ("IMG_0002.jpg", "image/jpeg")
    image = stored_image(evidence["id"])
    assert (image.format, image.size, dict(image.getexif())) == ("JPEG", (40, 20), {})


@pytest.mark.parametrize(("_case", "content", "name", "stored"), [
    ("WebP", encoded("WEBP", exif=photo_exif()), "photo.webp", ("photo.webp", "image/webp", "WEBP", 255)),
    ("a phone's multi-picture JPEG", encoded("MPO"), "photo.jpeg", ("photo.jpg", "image/jpeg", "JPEG", 254)),
    ("a JPEG named as a PNG", encoded("JPEG"), "photo.png", ("photo.jpg", "image/jpeg", "JPEG", 254)),
    ("a greyscale 16-bit PNG", grey_16_bit_png(), "scan.png", ("scan.png", "image/png", "PNG", 117)),
])
def test_each_kind_of_photo_is_stored_as_browsers_show_it(as_alice, shop, settings, tmp_path, _case, content, name, stored):
    # given
    settings.MEDIA_ROOT = tmp_path

    # when
    evidence = upload(as_alice, content, name=name, content_type="image/png")["evidence"]

    # then: red stays red (within what lossy formats change), 16-bit grey keeps its level in 8 bits
    filename, content_type, image_format, level = stored
    image = stored_image(evidence["id"])
    first_channel = image.getpixel((2, 2))[0] if image.mode != "L" else image.getpixel((2, 2))
    assert (evidence["filename"], evidence["contentType"], image.format) == (filename, content_type, image_format)
    assert abs(first_channel - level) <= 4
    assert (image.size, dict(image.getexif())) == ((40, 20), {})


def test_a_pdf_is_kept_as_sent(as_alice, shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = upload(as_alice, pdf(), name="receipt.pdf", content_type="application/octet-stream")["evidence"]
    assert (evidence["filename"], evidence["contentType"], evidence["size"]) == ("receipt.pdf", "application/pdf", len(pdf()))
    assert Evidence.objects.get().file.open("rb").read() == pdf()


@pytest.mark.parametrize(("_case", "width", "height"), [
    ("past Pillow's own limit", 20_000, 20_000),
    ("past the app's limit", 10_000, 6_000),
])
def test_a_decompression_bomb_is_refused(as_alice, shop, settings, tmp_path, _case, width, height):
    # given: a few kilobytes that would decode to hundreds of megabytes
    settings.MEDIA_ROOT = tmp_path
    bomb = png_bomb(width, height)
    assert len(bomb) < 100_000

    # when
    result = upload(as_alice, bomb)

    # then
    assert result == {"evidence": None, "errors": [
        {"field": "file", "code": "INVALID_FILE", "message": "Photos may be at most 50 megapixels."}]}
    assert Evidence.objects.count() == 0
    assert list(tmp_path.rglob("*.*")) == []


@pytest.mark.parametrize(("_case", "message"), [
    ("files", "You have uploaded 2 files today, the most allowed; try again tomorrow."),
    ("bytes", "You have uploaded as much as allowed today; try again tomorrow."),
])
def test_a_customer_uploads_a_limited_amount_per_day(as_alice, as_bob, shop, settings, tmp_path, _case, message):
    # given: two uploads, and a limit that leaves no room for a third
    settings.MEDIA_ROOT = tmp_path
    assert upload(as_alice, png(), name="one.png")["errors"] == []
    assert upload(as_alice, png(), name="two.png")["errors"] == []
    if _case == "files":
        settings.EVIDENCE_FILES_PER_UPLOADER_PER_DAY = 2
    else:
        settings.EVIDENCE_BYTES_PER_UPLOADER_PER_DAY = sum(e.size for e in Evidence.objects.all()) + len(png()) - 1

    # when
    result = upload(as_alice, png(), name="three.png")

    # then
    assert result == {"evidence": None, "errors": [{"field": "file", "code": "LIMIT_EXCEEDED", "message": message}]}
    assert sorted(Evidence.objects.values_list("filename", flat=True)) == ["one.png", "two.png"]
    assert len(list(tmp_path.rglob("*.png"))) == 2
    # others are not held back by alice's uploads
    assert upload(as_bob, png(), name="bobs.png")["errors"] == []


def test_the_daily_limit_counts_only_the_last_day(as_alice, shop, settings, tmp_path):
    from datetime import timedelta

    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_FILES_PER_UPLOADER_PER_DAY = 1
    upload(as_alice, png(), name="yesterday.png")
    Evidence.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert upload(as_alice, png(), name="today.png")["errors"] == []


def test_staff_taking_inspection_photos_are_not_held_to_the_customer_limit(as_staff, shop, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_FILES_PER_UPLOADER_PER_DAY = 1
    assert [upload(as_staff, png())["errors"] for _ in range(3)] == [[], [], []]


def test_a_request_takes_a_limited_number_of_files(as_alice, alices_order, settings, tmp_path):
    # given
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_FILES_PER_RETURN_REQUEST = 2
    photos = [upload(as_alice, png())["evidence"]["id"] for _ in range(3)]
    data = create_input(alices_order, {0: 1, 1: 1}, reason="DEFECT")
    data["lines"][0]["evidenceIds"] = photos[:2]
    data["lines"][1]["evidenceIds"] = photos[2:]

    # when
    result = as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]

    # then
    assert result["returnRequest"] is None
    assert [(e["field"], e["code"], e["message"]) for e in result["errors"]] == [
        ("lines.evidenceIds", "LIMIT_EXCEEDED", "A return request may have at most 2 files.")]
    assert ReturnRequest.objects.count() == 0
    assert Evidence.objects.filter(return_request__isnull=False).count() == 0


def test_the_returns_of_one_order_take_a_limited_number_of_files(as_alice, alices_order, settings, tmp_path):
    # given: a first request for the order holds two photos, the most the order may have
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_FILES_PER_ORDER = 2
    first = create_input(alices_order, {0: 1}, reason="DEFECT")
    first["lines"][0]["evidenceIds"] = [upload(as_alice, png())["evidence"]["id"] for _ in range(2)]
    assert as_alice(CREATE, {"input": first})["data"]["returnRequestCreate"]["errors"] == []
    second = create_input(alices_order, {1: 1}, reason="DEFECT")
    second["lines"][0]["evidenceIds"] = [upload(as_alice, png())["evidence"]["id"]]

    # when: a second request for the same order brings one more
    result = as_alice(CREATE, {"input": second})["data"]["returnRequestCreate"]

    # then
    assert [(e["field"], e["code"], e["message"]) for e in result["errors"]] == [
        ("lines.evidenceIds", "LIMIT_EXCEEDED", "The returns of one order may have at most 2 files.")]
    assert ReturnRequest.objects.count() == 1


def test_more_evidence_later_stays_within_the_request_limit(as_alice, as_staff, alices_order, settings, tmp_path):
    # given: a request with two photos, asked for more
    settings.MEDIA_ROOT = tmp_path
    settings.EVIDENCE_FILES_PER_RETURN_REQUEST = 2
    data = create_input(alices_order, reason="DEFECT")
    data["lines"][0]["evidenceIds"] = [upload(as_alice, png())["evidence"]["id"] for _ in range(2)]
    request_id = as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]["returnRequest"]["id"]
    assert as_staff(REQUEST_INFO, {"id": request_id})["data"]["returnRequestRequestInfo"]["errors"] == []
    third = upload(as_alice, png())["evidence"]["id"]

    # when
    result = as_alice(ADD_INFO, {"id": request_id, "evidenceIds": [third]})["data"]["returnRequestAddInfo"]

    # then
    assert result["errors"] == [
        {"field": "evidenceIds", "code": "LIMIT_EXCEEDED", "message": "A return request may have at most 2 files."}]
    assert Evidence.objects.get(pk=third).return_request is None
    assert ReturnRequest.objects.get().info_requested_at is not None


def test_one_photo_may_show_two_lines(as_alice, alices_order, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = upload(as_alice, png())["evidence"]["id"]
    data = create_input(alices_order, {0: 1, 1: 1}, reason="DEFECT")
    data["lines"][0]["evidenceIds"] = data["lines"][1]["evidenceIds"] = [photo]
    assert as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]["errors"] == []
    assert Evidence.objects.get().return_request == ReturnRequest.objects.get()


def test_someone_elses_upload_cannot_be_attached(as_alice, as_bob, alices_order, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    evidence = upload(as_bob, png())["evidence"]
    data = create_input(alices_order, reason="DEFECT")
    data["lines"][0]["evidenceIds"] = [evidence["id"]]
    errors = as_alice(CREATE, {"input": data})["data"]["returnRequestCreate"]["errors"]
    assert [(e["code"], e["message"]) for e in errors] == [("NOT_FOUND", "Some evidence was not found; upload it again.")]
    assert ReturnRequest.objects.count() == 0


def test_a_multipart_request_with_a_bad_map_is_a_400(as_alice):
    response = as_alice.client.post(
        "/graphql/",
        {"operations": json.dumps({"query": UPLOAD, "variables": {"file": None}}), "map": json.dumps({"0": ["variables.file"]})},
        headers={"Saleor-Api-Url": as_alice.api_url, "Authorization": f"Bearer {as_alice.token}"},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "File 0 named in map was not sent."
