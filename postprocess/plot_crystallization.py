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
    t = s["time"]
    ax1.plot(t, s["fraction"], "C3-", label="crystallized fraction X")
    ax1.set_ylabel("X")
    ax1.set_ylim(-0.02, 1.02)
    ax2 = ax1.twinx()
    ax2.plot(t, s["temperature"], "k--", label="T")
    ax2.set_ylabel("T (K)")
    ax1.legend(loc="upper left")
    ax2.legend(loc="upper right")
    ax3.semilogy(t, s["nucleation_rate"] + 1e-300, "C0-", label="nucleation rate I (1/(m^3 s))")
    ax3.semilogy(t, s["growth_rate"] + 1e-300, "C1-", label="growth rate U (m/s)")
    ax3.set_ylim(bottom=max(1e-30, min(s["growth_rate"][s["growth_rate"] > 0], default=1e-30)))
    ax3.set_xlabel("time (s)")
    ax3.legend()
    fig.tight_layout()
    out = os.path.join(args.directory, "crystallization.png")
    fig.savefig(out, dpi=120)
    print(out)


if __name__ == "__main__":
    main()
