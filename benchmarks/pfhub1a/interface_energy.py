#!/usr/bin/python3
"""Energy of a flat PFHub 1a interface on Q1 and Q2 elements of size h.

Late in the benchmark almost all of F is interface energy, so the error of a
discretization in the energy of one flat interface is the bias it carries
into F(t). Here the 1D energy int f(c) + kappa/2 c'^2 is minimized over the
finite-element space (Lagrange elements of degree p, Gauss quadrature with
p + 1 points as in vitrum) between the two bulk values, and compared with
the exact sigma = sqrt(2 kappa rho) (c_beta - c_alpha)^3 / 6.

Usage: benchmarks/pfhub1a/interface_energy.py
"""
import numpy as np
from scipy.optimize import minimize

RHO, C_ALPHA, C_BETA, KAPPA = 5.0, 0.3, 0.7, 2.0
HALF_LENGTH = 20.0  # ten tanh widths each side


def f(c):
    return RHO * (c - C_ALPHA) ** 2 * (C_BETA - c) ** 2


def df(c):
    return 2 * RHO * (c - C_ALPHA) * (C_BETA - c) * (C_BETA + C_ALPHA - 2 * c)


def lagrange(p):
    """Values and derivatives of the degree-p Lagrange basis (equidistant
    nodes on [-1, 1]) at the p + 1 Gauss points, and the Gauss weights."""
    nodes = np.linspace(-1, 1, p + 1)
    points, weights = np.polynomial.legendre.leggauss(p + 1)
    values = np.zeros((p + 1, p + 1))
    slopes = np.zeros((p + 1, p + 1))
    for k in range(p + 1):
        others = np.delete(nodes, k)
        basis = np.poly1d(others, r=True) / np.prod(nodes[k] - others)
        values[:, k] = basis(points)
        slopes[:, k] = basis.deriv()(points)
    return values, slopes, weights


def interface_energy(h, p):
    cells = int(round(2 * HALF_LENGTH / h))
    x = np.linspace(-HALF_LENGTH, HALF_LENGTH, cells * p + 1)
    values, slopes, weights = lagrange(p)
    slopes, weights = slopes * 2 / h, weights * h / 2
    cell_dofs = np.arange(cells)[:, None] * p + np.arange(p + 1)[None, :]

    def energy(inner):
        c = np.concatenate([[C_ALPHA], inner, [C_BETA]])
        local = c[cell_dofs]
        cq, gq = local @ values.T, local @ slopes.T
        e = np.sum((f(cq) + 0.5 * KAPPA * gq ** 2) * weights)
        local_gradient = (df(cq) * weights) @ values + (KAPPA * gq * weights) @ slopes
        gradient = np.zeros_like(c)
        np.add.at(gradient, cell_dofs, local_gradient)
        return e, gradient[1:-1]

    width = 1 / (np.sqrt(2 * RHO / KAPPA) * (C_BETA - C_ALPHA) / 2)
    start = (C_ALPHA + C_BETA) / 2 + (C_BETA - C_ALPHA) / 2 * np.tanh(x / width)
    result = minimize(energy, start[1:-1], jac=True, method="L-BFGS-B",
                      options={"maxiter": 20000, "gtol": 1e-13, "ftol": 1e-16})
    return result.fun


def main():
    exact = np.sqrt(2 * KAPPA * RHO) * (C_BETA - C_ALPHA) ** 3 / 6
    print(f"exact interface energy sigma = {exact:.6f}")
    print(f"{'element':<8}{'h':>6}{'relative error':>18}")
    for p in (1, 2):
        for h in (2, 1, 0.5, 0.25):
            error = interface_energy(h, p) / exact - 1
            print(f"{'Q' + str(p):<8}{h:>6g}{100 * error:>+17.3f}%")


if __name__ == "__main__":
    main()
