#!/usr/bin/python3
"""The calibration laminate in 1D and as the quasi-1D strip: same result?

Runs the case of calibrate.py (one bilayer, 18 nm crystal / 12 nm glass,
1 h at 623 K, 0.5 nm coarse cells with one level of refinement) twice:
  strip  Dimension = 2, Domain size = 0.5, 30, Coarse cells = 1, 60
         (how calibrate.py runs it)
  1D     Dimension = 1, Coarse cells = 60 (the same spacing along the stack)
and prints the phase compositions and layer thicknesses at 1 h, the steps
and the wall time of each, and the largest differences between the two.

  benchmarks/partitioning/one_d.py [--vitrum build/vitrum] [--ranks 1]
                                   [--temperatures 623 773 873 973]
"""
import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
from calibrate import MATERIAL, RUN_PRM  # noqa: E402

ONE_D = "\nset Dimension = 1\nsubsection Mesh\n  set Coarse cells = 60\nend\n"


def run(vitrum, ranks, extra, temperature, tmp, name):
    out = os.path.join(tmp, name)
    prm = os.path.join(tmp, name + ".prm")
    with open(prm, "w") as f:
        f.write(RUN_PRM.format(temperature=temperature, end_time=3600,
                               material=MATERIAL, output=out) + extra)
    cmd = [vitrum, prm]
    if ranks > 1:
        cmd = ["mpirun", "-np", str(ranks)] + (["--allow-run-as-root"] if os.geteuid() == 0
                                               else []) + cmd
    start = time.time()
    result = subprocess.run(cmd, capture_output=True, text=True,
                            env=dict(os.environ, OMP_NUM_THREADS="1"))
    wall = time.time() - start
    if result.returncode != 0:
        sys.exit(f"{name} failed:\n{result.stdout}\n{result.stderr}")
    with open(os.path.join(out, "phases.csv")) as f:
        phases = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    with open(os.path.join(out, "time_series.csv")) as f:
        series = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(f)]
    return phases, series, wall


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--vitrum", default=os.path.join(SOURCE, "build", "vitrum"))
    parser.add_argument("--ranks", type=int, default=1)
    parser.add_argument("--temperatures", type=float, nargs="+", default=[623])
    args = parser.parse_args()
    for temperature in args.temperatures:
        compare(args, temperature)


def compare(args, temperature):
    with tempfile.TemporaryDirectory() as tmp:
        results = {name: run(args.vitrum, args.ranks, extra, temperature, tmp, name)
                   for name, extra in (("strip", ""), ("1D", ONE_D))}
    strip, line = results["strip"][0][-1], results["1D"][0][-1]
    keys = ([k for k in strip if k.startswith("glass_") and k.endswith("_at%")]
            + [k for k in strip if k.startswith("crystal_") and k.endswith("_at%")]
            + ["crystal_thickness_nm", "glass_thickness_nm"])
    print(f"{temperature:g} K, 1 h, {args.ranks} rank(s)")
    print(f"  {'':24s} {'strip':>10s} {'1D':>10s} {'1D - strip':>12s}")
    for k in keys:
        print(f"  {k:24s} {strip[k]:10.4f} {line[k]:10.4f} "
              f"{line[k] - strip[k]:12.3e}")
    for name, (phases, series, wall) in results.items():
        last = series[-1]
        print(f"  {name:6s}: {int(last['step'])} steps, {int(last['rejected_steps'])} rejected, "
              f"{int(last['dofs'])} DoFs at the end, wall time {wall:.2f} s "
              f"(in the run {last['wall_time_s']:.2f} s)")
    worst = max(abs(line[k] - strip[k]) for k in keys)
    print(f"  largest difference at 1 h: {worst:.3e} (at.% or nm); "
          f"speed-up {results['strip'][2] / results['1D'][2]:.2f}x (whole program), "
          f"{results['strip'][1][-1]['wall_time_s'] / results['1D'][1][-1]['wall_time_s']:.2f}x "
          f"(in the run)", flush=True)


if __name__ == "__main__":
    main()
