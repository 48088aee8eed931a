"""The numbers of the benchmark: wrk's JSON line, the spread of repeated runs, the ratio
of a measure to its goal, and the printed table. Pure functions (tests/bench)."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass

WRK_MARK = "WRKJSON "


def parse_wrk(output: str) -> dict:
    """The results line printed by bench/wrk_report.lua, in milliseconds and req/s."""
    for line in output.splitlines():
        if line.startswith(WRK_MARK):
            raw = json.loads(line[len(WRK_MARK) :])
            break
    else:
        raise ValueError("wrk printed no results line (is bench/wrk_report.lua used?)")
    seconds = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "requests": raw["requests"],
        "seconds": round(seconds, 3),
        "rps": round(raw["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "mean_ms": round(raw["mean_us"] / 1000, 3),
        "errors": errors,
        "non_2xx": raw["status"],
        "timeouts": raw["timeout"],
    }


def spread(values) -> dict:
    """Min, median and max of repeated runs (the machine's noise)."""
    values = [v for v in values if v is not None]
    if not values:
        return {"min": None, "median": None, "max": None}
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def summarise_runs(runs: list[dict]) -> dict:
    """The spread of each measure over the measured runs of one scenario."""
    keys = ("p50_ms", "p95_ms", "p99_ms", "rps")
    summary = {key: spread([run[key] for run in runs]) for key in keys}
    summary["errors"] = sum(run["errors"] for run in runs)
    summary["requests"] = sum(run["requests"] for run in runs)
    return summary


@dataclass(frozen=True)
class Goal:
    """``measure`` (a key of the summary, or a named ratio) must be ``<=`` or ``>=``
    ``limit``; ``text`` is the goal as the issue words it."""

    measure: str
    op: str
    limit: float
    text: str

    def ratio(self, value: float | None) -> float | None:
        """Measured over goal: at most 1 meets a ``<=`` goal, at least 1 a ``>=`` goal."""
        if value is None or not self.limit:
            return None
        return round(value / self.limit, 3)

    def met(self, value: float | None, errors: int = 0) -> bool | None:
        if value is None:
            return None
        ok = value <= self.limit if self.op == "<=" else value >= self.limit
        return ok and errors == 0

    def as_dict(self) -> dict:
        return {"measure": self.measure, "op": self.op, "limit": self.limit, "text": self.text}


def judge(goal: Goal, value: float | None, errors: int = 0) -> dict:
    return {
        "goal": goal.as_dict(),
        "value": value,
        "ratio_to_goal": goal.ratio(value),
        "met": goal.met(value, errors),
    }


def _fmt(value, digits=1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _triple(spread_: dict, digits=1) -> str:
    return "/".join(_fmt(spread_[k], digits) for k in ("min", "median", "max"))


def table(rows: list[dict]) -> str:
    """One row per measure: name, p50/p95/p99 (medians), throughput, errors, the spread
    of the judged measure (min/median/max), the goal, measured ÷ goal and the verdict."""
    header = [
        "scenario",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "req/s",
        "errors",
        "judged min/med/max",
        "goal",
        "÷ goal",
        "met",
    ]
    body = []
    for row in rows:
        summary = row.get("summary") or {}
        verdict = row.get("verdict") or {}
        judged = summary.get(verdict.get("goal", {}).get("measure", ""), None)
        body.append(
            [
                row["name"],
                _fmt((summary.get("p50_ms") or {}).get("median")),
                _fmt((summary.get("p95_ms") or {}).get("median")),
                _fmt((summary.get("p99_ms") or {}).get("median")),
                _fmt((summary.get("rps") or {}).get("median")),
                _fmt(summary.get("errors")),
                _triple(judged) if isinstance(judged, dict) else _fmt(verdict.get("value"), 2),
                verdict.get("goal", {}).get("text", ""),
                _fmt(verdict.get("ratio_to_goal"), 2),
                {True: "yes", False: "NO", None: "-"}[verdict.get("met")],
            ]
        )
    widths = [max(len(str(line[i])) for line in [header, *body]) for i in range(len(header))]
    out = []
    for n, line in enumerate([header, *body]):
        out.append("  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(line)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
