#!/usr/bin/python3
"""Plot F(t) of the refinement-study runs kept in results/study/*.csv
(step, time_nondim, dt_nondim, free_energy_nondim, mass_nondim) with the published values.

Usage: benchmarks/pfhub1a/plot_study.py [OUTPUT.png]
"""
import csv
import glob
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def read(path):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return ([float(r["time_nondim"]) for r in rows if float(r["time_nondim"]) > 0],
            [float(r["free_energy_nondim"]) for r in rows if float(r["time_nondim"]) > 0])


def main():
    output = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "results", "refinement_study.png")
    fig, (ax, zoom) = plt.subplots(1, 2, figsize=(11, 4.5))
    for path in sorted(glob.glob(os.path.join(HERE, "results", "study", "*.csv"))):
        t, F = read(path)
        label = os.path.basename(path)[:-4].replace("_", " ")
        ax.semilogx(t, F, label=label)
        zoom.plot(t, F, label=label)
    with open(os.path.join(HERE, "reference_F.csv")) as f:
        rows = [r for r in csv.DictReader(f)]
    for label in dict.fromkeys(r["label"] for r in rows):
        pts = [(float(r["time_nondim"]), float(r["free_energy_nondim"])) for r in rows
               if r["label"] == label and float(r["time_nondim"]) > 0]
        for a in (ax, zoom):
            a.plot(*zip(*pts), "o", ms=4, label=label if a is ax else None)
    zoom.set_xlim(100, 3000)
    zoom.set_ylim(50, 140)
    for a in (ax, zoom):
        a.set_xlabel("time")
        a.set_ylabel("free energy F")
        a.grid(True, which="both", alpha=0.3)
    ax.set_title("PFHub 1a refinement study (Q2)")
    zoom.set_title("t = 100 to 3000: the two coarsening paths")
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(output, dpi=120)
    print(output)


if __name__ == "__main__":
    main()
