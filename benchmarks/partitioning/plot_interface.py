#!/usr/bin/python3
"""Crystal-layer thickness against time of kept anneal runs.

  predict.py --keep DIR            (central runs into DIR/<T>K_<hold>)
  plot_interface.py DIR [--output PNG] [--table 1h 2h 4h 8h 12h 24h]

One curve per run folder (its phases.csv), log time axis: the interface
position of a diffusion-limited reaction moves as sqrt(t), an
interface-limited one linearly, and one that has run out of driving force
levels off; the slope d(thickness)/d(log t) of the last decade is printed
for each run so the three can be told apart. --table prints, for each run
that lasts that long, the crystal and glass thickness and the glass Ni and
Co at the times given (Markdown).
"""
import argparse
import csv
import glob
import os
import sys

import matplotlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from predict import seconds  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read(folder, column="crystal_thickness_nm"):
    with open(os.path.join(folder, "phases.csv")) as f:
        rows = [r for r in csv.DictReader(f) if float(r["time_s"]) > 0]
    return ([float(r["time_s"]) for r in rows], [float(r[column]) for r in rows])


def table(run, times):
    columns = ("crystal_thickness_nm", "glass_thickness_nm", "glass_Ni_at%", "glass_Co_at%")
    series = {c: read(run, c) for c in columns}
    end = series[columns[0]][0][-1]
    print("\n%s\n\n| t | crystal (nm) | glass (nm) | glass Ni (at.%%) | glass Co (at.%%) |"
          % os.path.basename(run).replace("_", ", "))
    print("|---|---|---|---|---|")
    for text in times:
        t = seconds(text)
        if t > end * (1 + 1e-9):
            continue
        print("| %s | %s |" % (text, " | ".join("%.2f" % thickness_at(*series[c], t)
                                               if c.endswith("thickness")
                                               else "%.1f" % thickness_at(*series[c], t)
                                               for c in columns)))


def thickness_at(times, values, t):
    """Linear interpolation of the series at t (times ascending)."""
    for (t0, v0), (t1, v1) in zip(zip(times, values), zip(times[1:], values[1:])):
        if t0 <= t <= t1:
            return v0 + (v1 - v0) * (t - t0) / (t1 - t0)
    return values[-1] if t > times[-1] else values[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder")
    parser.add_argument("--output", help="PNG (default: FOLDER/interface.png)")
    parser.add_argument("--table", nargs="*", help="times (e.g. 1h 2h 24h) for a table")
    args = parser.parse_args()
    runs = sorted(d for d in glob.glob(os.path.join(args.folder, "*"))
                  if os.path.isfile(os.path.join(d, "phases.csv")))
    if not runs:
        raise SystemExit("no phases.csv under %s: run predict.py --keep %s first"
                         % (args.folder, args.folder))
    fig, ax = plt.subplots(figsize=(6, 4))
    for run in runs:
        times, values = read(run)
        label = os.path.basename(run).replace("_", ", ")
        ax.semilogx(times, values, label=label)
        end = times[-1]
        slope = thickness_at(times, values, end) - thickness_at(times, values, end / 10)
        print("%-12s crystal %.2f nm at t = %g s; change over the last decade of t: %+.2f nm"
              % (label, values[-1], end, slope))
    ax.plot([3600], [17.0], "ko", label="measured, 623 K / 1 h")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("crystal layer (nm)")
    ax.set_title("CrCoNi/TiZrNbHf bilayer, assessed description (18 nm / 12 nm)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    output = args.output or os.path.join(args.folder, "interface.png")
    fig.savefig(output, dpi=120)
    print("wrote", output)
    if args.table:
        for run in runs:
            table(run, args.table)


if __name__ == "__main__":
    main()
