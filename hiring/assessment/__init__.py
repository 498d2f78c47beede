"""The assessment core: questionnaire format, scoring, quality flags, reliability, norms and profiles."""
