"""Photos of service requests: checked by their content, cleaned and stored.

A photo is accepted only if Pillow decodes it completely as a JPEG, PNG or WebP image,
whatever its name or declared type. It is then re-encoded: turned upright (the EXIF
orientation applied), its longest side capped, and written without any metadata, so
the GPS position a resident's phone records never reaches the server's disk.

``prepare_photos`` does the heavy work (decoding, re-encoding) and raises a
``ValidationError`` naming the photo before anything is saved; call it before a
transaction (the views do), so the database is not locked while images decode.
``attach_photos`` stores prepared photos on a request inside the caller's transaction.
"""

import io
import struct
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from core.rules import rule

from ..models import RequestPhoto
from ..rules import PHOTO_MAX_COUNT, PHOTO_MAX_MB

MAX_PIXELS = 50_000_000  # 8,000 × 6,000 (a 48 MP phone camera) and a margin
MAX_SIDE = 2560
THUMB_SIDE = 480
JPEG_QUALITY = 85
ACCEPTED_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP"}
FORMATS = ("JPEG", "PNG", "WEBP")  # the decoders tried (MPO comes through JPEG)

Stage = RequestPhoto.Stage


def max_photos() -> int:
    """Per request and stage (per timeline entry for results: 重办 adds a round)."""
    return rule(PHOTO_MAX_COUNT)


def max_bytes() -> int:
    return rule(PHOTO_MAX_MB) * 1024 * 1024


@dataclass(frozen=True)
class PreparedPhoto:
    """A checked and re-encoded photo, ready to store."""

    content: bytes
    content_type: str
    extension: str
    width: int
    height: int
    thumbnail: bytes


def _fail(number: int, message: str):
    raise ValidationError(
        {"photos": _("Photo %(number)d: %(problem)s") % {"number": number, "problem": message}}
    )


def _size_of(upload) -> int | None:
    size = getattr(upload, "size", None)
    if size is None:
        try:
            upload.seek(0, io.SEEK_END)
            size = upload.tell()
        except (AttributeError, OSError):
            return None
    return size


def _open(upload, number: int):
    """Open and fully decode ``upload``; anything that is not a whole JPEG, PNG or WebP
    image, or that would decode to more than MAX_PIXELS, is refused. (MAX_PIXELS is
    below Pillow's own warning threshold, so no global warning filter is needed.)"""
    not_an_image = _("not a JPEG, PNG or WebP image.")
    try:
        upload.seek(0)
        # Only these decoders are tried: no other format is parsed at all.
        with Image.open(upload, formats=FORMATS) as probe:
            kind = probe.format
            if kind not in ACCEPTED_FORMATS:
                _fail(number, not_an_image)
            if probe.width * probe.height > MAX_PIXELS:
                raise Image.DecompressionBombError
            probe.verify()  # structure and checksums, before decoding
        upload.seek(0)
        # verify() leaves the image unusable: open it again to decode.
        image = Image.open(upload, formats=FORMATS)
        if image.format != kind:
            _fail(number, not_an_image)
        if kind in ("JPEG", "MPO"):
            # Let the JPEG decoder scale down (1/2, 1/4, 1/8) while decoding.
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _fail(
            number,
            _("the image is too large (more than %(mp)d megapixels).")
            % {"mp": MAX_PIXELS // 1_000_000},
        )
    except (UnidentifiedImageError, SyntaxError, ValueError, EOFError, struct.error):
        _fail(number, not_an_image)
    except OSError:
        _fail(number, _("the image is damaged or incomplete."))
    return image, ACCEPTED_FORMATS[kind]


def _flatten(image: Image.Image) -> Image.Image:
    """RGB for JPEG: transparency laid on white, palettes and CMYK converted."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _encode(image: Image.Image, kind: str, icc: bytes | None) -> bytes:
    buffer = io.BytesIO()
    options = {"icc_profile": icc} if icc else {}
    if kind == "PNG":
        image.save(buffer, "PNG", **options)
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, **options)
    return buffer.getvalue()


def prepare_photo(upload, number: int = 1) -> PreparedPhoto:
    """Check one uploaded file by its content and re-encode it without metadata."""
    if isinstance(upload, PreparedPhoto):
        return upload
    size = _size_of(upload)
    if size is None:
        _fail(number, _("not a file."))
    if size == 0:
        _fail(number, _("the file is empty."))
    if size > max_bytes():
        _fail(number, _("larger than %(mb)d MB.") % {"mb": rule(PHOTO_MAX_MB)})
    image, kind = _open(upload, number)
    try:
        # The colour profile (Display P3 on many phones) is kept when it describes RGB.
        icc = image.info.get("icc_profile") if image.mode in ("RGB", "RGBA") else None
        try:
            upright = ImageOps.exif_transpose(image)
        except Exception:  # a broken orientation tag: keep the image as it is
            upright = image.copy()
        if "transparency" in upright.info:
            upright = upright.convert("RGBA")
        upright.info = {}  # nothing of the original metadata is written back
        # A PNG stays a PNG only when it is a graphic (a palette or transparency, as in
        # screenshots and drawings); a photograph saved as PNG becomes a smaller JPEG.
        graphic = upright.mode in ("P", "1", "LA", "RGBA")
        if kind != "PNG" or not graphic:
            kind = "JPEG"
            upright = _flatten(upright)
        upright.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
        content = _encode(upright, kind, icc)
        small = _flatten(upright.copy())
        small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
        thumbnail = _encode(small, "JPEG", icc)
    except (OSError, ValueError):
        _fail(number, _("the image is damaged or incomplete."))
    finally:
        image.close()
    return PreparedPhoto(
        content=content,
        content_type="image/png" if kind == "PNG" else "image/jpeg",
        extension=".png" if kind == "PNG" else ".jpg",
        width=upright.width,
        height=upright.height,
        thumbnail=thumbnail,
    )


def _check_count(count: int, already: int = 0):
    limit = max_photos()
    if count + already > limit:
        message = ngettext(
            "At most %(max)d photo; %(count)d given.",
            "At most %(max)d photos; %(count)d given.",
            limit,
        ) % {"max": limit, "count": count + already}
        raise ValidationError({"photos": message})


def prepare_photos(uploads) -> list[PreparedPhoto]:
    """Check and clean a batch of uploads (all or none): at most ``max_photos()``, each
    a real image of at most ``max_bytes()``. Already prepared photos pass through."""
    uploads = [u for u in (uploads or ()) if u is not None]
    _check_count(len(uploads))
    return [prepare_photo(upload, number) for number, upload in enumerate(uploads, start=1)]


def attach_photos(*, request, stage, photos, user=None, event=None) -> list[RequestPhoto]:
    """Store prepared (or raw: they are prepared here) photos on ``request``. Call inside
    the transaction that records the step; files written before a failure are removed."""
    prepared = prepare_photos(photos)
    if not prepared:
        return []
    already = RequestPhoto.objects.filter(request=request, stage=stage, event=event).count()
    _check_count(len(prepared), already)
    stored, items = [], []
    try:
        for photo in prepared:
            name = uuid.uuid4().hex
            item = RequestPhoto(
                request=request,
                stage=stage,
                event=event,
                content_type=photo.content_type,
                width=photo.width,
                height=photo.height,
                size=len(photo.content),
                uploaded_by=user,
            )
            item.image.save(name + photo.extension, ContentFile(photo.content), save=False)
            stored.append(item.image.name)
            item.thumbnail.save(name + ".jpg", ContentFile(photo.thumbnail), save=False)
            stored.append(item.thumbnail.name)
            item.save()
            items.append(item)
    except Exception:
        storage = RequestPhoto._meta.get_field("image").storage
        for stored_name in stored:
            storage.delete(stored_name)
        raise
    return items


def attach_step_photos(*, request, stage, photos, user=None) -> list[RequestPhoto]:
    """Attach ``photos`` to the timeline entry just recorded for ``request`` (the step
    they came with)."""
    if not photos:
        return []
    event = request.events.order_by("-at", "-id").first()
    return attach_photos(request=request, stage=stage, photos=photos, user=user, event=event)
