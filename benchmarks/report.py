"""Turning the measurements into targets met or missed, benchmarks/report.json, benchmarks/report.md
and the README's table (between the `bench:start` and `bench:end` markers)."""

from __future__ import annotations

import json
import os
import platform
import re
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
JSON = HERE / "report.json"
README = HERE.parent / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
COMMAND = "make bench"


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    postgres = ""
    try:
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
            postgres = conn.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 - the version is a nicety
        pass
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory": memory, "os": platform.platform(terse=True),
        "python": platform.python_version(), "postgresql": postgres,
    }


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def _mb(size: int | None) -> str:
    return "" if size is None else f"{size / 1024 / 1024:,.1f} MB"


def _row(area, measurement, value, comparison="", target="", met=None) -> dict:
    return {"area": area, "measurement": measurement, "value": value, "comparison": comparison, "target": target,
            "met": met}


def rows(results: dict) -> list[dict]:
    sizes = results["sizes"]
    small, big = sizes[0], sizes[-1]
    tenth = next((s for s in sizes if s * 10 == big), None)
    by = results["by_size"]
    out = []

    wb = by[big]["workbook"]
    ours, only, peer, floor = wb["workbook"], wb["workbook_guest_list_only"], wb["peer_import_export"], wb["floor"]
    head = f"event of {wb['guests']:,} guests, {wb['finalists']:,} finalists: {wb['cells']:,} cells"
    out.append(_row("Event-night workbook", f"8 styled sheets, {head}",
                    f"{_ms(ours['seconds'])}, {_mb(ours['peak_bytes'])}, {ours['queries']} queries"))
    ratio = ours["seconds"] / floor["seconds"]
    rounds = ", ".join(f"{r:.2f}" for r in wb["ratio_to_floor_by_round"])
    out.append(_row("Event-night workbook",
                    "whole workbook vs its floor: the same cells from values_list rows, openpyxl write-only, no styling",
                    f"ours {_ms(ours['seconds'])}, floor {_ms(floor['seconds'])} ({floor['queries']} queries)",
                    f"ours ÷ floor = {ratio:.2f}× (best of rounds; each round {rounds})", "≤ 2×", ratio <= 2))
    ours_cell = ours["seconds"] / wb["cells"] * 1e6
    peer_cell = peer["seconds"] / wb["guest_list_cells"] * 1e6
    out.append(_row("Event-night workbook", "per cell written vs django-import-export's XLSX of the guest list (the peer)",
                    f"ours {ours_cell:.0f} µs a cell (whole workbook), peer {peer_cell:.0f} µs a cell "
                    f"({wb['guest_list_cells']:,} cells, {_ms(peer['seconds'])})",
                    f"peer ÷ ours = {peer_cell / ours_cell:.2f}×", "ahead of the peer", peer_cell > ours_cell))
    out.append(_row("Event-night workbook", "guest list sheet alone (the peer's cells, styled, safe cell writer) vs the peer",
                    f"ours {_ms(only['seconds'])}, peer {_ms(peer['seconds'])}", f"peer ÷ ours = {peer['seconds'] / only['seconds']:.2f}×"))

    exports = {size: by[size]["export"] for size in sizes}
    for size in sizes:
        e = exports[size]
        queries = f", {e['queries']} queries" if e.get("queries") is not None else ""
        out.append(_row("Nominations export", f"{e['rows']:,} rows (streamed XLSX, write-only)",
                        f"{_ms(e['seconds'])}, peak memory +{_mb(e['peak_rss_bytes'])}{queries}"))
    if exports[big]["peak_rss_bytes"] and exports[small]["peak_rss_bytes"]:
        memory = exports[big]["peak_rss_bytes"] / exports[small]["peak_rss_bytes"]
        out.append(_row("Nominations export", f"peak memory (resident, growth during the export) at {big:,} ÷ at {small:,}",
                        f"{memory:.2f}×", "", "< 1.5×", memory < 1.5))
    if tenth:
        growth = exports[big]["seconds"] / exports[tenth]["seconds"]
        out.append(_row("Nominations export", f"growth: time at {big:,} ÷ at {tenth:,}", f"{growth:.2f}", "", "≤ 11", growth <= 11))

    for name, label in (("nominations", "Nominations list"), ("panel_queue", "Panel queue"), ("guests", "Guest list (door)")):
        queries = {size: by[size]["lists"][name]["queries"] for size in sizes}
        for size in sizes:
            item = by[size]["lists"][name]
            api, floor_ = item["api"], item["floor"]
            ratio = api["median_ms"] / floor_["median_ms"]
            out.append(_row(label, f"{size:,} nominations ({item['rows']:,} rows listed), page of 50",
                            f"median {api['median_ms']:.1f} ms, p95 {api['p95_ms']:.1f} ms, {item['queries']} queries",
                            f"floor {floor_['median_ms']:.1f} ms (count, page{', access log' if name == 'nominations' else ''}, "
                            f"json.dumps); ratio {ratio:.2f}×", "≤ 3× floor", ratio <= 3))
            if item.get("cold_median_ms") is not None:
                cold = item["cold_median_ms"]
                out.append(_row(label, f"{size:,} nominations, first read of the page (no redacted statement cached)",
                                f"{cold:.1f} ms", f"ratio {cold / floor_['median_ms']:.2f}× the floor"))
        same = len(set(queries.values())) == 1
        out.append(_row(label, "queries per request at every size",
                        ", ".join(f"{queries[s]} at {s:,}" for s in sizes), "", "equal", same))
        if tenth:
            growth = by[big]["lists"][name]["api"]["median_ms"] / by[tenth]["lists"][name]["api"]["median_ms"]
            out.append(_row(label, f"growth: median at {big:,} ÷ at {tenth:,}", f"{growth:.2f}", "", "≤ 11", growth <= 11))

    load = results.get("load", {})
    for name, label in (("nominations_list", "nominations list (API, token)"), ("rsvp_page", "RSVP page (private link session)")):
        item = load.get(name)
        if not item:
            out.append(_row("Throughput", label, load.get("skipped", "not measured")))
            continue
        out.append(_row("Throughput", f"{label}, gunicorn 2 workers, wrk {load['connections']} connections × {load['seconds']}s",
                        f"{item['requests_per_second']:,.1f} req/s, p95 {item['p95_ms']:.0f} ms",
                        f"{item['requests']:,} requests, {item['errors']} errors", "0 errors", item["errors"] == 0))

    ranking = results["ranking"]
    for key, label in (("weighted", "weighted totals"), ("normalised", "z-score normalised")):
        r = ranking[key]
        out.append(_row("Ranking", f"{ranking['nominations']:,} nominations × {ranking['members']} members × "
                        f"{ranking['criteria']} criteria ({ranking['scores']:,} scores), {label}",
                        f"{_ms(r['seconds'])}, {r['queries']} queries, {_mb(r['peak_bytes'])}"))
    docs = results.get("documents")
    if docs:
        certificates = docs["certificates"]
        small_count, big_count = sorted(certificates, key=int)
        c = certificates[big_count]
        out.append(_row("Certificates (PDF)", f"{int(big_count):,} certificates as one tagged PDF, A4 landscape",
                        f"{_ms(c['seconds'])}, {c['pages']:,} pages, {_mb(c['bytes'])} file, peak memory +{_mb(c['peak_rss_bytes'])}",
                        "", "< 60 s", c["seconds"] < 60))
        if c["peak_rss_bytes"] and certificates[small_count]["peak_rss_bytes"]:
            memory = c["peak_rss_bytes"] / certificates[small_count]["peak_rss_bytes"]
            out.append(_row("Certificates (PDF)", f"peak memory (resident growth) at {int(big_count):,} ÷ at {int(small_count):,}",
                            f"{memory:.2f}×", "", "< 1.5×", memory < 1.5))
        pack = docs["pack"]
        total = sum(pack[kind]["seconds"] for kind in ("badges", "place_cards", "table_cards"))
        for kind, label in (("badges", "name badges, 8 an A4 sheet"), ("place_cards", "place cards, 4 an A4 sheet"),
                            ("table_cards", "table cards, one an A4 sheet")):
            item = pack[kind]
            out.append(_row("Print pack (PDF)", f"{item['cards']:,} {label}",
                            f"{_ms(item['seconds'])}, {item['pages']:,} pages, {_mb(item['bytes'])} file, "
                            f"peak memory +{_mb(item['peak_rss_bytes'])}"))
        out.append(_row("Print pack (PDF)", f"the whole pack of the event of {docs['guests']:,} guests at {docs['tables']:,} tables",
                        _ms(total), "", "< 60 s", total < 60))
        quarter = pack["badges_quarter"]
        if quarter["peak_rss_bytes"] and pack["badges"]["peak_rss_bytes"]:
            memory = pack["badges"]["peak_rss_bytes"] / quarter["peak_rss_bytes"]
            out.append(_row("Print pack (PDF)", f"peak memory (resident growth) of the asking process: "
                            f"{pack['badges']['cards']:,} badges ÷ {quarter['cards']:,}",
                            f"{memory:.2f}×", "", "< 1.5×", memory < 1.5))
        if quarter.get("layout_peak_rss_bytes") and pack["badges"].get("layout_peak_rss_bytes"):
            # The kernel's high-water mark of any child so far: after the full run, at least the
            # quarter's, so the ratio is an upper bound of the growth.
            memory = pack["badges"]["layout_peak_rss_bytes"] / quarter["layout_peak_rss_bytes"]
            out.append(_row("Print pack (PDF)", f"peak memory of a layout process ({docs.get('processes', 1)} side by side): "
                            f"{pack['badges']['cards']:,} badges ÷ {quarter['cards']:,}",
                            f"{_mb(pack['badges']['layout_peak_rss_bytes'])} ÷ {_mb(quarter['layout_peak_rss_bytes'])} = at most {memory:.2f}×",
                            "", "< 1.5×", memory < 1.5))

    imp = results["import"]
    for key, label in (("dry_run", "dry run"), ("commit", "real (all or nothing)")):
        seconds = imp[key]["seconds"]
        out.append(_row("Import", f"{imp['rows']:,}-row XLSX, {label}",
                        f"{_ms(seconds)} ({imp['rows'] / seconds:,.0f} rows/s)", f"{imp[key]['accepted']:,} accepted"))
    return out


def markdown_table(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"Measured {report['date']} on {m['cpu']} ({m['cores']} cores, {m['memory']}), {m['os']}, Python {m['python']}, "
        f"PostgreSQL {m['postgresql']}; the whole run took {report['minutes']:.1f} minutes. Reproduce with `{COMMAND}`."
        + (f" The certificate and print-pack rows were measured on {report['documents_date']} on their own "
           f"(`make bench ARGS=--only-documents`, on a fresh seed of the largest size; `--keep-documents` keeps them)."
           if report.get("documents_date") else ""),
        "",
        "| area | measurement | result | compared with | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in report["rows"]:
        met = "" if row["met"] is None else ("yes" if row["met"] else "**no**")
        lines.append(f"| {row['area']} | {row['measurement']} | {row['value']} | {row['comparison']} | {row['target']} | {met} |")
    return "\n".join(lines)


def write(results: dict, *, previous_date: str | None = None, documents_date: str | None = None) -> list[Path]:
    """`previous_date`: the documents alone were measured now, the rest then; `documents_date`: the
    rest now, the documents then (--keep-documents)."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    report = {
        "date": previous_date or now,
        "documents_date": now if previous_date else documents_date,
        "machine": machine(),
        "command": COMMAND,
        "minutes": results["timings_seconds"]["total"] / 60,
        "rows": rows(results),
    }
    results["report"] = report
    json_path, md_path = HERE / "report.json", HERE / "report.md"
    json_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    table = markdown_table(report)
    md_path.write_text(f"# PROUD benchmark\n\n{table}\n")
    paths = [json_path, md_path]
    text = README.read_text()
    if START in text and END in text:
        before, rest = text.split(START, 1)
        _, after = rest.split(END, 1)
        README.write_text(f"{before}{START}\n{table}\n{END}{after}")
        paths.append(README)
    return paths
