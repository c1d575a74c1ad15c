-- Trigram matching backs the case-insensitive "message contains" filter of events.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
