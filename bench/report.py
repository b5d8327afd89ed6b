"""reports/bench.json: the benchmarks' figures, one JSON object per figure, updated in place.

Each figure compares a measured ``value`` with a ``baseline_value`` measured in the same run:
``ratio = value / baseline_value`` and ``meets`` says whether the ratio reaches ``target``
(e.g. ``">= 20"``) and the run was otherwise sound (every extracted field exact, say).
Recording a figure replaces the object of the same name and keeps every other one, so several
benchmarks can share the file.
"""

from __future__ import annotations

import fcntl
import json
import operator
import os
import re
from pathlib import Path
from typing import Any

REPORT = Path(__file__).resolve().parent.parent / "reports" / "bench.json"
TARGET = re.compile(r"^\s*(>=|<=|>|<|==)\s*(\d+(?:\.\d+)?)\s*$")
COMPARE = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "==": operator.eq}


def meets_target(ratio: float, target: str) -> bool:
    """Whether ``ratio`` satisfies a target written as ``">= 20"`` (also ``>``, ``<=``, ``<``, ``==``)."""
    match = TARGET.match(target)
    if match is None:
        raise ValueError(f"target must look like '>= 20', got {target!r}")
    return COMPARE[match.group(1)](ratio, float(match.group(2)))


def figure(name: str, unit: str, value: float, baseline: str, baseline_value: float, target: str,
           *, sound: bool = True, target_on: str = "ratio") -> dict[str, Any]:
    """One figure; ``sound=False`` (e.g. some output was wrong) makes it miss its target whatever the ratio.

    The target applies to the ratio, or with ``target_on="value"`` to the value itself (an
    absolute goal such as "at most 1.2 requests per new article"; the target then reads
    ``"value <= 1.2"``)."""
    ratio = value / baseline_value if baseline_value else float("inf")
    measured = value if target_on == "value" else ratio
    return {
        "name": name,
        "unit": unit,
        "value": round(value, 2),
        "baseline": baseline,
        "baseline_value": round(baseline_value, 2),
        "ratio": round(ratio, 3),
        "target": target,
        "meets": bool(sound and meets_target(measured, target.removeprefix("value"))),
    }


def record(figures: list[dict[str, Any]], path: Path = REPORT) -> list[dict[str, Any]]:
    """Writes the figures into the report (replacing same-named ones in place); returns the whole report."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # benchmarks run side by side must not lose each other's figures
        report = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        if not isinstance(report, list):
            raise ValueError(f"{path} does not hold a JSON list of figures")
        for new in figures:
            at = next((i for i, old in enumerate(report) if isinstance(old, dict) and old.get("name") == new["name"]),
                      None)
            if at is None:
                report.append(new)
            else:
                report[at] = new
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(temporary, path)
    return report
