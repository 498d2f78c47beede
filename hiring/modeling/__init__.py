"""The fit model: its core (fit, validation, utility, drift) and its use cases (calibration, versions, re-scoring)."""
