#!/usr/bin/python3
"""Fit the glass/crystal interface energy of the Ni-Pd-P-B kinetics file to
the glass-forming ability of the feedstock, and nothing else.

Criterion: Ni40Pd40P16B4 and Ni60Pd20P16B4 are cast as glassy rods of more
than 10 mm (materials.yaml, NIPDPB2016); a 10 mm rod needs a critical cooling
rate of about 10 K/s (ESTIMATE: R_c ~ 10 / d^2 K/s with d in cm, the usual
rule of thumb). So the feedstock Ni45Pd35P16B4, cooled at 10 K/s from its
liquidus to 450 K, must crystallize no more than X = 1e-6 (Uhlmann's
criterion for a glass). The script bisects sigma (in log X) with
`vitrum` (Model = crystallization, mean field) until X(sigma) = 1e-6.

  calibrate_kinetics.py            print the fitted sigma and the file's
  calibrate_kinetics.py --write    ... and write it into the kinetics file
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
KINETICS = os.path.join(SOURCE, "parameter_files/materials/Ni45Pd35P16B4-kinetics.prm")
TARGET_X, RATE, T_END = 1e-6, 10.0, 450.0


def liquidus_of_feedstock(text):
    table = re.search(r"set Liquidus temperature table\s*=\s*(.*)", text).group(1)
    points = [tuple(float(v) for v in item.split(":")) for item in table.split("#")[0].split(",")]
    r = 45 / 80
    for (r0, y0), (r1, y1) in zip(points, points[1:]):
        if r0 <= r <= r1:
            return y0 + (y1 - y0) * (r - r0) / (r1 - r0)
    return points[-1][1]


def crystallized_fraction(vitrum, sigma, work):
    with open(KINETICS) as f:
        text = f.read()
    T_l = liquidus_of_feedstock(text)
    text = re.sub(r"set Interface energy = [0-9.eE+-]+", f"set Interface energy = {sigma:.6g}", text)
    text = text.replace("set Viscosity material file = Ni45Pd35P16B4.prm",
                        "set Viscosity material file = "
                        + os.path.join(SOURCE, "parameter_files/materials/Ni45Pd35P16B4.prm"))
    kin = os.path.join(work, "kinetics.prm")
    with open(kin, "w") as f:
        f.write(text)
    prm = os.path.join(work, "cool.prm")
    with open(prm, "w") as f:
        f.write(f"""set Model = crystallization
set Dimension = 3
subsection Temperature
  set Schedule = {T_l} K; ramp {RATE} K/s to {T_END} K
end
subsection Crystallization
  set Kinetics file = {kin}
  set Glass composition = Ni: 45, Pd: 35, P: 16, B: 4
  set DSC heating rates = 20
  set Report heating rate = 20
  set TTT temperatures = 600, 850, 6
  set CHT heating rates = 1, 10, 2
end
subsection Output
  set Directory = {work}/out
end
""")
    out = subprocess.run([vitrum, prm], capture_output=True, text=True,
                         env=dict(os.environ, OMP_NUM_THREADS="1"))
    if out.returncode != 0:
        sys.exit(out.stdout + out.stderr)
    return float(re.search(r"crystallized fraction X = ([0-9.eE+-]+)", out.stdout).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vitrum", default=os.path.join(SOURCE, "build/vitrum"))
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        lo, hi = 0.07, 0.11  # X(lo) > target > X(hi)
        f = lambda s: math.log(max(crystallized_fraction(args.vitrum, s, work), 1e-300) / TARGET_X)  # noqa: E731
        f_lo, f_hi = f(lo), f(hi)
        assert f_lo > 0 > f_hi, "the bracket does not contain the target"
        while hi - lo > 1e-6:
            mid = 0.5 * (lo + hi)
            if f(mid) > 0:
                lo = mid
            else:
                hi = mid
        sigma = 0.5 * (lo + hi)
        X = crystallized_fraction(args.vitrum, round(sigma, 6), work)
    print(f"sigma = {sigma:.6f} J/m^2: X = {X:.3e} after cooling at {RATE:g} K/s from T_l to {T_END:g} K")
    if args.write:
        with open(KINETICS) as f:
            text = f.read()
        text = re.sub(r"set Interface energy = [0-9.eE+-]+", f"set Interface energy = {sigma:.6f}", text)
        with open(KINETICS, "w") as f:
            f.write(text)
        print(f"written to {KINETICS}")


if __name__ == "__main__":
    main()
