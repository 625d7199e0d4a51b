"""Corner tables of the three-party game against a sympy derivation.

Reference: the replicator field ẋ = x(1 − x)F_A, ẏ = y(1 − y)F_B, ż = z(1 − z)F_H is written
here in sympy from the payoff advantages stated in the model's documentation
(docs/models.md, games/threeparty.py), independently of the package's hand-coded gradient; the
Jacobian is differentiated symbolically and its eigenvalues are computed at each rest point the
package reports. Tolerance 1e-8 (absolute, on payoffs of order 10): both sides are
double-precision evaluations of exact expressions; rest points off the corners come from root
finding to 1e-9, which moves eigenvalues by less than that.
"""

import numpy as np
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from games import ThreeParty
from solver.dynamics import corner_table

x, y, z = sp.symbols("x y z")


def _field(m: ThreeParty) -> sp.Matrix:
    (na, nb), (ca, cb), (ea, eb) = (tuple(sp.nsimplify(v) for v in pair) for pair in (m.synergy, m.cost, m.spillover))
    s, f, ch, w = (sp.nsimplify(v) for v in (m.subsidy, m.fine, m.supervision_cost, m.accountability))
    if m.dynamic:
        fa = y * (na - ea) - ca + z * (s + f) * (1 - x)
        fb = x * (nb - eb) - cb + z * (s + f) * (1 - y)
        fh = -ch - s * (1 - x) * x - s * (1 - y) * y + (f * (1 - x) + w) * (1 - x) + (f * (1 - y) + w) * (1 - y)
    else:
        fa = y * (na - ea) - ca + z * (s + f)
        fb = x * (nb - eb) - cb + z * (s + f)
        fh = -ch - s * (x + y) + (f + w) * (2 - x - y)
    return sp.Matrix([x * (1 - x) * fa, y * (1 - y) * fb, z * (1 - z) * fh])


def _sorted(values) -> np.ndarray:
    v = np.asarray(values, dtype=complex)
    return v[np.lexsort((v.imag, v.real))]


values = st.integers(0, 12).map(lambda k: k / 2)


@settings(max_examples=40)
@given(values, values, values, values, values, values, values, values, st.booleans())
def test_every_rest_point_matches_the_sympy_jacobian(na, nb, ca, e, s, f, ch, w, dynamic):
    m = ThreeParty(synergy=(na, nb), cost=(ca, ca / 2), spillover=(e, e), subsidy=s, fine=f, supervision_cost=ch, accountability=w, dynamic=dynamic)
    field = _field(m)
    J = field.jacobian([x, y, z])
    evaluate = sp.lambdify((x, y, z), J, "numpy")
    at = sp.lambdify((x, y, z), field, "numpy")
    for row in corner_table(m):
        point = tuple(float(c) for c in row.corner)
        assert np.allclose(np.asarray(at(*point), dtype=float).ravel(), 0, atol=1e-8), (row.kind, point)
        reference = np.linalg.eigvals(np.asarray(evaluate(*point), dtype=float))
        assert np.allclose(_sorted(row.eigenvalues), _sorted(reference), atol=1e-8), (row.kind, point, row.eigenvalues, reference)
        if row.kind == "corner":
            # At a corner the Jacobian is diagonal: the eigenvalues are exact expressions.
            assert np.count_nonzero(np.asarray(evaluate(*point), dtype=float) - np.diag(np.diag(np.asarray(evaluate(*point), dtype=float)))) == 0


def test_the_documented_example():
    # ThreeParty() defaults: the one stable corner (1, 1, 0) with eigenvalues (−1, −1, −6).
    field = _field(ThreeParty())
    J = field.jacobian([x, y, z]).subs({x: 1, y: 1, z: 0})
    assert sorted(J.eigenvals(multiple=True)) == [-6, -1, -1]
    stable = [row for row in corner_table(ThreeParty()) if row.verdict == "stable"]
    assert [row.corner for row in stable] == [(1, 1, 0)]
    assert sorted(stable[0].eigenvalues) == [-6.0, -1.0, -1.0]
