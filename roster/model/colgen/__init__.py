"""Decomposition by column generation (the maths: a schedule per person in
a master problem over the rules that link people, priced per person by the
one-person sub-model). ``generate`` runs it; ``rows``, ``master`` and
``pricing`` are its parts."""

from roster.model.colgen.generate import ColumnGeneration, Infeasible

__all__ = ["ColumnGeneration", "Infeasible"]
