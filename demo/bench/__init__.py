"""`bench_pages`: the portal's page benchmark at the benchmark scale.

`build` fills a scratch PostgreSQL database with tagged synthetic data (COPY) and removes it again,
`pages` reads the list of pages to measure (`demo/data/page_bench_pages.json`) and makes the bench
logins, `measure` times the pages through Django's test client, `load` drives them with locust
(`locustfile.py`) against gunicorn. See docs/performance.md, "Pages at benchmark scale".
"""
