"""Day simulator and staffing planner: the real core in virtual time, measured against Erlang C."""
