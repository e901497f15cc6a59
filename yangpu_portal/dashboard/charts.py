"""Charts drawn on the server as SVG: horizontal bars (long Chinese labels read well on a
phone) and lines over months. Geometry is computed here; `dashboard/includes/chart.html`
draws it with CSS classes only (the CSP forbids inline styles). Every chart has a title and
sits next to a table with its numbers."""

from dataclasses import dataclass, field

# User units of the viewBox; the SVG scales to the card's width (about 330 px on a phone, where
# one unit is then about 0.75 px: the 17-unit text stays readable, about 13 px).
WIDTH = 420
LABEL_WIDTH = 130
BAR_HEIGHT = 24
BAR_GAP = 10
VALUE_ROOM = 60


@dataclass
class Bar:
    label: str
    value: float
    display: str
    y: float
    width: float
    series: int = 0


@dataclass
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    kind: str = "bar"
    legend: list[str] = field(default_factory=list)
    label_width: int = LABEL_WIDTH
    width: int = WIDTH

    @property
    def label_x(self):
        return self.label_width - 8

    @property
    def value_room(self):
        return VALUE_ROOM


def bar_chart(title, items, *, series_names=(), unit="") -> BarChart:
    """`items`: [(label, value)] or [(label, (value1, value2...))] for grouped bars."""
    items = list(items)
    grouped = bool(items) and isinstance(items[0][1], tuple | list)
    values = [v for _label, vs in items for v in (vs if grouped else (vs,))]
    top = max([v for v in values if v] or [1])
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    bars, y = [], 12
    for label, vs in items:
        for index, value in enumerate(vs if grouped else (vs,)):
            value = value or 0
            bars.append(
                Bar(
                    label=str(label) if index == 0 else "",
                    value=value,
                    display=f"{_number(value)}{unit}",
                    y=y,
                    width=max(span * value / top, 0),
                    series=index,
                )
            )
            y += BAR_HEIGHT + (2 if grouped and index < len(vs) - 1 else BAR_GAP)
    return BarChart(title=title, bars=bars, height=int(y + 8), legend=list(series_names))


@dataclass
class Line:
    name: str
    points: str
    series: int
    dots: list[tuple[float, float, str]]


@dataclass
class LineChart:
    title: str
    lines: list[Line]
    ticks: list[tuple[float, str]]  # x, month label
    grid: list[tuple[float, str]]  # y, value label
    height: int = 260
    width: int = WIDTH
    kind: str = "line"
    left: int = 48
    bottom: int = 220

    @property
    def legend(self):
        return [line.name for line in self.lines]


def line_chart(title, labels, series) -> LineChart:
    """`labels`: the x labels (months); `series`: [(name, [values...])]."""
    left, right, top_y, bottom = 48, WIDTH - 24, 16, 220
    top = max([v for _n, values in series for v in values if v] or [1])
    count = max(len(labels) - 1, 1)

    def x(i):
        return left + (right - left) * i / count

    def y(v):
        return bottom - (bottom - top_y) * (v or 0) / top

    lines = []
    for index, (name, values) in enumerate(series):
        coords = [(round(x(i), 1), round(y(v), 1), _number(v)) for i, v in enumerate(values)]
        lines.append(
            Line(
                name=str(name),
                points=" ".join(f"{cx},{cy}" for cx, cy, _v in coords),
                series=index,
                dots=coords,
            )
        )
    step = max((len(labels) + 3) // 4, 1)
    ticks = [(round(x(i), 1), label) for i, label in enumerate(labels) if i % step == 0]
    grid = [(round(y(top * f), 1), _number(top * f)) for f in (0, 0.5, 1)]
    return LineChart(title=title, lines=lines, ticks=ticks, grid=grid)


def _number(value) -> str:
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"
