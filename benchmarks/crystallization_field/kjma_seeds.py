#!/usr/bin/python3
"""Phase-field crystallization against Kolmogorov-Johnson-Mehl-Avrami.

Runs `Model = crystallization, Mode = phase field` isothermally with constant
nucleation and growth rates for several random seeds, in 2D and/or 3D, and
prints per seed and averaged: the half time t_half (X = 0.5) of the run, of
Avrami's formula applied to the nuclei the run drew, and of the analytic
JMAK law X = 1 - exp(-(pi/3) I U^(d-1) t^(d+1)).
Usage (from the repository root, after building):
    benchmarks/crystallization_field/kjma_seeds.py [--dims 2 3] [--seeds 4] [--first-seed 1]
        [--vitrum build/vitrum] [--ranks 2] [--output output/kjma_seeds]
        [--plain] [--courant 0.25] [--stop 0.75] [--scale 1] [--no-run]
"""
import argparse
import math
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "postprocess"))
import crystal_growth_analysis as analysis  # noqa: E402

# Isothermal cases: U = 1 nm/s, l = 1 nm (h = 1 nm near crystals),
# I chosen so that t_half is about 24 s (2D, ~80 crystals by X = 1/2) and
# 8 s (3D, ~140 crystals, radius ~ 8 l at X = 1/2).
CASES = {
    2: {"size": [240, 240], "coarse": [60, 60], "rate": 5e13},
    3: {"size": [48, 48, 48], "coarse": [12, 12, 12], "rate": 1.6e23},
}
GROWTH = 1e-9


def scaled_case(dim, scale):
    """Lengths (domain, crystal sizes) times `scale` at the same l and h:
    I / scale^(d+1) keeps the number of crystals, t_half grows by `scale`."""
    case = dict(CASES[dim])
    case["size"] = [scale * s for s in case["size"]]
    case["coarse"] = [round(scale * c) for c in case["coarse"]]
    case["rate"] = case["rate"] / scale ** (dim + 1)
    return case


def write_prm(path, dim, seed, out, curvature_free=True, courant=0.25, stop=0.75, scale=1.0):
    case = scaled_case(dim, scale)
    with open(path, "w") as f:
        f.write(f"""set Model = crystallization
set Dimension = {dim}
subsection Crystallization
  set Mode = phase field
end
subsection Temperature
  set Schedule = 700 K
end
subsection Mesh
  set Domain size = {", ".join(str(s) for s in case["size"])}
  set Coarse cells = {", ".join(str(c) for c in case["coarse"])}
  set Maximum refinement level = 2
  set Refine threshold = 0.1
  set Coarsen threshold = 0.02
  set Adapt every = 4
end
subsection Time stepping
  set End time = 200
end
subsection Output
  set Directory = {out}
  set Progress every = 0
end
subsection Checkpointing
  set Every = 0
end
subsection Crystallization field
  set Interface width = 1
  set Relaxation ratio = 0.8
  set Courant number = {courant}
  set Stop at crystal fraction = {stop}
  set Curvature-free growth = {"true" if curvature_free else "false"}
  set Random seed = {seed}
  subsection Rates
    set Nucleation rate = {case["rate"]}
    set Growth rate = {GROWTH}
  end
end
""")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dims", type=int, nargs="+", default=[2, 3])
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--first-seed", type=int, default=1)
    p.add_argument("--vitrum", default="build/vitrum")
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--output", default="output/kjma_seeds")
    p.add_argument("--no-run", action="store_true", help="analyse existing runs")
    p.add_argument("--plain", action="store_true",
                   help="plain Allen-Cahn (Curvature-free growth = false)")
    p.add_argument("--courant", type=float, default=0.25)
    p.add_argument("--stop", type=float, default=0.75, help="Stop at crystal fraction")
    p.add_argument("--scale", type=float, default=1.0,
                   help="crystal sizes and domain times this, relative to l and h")
    a = p.parse_args()
    os.makedirs(a.output, exist_ok=True)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    for dim in a.dims:
        rows = []
        for seed in range(a.first_seed, a.first_seed + a.seeds):
            out = os.path.join(a.output, f"{dim}d_seed{seed}")
            if not a.no_run:
                prm = os.path.join(a.output, f"{dim}d_seed{seed}.prm")
                write_prm(prm, dim, seed, out, not a.plain, a.courant, a.stop, a.scale)
                start = time.time()
                cmd = ["mpirun", "--allow-run-as-root", "-np", str(a.ranks), a.vitrum, prm]
                with open(out + ".log", "w") as log:  # summary and timer table
                    subprocess.run(cmd, check=True, env=env, stdout=log)
                wall = time.time() - start
            else:
                wall = float("nan")
            case = scaled_case(dim, a.scale)
            r = analysis.analyse(out, case["rate"], GROWTH, case["size"])
            rows.append((seed, r, wall))
            print(f"{dim}D seed {seed}: nuclei drawn {r['drawn']} (expected "
                  f"{r['expected_drawn']:.1f}), t_half run {r['t_half']:.3f} s "
                  f"(vol(eta > 1/2): {r.get('t_half_sharp', float('nan')):.3f} s), Avrami on "
                  f"drawn nuclei {r['t_half_events']:.3f} s, analytic {r['t_half_jmak']:.3f} s, "
                  f"wall {wall:.0f} s", flush=True)
        mean = lambda k: sum(r[k] for _, r, _ in rows) / len(rows)
        run, events, exact = mean("t_half"), mean("t_half_events"), mean("t_half_jmak")
        print(f"{dim}D mean over {len(rows)} seeds: t_half {run:.3f} s; Avrami on drawn "
              f"nuclei {events:.3f} s ({100 * (run / events - 1):+.1f} %); analytic JMAK "
              f"{exact:.3f} s ({100 * (run / exact - 1):+.1f} %)")
        if all("t_half_sharp" in r for _, r, _ in rows):
            sharp = mean("t_half_sharp")
            print(f"{dim}D mean t_half of vol(eta > 1/2): {sharp:.3f} s; vs Avrami on drawn "
                  f"nuclei {100 * (sharp / events - 1):+.1f} %, vs analytic JMAK "
                  f"{100 * (sharp / exact - 1):+.1f} %")
        # X at the analytic half time, averaged over the seeds
        x_at = [analysis_interp(r["times"], r["fraction"], exact) for _, r, _ in rows]
        print(f"{dim}D mean X at the analytic t_half: {sum(x_at) / len(x_at):.4f} "
              f"(JMAK: 0.5000)")


def analysis_interp(ts, xs, t):
    for (t0, x0), (t1, x1) in zip(zip(ts, xs), zip(ts[1:], xs[1:])):
        if t0 <= t <= t1:
            return x0 + (t - t0) / (t1 - t0) * (x1 - x0)
    return float("nan")


if __name__ == "__main__":
    main()
