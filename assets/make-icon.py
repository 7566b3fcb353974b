#!/usr/bin/env python3
"""Draws Zipdesk's icon (assets/icon.png, 512x512 RGBA) with nothing but zlib: a rounded blue
tile with a white document and a zipper down its middle. Run it again to regenerate the PNG;
icon.svg is the same drawing for places that take vectors."""
import struct
import zlib
from pathlib import Path

SIZE = 512
BLUE = (47, 111, 222)
BLUE_DARK = (33, 84, 176)
WHITE = (255, 255, 255)
SS = 4  # supersampling per axis


def rounded_rect(x, y, left, top, right, bottom, radius):
    if x < left or x > right or y < top or y > bottom:
        return False
    cx = min(max(x, left + radius), right - radius)
    cy = min(max(y, top + radius), bottom - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2


def colour_at(x, y):
    """The colour at a point (512-unit coordinates), or None for transparent."""
    if not rounded_rect(x, y, 16, 16, 496, 496, 96):
        return None
    # The document: white sheet with a folded corner.
    if rounded_rect(x, y, 132, 88, 380, 424, 24) and not (x > 320 and y < 148 and (x - 320) > (y - 88)):
        # Zipper teeth alternate left and right of the centre line, top half.
        if 236 <= x <= 276 and 96 <= y <= 296:
            tooth = int((y - 96) // 20)
            if (tooth % 2 == 0 and x < 256) or (tooth % 2 == 1 and x >= 256):
                return BLUE_DARK
        # The pull tab.
        if rounded_rect(x, y, 226, 300, 286, 380, 12):
            return BLUE_DARK if not rounded_rect(x, y, 242, 322, 270, 362, 6) else WHITE
        return WHITE
    if x > 320 and y < 148 and rounded_rect(x, y, 132, 88, 380, 424, 24):
        return (200, 216, 245)
    # A gentle vertical gradient on the tile.
    t = y / SIZE
    return tuple(int(BLUE[i] * (1 - 0.25 * t) + BLUE_DARK[i] * 0.25 * t) for i in range(3))


def render():
    rows = []
    for py in range(SIZE):
        row = bytearray([0])  # filter type 0
        for px in range(SIZE):
            acc = [0, 0, 0, 0]
            for sy in range(SS):
                for sx in range(SS):
                    c = colour_at(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                    if c is not None:
                        acc[0] += c[0]
                        acc[1] += c[1]
                        acc[2] += c[2]
                        acc[3] += 255
            n = SS * SS
            alpha = acc[3] // n
            if alpha:
                covered = acc[3] // 255
                row += bytes((acc[0] // covered, acc[1] // covered, acc[2] // covered, alpha))
            else:
                row += b"\0\0\0\0"
        rows.append(bytes(row))
    return b"".join(rows)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def main():
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(render(), 9)) + chunk(b"IEND", b"")
    Path(__file__).with_name("icon.png").write_bytes(png)


if __name__ == "__main__":
    main()
