#!/usr/bin/python3
"""Plot the crystallized fraction X(t) and the temperature T(t) of a vitrum
crystallization run (crystallization.csv), with the nucleation and growth
rates along the schedule.

  /usr/bin/python3 postprocess/plot_crystallization.py OUTPUT_DIRECTORY
writes OUTPUT_DIRECTORY/crystallization.png (headless).
"""
import argparse
import os
import sys
import textwrap

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from crystallization_tables import read_table  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory")
    args = parser.parse_args()
    s = read_table(args.directory, "crystallization.csv")
    fig, (ax1, ax3) = plt.subplots(2, 1, figsize=(7, 7), sharex=True)
    t = s["time_s"]
    if len(t) < 2:
        text = ("no schedule in this run: only the state at t = 0 (T = %.0f K); "
                "its DSC scans and TTT map are in dsc.png and ttt.png"
                % (s["T_K"][0] if len(t) else float("nan")))
        print(text)
        for axis in (ax1, ax3):
            axis.text(0.5, 0.5, textwrap.fill(text, 45), ha="center", va="center", fontsize=9,
                      transform=axis.transAxes)
        return save(fig, args.directory)
    if s["crystal_fraction"].max() == 0:
        print("X stays 0: the glass does not crystallize along this schedule")
        ax1.set_title("X stays 0: the glass does not crystallize along this schedule",
                      fontsize=9)
    ax1.plot(t, s["crystal_fraction"], "C3-", label="crystallized fraction X")
    ax1.set_ylabel("X")
    ax1.set_ylim(-0.02, 1.02)
    ax2 = ax1.twinx()
    ax2.plot(t, s["T_K"], "k--", label="T")
    ax2.set_ylabel("T (K)")
    ax1.legend(loc="upper left")
    ax2.legend(loc="upper right")
    ax3.semilogy(t, s["nucleation_rate_per_m3_s"] + 1e-300, "C0-", label="nucleation rate I (1/(m^3 s))")
    ax3.semilogy(t, s["growth_rate_m_per_s"] + 1e-300, "C1-", label="growth rate U (m/s)")
    ax3.set_ylim(bottom=max(1e-30, min(s["growth_rate_m_per_s"][s["growth_rate_m_per_s"] > 0], default=1e-30)))
    ax3.set_xlabel("time (s)")
    ax3.legend()
    save(fig, args.directory)


def save(fig, directory):
    fig.tight_layout()
    out = os.path.join(directory, "crystallization.png")
    fig.savefig(out, dpi=120)
    print(out)


if __name__ == "__main__":
    main()
