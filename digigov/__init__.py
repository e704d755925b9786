"""DigiGov: one codebase for a city\x27s digital government ("1345+N")."""
