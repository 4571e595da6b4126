"""Everything that talks to the platform. No Qt here."""
