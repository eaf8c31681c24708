#!/usr/bin/python3
"""Report how fast partitioning runs were, from their time_series.csv.

For one run directory, prints a short report; for several, one row per run
in a table, so that runs with different meshes, solvers or numbers of MPI
ranks can be compared:

  steps           time steps taken (last step number - first step number)
  wall total      wall time of the whole run, set-up included (s)
  wall / step     wall time of the time stepping (set-up before step 0
                  excluded) divided by the number of steps (s)
  mean DoFs       mean number of unknowns over the steps (meshes adapt)
  DoFs/s          DoF-steps per second: the sum over steps of the DoFs,
                  divided by the wall time of the time stepping; a
                  throughput that can be compared between runs of
                  different size and length
  Newton          Newton iterations, in total and per step

wall_time_s in time_series.csv is cumulative seconds since the program
started. After a restart (vitrum --resume) it starts again from 0; such
restarts are detected and the segments added up. Partial files of runs in
progress are fine: a last line that does not parse is skipped.

Usage: speed.py DIR [DIR ...]   (a DIR may also be a time_series.csv)
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(REPO, "postprocess"))
from plot_time_series import read_time_series  # noqa: E402

REQUIRED = ["step", "dofs", "newton_iterations", "wall_time_s"]


class DataError(Exception):
    """A time_series.csv that cannot be analysed."""


def csv_path(arg):
    """Accept either an output directory or the CSV file itself."""
    return os.path.join(arg, "time_series.csv") if os.path.isdir(arg) else arg


def speed(csv_file):
    """Speed figures of one run as a dict (per-step values NaN if no steps)."""
    if not os.path.isfile(csv_file):
        raise DataError(f"no such file: {csv_file}")
    if os.path.getsize(csv_file) == 0:
        raise DataError(f"{csv_file} is empty")
    d = read_time_series(csv_file)
    missing = [c for c in REQUIRED if c not in d]
    if missing:
        raise DataError(f"{csv_file}: no column {', '.join(repr(m) for m in missing)}; "
                        f"available: {', '.join(d)}")
    if len(d["step"]) == 0:
        raise DataError(f"{csv_file}: no data rows")

    wall = d["wall_time_s"]
    increments = np.diff(wall)
    restarted = increments < 0
    # After a restart the clock starts again at 0: the row's own value is
    # the time since the restarted program began.
    increments[restarted] = wall[1:][restarted]
    stepping_wall = float(increments.sum())
    total_wall = float(wall[0]) + stepping_wall

    steps = int(round(d["step"][-1] - d["step"][0]))
    stepping_dofs = d["dofs"][1:]  # each row after the first ends a step
    newton = float(d["newton_iterations"][1:].sum())
    nan = float("nan")
    return {
        "run": os.path.basename(os.path.dirname(os.path.abspath(csv_file))),
        "steps": steps,
        "restarts": int(restarted.sum()),
        "wall_total": total_wall,
        "wall_setup": float(wall[0]),
        "wall_per_step": stepping_wall / steps if steps > 0 else nan,
        "mean_dofs": float(stepping_dofs.mean()) if len(stepping_dofs) else float(d["dofs"][0]),
        "dofs_per_second": (float(stepping_dofs.sum()) / stepping_wall
                            if stepping_wall > 0 else nan),
        "newton_total": int(round(newton)),
        "newton_per_step": newton / steps if steps > 0 else nan,
    }


def _num(value, fmt, unit=""):
    """Formatted value with its unit, or 'n/a' for NaN."""
    return "n/a" if value != value else format(value, fmt) + unit


def report(s):
    """The figures of one run as aligned 'name: value' lines."""
    lines = [
        ("run", s["run"]),
        ("steps", f"{s['steps']}"),
        ("wall time total", f"{_num(s['wall_total'], '.1f', ' s')} "
                            f"(set-up before step 0: {_num(s['wall_setup'], '.1f', ' s')})"),
        ("wall time per step", _num(s["wall_per_step"], ".3g", " s")),
        ("mean DoFs", _num(s["mean_dofs"], ".0f")),
        ("DoFs per second", _num(s["dofs_per_second"], ".3g", " DoF-steps/s")),
        ("Newton iterations", f"{s['newton_total']} total, "
                              f"{_num(s['newton_per_step'], '.2f')} per step"),
    ]
    if s["restarts"]:
        lines.append(("restarts", f"{s['restarts']}"))
    width = max(len(k) for k, _ in lines)
    return "\n".join(f"{k + ':':<{width + 1}} {v}" for k, v in lines)


def table(stats):
    """One row per run, columns aligned."""
    head = ["run", "steps", "wall [s]", "wall/step [s]", "mean DoFs", "DoFs/s",
            "Newton", "Newton/step"]
    rows = [[s["run"], f"{s['steps']}", _num(s["wall_total"], ".1f"),
             _num(s["wall_per_step"], ".3g"), _num(s["mean_dofs"], ".0f"),
             _num(s["dofs_per_second"], ".3g"), f"{s['newton_total']}",
             _num(s["newton_per_step"], ".2f")] for s in stats]
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]

    def line(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                         for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(head), line(["-" * w for w in widths])] + [line(r) for r in rows])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directories", nargs="+", metavar="DIR",
                   help="output directory of a run, or its time_series.csv")
    a = p.parse_args(argv)
    try:
        stats = [speed(csv_path(d)) for d in a.directories]
    except DataError as e:
        sys.exit(f"error: {e}")
    if len(stats) > 1:
        # Runs in directories with the same name (e.g. a/out, b/out) would
        # be indistinguishable: label them by the path given instead.
        if len({s["run"] for s in stats}) < len(stats):
            for s, d in zip(stats, a.directories):
                s["run"] = d
        print(table(stats))
    else:
        print(report(stats[0]))


if __name__ == "__main__":
    main()
