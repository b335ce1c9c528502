package space.share.room.rooms;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One stream as the media server's {@code GET /api/streams/{id}} reports it (docs/protocol.md). */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamStatus(String id, boolean live, String codecs, Integer width, Integer height, Double frameRate,
    Integer viewers, String since) {}
