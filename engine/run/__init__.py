"""Running a case: SpiffWorkflow glue, state, the guarded evaluator, rows, the step."""
