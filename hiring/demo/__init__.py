"""The demo instance and the synthetic data it is built from."""
