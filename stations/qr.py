"""QR codes as SVG path data, drawn by the template (`<svg><path d="..."></svg>`), so that no
library markup is ever marked safe: the path holds only `M`, `h`, `v`, `z` and digits."""

from dataclasses import dataclass

import qrcode
from qrcode.constants import ERROR_CORRECT_M


@dataclass(frozen=True)
class QrSvg:
    size: int  # modules per side, quiet zone included: the SVG's viewBox is 0 0 size size
    path: str


def qr_svg(data: str, *, border: int = 4) -> QrSvg:
    """Encode `data` (error correction M: a poster survives some scuffing) as one SVG path of
    unit squares, each dark run of a row merged into one rectangle."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=border)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start},{y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return QrSvg(size=len(matrix), path="".join(parts))
