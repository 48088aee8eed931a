"""Photos of service requests: checked by content, stored without EXIF, all or nothing
with the request, and served only to users who may see the request."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from grid import services
from grid.models import Category, RequestEvent, RequestPhoto, ServiceRequest
from grid.permissions import Role

from ..factories import UserFactory, attach

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(kind="JPEG", size=(80, 40), gps=False, orientation=None, mode="RGB"):
    image = Image.new(mode, size, "red" if mode == "RGB" else 1)
    exif = Image.Exif()
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (30.0, 3.0, 36.0), 3: "E", 4: (121.0, 9.0, 18.0)}
        exif[0x010F] = "Phone maker"
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    options = {"exif": exif} if (gps or orientation) else {}
    image.save(buffer, kind, **options)
    return buffer.getvalue()


def upload(content=None, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content or image_bytes(), content_type=content_type)


def media_files(root):
    """The request photos' files only: other apps' worlds keep files of their own."""
    folder = root / "requests"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def _rubbish():
    return Category.objects.get(code="environment-rubbish")


def _submit_api(api_client, user, photos, description="楼道堆满杂物"):
    api_client.force_authenticate(user)
    return api_client.post(
        "/api/v1/requests/",
        {"category": _rubbish().pk, "description": description, "photos": photos},
        format="multipart",
    )


def test_a_resident_submits_two_photos_through_the_page(world, client, media_root):
    client.force_login(world.users["resident"])
    response = client.post(
        reverse("grid:request-submit"),
        {
            "category": _rubbish().pk,
            "description": "楼道堆满杂物",
            "building": world.buildings[0].pk,
            "photos": [upload(), upload(image_bytes("PNG", mode="P"), "screen.png", "image/png")],
        },
    )
    assert response.status_code == 302, response.content
    item = ServiceRequest.objects.get(description="楼道堆满杂物")
    photos = list(item.photos.order_by("id"))
    assert [p.stage for p in photos] == ["report", "report"]
    assert {p.event.action for p in photos} == {"submit"}
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    assert photos[0].image.name.startswith("requests/") and "photo" not in photos[0].image.name
    assert len(media_files(media_root)) == 4  # each photo and its thumbnail
    # The page shows them as thumbnails linking to the full image.
    page = client.get(reverse("grid:request-detail", args=[item.pk])).content.decode()
    assert reverse("grid:request-photo-thumbnail", args=[item.pk, photos[0].pk]) in page
    assert reverse("grid:request-photo", args=[item.pk, photos[1].pk]) in page
    assert 'alt="' in page


def test_a_photo_submitted_through_the_api_loses_its_location_and_stands_upright(world, api_client):
    tilted = image_bytes(size=(80, 40), gps=True, orientation=6)
    assert Image.open(io.BytesIO(tilted)).getexif().get_ifd(GPS_IFD)  # the phone's position
    response = _submit_api(api_client, world.user("resident"), [upload(tilted), upload()])
    assert response.status_code == 201, response.content
    body = response.json()
    assert [p["stage"] for p in body["photos"]] == ["report", "report"]
    first = RequestPhoto.objects.get(pk=body["photos"][0]["id"])
    assert body["photos"][0]["url"].endswith(
        reverse("grid:request-photo", args=[body["id"], first.pk])
    )
    with first.image.open("rb") as stored:
        image = Image.open(stored)
        exif = image.getexif()
        assert not exif.get_ifd(GPS_IFD) and len(exif) == 0
        assert "exif" not in image.info
        assert image.size == (40, 80)  # the orientation was applied
    assert (first.width, first.height) == (40, 80)
    assert first.size == first.image.size


def test_photographs_become_jpeg_and_graphics_stay_png(world, api_client):
    rgba = Image.new("RGBA", (50, 50), (0, 0, 255, 0))
    webp = io.BytesIO()
    rgba.save(webp, "WEBP")
    photos = [
        upload(image_bytes("PNG"), "photo.png", "image/png"),  # a photograph saved as PNG
        upload(webp.getvalue(), "sticker.webp", "image/webp"),
        upload(image_bytes("PNG", mode="P"), "drawing.png", "image/png"),
    ]
    response = _submit_api(api_client, world.user("resident"), photos)
    assert response.status_code == 201, response.content
    stored = RequestPhoto.objects.order_by("id")
    assert [p.content_type for p in stored] == ["image/jpeg", "image/jpeg", "image/png"]
    assert [Image.open(p.image.path).format for p in stored] == ["JPEG", "JPEG", "PNG"]


def test_json_without_photos_still_works(world, api_client):
    api_client.force_authenticate(world.user("resident"))
    response = api_client.post(
        "/api/v1/requests/", {"category": _rubbish().pk, "description": "x"}, format="json"
    )
    assert response.status_code == 201 and response.json()["photos"] == []


def _big_jpeg():
    return b"\xff\xd8\xff\xe0" + b"\0" * (11 * 1024 * 1024)


def _truncated_jpeg():
    noisy = Image.effect_noise((400, 300), 80).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=95)
    data = buffer.getvalue()
    return data[: len(data) // 2]


def _bomb(side=8_000):
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")  # 64 megapixels in a few KB
    assert len(buffer.getvalue()) < 100_000
    return buffer.getvalue()


BAD = {
    "text named .jpg": ([lambda: upload(b"hello, not an image" * 10)], "第1张照片：不是JPEG"),
    "gif": ([lambda: upload(image_bytes("GIF", mode="L"), "a.gif", "image/gif")], "第1张照片"),
    "over 10 MB": ([lambda: upload(), lambda: upload(_big_jpeg())], "第2张照片：超过10 MB"),
    "seven photos": ([upload] * 7, "最多6张照片"),
    "truncated": ([lambda: upload(_truncated_jpeg())], "第1张照片：图片已损坏"),
    "bomb": ([lambda: upload(_bomb(), "bomb.png", "image/png")], "第1张照片：图片尺寸过大"),
    # Beyond Pillow's own limit (2 × MAX_IMAGE_PIXELS): Pillow refuses it while opening.
    "huge bomb": ([lambda: upload(_bomb(15_000), "b.png", "image/png")], "第1张照片：图片"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_a_bad_photo_is_a_clear_422_and_nothing_is_created(world, api_client, media_root, case):
    makers, message = BAD[case]
    response = _submit_api(api_client, world.user("resident"), [make() for make in makers])
    assert response.status_code == 422, response.content  # a file, but not a photo we take
    assert message in " ".join(response.json()["photos"])
    assert ServiceRequest.objects.count() == 1  # the world's own request only
    assert not RequestPhoto.objects.exists() and not media_files(media_root)


def test_an_11_mb_photo_on_the_page_is_a_400_with_the_message(world, client, media_root):
    client.force_login(world.users["resident"])
    response = client.post(
        reverse("grid:request-submit"),
        {
            "category": _rubbish().pk,
            "description": "楼道堆满杂物",
            "building": world.buildings[0].pk,
            "photos": [upload(_big_jpeg())],
        },
    )
    assert response.status_code == 400
    assert "超过10 MB" in " ".join(response.context["form"].errors["photos"])
    assert ServiceRequest.objects.count() == 1 and not media_files(media_root)


def _in_progress(world):
    item = ServiceRequest.objects.get()
    member = world.user("grid_member")
    services.register_request(user=member, request=item)
    services.dispatch_request(user=member, request=item, handler_unit=world.units[0])
    services.start_request(user=world.user("unit_staff"), request=item)
    return item


def test_the_handler_adds_result_photos_with_the_result(world, client):
    item = _in_progress(world)
    client.force_login(world.users["unit_staff"])
    response = client.post(
        reverse("grid:request-step", args=[item.pk, "handle"]),
        {"note": "已清运", "photos": [upload(), upload()]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "handled"
    photos = list(item.photos.all())
    assert [p.stage for p in photos] == ["result", "result"]
    handle = RequestEvent.objects.get(request=item, action="handle")
    assert all(p.event_id == handle.pk for p in photos)
    assert all(p.uploaded_by_id == world.users["unit_staff"].pk for p in photos)


def test_a_bad_result_photo_leaves_the_request_in_progress(world, client, api_client):
    item = _in_progress(world)
    client.force_login(world.users["unit_staff"])
    response = client.post(
        reverse("grid:request-step", args=[item.pk, "handle"]),
        {"note": "已清运", "photos": [upload(b"not an image" * 10)]},
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    api_client.force_authenticate(world.user("unit_staff"))
    response = api_client.post(
        f"/api/v1/requests/{item.pk}/handle/",
        {"result": "已清运", "photos": [upload(_truncated_jpeg())]},
        format="multipart",
    )
    assert response.status_code == 422 and "第1张照片" in response.json()["photos"][0]
    item.refresh_from_db()
    assert item.state == "in_progress" and not item.photos.exists()
    response = api_client.post(
        f"/api/v1/requests/{item.pk}/handle/",
        {"result": "已清运", "photos": [upload()]},
        format="multipart",
    )
    assert response.status_code == 200, response.content
    assert [p["stage"] for p in response.json()["photos"]] == ["result"]


def test_photos_are_served_only_within_the_requests_scope(world, client, api_client):
    item = _in_progress(world)
    services.handle_request(
        user=world.user("unit_staff"), request=item, result="已清运", photos=[upload()]
    )
    photo = item.photos.get()
    url = reverse("grid:request-photo", args=[item.pk, photo.pk])
    thumbnail = reverse("grid:request-photo-thumbnail", args=[item.pk, photo.pk])
    for name in ("resident", "unit_staff", "grid_member"):
        client.force_login(world.users[name])
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "image/jpeg"
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
        assert client.get(thumbnail).status_code == 200
    # Another community's worker, an outsider and an anonymous visitor: 404, like a
    # missing photo.
    stranger = UserFactory(username="other-community-worker")
    attach(Role.COMMUNITY_WORKER, stranger, world.communities[1])
    for user in (stranger, world.users["outsider"], world.users["other_street_admin"]):
        client.force_login(user)
        assert client.get(url).status_code == 404
        assert client.get(thumbnail).status_code == 404
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(thumbnail).status_code == 404
    # A photo looked up through another request the user may see is a 404 too.
    other = services.submit_request(
        user=world.user("resident"), category=_rubbish(), description="另一件事"
    )
    client.force_login(world.users["resident"])
    assert client.get(reverse("grid:request-photo", args=[other.pk, photo.pk])).status_code == 404


def test_the_detail_page_query_count_does_not_grow_with_photos(world, client):
    def count_queries(item):
        client.force_login(world.users["grid_member"])
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("grid:request-detail", args=[item.pk]))
        assert response.status_code == 200
        return len(queries), response.content.decode().count("photo-grid")

    resident = world.user("resident")
    one = services.submit_request(
        user=resident, category=_rubbish(), description="一张", photos=[upload()]
    )
    six = services.submit_request(
        user=resident, category=_rubbish(), description="六张", photos=[upload()] * 6
    )
    count_queries(one)  # warm caches (role grants) first
    with_one, grids_one = count_queries(one)
    with_six, grids_six = count_queries(six)
    assert with_one == with_six
    assert grids_one == grids_six == 1
    assert six.photos.count() == 6
