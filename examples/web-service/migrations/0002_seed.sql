-- Demo data, the same for every database. The tables are new, so the rows get ids 1, 2, 3
-- in insertion order on every backend.
-- The bearer tokens are demo credentials: `Authorization: Bearer admin-token` acts as the
-- admin, `Bearer user-token` as a plain user.
INSERT INTO users (username, email, role, token) VALUES
    ('admin', 'admin@example.com', 'admin', 'admin-token'),
    ('user', 'user@example.com', 'user', 'user-token');

INSERT INTO organisations (name, category, country) VALUES
    ('Alforis Finance', 'Institution', 'FR'),
    ('Kibray Construction', 'Company', 'US'),
    ('Proximity Labs', 'Startup', 'DE');

-- Organisation 3 has no members: its /stats divides by zero (seed 001).
INSERT INTO members (organisation_id, name, deals_won) VALUES
    (1, 'Claire Martin', 12),
    (1, 'Hugo Bernard', 7),
    (1, 'Lea Dubois', 3),
    (2, 'Sam Carter', 5),
    (2, 'Ana Lopez', 9);
