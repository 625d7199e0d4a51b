from .cooperation import LEVELS, CooperationReport, stability
from .nash import Equilibrium, EquilibriumSet, equilibria, is_equilibrium
