#!/usr/bin/python3
"""1D prototype of vitrum's `Model = deposition` for a binary regular solution.

Exactly the model of doc/deposition.md (section "The model"), discretized by
cell-centred finite volumes on the growing film, so that the C++ run can be
checked against it:

  dx/dt = d/dz ( L dmu/dz ),   mu = f'(x) - V_m kappa d2x/dz2,
  f(x)  = RT [x ln x + (1-x) ln(1-x)] + L0 x (1-x)              (J/mol)
  L     = x (1-x) D / (RT)   (lattice-frame Onsager coefficient, K = 2)
  D     = D_s where the depth below the surface is < delta_s, D_b below,
  surface (z = h):  V_m kappa dx/dz = -V_m dgamma,  no flux,
  substrate (z = 0): dx/dz = 0, no flux,
  growth: one cell of thickness dz with composition x0 every dz / v.

Finite volumes: cell i has x_i; mu_i = f'(x_i) + (V_m kappa / dz^2)
(2 x_i - x_{i-1} - x_{i+1}) with the top cell's missing neighbour replaced by
the surface condition, which gives the weak-form surface term
V_m dgamma / dz in the top cell (as vitrum's  V_m int_S dgamma v).  Face j
(counted from the surface, j = 1 between the top two cells) carries the
surface mobility when j <= n_s = round(delta_s / dz): n_s mobile links, the
finite-volume twin of n_s mobile finite elements (n_s + 1 nodes move).
Time: backward Euler, Newton on f' with the mobility lagged per step,
n_sub steps per deposition interval; only the n_s + 1 top cells change when
D_b = 0 (the frozen bulk), which keeps a run at a few thousand layers to
about a second.

Measurement (frozen part, 10 nm from the substrate to delta_s + 5 nm below
the surface): the period is the peak of the Hann-windowed, 8x zero-padded
FFT of x - mean, refined by a parabola through the log-magnitudes of the
three bins around the peak; the contrast is reported two ways,
  contrast_pp  = max - min of the profile smoothed over one cell (what a
                 composition line scan with ~dz resolution sees), and
  contrast_fund = 2 x the amplitude of the fundamental (peak-to-peak of the
                 first harmonic, from a least-squares sine fit at the
                 measured period).

  benchmarks/deposition/prototype_1d.py                      the check case
  benchmarks/deposition/prototype_1d.py --v 1.2 --Ds 2e-19   change a parameter
  benchmarks/deposition/prototype_1d.py --controls           no-layering checks
  benchmarks/deposition/prototype_1d.py --sweep              table vs theory
"""
import argparse
import math
import sys

import numpy as np

R = 8.314462618

# The recommended check case (doc/deposition.md, "Check case"), SI units.
CHECK = dict(L0=12.0e3,        # J/mol, regular-solution parameter (spinodal at 300 K)
             T=300.0,          # K
             Vm=1.0e-5,        # m^3/mol
             kappa=2.0e-10,    # J/m  (vitrum "Gradient energy")
             Ds=6.45e-19,      # m^2/s surface-layer diffusivity (all elements): P = 0.5
             Db=0.0,           # m^2/s bulk (frozen)
             delta_s=3.0e-9,   # m  (Delta = delta_s/ell = 7.9)
             v=1.2e-9,         # m/s
             dgamma=-0.05,     # J/m^2, gamma_A - gamma_B (A = the independent element)
             x0=0.5,           # deposited mole fraction of A
             dz=0.1e-9,        # m, layer (cell) thickness
             H=150e-9,         # m, final thickness
             n_sub=4)          # backward-Euler steps per deposited layer


def f1(x, p):
    return R * p['T'] * np.log(x / (1.0 - x)) + p['L0'] * (1.0 - 2.0 * x)


def f2(x, p):
    return R * p['T'] / (x * (1.0 - x)) - 2.0 * p['L0']


def simulate(p, record=False):
    """Grow the film; returns z (cell centres, m) and x (mole fraction of A)."""
    dz, v = p['dz'], p['v']
    n_layers = int(round(p['H'] / dz))
    n_s = int(round(p['delta_s'] / dz))
    dt = dz / v / p['n_sub']
    kap = p['Vm'] * p['kappa'] / dz**2          # J/mol per unit x, per cell^2
    surf = p['Vm'] * p['dgamma'] / dz            # J/mol, weak-form surface term
    RT = R * p['T']
    x = np.empty(n_layers)
    n = 0
    for layer in range(n_layers):
        x[n] = p['x0']
        n += 1
        # unknowns: the top m cells (index 0 = top)
        m = min(n, n_s + 1) if p['Db'] == 0.0 else n
        if m < 2:
            continue
        top = x[n - m:n][::-1].copy()            # top-first view of the unknowns
        below = x[n - m - 1] if n - m - 1 >= 0 else None   # frozen neighbour
        # face mobilities (faces 1..m-1 between unknowns, counted from the top)
        j = np.arange(1, m)
        Dface = np.where(j <= n_s, p['Ds'], p['Db'])
        for _ in range(p['n_sub']):
            xo = top.copy()
            xm = 0.5 * (xo[:-1] + xo[1:])
            Lf = xm * (1 - xm) * Dface / RT / dz**2          # 1/(s J/mol)
            for it in range(20):
                # mu (top-first): Laplacian with surface flux at top, frozen or
                # zero-gradient neighbour at the bottom of the unknown block
                lap = np.zeros(m)
                lap[1:] += top[1:] - top[:-1]
                lap[:-1] += top[:-1] - top[1:]
                if below is not None:
                    lap[-1] += top[-1] - below
                mu = f1(top, p) + kap * lap
                mu[0] += surf
                flux = Lf * (mu[1:] - mu[:-1])               # face k between k, k+1
                div = np.zeros(m)
                div[:-1] += flux
                div[1:] -= flux
                res = top - xo - dt * div
                # Jacobian
                Jmu = np.diag(f2(top, p) + kap * (np.r_[1.0, 2.0 * np.ones(m - 2), 1.0]
                                                  + (0.0 if below is None else np.r_[np.zeros(m - 1), 1.0])))
                Jmu -= kap * (np.eye(m, k=1) + np.eye(m, k=-1))
                Jdiv = np.zeros((m, m))
                for k in range(m - 1):
                    Jdiv[k] += Lf[k] * (Jmu[k + 1] - Jmu[k])
                    Jdiv[k + 1] -= Lf[k] * (Jmu[k + 1] - Jmu[k])
                J = np.eye(m) - dt * Jdiv
                dx = np.linalg.solve(J, -res)
                top += dx
                np.clip(top, 1e-9, 1 - 1e-9, out=top)
                if np.max(np.abs(dx)) < 1e-11:
                    break
        x[n - m:n] = top[::-1]
    z = (np.arange(n) + 0.5) * dz
    return z, x[:n]


def measure(z, x, p, z_skip=10e-9):
    """Period (m) and contrasts of the frozen part of the profile."""
    h = z[-1] + 0.5 * p['dz']
    sel = (z > z_skip) & (z < h - p['delta_s'] - 5e-9)
    zz, xx = z[sel], x[sel]
    if len(xx) < 16:
        return dict(period=float('nan'), contrast_pp=0.0, contrast_fund=0.0, mean=float(np.mean(x)))
    y = xx - xx.mean()
    w = np.hanning(len(y))
    nfft = 8 * len(y)
    F = np.abs(np.fft.rfft(y * w, nfft))
    k = np.fft.rfftfreq(nfft, d=p['dz'])
    i = int(np.argmax(F[2:])) + 2                           # skip the DC bins
    if 0 < i < len(F) - 1 and F[i] > 0:
        a, b, c = np.log(F[i - 1] + 1e-300), np.log(F[i]), np.log(F[i + 1] + 1e-300)
        shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
    else:
        shift = 0.0
    kpk = (i + shift) * (k[1] - k[0])
    period = 1.0 / kpk if kpk > 0 else float('nan')
    # fundamental amplitude: least-squares sine + cosine at the period
    ph = 2 * np.pi * zz / period
    A = np.c_[np.cos(ph), np.sin(ph), np.ones_like(ph)]
    coef, *_ = np.linalg.lstsq(A, xx, rcond=None)
    amp = math.hypot(coef[0], coef[1])
    xs = np.convolve(xx, np.ones(3) / 3, mode='valid')     # smoothed over one cell each side
    # spectral purity: share of the variance in the fundamental
    purity = (0.5 * amp**2) / max(np.var(xx), 1e-30)
    return dict(period=period, contrast_pp=float(xs.max() - xs.min()),
                contrast_fund=2 * amp, mean=float(xx.mean()), purity=purity)


def run(p):
    z, x = simulate(p)
    return z, x, measure(z, x, p)


def fmt(p, m):
    return (f"v={p['v']*1e9:.3g} nm/s Ds={p['Ds']:.3g} m^2/s delta_s={p['delta_s']*1e9:.3g} nm: "
            f"period {m['period']*1e9:.3f} nm, contrast pp {m['contrast_pp']*100:.1f} at.%, "
            f"2*fundamental {m['contrast_fund']*100:.1f} at.%, purity {m.get('purity', 0):.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--v', type=float, help='growth rate, nm/s')
    ap.add_argument('--Ds', type=float, help='surface diffusivity, m^2/s')
    ap.add_argument('--delta-s', type=float, help='surface layer thickness, nm')
    ap.add_argument('--dgamma', type=float, help='gamma_A - gamma_B, J/m^2')
    ap.add_argument('--L0', type=float, help='J/mol')
    ap.add_argument('--kappa', type=float, help='J/m')
    ap.add_argument('--dz', type=float, help='nm')
    ap.add_argument('--H', type=float, help='nm')
    ap.add_argument('--profile', help='write z_nm, x to this CSV file')
    ap.add_argument('--controls', action='store_true')
    ap.add_argument('--sweep', action='store_true')
    a = ap.parse_args()
    p = dict(CHECK)
    for key, scale in (('v', 1e-9), ('Ds', 1.0), ('delta_s', 1e-9), ('dgamma', 1.0), ('L0', 1.0),
                       ('kappa', 1.0), ('dz', 1e-9), ('H', 1e-9)):
        val = getattr(a, key)
        if val is not None:
            p[key] = val * scale
    if a.controls:
        controls(p)
        return
    if a.sweep:
        from sweep import sweep   # benchmarks/deposition/sweep.py
        sweep(p)
        return
    z, x, m = run(p)
    print(fmt(p, m))
    try:
        from linear_theory import predict_period
        lam = predict_period(p)
        print(f"linear theory: period {lam['period']*1e9:.3f} nm ({lam['regime']})")
    except ImportError:
        pass
    if a.profile:
        np.savetxt(a.profile, np.c_[z * 1e9, x], delimiter=',', header='z_nm,x_A', comments='')


def controls(p):
    """(a) no layering without surface preference, and none with a convex f."""
    q = dict(p, dgamma=0.0)
    z, x = simulate(q)
    print(f"spinodal f, dgamma = 0:    max |x - x0| = {np.max(np.abs(x - q['x0'])):.2e} (uniform)")
    q = dict(p, L0=0.0)
    z, x = simulate(q)
    m = measure(z, x, q)
    print(f"convex f (L0 = 0), dgamma = {q['dgamma']}: frozen part max-min = {m['contrast_pp']:.2e}, "
          f"mean {m['mean']:.4f}; surface enrichment {x[-1]-q['x0']:+.3f}")
    q = dict(p, L0=0.0, dgamma=0.0)
    z, x = simulate(q)
    print(f"convex f, dgamma = 0:      max |x - x0| = {np.max(np.abs(x - q['x0'])):.2e}")


if __name__ == '__main__':
    sys.path.insert(0, __file__.rsplit('/', 1)[0])
    main()
