"""Checks on rendered images: PNG header, size, how much is drawn, colours in a box."""

from __future__ import annotations

import io
import os
import struct
import time
from collections.abc import Callable
from typing import Any

from bot.progress.canvas import DPI, Box
from tests.progress.conftest import TIMINGS


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; fails if `data` is not a PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def decoded(data: bytes) -> Any:
    """The PNG's pixels as an RGB array."""
    import numpy as np
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))


def ink_share(rgb: Any) -> float:
    """The share of pixels that are not (nearly) white."""
    return float((rgb.min(axis=2) < 245).mean())


def colour_in(rgb: Any, box: Box, across: float = 0.25, down: float = 0.25) -> tuple[int, int, int]:
    """The pixel at a point inside a drawn box, as shares of its width and height from
    its top-left corner (clear of the marks some cells carry in the middle)."""
    x = int((box.x + across * box.width) * DPI)
    y = int((box.y + down * box.height) * DPI)
    red, green, blue = rgb[y, x][:3]
    return int(red), int(green), int(blue)


def hex_rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def close(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 6) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


def timed(name: str, render: Callable[[], bytes], times: int = 5) -> bytes:
    """Render `times` times, recording each (wall, CPU) duration for the end-of-run
    report; CPU time shows the chart's own cost when other work shares the machine."""
    png = b""
    for _ in range(times):
        wall, cpu = time.perf_counter(), time.process_time()
        png = render()
        TIMINGS.setdefault(name, []).append((time.perf_counter() - wall, time.process_time() - cpu))
    return png


def require_cjk_font_in_ci() -> None:
    """CI installs a CJK font (.ci/run), so there the CJK path must really be tested; a
    developer machine without one tests the fallback only."""
    if os.environ.get("CI"):
        raise AssertionError("CI must have a CJK font: .ci/run installs fonts-wqy-microhei")
