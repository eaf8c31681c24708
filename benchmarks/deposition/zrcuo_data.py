#!/usr/bin/python3
"""Numbers behind parameter_files/materials/ZrCuO-glass.prm (doc/deposition.md).

  * regular-solution L0 of Cu-O and Zr-O from oxide formation enthalpies,
  * the reduced Hessian of the Cu-O-Zr glass (Zr dependent) at 300 K, its
    eigenvalues and eigen-directions, the mobility-weighted (Onsager) matrix
    and the pseudo-binary numbers (f''_eff, D_sp, ell) the linear theory uses,
  * the layer compositions that give the measured layer densities.

  benchmarks/deposition/zrcuo_data.py [--xO 0.04] [--scale-O 1.0]
"""
import argparse
import math

import numpy as np

R = 8.314462618
# element order of the material file: Cu, O, Zr (Zr dependent)
NAMES = ['Cu', 'O', 'Zr']
MOLAR_MASS = np.array([63.546, 15.999, 91.224])       # g/mol (standard atomic weights)
# cm^3/mol: Cu, Zr MAGPIE_MOLARVOLUME (materials.yaml); O: ESTIMATE, see below
V_ZR, V_CU = 14.02, 7.11
# O in the glass: volume that one O adds to Zr in ZrO2 (M 123.218 g/mol, 5.68 g/cm^3,
# Wikipedia infobox as mirrored at piglix.com/piglix/Zirconium_oxide):
V_O = (123.218 / 5.68 - V_ZR) / 2
# in Cu2O (143.09 g/mol, 6.0 g/cm^3, piglix.com/piglix/Cuprous_oxide) it would be:
V_O_CU2O = 143.09 / 6.0 - 2 * V_CU
MOLAR_VOLUME = np.array([V_CU, V_O, V_ZR])

# Formation enthalpies, kJ per mole of formula unit, 298 K
DHF_ZRO2 = -1097.463   # NIST WebBook, ZrO2 solid, Shomate H term = dfH(298) (Chase 1998, JANAF)
DHF_CU2O = -170.0      # Wikipedia infobox (piglix mirror); -168.6 JANAF-type tabulations


def L0_from_compound(dHf, n_atoms, x_O):
    """Regular solution through the compound's formation enthalpy per mole of atoms."""
    return dHf / n_atoms / (x_O * (1 - x_O))


def hessian(x, L, T):
    """Reduced Hessian d2G/dx_a dx_b (a, b in Cu, O; Zr dependent), J/mol.

    G = RT sum x ln x + sum_{i<j} L_ij x_i x_j, L in J/mol, x = (Cu, O, Zr).
    """
    RT = R * T
    K = len(x)
    # full Hessian of G in all K fractions, then reduce with x_K = 1 - sum
    Hf = np.diag(RT / x)
    for i in range(K):
        for j in range(K):
            if i != j:
                Hf[i, j] += L[i][j]
    Z = np.vstack([np.eye(K - 1), -np.ones(K - 1)])          # dx = Z dy
    return Z.T @ Hf @ Z


def onsager(x, M):
    """Lattice-frame L_ab = sum_k (d_ak - x_a)(d_bk - x_b) x_k M_k, a, b independent."""
    K = len(x)
    L = np.zeros((K - 1, K - 1))
    for a in range(K - 1):
        for b in range(K - 1):
            L[a, b] = sum(((a == k) - x[a]) * ((b == k) - x[b]) * x[k] * M[k] for k in range(K))
    return L


def density(x):
    return float(x @ MOLAR_MASS / (x @ MOLAR_VOLUME))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--xO', type=float, default=0.04)
    ap.add_argument('--T', type=float, default=300.0)
    ap.add_argument('--scale-O', type=float, default=1.0, help='multiply the O-metal L0 (sensitivity)')
    ap.add_argument('--kappa', type=float, default=None, help='J/m (default: the estimate below)')
    a = ap.parse_args()

    L_ZrO = L0_from_compound(DHF_ZRO2, 3, 2 / 3) * 1e3 * a.scale_O
    L_CuO = L0_from_compound(DHF_CU2O, 3, 1 / 3) * 1e3 * a.scale_O
    L_CuZr = 4 * -23.0e3
    print(f"L0 Zr-O = {L_ZrO/1e3:.1f} kJ/mol  (dHf(ZrO2) = {DHF_ZRO2} kJ/mol -> {DHF_ZRO2/3:.2f} per mol atoms at x_O = 2/3)")
    print(f"L0 Cu-O = {L_CuO/1e3:.1f} kJ/mol  (dHf(Cu2O) = {DHF_CU2O} kJ/mol -> {DHF_CU2O/3:.2f} per mol atoms at x_O = 1/3)")
    print(f"L0 Cu-Zr = {L_CuZr/1e3:.1f} kJ/mol (4 x -23, TI2005)")
    print(f"V_O = {V_O:.3f} cm^3/mol from ZrO2 (from Cu2O it would be {V_O_CU2O:.2f})")

    L = [[0, L_CuO, L_CuZr], [L_CuO, 0, L_ZrO], [L_CuZr, L_ZrO, 0]]
    xO = a.xO
    x = np.array([(1 - xO) / 2, xO, (1 - xO) / 2])
    H = hessian(x, L, a.T)
    w, V = np.linalg.eigh(H)
    print(f"\nx = Cu {x[0]:.3f}, O {x[1]:.3f}, Zr {x[2]:.3f}, T = {a.T} K")
    print("reduced Hessian (J/mol):\n", np.array2string(H, precision=1))
    for i in range(2):
        e = V[:, i] / np.max(np.abs(V[:, i]))
        if e[0] < 0:
            e = -e
        full = np.r_[e, -e.sum()]
        print(f"eigenvalue {w[i]/1e3:10.2f} kJ/mol, direction dCu:dO:dZr = "
              + ' : '.join(f'{c:+.3f}' for c in full))
    # mobility-weighted with equal atomic mobilities (surface layer: D_k = D_s for all k)
    Vm = float(x @ MOLAR_VOLUME) * 1e-6
    Ds = 1.0e-18
    M = np.full(3, Ds / (R * a.T))
    Lon = onsager(x, M)
    mu, W = np.linalg.eig(Lon @ H)
    k = int(np.argmin(mu.real))
    e = W[:, k].real
    e = e / np.linalg.norm(e)
    full = np.r_[e, -e.sum()] / np.max(np.abs(np.r_[e, -e.sum()]))
    if full[0] < 0:
        full = -full
    print(f"\nOnsager L (D_s = {Ds:g} for all elements) times H: eigenvalues {np.array2string(mu.real, precision=4)} m^2/s")
    print(f"  negative one = -D_sp = {mu[k].real:.4g} m^2/s  (D_sp/D_s = {-mu[k].real/Ds:.3f}), direction dCu:dO:dZr = "
          + ' : '.join(f'{c:+.3f}' for c in full))
    # pseudo-binary: f''_eff = e.H.e with |e| = 1 in (Cu, O); M_eff = D_sp / |f''_eff|
    f2 = float(e @ H @ e)
    Meff = -mu[k].real / abs(f2)
    print(f"  f''_eff = e.H.e = {f2/1e3:.2f} kJ/mol, M_eff = {Meff:.4g} (m^2/s)/(J/mol)")
    # gradient energy estimate: kappa = |L0_CuZr| r0^2 / V_m, r0 = r_Cu + r_Zr
    r0 = (128 + 160) * 1e-12
    kappa = a.kappa if a.kappa else abs(L_CuZr) * r0**2 / Vm
    ell = math.sqrt(Vm * kappa / abs(f2))
    print(f"  V_m = {Vm*1e6:.3f} cm^3/mol, kappa = {kappa:.3g} J/m -> ell = sqrt(V_m kappa/|f''|) = {ell*1e9:.3f} nm")
    print(f"  P = v ell / D_sp at v = 1.2 nm/s: {1.2e-9*ell/(-mu[k].real):.3g} x (1e-18 / D_s)")

    # densities along the Cu-rich / Zr+O-rich direction
    print(f"\ndensity of the mean glass: {density(x):.3f} g/cm^3 (film in vacuum: 7.4)")
    print("layer pair x +- t e (e: the unstable direction above):")
    print("   t   Cu-rich (Cu,O,Zr at.%)    rho    Zr/O-rich (Cu,O,Zr at.%)   rho   ratio  dCu(at.%)")
    ee = full / np.max(np.abs(full))
    for t in (0.02, 0.04, 0.05, 0.06, 0.08, 0.10):
        x1, x2 = x + t * ee, x - t * ee
        if np.any(x1 <= 0) or np.any(x2 <= 0):
            continue
        r1, r2 = density(x1), density(x2)
        print(f"{t:5.2f}  {x1[0]*100:5.1f} {x1[1]*100:5.1f} {x1[2]*100:5.1f}      {r1:6.3f}   "
              f"{x2[0]*100:5.1f} {x2[1]*100:5.1f} {x2[2]*100:5.1f}      {r2:6.3f}  {r1/r2:.3f}  {200*t:.0f}")
    print("measured: 6.9 / 6.1 = 1.131")


if __name__ == '__main__':
    main()
