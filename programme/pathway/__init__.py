"""The pathway: stages and requirements as data (rules), a trainer's data as plain values
(facts), the pure evaluator over them (evaluate) and its loader (loading)."""
