"""The recruiter's and manager's workspace: ranking, decisions, candidate evidence, cohorts and exports."""
