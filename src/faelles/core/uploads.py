"""Uploaded files: size limit, type checked by content, images re-encoded, generated names.

A file's name and declared content type come from the client and are never trusted: the type is
read from the bytes (filetype), images are decoded and written again by Pillow (which drops any
payload hidden in metadata or after the image data), and the stored name is random.
"""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "png"}
DOCUMENT_TYPES = {"application/pdf": "pdf"}
MAX_IMAGE_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS


@dataclass(frozen=True)
class CleanFile:
    content: ContentFile
    name: str
    content_type: str


def _read_limited(upload: UploadedFile, limit: int) -> bytes:
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large. The limit is %(limit)s MB.") % {"limit": limit // 1_048_576},
            code="too_large",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("The file is too large. The limit is %(limit)s MB.") % {"limit": limit // 1_048_576},
            code="too_large",
        )
    return data


def clean_image(upload: UploadedFile, *, limit: int | None = None) -> CleanFile:
    limit = limit or settings.FAELLES_UPLOAD_MAX_BYTES
    data = _read_limited(upload, limit)
    kind = filetype.guess(data)
    if kind is None or kind.mime not in IMAGE_TYPES:
        raise ValidationError(
            _("Choose a picture in JPEG, PNG, WebP or GIF format."), code="bad_type"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            fmt = (
                "JPEG"
                if kind.mime == "image/jpeg"
                else ("WEBP" if kind.mime == "image/webp" else "PNG")
            )
            if fmt == "JPEG" and image.mode not in {"RGB", "L"}:
                image = image.convert("RGB")
            elif fmt == "PNG" and image.mode not in {"RGB", "RGBA", "L", "LA", "P"}:
                image = image.convert("RGBA")
            image.thumbnail((2400, 2400))
            out = io.BytesIO()
            image.save(out, format=fmt, quality=85)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The picture could not be read."), code="bad_image") from exc
    ext = IMAGE_TYPES[kind.mime]
    mime = "image/png" if ext == "png" else kind.mime
    return CleanFile(ContentFile(out.getvalue()), f"{uuid.uuid4().hex}.{ext}", mime)


def clean_document(upload: UploadedFile, *, limit: int | None = None) -> CleanFile:
    limit = limit or settings.FAELLES_UPLOAD_MAX_BYTES
    data = _read_limited(upload, limit)
    kind = filetype.guess(data)
    if kind is not None and kind.mime in IMAGE_TYPES:
        upload.seek(0)
        return clean_image(upload, limit=limit)
    if kind is None or kind.mime not in DOCUMENT_TYPES:
        raise ValidationError(_("Choose a PDF file or a picture."), code="bad_type")
    return CleanFile(
        ContentFile(data), f"{uuid.uuid4().hex}.{DOCUMENT_TYPES[kind.mime]}", kind.mime
    )
