"""Files for upload tests: genuine PDF/PNG/JPEG bytes and the corpus that must be refused."""

import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes(text: str = "Certificate") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        + f"% {text}\n".encode()
        + b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes(extra: bytes = b"") -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + (chunk(b"tEXt", extra) if extra else b"")
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def good_pdf(name: str = "certificate.pdf"):
    return upload(name, pdf_bytes())


def good_png(name: str = "photo.png"):
    return upload(name, png_bytes(), "image/png")


def good_jpeg(name: str = "scan.jpg"):
    return upload(name, jpeg_bytes(), "image/jpeg")


# name, bytes, the content type the browser claims, what the message must say
BAD_FILES = {
    "html_renamed_pdf": (
        "certificate.pdf",
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        "application/pdf",
        "is not a PDF, PNG or JPEG file",
    ),
    "svg_renamed_png": (
        "photo.png",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/png",
        "is not a PDF, PNG or JPEG file",
    ),
    "polyglot_png": (
        "polyglot.png",
        png_bytes(b"Comment\x00<html><script>alert(document.cookie)</script></html>"),
        "image/png",
        "contains web content hidden inside the image",
    ),
    "zero_bytes": ("empty.pdf", b"", "application/pdf", "is empty"),
}
