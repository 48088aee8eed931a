"""The report code of the benchmark (bench/stats.py): no timing here, only the numbers
it derives from wrk's results line and the table it prints."""

import json

import pytest

from bench.stats import Goal, judge, parse_wrk, spread, summarise_runs, table

RAW = {
    "requests": 2000,
    "duration_us": 10_000_000,
    "bytes": 123,
    "p50_us": 12_500,
    "p95_us": 40_000,
    "p99_us": 61_000,
    "max_us": 90_000,
    "mean_us": 15_000.0,
    "connect": 0,
    "read": 1,
    "write": 0,
    "status": 2,
    "timeout": 3,
}


def wrk_output(**changes):
    raw = {**RAW, **changes}
    return "Running 10s test @ http://127.0.0.1:8765\n" + "WRKJSON " + json.dumps(raw) + "\n"


def test_parse_wrk_converts_to_milliseconds_and_rate():
    run = parse_wrk(wrk_output())
    assert run["rps"] == 200.0
    assert (run["p50_ms"], run["p95_ms"], run["p99_ms"]) == (12.5, 40.0, 61.0)
    assert run["mean_ms"] == 15.0
    assert run["errors"] == 6  # read + status (non-2xx/3xx) + timeouts
    assert run["non_2xx"] == 2


def test_parse_wrk_without_results_line_fails():
    with pytest.raises(ValueError):
        parse_wrk("Running 10s test\n")


def test_spread_is_min_median_max_and_ignores_missing():
    assert spread([3.0, 1.0, 2.0, None]) == {"min": 1.0, "median": 2.0, "max": 3.0}
    assert spread([1.0, 2.0, 3.0, 4.0])["median"] == 2.5
    assert spread([]) == {"min": None, "median": None, "max": None}


def test_summarise_runs_spreads_each_measure_and_sums_errors():
    runs = [
        parse_wrk(wrk_output(p95_us=30_000, status=0, read=0, timeout=0)),
        parse_wrk(wrk_output(p95_us=50_000, status=0, read=0, timeout=0)),
        parse_wrk(wrk_output(p95_us=40_000, status=1, read=0, timeout=0)),
    ]
    summary = summarise_runs(runs)
    assert summary["p95_ms"] == {"min": 30.0, "median": 40.0, "max": 50.0}
    assert summary["errors"] == 1
    assert summary["requests"] == 6000


def test_goal_ratio_and_verdict_both_directions():
    latency = Goal("p95_ms", "<=", 50, "p95 ≤ 50 ms")
    assert judge(latency, 40.0) == {
        "goal": {"measure": "p95_ms", "op": "<=", "limit": 50, "text": "p95 ≤ 50 ms"},
        "value": 40.0,
        "ratio_to_goal": 0.8,
        "met": True,
    }
    assert judge(latency, 60.0)["met"] is False
    assert judge(latency, 40.0, errors=1)["met"] is False  # errors fail a goal
    throughput = Goal("rps", ">=", 400, "≥ 400 req/s")
    assert judge(throughput, 500.0)["ratio_to_goal"] == 1.25
    assert judge(throughput, 500.0)["met"] is True
    assert judge(throughput, 300.0)["met"] is False
    assert judge(throughput, None)["met"] is None


def test_table_has_a_row_per_measure_with_spread_and_verdict():
    runs = [parse_wrk(wrk_output(status=0, read=0, timeout=0))]
    summary = summarise_runs(runs)
    rows = [
        {
            "name": "queue",
            "summary": summary,
            "verdict": judge(Goal("p95_ms", "<=", 50, "p95 ≤ 50 ms"), 40.0),
        },
        {"name": "ratio", "summary": {}, "verdict": judge(Goal("ratio", "<=", 3, "≤ 3 ×"), 4.5)},
    ]
    lines = table(rows).splitlines()
    assert lines[0].split()[0] == "scenario"
    assert len(lines) == 4  # header, rule, two rows
    assert "40.0/40.0/40.0" in lines[2] and lines[2].rstrip().endswith("yes")
    assert "4.50" in lines[3] and "1.50" in lines[3] and lines[3].rstrip().endswith("NO")
