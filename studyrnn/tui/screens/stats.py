"""Statistics: review heatmap, due forecast, retention, mastery per deck.

The numbers come from ``studyrnn.stats`` (through ``views.load_stats``) in a thread worker, so a
large collection never holds up a keypress; this screen only draws them.
"""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, LoadingIndicator, Static
from textual_plotext import PlotextPlot

from studyrnn.tui import views
from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal, one_line

HEAT = ["grey23", "dark_green", "green4", "green3", "bright_green"]
WEEKS = 26


def heatmap(per_day: dict[date, int], today: date, weeks: int = WEEKS) -> Text:
    """A GitHub-style grid: a column per week (oldest left), a row per weekday, ■ coloured by count."""
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    peak = max(per_day.values(), default=0)
    text = Text()
    for weekday, name in enumerate(["Mon", "", "Wed", "", "Fri", "", "Sun"]):
        text.append(f"{name:<4}", style="dim")
        for week in range(weeks):
            day = start + timedelta(days=7 * week + weekday)
            if day > today:
                text.append("  ")
                continue
            count = per_day.get(day, 0)
            level = (
                0 if count == 0 or peak == 0 else 1 + min(3, int(4 * (count - 1) / max(1, peak)))
            )
            text.append("■ ", style=HEAT[level])
        text.append("\n")
    text.append("    less ", style="dim")
    for colour in HEAT:
        text.append("■ ", style=colour)
    text.append("more", style="dim")
    return text


class StatsScreen(StudyScreen):
    class Loaded(Message):
        def __init__(self, data: views.StatsView) -> None:
            self.data = data
            super().__init__()

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats-body"):
            yield LoadingIndicator(id="stats-loading")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Statistics"
        self.query_one("#stats-body").focus()
        self.load()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(views.load_stats(self.study)))

    def on_stats_screen_loaded(self, message: Loaded) -> None:
        data = message.data
        body = self.query_one("#stats-body", VerticalScroll)
        body.remove_children()
        if data.total_reviews == 0:
            body.mount(
                Static(
                    "No reviews yet.\n\nStudy a little first: on the home screen press r to review a deck's "
                    "cards or t to take a quiz. Your heatmap, forecast, retention and mastery will appear here.",
                    classes="empty-state",
                    id="stats-empty",
                )
            )
            if any(n for _, n in data.forecast):
                body.mount(self._forecast_plot(data))
            return
        retention = "–" if data.retention is None else f"{data.retention:.0%}"
        summary = (
            f"{data.total_reviews} reviews · {data.today} today · true retention {retention} "
            f"· {data.due_now} due now"
        )
        body.mount(Static(literal(summary), id="stats-summary"))
        body.mount(Static(heatmap(data.per_day, data.today_date), id="heatmap"))
        row = Horizontal(classes="stats-row")
        body.mount(row)
        row.mount(self._forecast_plot(data))
        row.mount(self._mastery_plot(data))

    def _forecast_plot(self, data: views.StatsView) -> PlotextPlot:
        plot = PlotextPlot(id="forecast-plot")
        plt = plot.plt
        labels = [d.strftime("%d") for d, _ in data.forecast]
        plt.bar(labels, [n for _, n in data.forecast])
        plt.title("Due in the next 14 days")
        return plot

    def _mastery_plot(self, data: views.StatsView) -> PlotextPlot:
        plot = PlotextPlot(id="mastery-plot")
        plt = plot.plt
        if data.mastery:
            plt.bar(
                [one_line(name, 14) for name, _ in data.mastery],
                [round(100 * m) for _, m in data.mastery],
                orientation="h",
            )
            plt.xlim(0, 100)
        plt.title("Mastery per deck (%)")
        return plot
