#!/usr/bin/python3
"""Prototype vs linear theory over growth Peclet number P and layer thickness.

  benchmarks/deposition/sweep.py            table (about a minute; nice it)
  benchmarks/deposition/sweep.py --out f.csv  also write the table
"""
import argparse
import math
import sys

sys.path.insert(0, __file__.rsplit('/', 1)[0])
from prototype_1d import CHECK, run        # noqa: E402
from linear_theory import predict_period   # noqa: E402


def sweep(base, deltas=(2e-9, 3e-9, 4e-9), Ps=(0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1.2), H=90e-9, out=None):
    rows = []
    print(f"{'delta_s':>7} {'P':>5} {'D_s':>9} {'Delta':>6} {'Re smax':>8} {'Re sosc':>8} {'Im sosc':>8} "
          f"{'lam_lin':>8} {'lam_sim':>8} {'sim/lin':>7} {'lam/dlt':>7} {'c_pp':>5} {'c_fund':>6}")
    for d in deltas:
        for P in Ps:
            p = dict(base, delta_s=d, H=H)
            # D_s that gives this P:  P = v ell / (M |f''|)
            s0 = predict_period(dict(p, Ds=1e-18))
            p['Ds'] = 1e-18 * s0['P'] / P
            th = predict_period(p)
            z, x, m = run(p)
            lam_sim = m['period'] if m['contrast_pp'] > 0.01 else float('nan')
            sig = th['sigma']
            smax = th['sigma_max']
            ratio = lam_sim / th['period'] if math.isfinite(th['period']) else float('nan')
            row = dict(delta_nm=d * 1e9, P=P, Ds=p['Ds'], Delta=th['Delta'], re_max=smax.real, re=sig.real, im=abs(sig.imag),
                       lam_lin=th['period'] * 1e9, lam_sim=lam_sim * 1e9, ratio=ratio,
                       lam_over_delta=lam_sim / d, c_pp=m['contrast_pp'] * 100, c_fund=m['contrast_fund'] * 100)
            rows.append(row)
            print(f"{row['delta_nm']:7.1f} {P:5.2f} {row['Ds']:9.3g} {row['Delta']:6.2f} {row['re_max']:8.4f} {row['re']:8.4f} "
                  f"{row['im']:8.4f} {row['lam_lin']:8.3f} {row['lam_sim']:8.3f} {ratio:7.3f} "
                  f"{row['lam_over_delta']:7.3f} {row['c_pp']:5.1f} {row['c_fund']:6.1f}", flush=True)
    if out:
        with open(out, 'w') as fh:
            fh.write(','.join(rows[0].keys()) + '\n')
            for r in rows:
                fh.write(','.join(f'{v:.6g}' for v in r.values()) + '\n')
    return rows


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--out')
    a = ap.parse_args()
    sweep(dict(CHECK), out=a.out)
