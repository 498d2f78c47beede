"""WTForms form classes, one module per audience."""
