package space.share.room.overlay;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One finished (or growing) annotation stroke as every member receives it: the {@code annotation}
 * message, and an element of the snapshot's {@code annotations}. {@code id} is the author's own stroke id
 * (unique per author, not per room); {@code points} are desktop-normalised {@code [x, y]} pairs, clamped
 * to 0..1 and rounded to 4 decimals. Immutable once made (the arrays are never written after parsing).
 */
@JsonPropertyOrder({"type", "id", "author", "name", "tool", "color", "width", "points"})
public record Stroke(String id, String author, String name, String tool, String color, double width, double[][] points) {
  @JsonProperty("type")
  public String type() {
    return "annotation";
  }

  /** The board's key: stroke ids are the author's own. */
  String key() {
    return author + '\n' + id;
  }
}
