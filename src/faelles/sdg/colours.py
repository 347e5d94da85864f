"""Official SDG colours and accessible text colours for tiles.

Ten of the seventeen official colours give less than 4.5:1 with white text, so a tile uses
white text only where that passes and near-black text otherwise; `tile_colours` is the single
place that decides, and tests check every pair against WCAG 2.1 AA.
"""

from __future__ import annotations

OFFICIAL_COLOURS: dict[int, str] = {
    1: "#E5243B", 2: "#DDA63A", 3: "#4C9F38", 4: "#C5192D", 5: "#FF3A21", 6: "#26BDE2",
    7: "#FCC30B", 8: "#A21942", 9: "#FD6925", 10: "#DD1367", 11: "#FD9D24", 12: "#BF8B2E",
    13: "#3F7E44", 14: "#0A97D9", 15: "#56C02B", 16: "#00689D", 17: "#19486A",
}
WHITE = "#FFFFFF"
DARK = "#1A1A1A"
AA_NORMAL_TEXT = 4.5


def _channel(c: int) -> float:
    s = c / 255
    return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_colour_on(background: str) -> str:
    """White where it reaches AA, otherwise dark text (which then always has the better ratio)."""
    if contrast_ratio(background, WHITE) >= AA_NORMAL_TEXT:
        return WHITE
    return DARK


def tile_colours(number: int) -> tuple[str, str]:
    """(background, text) for the tile of SDG `number`."""
    background = OFFICIAL_COLOURS[number]
    return background, text_colour_on(background)


def stylesheet() -> str:
    """The per-goal rules of static/sdg/sdg.css (generated; a test keeps the file in step)."""
    lines = []
    for number in OFFICIAL_COLOURS:
        background, text = tile_colours(number)
        lines.append(
            f".sdg-{number} {{ background: {background}; color: {text}; }}\n"
            f".sdg-band-{number} {{ border-left-color: {background}; }}\n"
            f".sdg-chip-{number} {{ border-left-color: {background}; }}"
        )
    return "\n".join(lines) + "\n"
