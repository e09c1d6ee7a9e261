"""The panel score sheet: one sheet per category, ranked, by label (no names)."""

from collections.abc import Iterator

from nominations.spreadsheets import Column, MultiSheetExporter, SheetSpec

from .cards import label_number
from .labels import neutral_label
from .models import Panel, Shortlist
from .selectors import category_ranking


class PanelScoreSheetExporter(MultiSheetExporter):
    identifier = "panel-score-sheet"
    verbose_name = "Panel score sheet"

    def __init__(self, panel: Panel, *, user, normalise: bool = False):
        self.panel = panel
        self.user = user
        self.normalise = normalise

    def sheets(self) -> Iterator[SheetSpec]:
        categories = list(self.panel.categories.prefetch_related("criteria").order_by("display_order", "name"))
        decisions = {
            s.category_id: (s.state, {n.pk for n in s.finalists.all()})
            for s in Shortlist.objects.filter(panel=self.panel).prefetch_related("finalists")
        }
        for category in categories:
            criteria = list(category.criteria.all())
            columns = [
                Column("Rank", 7),
                Column("Label", 22),
                *(Column(f"Mean: {c.name}", 14) for c in criteria),
                Column("Weighted total", 12),
                Column("Normalised total", 12),
                Column("Spread", 9),
                Column("Coverage", 10),
                Column("Flags", 22),
                Column("Decision", 22),
            ]
            state, finalists = decisions.get(category.pk, ("open", set()))
            yield SheetSpec(category.name, columns, self._rows(category, criteria, state, finalists))

    def _rows(self, category, criteria, state, finalists) -> Iterator[list]:
        for row in category_ranking(panel=self.panel, category=category, normalise=self.normalise):
            flags = [text for flag, text in ((row.tied, "tie"), (row.high_disagreement, "high disagreement")) if flag]
            if row.nomination.pk in finalists:
                decision = "Finalist (confirmed)" if state == "confirmed" else "Proposed finalist"
            else:
                decision = row.nomination.get_status_display() if state == "confirmed" else ""
            yield [
                row.rank,
                neutral_label(category.name, label_number(row.nomination)),
                *(row.criterion_means.get(c.pk) for c in criteria),
                row.weighted_total,
                row.normalised_total,
                row.spread,
                row.coverage,
                ", ".join(flags),
                decision,
            ]
