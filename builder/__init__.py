"""Briefing builder: turns raw news dumps into a curated, dossier-filed static briefing site."""
