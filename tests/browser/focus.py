"""Measuring keyboard focus indicators from pixels, as a sighted keyboard user sees them.

For each stop of the Tab key, the region around the focused element is compared pixel by
pixel with the same region before anything had focus. A pixel belongs to the indicator when
its colour changed with a contrast ratio of at least 3:1 (WCAG 2.2, 1.4.11 non-text contrast;
the ratio formula of 1.4.3). The indicator must cover at least the area of a 2 CSS px thick
perimeter of the control (the minimum of WCAG 2.2's focus appearance, 2.4.13), so a focus
style that changes a few pixels, or only changes colour faintly, does not count.

Screenshots are taken at device scale 1 (the `page` fixture), so 1 image pixel is 1 CSS px.
The text caret is hidden by Playwright's screenshots, so typing fields are compared fairly.
Pillow comes with WeasyPrint, a dependency of the project.
"""

import io
from dataclasses import dataclass, field

from PIL import Image

# Pixels of page around a control in which its indicator may be drawn (outline offset +
# width + the dark ring: 6 px today).
MARGIN = 10
MIN_RATIO = 3.0
MAX_STOPS = 80


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def luminance(rgb: tuple[int, ...]) -> float:
    """Relative luminance (WCAG 2.x) of an sRGB colour."""
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _required_area(width: float, height: float) -> int:
    # A 2 px thick ring along the inside of the control's border box.
    w, h = round(width), round(height)
    return max(w * h - max(w - 4, 0) * max(h - 4, 0), 1)


@dataclass(frozen=True)
class Stop:
    """One stop of the Tab key and what its focus indicator measured."""

    index: int
    label: str
    width: float
    height: float
    focus_visible: bool
    area: int  # pixels whose colour changed by at least MIN_RATIO
    best_ratio: float  # the largest change of any pixel
    image: Image.Image | None = field(default=None, compare=False, repr=False)  # focused

    @property
    def required_area(self) -> int:
        return _required_area(self.width, self.height)

    @property
    def visible(self) -> bool:
        return self.area >= self.required_area

    def __str__(self) -> str:
        return (
            f"#{self.index} {self.label} ({self.width:.0f}x{self.height:.0f}): "
            f"{self.area} px at >= {MIN_RATIO}:1 (needs {self.required_area}), "
            f"best change {self.best_ratio:.2f}:1"
        )


_ACTIVE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  const name = (el.getAttribute('aria-label')
    || (el.labels && el.labels[0] && el.labels[0].textContent)
    || el.textContent || el.name || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  const kind = el.tagName.toLowerCase() + (el.type ? `[${el.type}]` : '');
  return {
    label: `${kind} "${name}"`,
    x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height,
    focusVisible: el.matches(':focus-visible'),
    key: el.dataset.focusStop || (el.dataset.focusStop = String(Math.random())),
  };
}"""


PAUSES_MS = (0, 250, 1000)
_TWO_FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def _image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("RGB")


def _compare(before: Image.Image, after: Image.Image) -> tuple[int, float]:
    area, best = 0, 1.0
    cache: dict[tuple[bytes, bytes], float] = {}
    a, b = before.tobytes(), after.tobytes()  # RGB, 3 bytes a pixel
    for i in range(0, len(a), 3):
        pa, pb = a[i : i + 3], b[i : i + 3]
        if pa == pb:
            continue
        ratio = cache.get((pa, pb))
        if ratio is None:
            ratio = cache[(pa, pb)] = contrast(tuple(pa), tuple(pb))
        best = max(best, ratio)
        if ratio >= MIN_RATIO:
            area += 1
    return area, best


def tab_through(page, *, within: str | None = None) -> list[Stop]:
    """Press Tab from where focus is now until it leaves the page or comes back round, and
    measure the indicator at every stop (inside the CSS selector `within`, if given).

    Call it on a page at rest: the picture "before" is taken first, with nothing focused
    (whatever had focus, an error summary for instance, is blurred).
    """
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.mouse.move(0, 0)
    baseline = _image(page.screenshot(full_page=True, animations="disabled"))
    page_width, page_height = baseline.size
    stops: list[Stop] = []
    first = previous = None
    for index in range(MAX_STOPS):
        page.keyboard.press("Tab")
        active = page.evaluate(_ACTIVE)
        if active is None:
            break
        if active["key"] == first and previous != first:
            break  # round the page and back to the first stop
        first = first or active["key"]
        previous = active["key"]
        if within and not page.evaluate("(s) => !!document.activeElement.closest(s)", within):
            continue
        left = max(int(active["x"]) - MARGIN, 0)
        top = max(int(active["y"]) - MARGIN, 0)
        right = min(int(active["x"] + active["width"]) + MARGIN + 1, page_width)
        bottom = min(int(active["y"] + active["height"]) + MARGIN + 1, page_height)
        clip = {"x": left, "y": top, "width": right - left, "height": bottom - top}
        before = baseline.crop((left, top, right, bottom))
        # On a loaded machine the first picture can come before Chromium has painted the new
        # focus (seen in CI: a header link measured 0 px changed, then passed on every rerun).
        # Wait for two frames, and look again after growing pauses before calling a ring
        # faint (CI on two busy cores has needed the second pause): an indicator that is
        # really missing fails every time.
        # A header link has also measured 0 px changed after every pause (CI, twice in
        # three runs; never locally): then Tab away and back, and look once more at the same
        # element. A ring that is really missing is missing after that too.
        for attempt, pause in enumerate((*PAUSES_MS, *PAUSES_MS)):
            if attempt == len(PAUSES_MS):
                page.keyboard.press("Shift+Tab")
                page.keyboard.press("Tab")
                if (page.evaluate(_ACTIVE) or {}).get("key") != active["key"]:
                    break
            page.evaluate(_TWO_FRAMES)
            if pause:
                page.wait_for_timeout(pause)
            focused = _image(page.screenshot(full_page=True, clip=clip, animations="disabled"))
            area, best = _compare(before, focused)
            if area >= _required_area(active["width"], active["height"]):
                break
        stops.append(
            Stop(
                index=index,
                label=active["label"],
                width=active["width"],
                height=active["height"],
                focus_visible=active["focusVisible"],
                area=area,
                best_ratio=best,
                image=focused,
            )
        )
    return stops


def contact_sheet(stops: list[Stop], path) -> None:
    """The focused controls one under the other, in Tab order, for a person to look at."""
    images = [stop.image for stop in stops if stop.image is not None]
    if not images:
        return
    width = max(image.width for image in images)
    sheet = Image.new("RGB", (width, sum(image.height + 4 for image in images)), "#7a7a7a")
    top = 0
    for image in images:
        sheet.paste(image, (0, top))
        top += image.height + 4
    path.parent.mkdir(exist_ok=True)
    sheet.save(path)
