package space.share.room.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;

/**
 * A member's message on the room event socket (docs/room-api.md "Drawing and pointing"), validated:
 *
 * <pre>
 *   {"type":"annotate","id":"s1","tool":"pen|highlighter|arrow","color":"#rrggbb","width":4,"points":[[x,y],...]}
 *   {"type":"annotation-clear"}               {"type":"annotation-clear","all":true}
 *   {"type":"cursor","x":0.5,"y":0.25}        {"type":"cursor-gone"}
 * </pre>
 *
 * Coordinates are desktop-normalised: any finite number is clamped to 0..1 and rounded to 4 decimals
 * (a tenth of a pixel on a 4K desktop). Everything else out of bounds is refused with a
 * {@link RoomException} whose message says what is allowed. Stateless and thread-safe.
 */
public sealed interface OverlayMessage {
  int MAX_POINTS_PER_STROKE = 1000;
  double MIN_WIDTH = 1;
  double MAX_WIDTH = 48;
  Set<String> TOOLS = Set.of("pen", "highlighter", "arrow");
  Pattern COLOR = Pattern.compile("#[0-9a-fA-F]{6}");
  Pattern STROKE_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");

  record Annotate(String id, String tool, String color, double width, double[][] points) implements OverlayMessage {}

  record Clear(boolean all) implements OverlayMessage {}

  record Cursor(double x, double y) implements OverlayMessage {}

  record CursorGone() implements OverlayMessage {}

  /** Validates one parsed JSON message. */
  static OverlayMessage parse(JsonNode message) {
    if (message == null || !message.isObject()) {
      throw bad("a message must be a JSON object with a \"type\"");
    }
    String type = message.path("type").asText("");
    return switch (type) {
      case "annotate" -> {
        onlyFields(message, "type", "id", "tool", "color", "width", "points");
        yield annotate(message);
      }
      case "annotation-clear" -> {
        onlyFields(message, "type", "all");
        JsonNode all = message.path("all");
        if (!all.isMissingNode() && !all.isBoolean()) {
          throw bad("\"all\" must be true or false");
        }
        yield new Clear(all.asBoolean(false));
      }
      case "cursor" -> {
        onlyFields(message, "type", "x", "y");
        yield new Cursor(coordinate(message.get("x"), "x"), coordinate(message.get("y"), "y"));
      }
      case "cursor-gone" -> {
        onlyFields(message, "type");
        yield new CursorGone();
      }
      default -> throw bad("unknown message type \"" + abbreviate(type)
          + "\"; the event socket takes annotate, annotation-clear, cursor, cursor-gone");
    };
  }

  private static Annotate annotate(JsonNode message) {
    String id = text(message, "id");
    if (!STROKE_ID.matcher(id).matches()) {
      throw bad("\"id\" must be 1 to 40 characters of A-Z a-z 0-9 _ -");
    }
    String tool = text(message, "tool");
    if (!TOOLS.contains(tool)) {
      throw bad("\"tool\" must be pen, highlighter or arrow");
    }
    String color = text(message, "color");
    if (!COLOR.matcher(color).matches()) {
      throw bad("\"color\" must be #rrggbb");
    }
    JsonNode width = message.get("width");
    if (width == null || !width.isNumber() || !(width.asDouble() >= MIN_WIDTH && width.asDouble() <= MAX_WIDTH)) {
      throw bad("\"width\" must be a number from " + (int) MIN_WIDTH + " to " + (int) MAX_WIDTH + " (pixels at 1080p)");
    }
    JsonNode points = message.get("points");
    if (points == null || !points.isArray() || points.isEmpty()) {
      throw bad("\"points\" must be a non-empty array of [x, y] pairs");
    }
    if (points.size() > MAX_POINTS_PER_STROKE) {
      throw new RoomException(RoomStatus.PAYLOAD_TOO_LARGE, "a stroke has at most " + MAX_POINTS_PER_STROKE
          + " points (got " + points.size() + "); send a long stroke as several");
    }
    if (tool.equals("arrow") && points.size() < 2) {
      throw bad("an arrow needs two points");
    }
    double[][] out = new double[points.size()][];
    for (int i = 0; i < out.length; i++) {
      JsonNode pair = points.get(i);
      if (!pair.isArray() || pair.size() != 2) {
        throw bad("points[" + i + "] must be an [x, y] pair");
      }
      out[i] = new double[] {coordinate(pair.get(0), "points[" + i + "][0]"), coordinate(pair.get(1), "points[" + i + "][1]")};
    }
    return new Annotate(id, tool, color.toLowerCase(java.util.Locale.ROOT), Math.round(width.asDouble() * 10) / 10.0, out);
  }

  private static double coordinate(JsonNode node, String field) {
    if (node == null || !node.isNumber() || !Double.isFinite(node.asDouble())) {
      throw bad("\"" + field + "\" must be a number (desktop-normalised, 0..1)");
    }
    double clamped = Math.min(1, Math.max(0, node.asDouble()));
    return Math.round(clamped * 10_000) / 10_000.0;
  }

  private static String text(JsonNode message, String field) {
    JsonNode node = message.get(field);
    if (node == null || !node.isTextual()) {
      throw bad("\"" + field + "\" must be a string");
    }
    return node.asText();
  }

  private static void onlyFields(JsonNode message, String... allowed) {
    Set<String> names = Set.of(allowed);
    for (Iterator<Map.Entry<String, JsonNode>> it = message.fields(); it.hasNext(); ) {
      String name = it.next().getKey();
      if (!names.contains(name)) {
        throw bad("unknown field \"" + abbreviate(name) + "\" in " + message.path("type").asText());
      }
    }
  }

  private static String abbreviate(String value) {
    String printable = value.replaceAll("[^\\x20-\\x7e]", "?");
    return printable.length() <= 40 ? printable : printable.substring(0, 40) + "…";
  }

  private static RoomException bad(String message) {
    return new RoomException(RoomStatus.BAD_REQUEST, message);
  }
}
