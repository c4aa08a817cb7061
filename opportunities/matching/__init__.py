"""The matching engine: plain Python, no ORM. Documents in, ranked and explained suggestions out.

See `documents.py` for the input, `engine.py` for scoring and `WEIGHTS`, `evaluation.py` for
the quality metrics used by `manage.py match_eval`.
"""
