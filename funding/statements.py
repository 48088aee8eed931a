"""The financial statement of a community for a period, generated from the ledger: the
opening and closing balances, income and spending by source, spending by category and
by project, the reversals shown one by one. Amounts in fen; it reconciles to the ledger
to the fen (closing = opening + every entry of the period, signed).

Three aggregate queries on the ``(community, booked_on)`` index, whatever the size of
the ledger (issue 15: p95 ≤ 500 ms for a community-quarter of a county's five years)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum

from .models import INTO_FUND, Category, LedgerEntry, Source, yuan

INTO = Q(debit__in=INTO_FUND)


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, 3 * (quarter - 1) + 1, 1)
    after = datetime.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return first, after - datetime.timedelta(days=1)


def statement(community, start: datetime.date, end: datetime.date) -> dict:
    """The statement of ``community`` from ``start`` to ``end`` (both included)."""
    entries = LedgerEntry.objects.filter(community_id=community.pk)
    opening = {
        row["fund__source"]: (row["into"] or 0) - (row["out"] or 0)
        for row in entries.filter(booked_on__lt=start)
        .values("fund__source")
        .annotate(into=Sum("amount", filter=INTO), out=Sum("amount", filter=~INTO))
        .order_by()
    }
    rows = list(
        entries.filter(booked_on__gte=start, booked_on__lte=end)
        .values("fund__source", "kind", "debit", "category", "project_id", "project__title")
        .annotate(total=Sum("amount"), count=Count("id"))
        .order_by()
    )
    sources = {}
    for value, label in Source.choices:
        sources[value] = {
            "source": value,
            "label": str(label),
            "opening": opening.get(value, 0),
            "income": 0,
            "spending": 0,
            "reversed_in": 0,
            "reversed_out": 0,
        }
    categories: dict[str, dict] = {}
    projects: dict[int, dict] = {}
    count = 0
    for row in rows:
        line = sources[row["fund__source"]]
        total, kind = row["total"], row["kind"]
        count += row["count"]
        if kind == LedgerEntry.Kind.INCOME:
            line["income"] += total
        elif kind == LedgerEntry.Kind.PAYMENT:
            line["spending"] += total
        elif row["debit"] in INTO_FUND:
            line["reversed_in"] += total
        else:
            line["reversed_out"] += total
        if kind != LedgerEntry.Kind.INCOME and row["category"]:
            sign = 1 if kind == LedgerEntry.Kind.PAYMENT else -1
            if kind == LedgerEntry.Kind.REVERSAL and row["debit"] not in INTO_FUND:
                continue  # a reversed income: no spending category
            cat = categories.setdefault(
                row["category"],
                {
                    "category": row["category"],
                    "label": str(Category(row["category"]).label),
                    "spending": 0,
                    "reversed": 0,
                },
            )
            cat["spending" if sign > 0 else "reversed"] += total
            if row["project_id"]:
                project = projects.setdefault(
                    row["project_id"],
                    {
                        "project": row["project_id"],
                        "title": row["project__title"],
                        "spending": 0,
                        "reversed": 0,
                    },
                )
                project["spending" if sign > 0 else "reversed"] += total
    lines = []
    for line in sources.values():
        line["closing"] = (
            line["opening"]
            + line["income"]
            - line["spending"]
            + line["reversed_in"]
            - line["reversed_out"]
        )
        if any(line[k] for k in ("opening", "income", "spending", "reversed_in", "reversed_out")):
            lines.append(line)
    reversals = [
        {
            "on": row["booked_on"].isoformat(),
            "amount": row["amount"],
            "reason": row["memo"],
            "reverses": row["reverses__memo"],
            "reverses_on": row["reverses__booked_on"].isoformat(),
        }
        for row in entries.filter(
            kind=LedgerEntry.Kind.REVERSAL, booked_on__gte=start, booked_on__lte=end
        )
        .values("booked_on", "amount", "memo", "reverses__memo", "reverses__booked_on")
        .order_by("booked_on", "id")[:200]
    ]

    def total(key):
        return sum(line[key] for line in lines)

    return {
        "community": community.pk,
        "community_name": community.name,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "sources": lines,
        "categories": sorted(categories.values(), key=lambda c: -c["spending"]),
        "projects": sorted(projects.values(), key=lambda p: -p["spending"]),
        "reversals": reversals,
        "entries": count,
        "totals": {
            key: total(key)
            for key in ("opening", "income", "spending", "reversed_in", "reversed_out", "closing")
        },
    }


def statement_rows(data: dict) -> list[tuple]:
    """The statement as rows ``(section, item, opening, income, spending, reversed,
    closing)`` in yuan text, for the page, the poster and the spreadsheet."""
    rows = []
    for line in data["sources"]:
        rows.append(
            (
                "source",
                line["label"],
                yuan(line["opening"]),
                yuan(line["income"]),
                yuan(line["spending"]),
                yuan(line["reversed_in"] - line["reversed_out"]),
                yuan(line["closing"]),
            )
        )
    return rows
