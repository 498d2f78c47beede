"""The candidate's side: invites, the assessment journey, submission, their own data, erasure and mail."""
