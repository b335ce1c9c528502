-- The purge of ended member sessions (MemberPurge) and the member cap's count read by these columns.
CREATE INDEX members_expires ON members (expires_at_ms);
CREATE INDEX members_left ON members (left_at_ms);
