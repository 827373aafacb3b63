"""The drawing surface under both charts: rectangles in one collection, crisp text, the
PNG written by hand, renderers kept per thread, and sheets drawn in several threads at
once."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from PIL import Image

from bot.progress.canvas import DPI, INK, KEPT_RENDERERS, Sheet, encode_png, pixels, png_bytes
from bot.progress.fonts import Fonts
from tests.progress.images import close, colour_in, decoded, hex_rgb

RED, BLUE, ORANGE, GREY = "#e5534b", "#1f6fb2", "#f77f00", "#ebedf0"


def test_the_png_holds_exactly_the_pixels_given() -> None:
    rng = np.random.default_rng(7)
    rgba = rng.integers(0, 256, size=(23, 37, 4), dtype=np.uint8)
    rgba[:, :, 3] = 255
    image = Image.open(io.BytesIO(encode_png(rgba)))
    assert (image.mode, image.size) == ("RGB", (37, 23))
    assert np.array_equal(np.asarray(image), rgba[:, :, :3])


def test_a_drawn_sheet_is_written_pixel_for_pixel(fonts: Fonts) -> None:
    sheet = Sheet(1.0, fonts, width_in=2.0)
    sheet.rect(0.1, 0.1, 1.0, 0.5, RED)
    sheet.text(0.2, 0.2, "Mastery 中文", size=12)
    drawn = np.array(pixels(sheet.figure))[:, :, :3]
    assert np.array_equal(decoded(png_bytes(sheet.figure)), drawn)
    assert drawn.shape == (DPI, 2 * DPI, 3)


def test_rectangles_are_painted_in_order_with_their_edges(fonts: Fonts) -> None:
    sheet = Sheet(1.2, fonts, width_in=2.0)
    under = sheet.rect(0.1, 0.1, 1.0, 0.6, RED, gid="under")
    over = sheet.rect(0.6, 0.1, 1.0, 0.6, BLUE, gid="over")
    framed = sheet.rect(0.2, 0.8, 0.3, 0.3, GREY, edge=ORANGE, line=2.2, gid="framed")
    rgb = pixels(sheet.figure)
    assert close(colour_in(rgb, under, 0.2, 0.5), hex_rgb(RED))
    assert close(colour_in(rgb, under, 0.8, 0.5), hex_rgb(BLUE))  # the later one is on top
    assert close(colour_in(rgb, over, 0.8, 0.5), hex_rgb(BLUE))
    assert close(colour_in(rgb, framed, 0.5, 0.5), hex_rgb(GREY))
    assert close(colour_in(rgb, framed, 0.5, 0.0), hex_rgb(ORANGE))  # on the border
    assert [box.gid for box in sheet.boxes("")] == ["under", "over", "framed"]
    assert sheet.boxes("fr") == [framed]


def test_a_rectangle_added_after_a_draw_is_painted_too(fonts: Fonts) -> None:
    sheet = Sheet(1.0, fonts, width_in=2.0)
    first = sheet.rect(0.1, 0.1, 0.5, 0.5, RED)
    pixels(sheet.figure)
    second = sheet.rect(1.0, 0.1, 0.5, 0.5, BLUE)
    rgb = pixels(sheet.figure)
    assert close(colour_in(rgb, first, 0.5, 0.5), hex_rgb(RED))
    assert close(colour_in(rgb, second, 0.5, 0.5), hex_rgb(BLUE))


def test_text_is_drawn_over_every_rectangle(fonts: Fonts) -> None:
    sheet = Sheet(1.0, fonts, width_in=2.0)
    sheet.text(0.15, 0.15, "HHHH", size=17, color=INK)
    late = sheet.rect(0.1, 0.1, 1.5, 0.6, GREY)  # added after the text, still beneath it
    rgb = pixels(sheet.figure)
    inside = rgb[int(0.1 * DPI) : int(0.7 * DPI), int(0.1 * DPI) : int(1.6 * DPI), :3]
    inked = np.abs(inside.astype(int) - hex_rgb(INK)).max(axis=2) <= 6
    assert inked.sum() > 100
    assert close(colour_in(rgb, late, 0.9, 0.9), hex_rgb(GREY))


def test_body_text_is_crisp(fonts: Fonts) -> None:
    """Glyph stems land on whole pixels (the auto-hinter): nearly every row the letters
    cross holds pixels of the full ink colour, not only grey blends."""
    for size in (10.0, 11.5):
        sheet = Sheet(0.6, fonts, width_in=2.0)
        sheet.text(0.1, 0.1, "EEEE HHHH", size=size)
        rgb = pixels(sheet.figure)[:, :, :3].astype(int)
        rows = rgb.min(axis=2) < 200
        full = np.abs(rgb - hex_rgb(INK)).max(axis=2) <= 6
        crossed = rows.any(axis=1)
        crisp = (full.sum(axis=1) >= 20) & crossed
        assert crisp.sum() >= 0.8 * crossed.sum(), (size, crisp.sum(), crossed.sum())


def _sheet_png(fonts: Fonts, label: str) -> bytes:
    sheet = Sheet(1.5, fonts, width_in=3.0)
    for row in range(4):
        sheet.rect(0.1, 0.1 + row * 0.3, 2.0 * (row + 1) / 4, 0.2, RED, edge=ORANGE, line=2.0)
        sheet.text(0.2, 0.1 + row * 0.3, f"{label} {row} 数据", size=11)
    return png_bytes(sheet.figure)


def test_sheets_drawn_in_threads_at_once_match_those_drawn_one_by_one(fonts: Fonts) -> None:
    labels = [f"topic {n}" for n in range(6)]
    alone = [_sheet_png(fonts, label) for label in labels]
    with ThreadPoolExecutor(max_workers=3) as pool:
        together = list(pool.map(lambda label: _sheet_png(fonts, label), labels))
    assert together == alone


def _filled(fonts: Fonts, colour: str, label: str) -> Sheet:
    sheet = Sheet(1.0, fonts, width_in=2.0)
    sheet.rect(0.0, 0.0, 2.0, 1.0, colour)
    sheet.text(0.1, 0.1, label, size=14)
    return sheet


def test_images_of_one_size_share_a_renderer_and_nothing_else(fonts: Fonts) -> None:
    dark = _filled(fonts, BLUE, "first")
    dark_pixels = pixels(dark.figure)
    kept = np.array(dark_pixels)
    light = _filled(fonts, GREY, "second")
    light_png = png_bytes(light.figure)
    assert light.figure.canvas.get_renderer() is dark.figure.canvas.get_renderer()
    assert np.array_equal(dark_pixels, kept)  # the first image's pixels are its own
    assert close(tuple(int(v) for v in dark_pixels[75, 190, :3]), hex_rgb(BLUE))
    with ThreadPoolExecutor(max_workers=1) as fresh:  # a thread with no renderer yet
        alone = fresh.submit(lambda: png_bytes(_filled(fonts, GREY, "second").figure))
        assert alone.result() == light_png


def test_a_thread_keeps_only_its_latest_renderers(fonts: Fonts) -> None:
    def renderer(height_in: float) -> object:
        return Sheet(height_in, fonts, width_in=1.0).figure.canvas.get_renderer()

    first = renderer(0.5)
    assert renderer(0.5) is first
    for height in range(1, KEPT_RENDERERS + 1):
        renderer(float(height))
    assert renderer(0.5) is not first
