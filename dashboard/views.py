"""The organiser dashboard, mounted at /dashboard/: one programme at a glance in charts.

Charts are inline SVG drawn on the server (no JavaScript, nothing from another site). Each is
`role="img"` named by its <title> and described by a <desc> that reads out every figure, and
is followed by the same figures in a table under "Show the numbers". Bars carry their numbers
as text, so nothing depends on colour. Widths are percentages and text keeps its size, so a
chart fits a 320 px screen: labels wrap onto lines of their own above each bar.

Organisers only: someone who organises nothing gets a 404, as does a programme they do not
organise."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from awards.models import Programme

from .selectors import Dashboard, Part, Tally, dashboard_programmes, programme_dashboard

# Geometry, in CSS pixels: text keeps its size however wide the screen, widths are percentages.
LINE = 18  # between lines of a label
BAR = 22  # height of a bar
GAP = 18  # after each bar
FIRST_BASELINE = 14
# Characters in one line of a label: 30 at 15 px fit the 288 px a 320 px screen leaves.
WRAP = 30
# Share of the width the longest bar takes; the rest holds its number.
BAR_SHARE = 80.0


@dataclass
class ChartRow:
    lines: list[tuple[int, str]]  # (baseline, text) of the label
    bar_y: int
    width: float  # per cent of the chart's width
    value: str = ""  # the number at the end of the bar ("bars" charts)
    value_y: int = 0


@dataclass
class Chart:
    key: str  # unique on the page: ids of the SVG's title, description and table
    title: str
    description: str
    kind: str  # "bars": counts; "parts": some of a whole, on a full-width track
    rows: list[ChartRow]
    height: int
    headers: tuple[str, ...]
    table: list[tuple]


def _percent(part: int, whole: int) -> str:
    # Half up, as people round: 2.5% is 3%.
    return f"{int(100 * part / whole + 0.5)}%" if whole else "none"


def _layout(labels: list[str], widths: list[float], values: list[str]) -> tuple[list[ChartRow], int]:
    rows, top = [], 0
    for label, width, value in zip(labels, widths, values):
        wrapped = textwrap.wrap(label, WRAP) or [""]
        lines = [(top + FIRST_BASELINE + LINE * n, text) for n, text in enumerate(wrapped)]
        bar_y = top + LINE * len(wrapped) + 4
        rows.append(ChartRow(lines=lines, bar_y=bar_y, width=round(width, 2), value=value, value_y=bar_y + 16))
        top = bar_y + BAR + GAP
    return rows, max(top - GAP + 2, 0)


def bar_chart(key: str, title: str, tallies: list[Tally], *, label_header: str, value_header: str) -> Chart:
    """Horizontal bars, each labelled with its number."""
    largest = max((t.value for t in tallies), default=0)
    widths = [BAR_SHARE * t.value / largest if largest else 0 for t in tallies]
    rows, height = _layout([t.label for t in tallies], widths, [str(t.value) for t in tallies])
    description = "Bar chart. " + " ".join(f"{t.label}: {t.value}." for t in tallies)
    return Chart(
        key=key,
        title=title,
        description=description,
        kind="bars",
        rows=rows,
        height=height,
        headers=(label_header, value_header),
        table=[(t.label, t.value) for t in tallies],
    )


def parts_chart(key: str, title: str, parts: list[Part], *, label_header: str, done: str, total: str) -> Chart:
    """A full-width track per row, filled as far as done is of total; the label says both."""
    labels = [f"{p.label}: {p.done} of {p.total} ({_percent(p.done, p.total)})" for p in parts]
    widths = [min(100.0 * p.done / p.total, 100.0) if p.total else 0 for p in parts]
    rows, height = _layout(labels, widths, [""] * len(parts))
    description = f"Progress bars, {done.lower()} of {total.lower()}. " + " ".join(f"{label}." for label in labels)
    return Chart(
        key=key,
        title=title,
        description=description,
        kind="parts",
        rows=rows,
        height=height,
        headers=(label_header, done, total, "Share"),
        table=[(p.label, p.done, p.total, _percent(p.done, p.total)) for p in parts],
    )


def charts_for(data: Dashboard) -> dict[str, Chart | None]:
    figures = data.nominations
    charts: dict[str, Chart | None] = {
        "categories": bar_chart(
            "categories", "Nominations per award", figures.per_category, label_header="Award", value_header="Nominations"
        ),
        "weeks": bar_chart(
            "weeks", "Nominations sent in each week", figures.per_week, label_header="Week", value_header="Nominations"
        )
        if figures.per_week
        else None,
        "areas": bar_chart(
            "areas", "Nominations by area", figures.by_area, label_header="Area", value_header="Nominations"
        )
        if figures.by_area
        else None,
        "cohorts": bar_chart(
            "cohorts",
            "Nominations for children in care and care leavers",
            figures.by_cohort,
            label_header="Who for",
            value_header="Nominations",
        ),
        "panels": parts_chart(
            "panels", "Reviews sent by each panel", data.panels, label_header="Panel", done="Reviews sent", total="Reviews assigned"
        )
        if data.panels
        else None,
        "answers": None,
        "seats": None,
        "door": None,
    }
    if data.event is not None:
        counts, door = data.event.counts, data.event.door
        answers = [
            Tally("Accepted", counts["accepted"]),
            Tally("Declined", counts["declined"]),
            Tally("Waiting for an answer", counts["waiting"]),
            Tally("Not sent yet", counts["draft"]),
        ] + [Tally(label, counts[key]) for key, label in (("revoked", "Revoked"), ("expired", "Expired")) if counts[key]]
        charts["answers"] = bar_chart(
            "answers", "Answers to invitations", answers, label_header="Answer", value_header="Invitations"
        )
        charts["seats"] = parts_chart(
            "seats",
            "Seats taken of the room's capacity",
            [Part("Seats taken", counts["seats_taken"], counts["capacity"])],
            label_header="Seats",
            done="Taken",
            total="Capacity",
        )
        charts["door"] = parts_chart(
            "door",
            "Check-in on the night",
            [Part("Arrived", door["arrived"], door["expected"])],
            label_header="Guests",
            done="Arrived",
            total="Expected",
        )
    return charts


class ProgrammeChoiceForm(forms.Form):
    programme = forms.ChoiceField(label="Awards programme")

    def __init__(self, *args, programmes: list[Programme], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].choices = [(p.slug, p.name) for p in programmes]


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    programmes = dashboard_programmes(request.user)
    if not programmes:
        raise Http404
    slug = request.GET.get("programme")
    if slug:
        programme = next((p for p in programmes if p.slug == slug), None)
        if programme is None:
            raise Http404
    else:
        programme = programmes[0]
    data = programme_dashboard(programme)
    context = {
        "programme": programme,
        "data": data,
        "charts": charts_for(data),
        "chooser": ProgrammeChoiceForm(initial={"programme": programme.slug}, programmes=programmes)
        if len(programmes) > 1
        else None,
    }
    return render(request, "dashboard/dashboard.html", context)
