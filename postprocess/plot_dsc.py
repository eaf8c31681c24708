#!/usr/bin/python3
"""Simulated DSC traces (heat flow vs T, one per heating rate) and the
Kissinger plot ln(beta/Tp^2) vs 1/Tp with its fitted activation energy.

  /usr/bin/python3 postprocess/plot_dsc.py OUTPUT_DIRECTORY
reads dsc.csv and kissinger.csv, writes dsc.png (headless).
"""
import argparse
import os
import sys
import textwrap

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crystallization_tables import read_table  # noqa: E402

R = 8.314462618


def note(axis, text):
    """Say on an empty panel why it is empty (and print it)."""
    print(text)
    axis.text(0.5, 0.5, textwrap.fill(text, 45), ha="center", va="center", fontsize=9,
              transform=axis.transAxes)


def dsc_empty_reason(dsc, kis):
    """Why the DSC panel shows no crystallization peak, or None if it does."""
    if len(dsc["heating_rate_K_per_min"]) == 0:
        return "no DSC scan in this run"
    if np.isfinite(kis["onset_K"]).any():
        return None
    if dsc["crystal_fraction"].min() >= 0.01:
        return ("no DSC peak: the glass was already crystallized (X = %.2f) "
                "when the scan began" % dsc["crystal_fraction"].min())
    return ("no DSC peak: the glass does not crystallize below %.0f K "
            "at the rates scanned" % dsc["T_K"].max())


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory")
    args = parser.parse_args()
    dsc = read_table(args.directory, "dsc.csv")
    kis = read_table(args.directory, "kissinger.csv")
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.5))
    for rate in np.unique(dsc["heating_rate_K_per_min"]):
        m = dsc["heating_rate_K_per_min"] == rate
        a.plot(dsc["T_K"][m], dsc["heat_flow_W_per_mol"][m], label="%g K/min" % rate)
    for onset in kis["onset_K"][np.isfinite(kis["onset_K"])]:
        a.axvline(onset, color="gray", lw=0.5, ls=":")
    a.set_xlabel("T (K)")
    a.set_ylabel("heat flow, exothermic up (W/mol)")
    reason = dsc_empty_reason(dsc, kis)
    if reason:
        note(a, reason)
    if len(dsc["heating_rate_K_per_min"]):
        a.legend()
    ok = np.isfinite(kis["peak_K"])
    if ok.sum() < 2:
        note(b, "no Kissinger plot: %d of %d scans have a crystallization peak "
             "(two are needed)" % (ok.sum(), len(ok)))
    else:
        x, y = 1 / kis["peak_K"][ok], kis["ln_rate_over_peak_squared_nondim"][ok]
        slope, intercept = np.polyfit(x, y, 1)
        b.plot(1000 * x, y, "o")
        xs = np.linspace(x.min(), x.max(), 10)
        b.plot(1000 * xs, slope * xs + intercept, "-",
               label="Kissinger E = %.1f kJ/mol" % (-slope * R / 1e3))
        b.legend()
    b.set_xlabel("1000 / T_p (1/K)")
    b.set_ylabel("ln(beta / T_p^2)  (beta in K/min)")
    fig.tight_layout()
    out = os.path.join(args.directory, "dsc.png")
    fig.savefig(out, dpi=120)
    print(out)


if __name__ == "__main__":
    main()
