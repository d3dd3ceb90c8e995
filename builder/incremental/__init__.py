"""What makes rebuilds fast, around the plain core (`site.load_site`, `render.render_site`):
`update` (a build's route: stop, update in place or replace), `reading` (load_site from the parse
cache), `fingerprints` and `rendering` (only the pages that changed), `patch` (serve's fast path),
`stamp` (has any input changed?), `cache` (what earlier builds parsed) and `versions` (the two
versions of `site/`, staged and switched in one rename)."""
