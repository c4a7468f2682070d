"""The QR code printed on a certificate, as inline SVG (segno): vector, so it stays sharp at any
printer resolution, and embedded in the PDF's HTML, so rendering fetches nothing for it."""

import segno

# The printed size of the whole symbol, quiet zone included. Phone cameras read a code of 2 cm
# from arm's length; 38 mm also reads from a certificate framed on a wall, and keeps each module
# near 0.8 mm for the ~70-character verification URL (version 6 at level Q).
PRINTED_SIZE_MM = 38.0
# The four-module quiet zone ISO/IEC 18004 asks for: less and scanners miss the symbol.
QUIET_ZONE = 4


def qr_svg(url: str) -> str:
    """An SVG element (no XML declaration) of a QR code for `url`: black on white, level Q
    (a quarter of the symbol may be scratched or stained and it still reads), 38 mm square."""
    # boost_error off: the level stays Q whatever the URL's length, so the size is predictable.
    code = segno.make(url, error="q", micro=False, boost_error=False)
    modules, _ = code.symbol_size(scale=1, border=QUIET_ZONE)
    svg: str = code.svg_inline(
        scale=round(PRINTED_SIZE_MM / modules, 4),
        unit="mm",
        border=QUIET_ZONE,
        dark="#000",
        light="#fff",
        svgclass="qr",
        lineclass=None,
    )
    return svg
