"""Model building and solving: index, variables, builder, solve, explanation."""
