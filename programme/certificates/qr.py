"""The QR code printed on a certificate (segno): a PNG of one pixel a module, given to the PDF's
HTML as a data: URL and printed 38 mm square without smoothing (`image-rendering: pixelated`),
so every module is a sharp square at any printer resolution, as a vector would be.

Not SVG: WeasyPrint parses an SVG path in Python, and the QR code's ~800 runs of modules took
a sixth of a certificate's render; a PNG of a few hundred bytes is drawn as one image."""

import segno

# The printed size of the whole symbol, quiet zone included. Phone cameras read a code of 2 cm
# from arm's length; 38 mm also reads from a certificate framed on a wall, and keeps each module
# near 0.7 mm for the ~70-character verification URL (version 6 at level Q).
PRINTED_SIZE_MM = 38.0
# The four-module quiet zone ISO/IEC 18004 asks for: less and scanners miss the symbol.
QUIET_ZONE = 4
DATA_URL_PREFIX = "data:image/png;base64,"


def qr_code(url: str) -> segno.QRCode:
    """The QR code of `url`: level Q (a quarter of the symbol may be scratched or stained and
    it still reads); boost_error off, so the level and the size do not vary with the URL."""
    return segno.make(url, error="q", micro=False, boost_error=False)


def qr_png_data_url(url: str) -> str:
    """A data: URL of the PNG of `url`'s QR code, black on white, quiet zone included: one
    pixel a module (the page scales it to PRINTED_SIZE_MM)."""
    data_url: str = qr_code(url).png_data_uri(scale=1, border=QUIET_ZONE, dark="#000", light="#fff")
    return data_url
