#!/usr/bin/python3
"""Linear stability of a growing film with a mobile surface layer (doc/deposition.md).

Scales (binary, or the pseudo-binary along the unstable eigen-direction):
  ell  = sqrt(V_m kappa / |f''|)        length (m)
  Dsp  = M |f''|                         |effective (uphill) diffusivity|, M = x(1-x) D_s/(RT)
  tau  = ell^2 / Dsp                     time
  P    = v ell / Dsp                     growth Peclet number (growth vs spinodal flux)
  Delta= delta_s / ell                   mobile-layer thickness
In the frame moving with the surface (depth xi = (h - z)/ell, time t/tau), a
perturbation u of the deposited composition obeys in the mobile layer
  u_t + P u_xi = - d2/dxi2 (u + u_xi xi)                         (0 < xi < Delta)
with u_xi = 0 and no flux at the surface, no flux at xi = Delta, and below it
the frozen film  u_t + P u_xi = 0  (u and u_xi continuous at Delta).

Two results:
  * steady_period(P): the steady comoving mode e^{s xi} of a film that is
    mobile everywhere: s^3 + s + P = 0 (s in units 1/ell), lambda = 2 pi ell/Im s.
    It is NOT the period of vitrum's model (frozen bulk): kept for reference.
  * hopf(P, Delta): the eigenvalues sigma of the mobile-layer + frozen-film
    operator above (finite volumes, the same discretization as
    prototype_1d.py, on a fine grid).  The selected period is the one carried
    away by the frozen film: a mode e^{sigma t} with frequency omega = Im sigma
    leaves layers of period lambda = 2 pi v / omega, i.e.
        lambda / ell = 2 pi P / Im sigma.
    The layer forms when Re sigma > 0; the threshold needs Delta > pi (the
    layer must hold half a marginal wavelength 2 pi ell).

  benchmarks/deposition/linear_theory.py                   the check case of prototype_1d.py
  benchmarks/deposition/linear_theory.py --P 0.5 --Delta 8 one point, dimensionless
  benchmarks/deposition/linear_theory.py --v 1.2 --Ds 1e-17 --delta-s 3   dimensional (nm/s, m^2/s, nm)
"""
import argparse
import math

import numpy as np

R = 8.314462618


def scales(p):
    """ell (m), Dsp (m^2/s), P, Delta from a prototype parameter dict (SI)."""
    x = p['x0']
    RT = R * p['T']
    f2 = RT / (x * (1 - x)) - 2 * p['L0']
    if f2 >= 0:
        return dict(f2=f2, ell=float('nan'), Dsp=float('nan'), P=float('inf'), Delta=0.0)
    M = x * (1 - x) * p['Ds'] / RT
    ell = math.sqrt(p['Vm'] * p['kappa'] / -f2)
    Dsp = M * -f2
    return dict(f2=f2, ell=ell, Dsp=Dsp, P=p['v'] * ell / Dsp, Delta=p['delta_s'] / ell,
                tau=ell**2 / Dsp)


def steady_period(P):
    """lambda/ell of the steady comoving mode, s^3 + s + P = 0."""
    r = np.roots([1.0, 0.0, 1.0, P])
    b = max(abs(r.imag))
    return 2 * math.pi / b


def operator(P, Delta, h=0.05, frozen=4.0):
    """Linear operator (finite volumes, top-first cells) of the comoving problem."""
    n_m = max(int(round(Delta / h)), 1)            # mobile links (as prototype n_s)
    h = Delta / n_m
    n = n_m + 1 + int(math.ceil(frozen / h))
    # mu = -u + lap-term: mu_i = -u_i + (1/h^2) sum (u_i - u_nbr)
    Lap = np.zeros((n, n))
    for i in range(n):
        for j in (i - 1, i + 1):
            if 0 <= j < n:
                Lap[i, i] += 1.0
                Lap[i, j] -= 1.0
    Mu = -np.eye(n) + Lap / h**2
    A = np.zeros((n, n))
    for k in range(1, n_m + 1):                    # face k between cells k-1 and k
        g = (Mu[k] - Mu[k - 1]) / h**2
        A[k - 1] += g
        A[k] -= g
    # advection toward depth (comoving frame), first-order upwind: u_t = -P du/dxi
    for i in range(1, n):
        A[i, i] -= P / h
        A[i, i - 1] += P / h
    A[0, 0] -= P / h                               # new material (perturbation 0) enters at the top
    return A, n_m


def hopf(P, Delta, h=None):
    """Eigenvalues of the comoving operator (units 1/tau).

    Returns (sigma_max, sigma_osc, lambda/ell): the most unstable eigenvalue,
    the most unstable oscillatory one (Im sigma != 0) and the period it leaves
    in the frozen film, 2 pi P / Im sigma_osc.
    """
    if h is None:
        h = min(0.05, Delta / 8)
    A, n_m = operator(P, Delta, h)
    ev = np.linalg.eigvals(A)
    s_max = ev[int(np.argmax(ev.real))]
    osc = ev[np.abs(ev.imag) > 1e-9]
    if len(osc) == 0:
        return s_max, complex(float('-inf'), 0.0), float('inf')
    s = osc[int(np.argmax(osc.real))]
    return s_max, s, 2 * math.pi * P / abs(s.imag)


def predict_period(p):
    """Predicted layer period (m) for a prototype/vitrum parameter set (SI)."""
    s = scales(p)
    if not math.isfinite(s['ell']):
        return dict(period=float('nan'), growth=float('-inf'), regime='convex: no layering', **s)
    smax, sig, lam = hopf(s['P'], s['Delta'])
    if sig.real > 0 and sig.real >= smax.real - 1e-12:
        regime = 'oscillatory (Hopf) instability: linear period applies'
    elif sig.real > 0:
        regime = 'oscillatory mode unstable but a stationary mode grows faster: period set nonlinearly (~2-3 delta_s)'
    elif smax.real > 0:
        regime = 'stationary instability only: period set nonlinearly (~2-3 delta_s)'
    else:
        regime = 'stable: no layering'
    return dict(period=lam * s['ell'], growth=sig.real / s['tau'], sigma=sig, sigma_max=smax,
                steady=steady_period(s['P']) * s['ell'], regime=regime, **s)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--P', type=float)
    ap.add_argument('--Delta', type=float)
    ap.add_argument('--v', type=float, help='nm/s')
    ap.add_argument('--Ds', type=float, help='m^2/s')
    ap.add_argument('--delta-s', type=float, help='nm')
    a = ap.parse_args()
    if a.P is not None and a.Delta is not None:
        smax, sig, lam = hopf(a.P, a.Delta)
        print(f"P = {a.P:g}, Delta = {a.Delta:g}: sigma_max = {smax.real:.4g}{smax.imag:+.4g}i, "
              f"oscillatory sigma = {sig.real:.4g} {sig.imag:+.4g}i (1/tau), "
              f"lambda = {lam:.4g} ell; steady comoving mode {steady_period(a.P):.4g} ell")
        return
    from prototype_1d import CHECK
    p = dict(CHECK)
    if a.v is not None:
        p['v'] = a.v * 1e-9
    if a.Ds is not None:
        p['Ds'] = a.Ds
    if a.delta_s is not None:
        p['delta_s'] = a.delta_s * 1e-9
    r = predict_period(p)
    print(f"ell = {r['ell']*1e9:.4f} nm, tau = {r['tau']:.4g} s, P = {r['P']:.4g}, Delta = {r['Delta']:.4g}")
    print(f"predicted period {r['period']*1e9:.4f} nm, growth rate {r['growth']:.4g} 1/s ({r['regime']}); "
          f"steady-comoving formula would give {r['steady']*1e9:.4f} nm")


if __name__ == '__main__':
    main()
