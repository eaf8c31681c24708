#!/usr/bin/python3
"""Strong- and weak-scaling model of the 3D laminate's iterative step,
extrapolated to 64-1024 MPI ranks from per-rank costs measured here
(laminate_3d.py --csv) and the communication volume of the partition.

Model of one time step of a run with N unknowns on P ranks (n = N / P):

  T(N, P) = A n  +  I(N) [ c n + m(N) (alpha + v(n) / beta)
                           + (I(N) / 2 + L(N)) alpha log2 P ]

  A n        assembly (Newton iterations x cells), measured per DoF;
  I(N)       Krylov iterations per step (Newton iterations x iterations per
             solve), measured, growing as (N / N0)^gamma (--gamma: from the
             iteration table, h halved twice; 0 = flat in h);
  c n        one Krylov iteration (matrix products, one BoomerAMG V-cycle,
             the set-up of the preconditioner spread over the iterations),
             measured per DoF;
  m(N)       neighbour exchanges per iteration: 2 products and 2 per AMG
             level (pre/post-smoothing) with L(N) = log4(N / 13 / 1000)
             levels;
  v(n)       bytes of one exchange: the 6 faces of a cube of n/13 nodes,
             13 values of 8 bytes each: 6 * 8 * 13 * (n / 13)^(2/3);
  alpha      message latency (s), beta the bandwidth per rank (B/s): network
             figures assumed, not measured here (--alpha, --beta);
  log2 P     the reductions of FGMRES's Gram-Schmidt (about I/2 per
             iteration on average) and of each AMG level's coarse solve.

Strong scaling keeps N, weak scaling keeps n = N / P. The model leaves out
load imbalance, the growth of the AMG's operator complexity with P and the
coarsest-grid gather of BoomerAMG: it is an optimistic bound whose
communication terms say where it stops scaling.

Usage:
  benchmarks/scaling/scaling_model.py RESULTS.csv [--gamma 0.15] [--iterations 200]
      [--alpha 2e-6] [--beta 1e9] [--strong 1e7] [--weak 5e5]
"""
import argparse
import csv
import math
import sys


def fit(rows):
    """Per-DoF costs from the 1-rank runs (the largest one)."""
    one = [r for r in rows if int(r["ranks"]) == 1] or rows
    r = max(one, key=lambda r: int(r["dofs"]))
    dofs, steps = int(r["dofs"]), int(r["steps"])
    iterations = float(r["linear_iterations"]) / steps
    assembly = float(r["assembly_s"]) / steps / dofs
    per_iteration = float(r["solve_s"]) / max(float(r["linear_iterations"]), 1) / dofs
    return {"N0": dofs, "I0": iterations, "A": assembly, "c": per_iteration}


def step_time(N, P, costs, gamma, alpha, beta):
    n = N / P
    iterations = costs["I0"] * (N / costs["N0"]) ** gamma
    levels = max(1.0, math.log(N / 13 / 1000, 4))
    exchanges = 2 + 2 * levels
    volume = 6 * 8 * 13 * (n / 13) ** (2 / 3) if P > 1 else 0
    log_p = math.log2(P) if P > 1 else 0
    compute = costs["A"] * n + iterations * costs["c"] * n
    neighbours = iterations * exchanges * (alpha + volume / beta) if P > 1 else 0
    reductions = iterations * (iterations / 2 + levels) * alpha * log_p
    return compute, neighbours + reductions


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("results", help="CSV of laminate_3d.py --csv")
    parser.add_argument("--gamma", type=float, default=0.15)
    parser.add_argument("--alpha", type=float, default=2e-6)
    parser.add_argument("--beta", type=float, default=1e9)
    parser.add_argument("--strong", type=float, default=1e7, help="unknowns, strong scaling")
    parser.add_argument("--weak", type=float, default=5e5, help="unknowns per rank, weak scaling")
    parser.add_argument("--iterations", type=float,
                        help="Krylov iterations per step at N0 instead of the measured ones "
                        "(the measured runs are first steps; long steps need 100-200)")
    args = parser.parse_args()
    with open(args.results) as f:
        rows = list(csv.DictReader(f))
    costs = fit(rows)
    if args.iterations:
        costs["I0"] = args.iterations
    print(f"measured (1 rank, {costs['N0']} DoFs): assembly {costs['A'] * 1e6:.2f} us/DoF per "
          f"step, {costs['I0']:.1f} Krylov iterations per step at "
          f"{costs['c'] * 1e6:.3f} us/DoF each")
    print(f"assumed: latency {args.alpha:.1e} s, bandwidth {args.beta:.1e} B/s per rank, "
          f"iterations ~ N^{args.gamma}")
    for label, sizes in (("strong", [(args.strong, p) for p in (1, 2, 64, 128, 256, 512, 1024)]),
                         ("weak", [(args.weak * p, p) for p in (1, 2, 64, 128, 256, 512, 1024)])):
        print(f"\n{label} scaling ({'N = %.0e' % args.strong if label == 'strong' else 'N/P = %.0e' % args.weak})")
        print(f"{'ranks':>6s} {'DoFs':>9s} {'s/step':>9s} {'compute':>9s} {'comm':>9s} "
              f"{'efficiency':>10s}")
        base = None
        for N, P in sizes:
            compute, comm = step_time(N, P, costs, args.gamma, args.alpha, args.beta)
            total = compute + comm
            if base is None:
                base = total * (1 if label == "weak" else 1)
            efficiency = (base / (P * total) if label == "strong" else base / total)
            print(f"{P:6d} {N:9.2e} {total:9.3g} {compute:9.3g} {comm:9.3g} {efficiency:10.2f}")


if __name__ == "__main__":
    sys.exit(main())
