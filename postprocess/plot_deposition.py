#!/usr/bin/python3
"""Figures of Model = deposition runs and of benchmarks/deposition/study.py.

  plot_deposition.py profile OUT    -> OUT/profile.png  composition along the
                                       growth direction (profile.csv)
  plot_deposition.py layers  OUT    -> OUT/layers.png   period and contrast vs
                                       film thickness (layers.csv)
  plot_deposition.py study   OUT    -> OUT/study.png    period and contrast vs
                                       rate, D_s (and O) of a study folder
postprocess/plot.py OUT draws all of a folder's figures at once.
Also imported by benchmarks/deposition/study.py.
"""
import csv
import math
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import plot_nanomolding  # noqa: E402


def say_empty(ax, reason):
    ax.text(0.5, 0.5, reason, transform=ax.transAxes, ha="center", va="center",
            fontsize=9, wrap=True)
    print(f"  empty panel: {reason}")


def read_rows(path):
    """Rows of a CSV file ('#' comment lines skipped), numbers as floats."""
    with open(path, newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    rows = []
    for r in csv.DictReader(lines):
        row = {}
        for k, v in r.items():
            try:
                row[k] = float(v)
            except (TypeError, ValueError):
                row[k] = v
        rows.append(row)
    return rows


def comment_line(path):
    with open(path) as f:
        first = f.readline().strip()
    return first.lstrip("# ").strip() if first.startswith("#") else ""


def schedule_title(prm):
    layers = prm.get("Deposition/Layers", "").strip()
    return "; ".join(s.strip() for s in layers.split(";") if s.strip())


def save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
    return path


def plot_profile(directory, prm=None):
    """Every element's at.% along the growth direction, from profile.csv."""
    prm = prm if prm is not None else _prm(directory)
    path = os.path.join(directory, "profile.csv")
    rows = read_rows(path)
    fig, ax = plt.subplots(figsize=(8, 4.2))
    elements = [k[:-4] for k in (rows[0] if rows else {}) if k.endswith("_at%")]
    if rows and elements:
        z = [r["z_nm"] for r in rows]
        for e in elements:
            ax.plot(z, [r[e + "_at%"] for r in rows], lw=1, label=e)
        ax.legend(fontsize=8, ncol=min(len(elements), 7), loc="upper center",
                  bbox_to_anchor=(0.5, -0.18))
        _mark_stretches(ax, prm)
    else:
        say_empty(ax, "profile.csv has no rows: the run stopped before it wrote the final profile")
    ax.set_xlabel("height above the substrate z (nm); surface on the right")
    ax.set_ylabel("at.%")
    info = comment_line(path)
    ax.set_title("composition along the growth direction (laterally averaged)\n"
                 + info + ("\n" + schedule_title(prm) if schedule_title(prm) else ""),
                 fontsize=8)
    return save(fig, os.path.join(directory, "profile.png"))


def _mark_stretches(ax, prm):
    """Dotted lines where one stretch of Deposition/Layers ends."""
    bottom = 0.0
    stretches = [s for s in prm.get("Deposition/Layers", "").split(";") if s.strip()]
    for s in stretches[:-1]:
        try:
            bottom += float(s.split()[0])
        except ValueError:
            return
        ax.axvline(bottom, color="k", ls=":", lw=0.8)


def plot_layers(directory, prm=None):
    """Period and contrast of the frozen film vs film thickness (layers.csv)."""
    prm = prm if prm is not None else _prm(directory)
    rows = [r for r in read_rows(os.path.join(directory, "layers.csv"))
            if r.get("film_thickness_nm", 0) > 0 and r.get("window_top_nm", 0) > r.get("window_bottom_nm", 0)]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(6.5, 6), sharex=True)
    elements = [k[len("period_"):-3] for k in (rows[0] if rows else {}) if k.startswith("period_")]
    if len(rows) > 1:
        h = [r["film_thickness_nm"] for r in rows]
        for e in elements:
            top.plot(h, [r[f"period_{e}_nm"] for r in rows], "o-", ms=4, label=e)
            bottom.plot(h, [r[f"contrast_{e}_at%"] for r in rows], "o-", ms=4, label=e)
        top.legend(fontsize=8)
        bottom.legend(fontsize=8)
    else:
        reason = ("layers.csv has %d analysed row(s): the period needs a film with a frozen part "
                  "(rows are written at Output times / Output every; set several Output times "
                  "to follow the period as the film grows)" % len(rows))
        if len(rows) == 1:
            r = rows[0]
            best = max(elements, key=lambda e: r[f"contrast_{e}_at%"])
            reason += "\nthe one row: film %.3g nm, period %.3g nm, contrast %.3g at.%% %s" % (
                r["film_thickness_nm"], r[f"period_{best}_nm"], r[f"contrast_{best}_at%"], best)
        say_empty(top, reason)
        say_empty(bottom, "see above")
    top.set_ylabel("layer period (nm)")
    top.set_title("layering of the frozen film (window: above the first quarter, "
                  "below 2 delta_s under the surface)\n" + schedule_title(prm), fontsize=8)
    bottom.set_ylabel("contrast (at.%)\nmean above median - mean below")
    bottom.set_xlabel("film thickness (nm)")
    return save(fig, os.path.join(directory, "layers.png"))


def plot_study(directory, out=None):
    """study.png of a benchmarks/deposition/study.py folder."""
    rows = read_rows(os.path.join(directory, "study.csv"))
    theory_path = os.path.join(directory, "theory.csv")
    theory = read_rows(theory_path) if os.path.exists(theory_path) else []
    sweeps = [("rate", "rate_nm_per_s", "deposition rate v (nm/s)", False),
              ("D_s", "D_s_m2_per_s", "surface diffusivity D_s (m$^2$/s)", True)]
    if any(r["sweep"] == "O" for r in rows):
        sweeps.append(("O", "O_at%", "O in the flux (at.%)", False))
    fig, axes = plt.subplots(2, len(sweeps), figsize=(4.3 * len(sweeps), 7), squeeze=False)
    base = {k: rows[0][k] for k in ("delta_s_nm", "thickness_nm", "layer_nm")} if rows else {}
    for col, (sweep, key, label, logx) in enumerate(sweeps):
        pick = sorted((r for r in rows if r["sweep"] == sweep), key=lambda r: r[key])
        period_ax, contrast_ax = axes[0][col], axes[1][col]
        ok = [r for r in pick if isinstance(r["period_nm"], float) and not math.isnan(r["period_nm"])]
        layered = [r for r in ok if r["layered"] > 0.5]
        flat = [r for r in ok if r["layered"] <= 0.5]
        if layered:
            period_ax.plot([r[key] for r in layered], [r["period_nm"] for r in layered], "o-",
                           label="vitrum (1D)")
        th = [t for t in theory if t["sweep"] == sweep]
        if th and any(not math.isnan(t["period_theory_nm"]) for t in th):
            period_ax.plot([t["value"] for t in th], [t["period_theory_nm"] for t in th], "k--",
                           lw=1, label="linear theory (Hopf regime only)")
        if layered or th:
            period_ax.legend(fontsize=7)
        if not layered:
            say_empty(period_ax, f"no run of the {sweep} sweep layered (contrast <= 1 at.%)"
                      if pick else f"no {sweep} sweep in study.csv")
        elif flat:
            period_ax.text(0.02, 0.02, "not layered (contrast <= 1 at.%%): %s" % ", ".join(
                "%g" % r[key] for r in flat), transform=period_ax.transAxes, fontsize=7)
        failed = [r for r in pick if r not in ok]
        if failed:
            period_ax.text(0.02, 0.92, "failed: %s" % ", ".join("%g" % r[key] for r in failed),
                           transform=period_ax.transAxes, fontsize=7, color="r")
        if ok:
            contrast_ax.plot([r[key] for r in ok], [r["contrast_at%"] for r in ok], "s-",
                             color="C1")
            for r in ok:
                contrast_ax.annotate(r["element"], (r[key], r["contrast_at%"]), fontsize=6,
                                     textcoords="offset points", xytext=(3, 3))
        else:
            say_empty(contrast_ax, f"no finished run in the {sweep} sweep")
        for ax in (period_ax, contrast_ax):
            if logx:
                ax.set_xscale("log")
            ax.set_xlabel(label)
        period_ax.set_ylabel("layer period (nm)")
        contrast_ax.set_ylabel("contrast of the strongest element (at.%)")
        fixed = {"rate": "D_s = %g m$^2$/s" % _base(rows, "rate", "D_s_m2_per_s"),
                 "D_s": "v = %g nm/s" % _base(rows, "D_s", "rate_nm_per_s"),
                 "O": "v = %g nm/s, D_s = %g m$^2$/s" % (_base(rows, "O", "rate_nm_per_s"),
                                                          _base(rows, "O", "D_s_m2_per_s"))}[sweep]
        period_ax.set_title(fixed, fontsize=8)
    if base:
        fig.suptitle("deposition study: delta_s = %g nm, %g nm film, %g nm layers" % (
            base["delta_s_nm"], base["thickness_nm"], base["layer_nm"]), fontsize=9)
    return save(fig, out or os.path.join(directory, "study.png"))


def _base(rows, sweep, key):
    values = [r[key] for r in rows if r["sweep"] == sweep]
    return values[0] if values else float("nan")


def _prm(directory):
    path = os.path.join(directory, "parameters.prm")
    return plot_nanomolding.read_prm_entries(path) if os.path.exists(path) else {}


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("profile", "layers", "study"):
        sys.exit(__doc__)
    what, directory = sys.argv[1], sys.argv[2]
    print({"profile": plot_profile, "layers": plot_layers, "study": plot_study}[what](directory))


if __name__ == "__main__":
    main()
