#!/usr/bin/python3
"""Plot how crystal and glass layers of a nanolaminate evolve during an anneal.

Two panels on a shared, linear time axis, from DIR/phases.csv of a
partitioning run:
  top     the mean composition (at.%) of the glass (solid) and of the crystal
          (dashed) for every element: partitioning shows as the two curves of
          an element moving apart, equilibration as them levelling off;
  bottom  the mean thickness (nm) of one crystal and one glass layer: growth
          of the crystal at the expense of the glass, or its dissolution.
Time is shown in minutes if the run ends before 3 h, otherwise in hours.

phases.csv has the columns step,time,temperature,crystal_thickness,
glass_thickness,crystal_<El>...,glass_<El>... (time in s, temperature in K,
thicknesses in nm, compositions in at.%). Rows that do not parse (the last
line of a run in progress) are skipped.

Works headless (Agg backend); prints the path of the written PNG.
"""
import argparse
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plot_profiles import (DataError, STYLE, element_colors,  # noqa: E402
                           require_columns)
from plot_time_series import read_time_series  # noqa: E402

PHASES = ("glass", "crystal")
LINESTYLE = {"glass": "-", "crystal": "--"}
THICKNESS_COLOR = {"crystal": "0.45", "glass": "black"}


def read_phases(path):
    """Return (columns, {column: float array}) of a phases.csv."""
    if not os.path.isfile(path):
        raise DataError(f"no such file: {path}")
    if os.path.getsize(path) == 0:
        raise DataError(f"{path} is empty")
    data = read_time_series(path)
    columns = list(data)
    require_columns(["time_s", "crystal_thickness_nm", "glass_thickness_nm"], columns, path)
    if len(data["time_s"]) == 0:
        raise DataError(f"{path}: no data rows")
    return columns, data


def phase_elements(columns):
    """Element symbols with a crystal_<El>_at% or glass_<El>_at% column, in
    file order."""
    elements = []
    for c in columns:
        for phase in PHASES:
            prefix = phase + "_"
            if c.startswith(prefix) and c.endswith("_at%"):
                elements.append(c[len(prefix):-len("_at%")])
    return list(dict.fromkeys(elements))


def time_axis(t):
    """(scaled times, axis label): minutes if the run ends before 3 h, else hours."""
    end = float(np.nanmax(t)) if len(t) else 0.0
    if end < 3 * 3600:
        return t / 60.0, "time (min)"
    return t / 3600.0, "time (h)"


def temperature_label(data):
    if "T_K" not in data:
        return ""
    T = data["T_K"][np.isfinite(data["T_K"])]
    if len(T) == 0:
        return ""
    lo, hi = T.min(), T.max()
    return f"T = {lo:g} K" if np.isclose(lo, hi) else f"T = {lo:g}–{hi:g} K"


def plot(directory, png, elements=None):
    """Write the phase-composition figure of the run in `directory` to `png`.

    `directory` may also be the phases.csv itself; elements: symbols to show
    (default all). Returns `png`.
    """
    if not os.path.exists(directory):
        raise DataError(f"no such directory or file: {directory}")
    path = os.path.join(directory, "phases.csv") if os.path.isdir(directory) else directory
    columns, data = read_phases(path)
    available = phase_elements(columns)
    if not available:
        raise DataError(f"{path}: no crystal_<El>_at%/glass_<El>_at% columns; "
                        f"available: {', '.join(columns)}")
    shown = list(dict.fromkeys(elements)) if elements else available
    missing = [e for e in shown if e not in available]
    if missing:
        raise DataError(f"{path}: no columns for element(s) {', '.join(missing)} "
                        f"(expected crystal_<El>_at%, glass_<El>_at%); "
                        f"elements available: {', '.join(available)}")
    require_columns([f"{phase}_{e}_at%" for e in shown for phase in PHASES], columns, path)
    colors = element_colors(available)

    order = np.argsort(data["time_s"], kind="stable")
    t, xlabel = time_axis(data["time_s"][order])
    # A run with a single row (only its initial state) has no lines to draw:
    # show points, filled for glass and open for crystal.
    single = len(t) == 1
    marks = {p: (dict(marker="o", ms=7, clip_on=False, mfc="white" if p == "crystal" else None)
                 if single else {}) for p in PHASES}

    with plt.rc_context(STYLE):
        fig, (ax_x, ax_h) = plt.subplots(
            2, 1, sharex=True, figsize=(8.5, 7.5), layout="constrained",
            gridspec_kw={"height_ratios": [3, 2]})
        for e in shown:
            for phase in PHASES:
                ax_x.plot(t, data[f"{phase}_{e}_at%"][order], LINESTYLE[phase], color=colors[e],
                          lw=1.8, **marks[phase])
        ax_x.set_ylabel("mean composition (at.%)")
        element_handles = [Line2D([], [], color=colors[e], lw=2.5) for e in shown]
        style_handles = [Line2D([], [], color="black", ls=LINESTYLE[p], lw=1.8, **marks[p])
                         for p in PHASES]
        leg = ax_x.legend(element_handles, shown, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                          borderaxespad=0, frameon=False, title="element", alignment="left")
        ax_x.add_artist(leg)
        ax_x.legend(style_handles, PHASES, loc="lower left", bbox_to_anchor=(1.01, 0.0),
                    borderaxespad=0, frameon=False, handlelength=2.8, title="phase",
                    alignment="left")

        for phase in ("crystal", "glass"):
            ax_h.plot(t, data[f"{phase}_thickness_nm"][order], LINESTYLE[phase],
                      color=THICKNESS_COLOR[phase], lw=1.8, **marks[phase],
                      label=f"{phase} layer")
        ax_h.set_ylabel("layer thickness (nm)")
        ax_h.set_xlabel(xlabel)
        ax_h.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0,
                    frameon=False, handlelength=2.8)

        for ax in (ax_x, ax_h):
            ax.grid(True, alpha=0.3, lw=0.6)
            ax.tick_params(direction="in", top=True, right=True)
            ax.margins(y=0.08)
            if ax.get_ylim()[0] < 0:  # compositions and thicknesses are >= 0
                ax.set_ylim(bottom=0)
        if t[0] < t[-1]:
            ax_h.set_xlim(t[0], t[-1])
        elif t[0] >= 0:  # one row: avoid an axis centred on it with negative times
            ax_h.set_xlim(0, 1.2 * t[0] if t[0] > 0 else 1)

        name = os.path.basename(os.path.dirname(os.path.abspath(path)))
        title = f"{name}: phase compositions"
        T = temperature_label(data)
        fig.suptitle(f"{title},  {T}" if T else title, fontsize=12)
        fig.savefig(png, dpi=150)
        plt.close(fig)
    return png


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory", help="output directory of a partitioning run, or its phases.csv")
    p.add_argument("--elements", nargs="+", metavar="EL",
                   help="element symbols to show (default: all in phases.csv)")
    p.add_argument("-o", "--output",
                   help="PNG to write (default: phase_compositions.png next to phases.csv)")
    a = p.parse_args(argv)
    base = a.directory if os.path.isdir(a.directory) else os.path.dirname(os.path.abspath(a.directory))
    png = a.output or os.path.join(base, "phase_compositions.png")
    try:
        print(plot(a.directory, png, a.elements))
    except DataError as e:
        sys.exit(f"error: {e}")


if __name__ == "__main__":
    main()
