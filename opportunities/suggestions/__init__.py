"""Keeping match suggestions current: the ORM side of the matching engine, one module per job.

`loader` turns rows into the engine's documents; `queue` records changes and enqueues their recompute;
`entries` is a recompute's bookkeeping on the queue entries it handled (done, failed, tried again later);
`corpus` is the processed corpus this process keeps; `full` and `incremental` are the two recomputes;
`storage` writes their results (PostgreSQL COPY or the ORM, one interface); `tasks` are the Celery tasks.
The ranking merge of an incremental recompute is pure logic in `opportunities.matching.plan`.
Import each name from the module that defines it.
"""
