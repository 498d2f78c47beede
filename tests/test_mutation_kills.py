"""Exact reference values for the statistics core and access control, chosen to kill mutants."""
