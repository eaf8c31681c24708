#!/usr/bin/python3
"""TTT and CHT diagrams of a vitrum crystallization run with the run's own
temperature schedule drawn on top: where the schedule crosses the curves,
the glass crystallizes (X reaches the threshold of the run).

  /usr/bin/python3 postprocess/plot_ttt.py OUTPUT_DIRECTORY
reads ttt.csv, cht.csv and crystallization.csv, writes ttt.png (headless).
Time is logarithmic; the TTT curve is for isothermal holds from the glass,
the CHT curve for constant-rate heating from the DSC start temperature.
"""
import argparse
import os
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crystallization_tables import read_table  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory")
    args = parser.parse_args()
    ttt = read_table(args.directory, "ttt.csv")
    cht = read_table(args.directory, "cht.csv")
    sched = read_table(args.directory, "crystallization.csv")

    fig, ax = plt.subplots(figsize=(7, 5.5))
    ok = np.isfinite(ttt["time_threshold_s"])
    ax.plot(ttt["time_threshold_s"][ok], ttt["T_K"][ok], "C3-", lw=2,
            label="TTT (isothermal), X = threshold")
    ok_half = np.isfinite(ttt["time_half_s"])
    ax.plot(ttt["time_half_s"][ok_half], ttt["T_K"][ok_half], "C3:",
            label="TTT, X = 0.5")
    okc = np.isfinite(cht["T_K"])
    ax.plot(cht["time_s"][okc], cht["T_K"][okc], "C0o-",
            label="CHT (constant heating)")
    for b, t, T in zip(cht["heating_rate_K_per_min"][okc], cht["time_s"][okc], cht["T_K"][okc]):
        ax.annotate("%.3g K/min" % b, (t, T), fontsize=7, xytext=(3, -8), textcoords="offset points")
    t = sched["time_s"]
    if len(t) > 1 and t[-1] > 0:
        keep = t > 0
        ax.plot(t[keep], sched["T_K"][keep], "k-", lw=1.5, label="schedule")
        crossed = np.nonzero(sched["crystal_fraction"] >= 0.01)[0]
        if len(crossed):
            i = crossed[0]
            ax.plot(t[i], sched["T_K"][i], "k*", ms=12,
                    label="schedule reaches X = 0.01")
    ax.set_xscale("log")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("T (K)")
    times = np.concatenate([ttt["time_threshold_s"][ok], cht["time_s"][okc]])
    if len(times):
        # Near the liquidus the TTT time diverges; a century is enough.
        ax.set_xlim(max(1e-6, times.min() / 10), min(times.max() * 10, 3e9))
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    out = os.path.join(args.directory, "ttt.png")
    fig.savefig(out, dpi=120)
    print(out)


if __name__ == "__main__":
    main()
