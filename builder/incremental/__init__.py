"""What makes rebuilds fast, around the plain core (`site.load_site`, `render.render_site`):
`stamp` (has any input changed?), `cache` (what earlier builds parsed), `versions` (the two
versions of `site/`, staged and switched in one rename)."""
