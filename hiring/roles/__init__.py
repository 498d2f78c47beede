"""Job roles: the questionnaire and profile each one uses, and the pipeline its candidates move through."""
