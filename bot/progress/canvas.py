"""Drawing without pyplot: a sheet laid out in inches, PNG bytes, drawing off the event loop.

pyplot keeps global state (current figure, interactive backends) that is neither thread-
safe nor needed here: each image is its own `Figure` on its own `FigureCanvasAgg`, so
several can draw in worker threads at once. There are no Axes either (creating one costs
tens of milliseconds): `Sheet` places text and rectangles straight on the figure, in
inches from the top-left corner. All of a sheet's rectangles are one collection (one
artist drawn in one call, not a patch each), and the PNG is written here with zlib (no
per-row filter search: half the time of Pillow's encoder for these mostly flat images).
Each thread draws on a renderer it keeps for the image's size, because matplotlib
caches text measurements per renderer: the labels every image shares (section titles,
weekday and month names, topic names) are measured once, not on every draw.
matplotlib is imported on first use.
"""

from __future__ import annotations

import asyncio
import functools
import struct
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.progress.fonts import Fonts

if TYPE_CHECKING:
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.transforms import Transform

DPI = 150
WIDTH_IN = 7.2
"""1080 pixels: a phone screen's width, so text is shown at the size it was drawn."""
TEXT_HINTING = "force_autohint"
"""FreeType's auto-hinter for every font: stems land on whole pixels, at least as crisp
as DejaVu Sans's own hinting (CJK fonts mostly have none and were auto-hinted already),
and its glyphs load faster: a stats image's text draws in about 40 ms less."""
KEPT_RENDERERS = 2
"""Renderers a thread keeps, one per image size, latest used first (a stats image and a
leaderboard; 4 bytes a pixel, about 10 MB for a stats image)."""
PNG_COMPRESSION = 1
"""zlib level: 1 writes a tall chart's PNG in about a third of the default's time."""

BACKGROUND = "#ffffff"
INK = "#1f2328"
MUTED = "#656d76"
TRACK = "#eaeef2"


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on a sheet, in inches from the sheet's top-left corner."""

    x: float
    y: float
    width: float
    height: float
    face: str
    edge: str | None = None
    line: float = 0.0
    """The edge's width in points (0 without an edge)."""
    gid: str | None = None
    """A name for checks ("day 2025-03-06", "row 3")."""

    def corners(self) -> list[tuple[float, float]]:
        right, bottom = self.x + self.width, self.y + self.height
        return [(self.x, self.y), (right, self.y), (right, bottom), (self.x, bottom)]


class Sheet:
    """A figure of a fixed width and height; positions in inches from the top-left.

    Rectangles are painted in the order they were added, all beneath the text."""

    def __init__(self, height_in: float, fonts: Fonts, width_in: float = WIDTH_IN) -> None:
        from matplotlib.figure import Figure
        from matplotlib.transforms import Affine2D

        _set_up_matplotlib()
        self.width = width_in
        self.height = height_in
        self.fonts = fonts
        self._figure = Figure(figsize=(width_in, height_in), dpi=DPI, facecolor=BACKGROUND)
        _canvas_class()(self._figure)
        self.transform: Transform = (
            Affine2D().scale(1, -1).translate(0, height_in) + self._figure.dpi_scale_trans
        )
        self._boxes: list[Box] = []
        self._painted: PolyCollection | None = None
        self._painted_count = 0

    @property
    def figure(self) -> Figure:
        """The figure, its rectangles (all added so far) in one collection."""
        if self._painted_count != len(self._boxes):
            self._paint()
        return self._figure

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = 11.5,
        color: str = INK,
        bold: bool = False,
        ha: str = "left",
        va: str = "top",
        gid: str | None = None,
    ) -> Text:
        """Text as given (no mathtext: a `$` is a dollar sign), in the base font unless
        it needs the CJK one (a fallback font list costs time on every draw)."""
        family = [self.fonts.families[0]] if self.fonts.base_draws(text) else self.fonts.families
        return self._figure.text(
            x,
            y,
            text,
            transform=self.transform,
            fontsize=size,
            color=color,
            fontweight="bold" if bold else "normal",
            ha=ha,
            va=va,
            family=list(family),
            parse_math=False,
            gid=gid,
        )

    def rect(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        face: str,
        *,
        edge: str | None = None,
        line: float = 0.0,
        gid: str | None = None,
    ) -> Box:
        """A rectangle whose top-left corner is (x, y); an edge of `line` points is
        drawn centred on its border."""
        box = Box(x, y, width, height, face, edge, line if edge else 0.0, gid)
        self._boxes.append(box)
        return box

    def boxes(self, prefix: str) -> list[Box]:
        """The rectangles whose gid starts with `prefix` (for checks)."""
        return [box for box in self._boxes if (box.gid or "").startswith(prefix)]

    def _paint(self) -> None:
        from matplotlib.collections import PolyCollection

        boxes = self._boxes
        verts = [box.corners() for box in boxes]
        faces = [box.face for box in boxes]
        edges = [box.edge or "none" for box in boxes]
        lines = [box.line for box in boxes]
        if self._painted is None:
            self._painted = PolyCollection(
                verts,
                facecolors=faces,
                edgecolors=edges,
                linewidths=lines,
                joinstyle="miter",
                transform=self.transform,
            )
            self._figure.add_artist(self._painted)
        else:
            self._painted.set_verts(verts)
            self._painted.set_facecolor(faces)
            self._painted.set_edgecolor(edges)
            self._painted.set_linewidth(lines)
        self._painted_count = len(boxes)


@functools.cache
def _set_up_matplotlib() -> None:
    """Settings every chart of this process draws with, set once before the first is made
    (matplotlib keeps them process-wide, and only the charts use it)."""
    import matplotlib

    matplotlib.rcParams["text.hinting"] = TEXT_HINTING


@functools.cache
def _canvas_class() -> type:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    class KeptRendererCanvas(FigureCanvasAgg):
        """An Agg canvas drawing on its thread's kept renderer for its size (cleared
        before each draw, as Agg always does)."""

        def get_renderer(self) -> RendererAgg:
            width, height = self.get_width_height(physical=True)
            self.renderer = kept_renderer(width, height, self.figure.dpi)
            return self.renderer

    return KeptRendererCanvas


_kept = threading.local()


def kept_renderer(width: int, height: int, dpi: float) -> RendererAgg:
    """This thread's renderer for images of this size, made on first use; the thread
    keeps its KEPT_RENDERERS latest used."""
    from matplotlib.backends.backend_agg import RendererAgg

    kept: dict[tuple[int, int, float], RendererAgg] = _kept.__dict__.setdefault("renderers", {})
    key = (width, height, dpi)
    renderer = kept.pop(key, None) or RendererAgg(width, height, dpi)
    kept[key] = renderer
    while len(kept) > KEPT_RENDERERS:
        del kept[next(iter(kept))]
    return renderer


def png_bytes(figure: Figure) -> bytes:
    """The figure drawn and encoded as an RGB PNG (8 bits a channel, no row filter)."""
    return encode_png(_drawn(figure))


def encode_png(rgba: Any) -> bytes:
    """An RGBA array (height x width x 4, opaque) as RGB PNG bytes."""
    import numpy as np

    height, width = rgba.shape[:2]
    rows = np.empty((height, 1 + 3 * width), dtype=np.uint8)
    rows[:, 0] = 0  # each row's filter: none
    rgb = rows[:, 1:].reshape(height, width, 3)  # a view into `rows`
    for channel in range(3):  # a channel at a time: 4x faster than one strided copy
        rgb[:, :, channel] = rgba[:, :, channel]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(rows.data, PNG_COMPRESSION)),
            _png_chunk(b"IEND", b""),
        )
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(data, zlib.crc32(kind))
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def pixels(figure: Figure) -> Any:
    """The drawn figure as an RGBA array (height x width x 4) of its own."""
    return _drawn(figure).copy()


def _drawn(figure: Figure) -> Any:
    """The figure drawn, as a view of its renderer's pixels (valid until the thread
    draws another image of this size)."""
    import numpy as np

    figure.canvas.draw()
    return np.asarray(figure.canvas.buffer_rgba())  # type: ignore[attr-defined]


_drawing: ThreadPoolExecutor | None = None
_drawing_lock = threading.Lock()


def _drawer() -> ThreadPoolExecutor:
    global _drawing
    with _drawing_lock:
        if _drawing is None:
            _drawing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quizbot-chart")
        return _drawing


async def render_png(build: Callable[[], Figure]) -> bytes:
    """Build and draw a figure in a worker thread, so the bot keeps answering meanwhile.

    Images queue for one drawing thread: drawing is mostly Python holding the GIL, so
    more threads would not draw faster, only take more turns away from the event loop.
    """
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(_drawer(), lambda: png_bytes(build()))
