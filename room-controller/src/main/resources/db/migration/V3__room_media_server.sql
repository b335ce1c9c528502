-- The media server a room's stream is placed on (room.media.servers id; 'default' with one server). Kept so a
-- controller restart sends members and publishers where the stream already is (docs/running.md).
ALTER TABLE rooms ADD COLUMN media_server VARCHAR(32);
