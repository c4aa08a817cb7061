# Local demands, their review workflow and match suggestions arrive with their own issues.
