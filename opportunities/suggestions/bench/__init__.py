"""match_bench's parts: `synthetic` makes the data (no database; word lists in `words.json`), `database`
writes it with COPY and measures the floors, `changes` makes real changes through the services,
`measure` reads memory and load. The command (`manage.py match_bench`) runs and reports."""
