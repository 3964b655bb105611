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

from studyrnn.i18n import N_, _
from studyrnn.tui import views
from studyrnn.tui.screens.base import StudyScreen
from studyrnn.tui.text import literal, one_line

HEAT = ["grey23", "dark_green", "green4", "green3", "bright_green"]
WEEKS = 26
WEEKDAYS = [N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun")]
MONTHS = [
    N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
    N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
]  # fmt: skip


def heat_weeks(width: int) -> int:
    """As many weeks as fit: 2 cells a week after the 4-cell weekday column, at most WEEKS."""
    return max(4, min(WEEKS, (width - 6) // 2))


def heatmap(per_day: dict[date, int], today: date, weeks: int = WEEKS) -> Text:
    """A GitHub-style grid: a column per week (oldest left), a row per weekday, ■ coloured by
    count; month names over the week in which each month begins."""
    start = today - timedelta(days=today.weekday() + 7 * (weeks - 1))
    peak = max(per_day.values(), default=0)
    text = Text()
    months = [" "] * (2 * weeks + 2)
    for week in range(weeks):
        monday = start + timedelta(days=7 * week)
        sunday = monday + timedelta(days=6)
        if week > 0 and sunday.day > 7:
            continue  # no month begins in this week
        name = _(MONTHS[(monday if week == 0 else sunday).month - 1])
        at = 2 * week
        if all(c == " " for c in months[max(0, at - 1) : at + len(name) + 1]):
            months[at : at + len(name)] = list(name)
    text.append("    " + "".join(months).rstrip() + "\n", style="dim")
    for weekday, name in enumerate(WEEKDAYS):
        text.append(f"{_(name)[:3]:<4}", style="dim")
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
    text.append("    " + _("less") + " ", style="dim")
    for colour in HEAT:
        text.append("■ ", style=colour)
    text.append(_("more"), style="dim")
    return text


def integer_ticks(high: int, most: int = 5) -> list[int]:
    """0..high in whole steps, at most ``most`` + 1 ticks (a count axis never shows 23.3)."""
    step = max(1, -(-high // most))
    ticks = list(range(0, high + 1, step))
    if ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return ticks


def mastery_bars(rows: list[tuple[str, float]], width: int) -> Text:
    """One line per deck: its title (cut with an ellipsis), a bar and the percentage."""
    text = Text()
    title_width = max(12, min(40, width // 2 - 6))
    bar_width = max(10, width - title_width - 8)
    for name, fraction in rows:
        filled = round(fraction * bar_width)
        text.append(f"{one_line(name, title_width):<{title_width}} ")
        text.append("█" * filled, style="green3")
        text.append("░" * (bar_width - filled), style="grey35")
        text.append(f" {fraction:>4.0%}\n")
    return text


class StatsScreen(StudyScreen):
    class Loaded(Message):
        def __init__(self, data: views.StatsView) -> None:
            self.data = data
            super().__init__()

    def __init__(self) -> None:
        super().__init__()
        self.data: views.StatsView | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stats-body"):
            yield LoadingIndicator(id="stats-loading")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Statistics")
        self.query_one("#stats-body").focus()
        self.load()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def load(self) -> None:
        self.post_message(self.Loaded(views.load_stats(self.study)))

    def on_resize(self) -> None:
        # re-fit the width-dependent parts in place (remounting would race the old widgets)
        data = self.data
        if data is None or data.total_reviews == 0 or not self.query("#heatmap"):
            return
        width = self.size.width or 100
        self.query_one("#heatmap", Static).update(
            heatmap(data.per_day, data.today_date, heat_weeks(width))
        )
        self.query_one("#mastery", Static).update(mastery_bars(data.mastery, width - 4))

    def on_stats_screen_loaded(self, message: Loaded) -> None:
        self.data = message.data
        self.draw(message.data)

    def draw(self, data: views.StatsView) -> None:
        body = self.query_one("#stats-body", VerticalScroll)
        body.remove_children()
        if data.total_reviews == 0:
            body.mount(
                Static(
                    _(
                        "No reviews yet.\n\nStudy a little first: on the home screen press r to "
                        "review a deck's cards or t to take a quiz. Your heatmap, forecast, "
                        "retention and mastery will appear here."
                    ),
                    classes="empty-state",
                    id="stats-empty",
                )
            )
            if any(n for _d, n in data.forecast):
                body.mount(self._forecast_plot(data))
            return
        width = self.size.width or 100
        body.mount(Static(literal(self.summary(data)), id="stats-summary"))
        body.mount(Static(heatmap(data.per_day, data.today_date, heat_weeks(width)), id="heatmap"))
        row = Horizontal(classes="stats-row")
        body.mount(row)
        row.mount(self._forecast_plot(data))
        row.mount(self._retention_plot(data))
        body.mount(
            Static(_("Mastery per deck (cards with stability ≥ 21 days)"), classes="heading")
        )
        body.mount(Static(mastery_bars(data.mastery, width - 4), id="mastery"))

    def summary(self, data: views.StatsView) -> str:
        """Reviews (the answers that reschedule) apart from quiz and flashcard answers."""
        retention = "–" if data.retention is None else f"{data.retention:.0%}"
        modes = data.by_mode
        return (
            _("{reviews} reviews · {quiz} quiz answers · {flash} flashcard answers").format(
                reviews=modes.get("review", 0),
                quiz=modes.get("quiz", 0),
                flash=modes.get("flashcards", 0),
            )
            + "\n"
            + _("{today} answers today · true retention {retention} · {due} due now").format(
                today=data.today, retention=retention, due=data.due_now
            )
        )

    def _forecast_plot(self, data: views.StatsView) -> PlotextPlot:
        plot = PlotextPlot(id="forecast-plot")
        plt = plot.plt
        counts = [n for _d, n in data.forecast]
        labels = [d.strftime("%d") for d, _n in data.forecast]
        plt.bar(list(range(len(counts))), counts)
        every = max(1, len(labels) // 7)
        plt.xticks(list(range(0, len(labels), every)), labels[::every])
        ticks = integer_ticks(max(counts, default=0))
        plt.ylim(0, ticks[-1] or 1)
        plt.yticks([float(t) for t in ticks], [str(t) for t in ticks])
        plt.title(_("Due in the next 14 days"))
        return plot

    def _retention_plot(self, data: views.StatsView) -> PlotextPlot:
        plot = PlotextPlot(id="retention-plot")
        plt = plot.plt
        points = [(i, r) for i, (_w, r) in enumerate(data.retention_weeks) if r is not None]
        labels = [w.strftime("%d.%m") for w, _r in data.retention_weeks]
        if points:
            plt.plot([i for i, _r in points], [100 * r for _i, r in points], marker="braille")
            plt.scatter([i for i, _r in points], [100 * r for _i, r in points])
        plt.ylim(0, 100)
        plt.yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        every = max(1, len(labels) // 4)
        plt.xlim(0, max(1, len(labels) - 1))
        plt.xticks(list(range(0, len(labels), every)), labels[::every])
        plt.title(
            _("True retention per week")
            if points
            else _("True retention per week: no reviews of mature cards yet")
        )
        return plot
