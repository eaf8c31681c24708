#!/usr/bin/python3
"""Plot composition profiles across a crystal/glass nanolaminate.

The "atom-probe view" of a partitioning run: for each chosen output time one
panel shows the laterally averaged mole fractions x_i(z) (at.%) across the
layers, with the crystal layers (phi > 0.5) shaded grey, so that partitioning
of an element between crystal and glass, pile-up at the interfaces and the
motion of the interfaces can be read off directly. Panels are stacked with
shared axes, so the profiles at different times compare at a glance.

The profiles are read from DIR/profiles/profile_NNNN.csv, written by the
partitioning model: a comment line "# time = 3600 s, temperature = 623 K",
a header z_nm,phi_fraction,<El>_at%,... and one row per position. For each time given
with --times the profile closest in time is shown (default: the first and
the last one). Times are in seconds unless a unit is given: 90s, 30min, 2h,
1d.

Works headless (Agg backend); prints the path of the written PNG.
"""
import argparse
import csv
import glob
import os
import re
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
import numpy as np  # noqa: E402

# Colours per element, in the order the elements appear in the files: the
# tab10 palette without its grey, which is kept for the crystal shading.
ELEMENT_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                  "#8c564b", "#17becf", "#e377c2", "#bcbd22", "#393b79",
                  "#637939", "#843c39"]
CRYSTAL_SHADE = "0.88"
STYLE = {"font.size": 11, "axes.labelsize": 12, "axes.titlesize": 11,
         "legend.fontsize": 10, "xtick.labelsize": 10, "ytick.labelsize": 10}

_NUMBER = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"


class DataError(Exception):
    """Input data that cannot be plotted (missing file, column, rows)."""


def element_colors(elements):
    """{element: colour}, stable for a given element order."""
    return {e: ELEMENT_COLORS[i % len(ELEMENT_COLORS)] for i, e in enumerate(elements)}


def parse_time(text):
    """'3600', '90s', '30min', '2h', '1d' -> seconds."""
    units = {"s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0}
    text = str(text).strip()
    try:
        for unit in sorted(units, key=len, reverse=True):
            if text.endswith(unit):
                return float(text[:-len(unit)]) * units[unit]
        return float(text)
    except ValueError:
        raise ValueError(f"cannot read time '{text}' (use e.g. 3600, 90s, 30min, 2h)") from None


def format_time(seconds):
    """A short human-readable time: '0 s', '45 s', '30 min', '2.5 h'."""
    if not np.isfinite(seconds):
        return "?"
    if abs(seconds) < 120:
        return f"{seconds:.3g} s"
    if abs(seconds) < 3 * 3600:
        return f"{seconds / 60:.3g} min"
    return f"{seconds / 3600:.3g} h"


def require_columns(wanted, available, source):
    """Raise DataError naming the first of `wanted` missing from `available`."""
    missing = [w for w in wanted if w not in available]
    if missing:
        raise DataError(f"{source}: no column {', '.join(repr(m) for m in missing)}; "
                        f"available: {', '.join(available)}")


def read_header_comment(path):
    """(time, temperature) from the '# time = ..., temperature = ...' line.

    Either is NaN if it is not there.
    """
    with open(path) as f:
        first = f.readline()
    values = []
    for key in ("time", "temperature"):
        m = re.search(r"\b" + key + r"\s*=\s*" + _NUMBER, first) if first.startswith("#") else None
        values.append(float(m.group(1)) if m else float("nan"))
    return tuple(values)


def read_profile(path):
    """Read one profile file.

    Returns a dict with 'time', 'temperature', 'path', 'z' and 'phi' (arrays)
    and 'elements': {symbol: array in at.%} in file order. Rows that do not
    parse (a file still being written) are skipped.
    """
    time, temperature = read_header_comment(path)
    with open(path, newline="") as f:
        lines = [line for line in f if not line.startswith("#") and line.strip()]
    if not lines:
        raise DataError(f"{path}: no header line")
    reader = csv.reader(lines)
    header = [h.strip() for h in next(reader)]
    # (phi and bare element names: profiles of earlier versions)
    phi = "phi" if "phi" in header else "phi_fraction"
    require_columns(["z_nm", phi], header, path)
    rows = []
    for row in reader:
        if len(row) != len(header):
            continue
        try:
            rows.append([float(v) for v in row])
        except ValueError:
            continue
    if not rows:
        raise DataError(f"{path}: no data rows")
    data = np.array(rows, dtype=float)
    columns = {name: data[:, i] for i, name in enumerate(header)}
    return {"path": path, "time": time, "temperature": temperature,
            "z": columns["z_nm"], "phi": columns[phi],
            "elements": {h[:-len("_at%")] if h.endswith("_at%") else h: columns[h]
                         for h in header if h not in ("z_nm", phi)}}


def list_profiles(directory):
    """[(time, path)] of all profiles of a run, sorted by time (then name)."""
    if not os.path.isdir(directory):
        raise DataError(f"no such directory: {directory}")
    pattern = os.path.join(directory, "profiles", "profile_*.csv")
    paths = sorted(glob.glob(pattern))
    if not paths:
        raise DataError(f"no profiles found ({pattern})")
    found = [(read_header_comment(p)[0], p) for p in paths]
    return sorted(found, key=lambda tp: (np.isnan(tp[0]), tp[0] if np.isfinite(tp[0]) else 0, tp[1]))


def select_profiles(profiles, times=None):
    """Paths of the profiles closest to `times` (default: first and last).

    Duplicates (two times closest to the same profile) are shown once.
    """
    if not times:
        chosen = [profiles[0][1], profiles[-1][1]]
    else:
        timed = [(t, p) for t, p in profiles if np.isfinite(t)]
        if not timed:
            raise DataError("no profile has a '# time = ...' line; cannot select by time")
        chosen = [min(timed, key=lambda tp: abs(tp[0] - t))[1] for t in times]
    return list(dict.fromkeys(chosen))


def crystal_intervals(z, phi, threshold=0.5):
    """[(z_start, z_end)] where phi > threshold, ends linearly interpolated."""
    inside = phi > threshold
    intervals = []
    i, n = 0, len(z)
    while i < n:
        if not inside[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and inside[j + 1]:
            j += 1

        def crossing(a, b):
            if phi[b] == phi[a]:
                return z[a]
            return z[a] + (threshold - phi[a]) * (z[b] - z[a]) / (phi[b] - phi[a])

        start = crossing(i - 1, i) if i > 0 else z[0]
        end = crossing(j, j + 1) if j + 1 < n else z[-1]
        intervals.append((start, end))
        i = j + 1
    return intervals


def panel_title(profile):
    parts = [f"t = {format_time(profile['time'])}"]
    if np.isfinite(profile["temperature"]):
        parts.append(f"T = {profile['temperature']:g} K")
    if not np.isfinite(profile["time"]):
        parts = [os.path.basename(profile["path"])]
    return ",  ".join(parts)


def plot(directory, png, times=None, elements=None):
    """Write the profile figure of the run in `directory` to `png`.

    times: seconds (profiles closest to them are shown; default first and
    last); elements: symbols to show (default all). Returns `png`.
    """
    profiles = [read_profile(p) for p in select_profiles(list_profiles(directory), times)]
    available = list(profiles[0]["elements"])
    if not available:
        raise DataError(f"{profiles[0]['path']}: no element columns after z_nm,phi_fraction")
    shown = list(dict.fromkeys(elements)) if elements else available
    for prof in profiles:
        require_columns(shown, list(prof["elements"]), prof["path"])
    colors = element_colors(available)

    n = len(profiles)
    ymax = max(float(np.nanmax(prof["elements"][e])) for prof in profiles for e in shown)
    with plt.rc_context(STYLE):
        fig, axes = plt.subplots(n, 1, sharex=True, sharey=True, squeeze=False,
                                 figsize=(8, 1.0 + 2.6 * n), layout="constrained")
        axes = axes[:, 0]
        for ax, prof in zip(axes, profiles):
            for lo, hi in crystal_intervals(prof["z"], prof["phi"]):
                ax.axvspan(lo, hi, color=CRYSTAL_SHADE, lw=0, zorder=0)
            for e in shown:
                ax.plot(prof["z"], prof["elements"][e], "-", color=colors[e], lw=1.6,
                        label=e, marker="o" if len(prof["z"]) == 1 else None)
            ax.set_title(panel_title(prof), loc="left")
            ax.set_ylabel("composition (at.%)")
            ax.grid(True, alpha=0.3, lw=0.6)
            ax.tick_params(direction="in", top=True, right=True)
        z_all = np.concatenate([prof["z"] for prof in profiles])
        if z_all.min() < z_all.max():
            axes[-1].set_xlim(z_all.min(), z_all.max())
        axes[-1].set_ylim(0, 1.08 * ymax if ymax > 0 else 1)
        axes[-1].set_xlabel("z (nm)")

        handles, labels = axes[0].get_legend_handles_labels()
        handles.append(Patch(facecolor=CRYSTAL_SHADE, edgecolor="0.6", lw=0.5))
        labels.append("crystal\n(φ > 0.5)")
        axes[0].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                       borderaxespad=0, frameon=False)
        fig.suptitle(os.path.basename(os.path.normpath(os.path.abspath(directory)))
                     + ": composition profiles", fontsize=12)
        fig.savefig(png, dpi=150)
        plt.close(fig)
    return png


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("directory", help="output directory of a partitioning run")
    p.add_argument("--times", nargs="+", metavar="T",
                   help="show the profiles closest to these times "
                        "(seconds, or with unit s/min/h/d; default: first and last)")
    p.add_argument("--elements", nargs="+", metavar="EL",
                   help="element symbols to show (default: all in the files)")
    p.add_argument("-o", "--output", help="PNG to write (default: DIR/profiles.png)")
    a = p.parse_args(argv)
    try:
        times = [parse_time(t) for t in a.times] if a.times else None
    except ValueError as e:
        p.error(str(e))
    png = a.output or os.path.join(a.directory, "profiles.png")
    try:
        print(plot(a.directory, png, times, a.elements))
    except DataError as e:
        sys.exit(f"error: {e}")


if __name__ == "__main__":
    main()
