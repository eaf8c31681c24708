#!/usr/bin/python3
"""Plot the history a vitrum run records in time_series.csv (any model).

A single figure with three panels on a shared logarithmic time axis shows at
a glance whether a run behaves: the free energy F(t) must decrease (the
crystal fraction of a crystallization-field run, the filled length of a
nanomolding run), the adaptive step size dt(t) shows where the time
integrator struggles, and the relative change of each conserved amount (the
Cahn-Hilliard mass, each element of a partitioning run) must stay at
round-off level. Published reference values can be overlaid on
the F panel to compare with other codes.

Works headless (Agg backend); prints the path of the written PNG.
"""
import argparse
import csv
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read_time_series(path):
    """Return {column: float array} from a time_series.csv.

    Rows that do not parse (e.g. a last line still being written by a running
    solver) are skipped, so partial files from runs in progress can be read.
    """
    with open(path, newline="") as f:
        reader = csv.reader(f)
        header = [h.strip() for h in next(reader)]
        rows = []
        for row in reader:
            if len(row) != len(header):
                continue
            try:
                rows.append([float(v) for v in row])
            except ValueError:
                continue
    data = np.array(rows, dtype=float).reshape(-1, len(header))
    return {name: data[:, i] for i, name in enumerate(header)}


def read_reference(path):
    """Return {label: (times, values)} from a CSV with
    time_nondim,free_energy_nondim,label."""
    refs = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            t, F = refs.setdefault(row["label"], ([], []))
            t.append(float(row["time_nondim"]))
            F.append(float(row["free_energy_nondim"]))
    return refs


def csv_path(arg):
    """Accept either an output directory or the CSV file itself."""
    return os.path.join(arg, "time_series.csv") if os.path.isdir(arg) else arg


# What the first panel shows, by model: the first column present wins.
HISTORY = [("free_energy_nondim", "free energy F", "linear"),
           ("free_energy_J_per_mol", "mean molar Gibbs energy G (J/mol)", "linear"),
           ("crystal_fraction", "crystal fraction", "linear"),
           ("length_nm", "filled length (nm)", "log"),
           ("pore0_length_nm", "filled length of pore 0 (nm)", "log")]


def time_columns(d):
    """The time and step-size columns and their unit: s, or none for the
    nondimensional Cahn-Hilliard model."""
    if "time_nondim" in d:
        return "time_nondim", "dt_nondim", ""
    return "time_s", "dt_s", " (s)"


def conserved_change(d):
    """{label: relative change} of each conserved amount the model records:
    the Cahn-Hilliard mass, or each element's mean fraction (partitioning)."""
    names = (["mass_nondim"] if "mass_nondim" in d
             else sorted(k for k in d if k.startswith("mean_")))
    changes = {}
    for name in names:
        first = d[name][0]
        changes[name] = (d[name] - first) / abs(first) if first != 0 else d[name] - first
    return changes


def plot(csv_file, png, reference=None):
    d = read_time_series(csv_file)
    time, step, unit = time_columns(d)
    if len(d.get(time, [])) == 0:
        sys.exit(f"error: no data rows (or no {time} column) in {csv_file}")
    pos = d[time] > 0
    if not pos.any():
        sys.exit(f"error: {csv_file} has no rows with {time} > 0")
    t = d[time][pos]
    history = next((h for h in HISTORY if h[0] in d), None)
    if history is None:
        sys.exit(f"error: {csv_file} has none of the columns "
                 f"{', '.join(h[0] for h in HISTORY)}")

    fig, (ax_F, ax_dt, ax_m) = plt.subplots(3, 1, sharex=True, figsize=(7, 9))
    column, label, scale = history
    ax_F.plot(t, d[column][pos], "-", color="k", lw=1.5, label="vitrum")
    if reference and column == "free_energy_nondim":
        markers = "osD^v<>p*h"
        for i, (name, (rt, rF)) in enumerate(read_reference(reference).items()):
            rt, rF = np.array(rt), np.array(rF)
            keep = rt > 0  # t = 0 cannot be shown on a log axis
            ax_F.plot(rt[keep], rF[keep], markers[i % len(markers)], mfc="none",
                      ms=7, label=name)
    ax_F.set_xscale("log")
    ax_F.set_yscale(scale)
    ax_F.set_ylabel(label)
    ax_F.legend(fontsize=8)
    ax_F.grid(True, which="both", alpha=0.3)

    # Runs without a dt column (nanomolding filling) step by the time column.
    dt = (d[step] if step in d else np.diff(d[time], prepend=np.nan))[pos]
    ax_dt.loglog(t, dt, ".-", ms=3)
    ax_dt.set_ylabel("time step dt" + unit)
    ax_dt.grid(True, which="both", alpha=0.3)

    changes = conserved_change(d)
    for name, change in changes.items():
        ax_m.plot(t, change[pos], ".-", ms=3,
                  label=name.replace("mean_", "").replace("_at%", ""))
    if len(changes) > 1:
        ax_m.legend(fontsize=7, ncol=4)
    if changes:
        ax_m.set_ylabel("relative change of the amount")
        ax_m.ticklabel_format(axis="y", style="sci", scilimits=(-3, 3))
    else:
        ax_m.text(0.5, 0.5, "this model conserves no amount it records",
                  ha="center", va="center", transform=ax_m.transAxes)
        ax_m.set_yticks([])
    ax_m.set_xlabel("time" + unit)
    ax_m.grid(True, which="both", alpha=0.3)

    name = os.path.basename(os.path.dirname(os.path.abspath(csv_file)))
    fig.suptitle(name)
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    plt.close(fig)
    return png


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", help="output directory of a run, or its time_series.csv")
    p.add_argument("-o", "--output", help="PNG to write (default: free_energy.png next to the CSV)")
    p.add_argument("--reference", help="CSV with columns time_nondim,free_energy_nondim,label "
                   "to overlay on the F panel")
    a = p.parse_args()
    csv_file = csv_path(a.input)
    png = a.output or os.path.join(os.path.dirname(os.path.abspath(csv_file)), "free_energy.png")
    print(plot(csv_file, png, a.reference))


if __name__ == "__main__":
    main()
