"""Demo city registries (filled in below)."""
