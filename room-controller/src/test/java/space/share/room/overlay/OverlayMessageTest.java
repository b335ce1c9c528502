package space.share.room.overlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import space.share.room.status.RoomException;
import space.share.room.status.RoomStatus;

class OverlayMessageTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static OverlayMessage parse(String json) throws Exception {
    return OverlayMessage.parse(JSON.readTree(json));
  }

  @Test
  void parse_annotate_clampsRoundsAndLowercases() throws Exception {
    OverlayMessage.Annotate a = assertInstanceOf(OverlayMessage.Annotate.class, parse(
        "{\"type\":\"annotate\",\"id\":\"s-1\",\"tool\":\"pen\",\"color\":\"#FF00aa\",\"width\":4.04,"
            + "\"points\":[[0.123456,0.5],[-0.2,1.7],[1,0]]}"));
    assertEquals("s-1", a.id());
    assertEquals("#ff00aa", a.color());
    assertEquals(4.0, a.width());
    assertArrayEquals(new double[] {0.1235, 0.5}, a.points()[0]);
    assertArrayEquals(new double[] {0, 1}, a.points()[1], "outside the picture: clamped to its edge");
    assertArrayEquals(new double[] {1, 0}, a.points()[2]);
  }

  @Test
  void parse_clearAndCursor_values() throws Exception {
    assertEquals(new OverlayMessage.Clear(false), parse("{\"type\":\"annotation-clear\"}"));
    assertEquals(new OverlayMessage.Clear(true), parse("{\"type\":\"annotation-clear\",\"all\":true}"));
    assertEquals(new OverlayMessage.Cursor(0.25, 1), parse("{\"type\":\"cursor\",\"x\":0.25,\"y\":3}"));
    assertEquals(new OverlayMessage.CursorGone(), parse("{\"type\":\"cursor-gone\"}"));
  }

  /** Each case breaks one rule of docs/room-api.md "Drawing and pointing"; the message names it. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not an object              | [1,2]                                                                                       | JSON object",
      "no type                    | {\"id\":\"a\"}                                                                              | unknown message type",
      "unknown type               | {\"type\":\"erase-everything\"}                                                            | unknown message type",
      "unknown field              | {\"type\":\"cursor\",\"x\":0,\"y\":0,\"z\":1}                                              | unknown field \"z\"",
      "id with a space            | {\"type\":\"annotate\",\"id\":\"a b\",\"tool\":\"pen\",\"color\":\"#000000\",\"width\":2,\"points\":[[0,0]]}  | \"id\"",
      "tool not whitelisted       | {\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"laser\",\"color\":\"#000000\",\"width\":2,\"points\":[[0,0]]}  | \"tool\"",
      "colour as a name           | {\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"pen\",\"color\":\"red\",\"width\":2,\"points\":[[0,0]]}       | #rrggbb",
      "colour with script         | {\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"pen\",\"color\":\"#000000;x\",\"width\":2,\"points\":[[0,0]]} | #rrggbb",
      "width zero                 | {\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"pen\",\"color\":\"#000000\",\"width\":0,\"points\":[[0,0]]}  | \"width\"",
      "width huge                 | {\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"pen\",\"color\":\"#000000\",\"width\":500,\"points\":[[0,0]]}| \"width\"",
      "width as text              | {\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"pen\",\"color\":\"#000000\",\"width\":\"2\",\"points\":[[0,0]]}| \"width\"",
      "no points                  | {\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"pen\",\"color\":\"#000000\",\"width\":2,\"points\":[]}       | non-empty",
      "point with three numbers   | {\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"pen\",\"color\":\"#000000\",\"width\":2,\"points\":[[0,0,0]]} | points[0]",
      "point as text              | {\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"pen\",\"color\":\"#000000\",\"width\":2,\"points\":[[0,\"1\"]]}| points[0][1]",
      "arrow with one point       | {\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"arrow\",\"color\":\"#000000\",\"width\":2,\"points\":[[0,0]]} | two points",
      "cursor without y           | {\"type\":\"cursor\",\"x\":0.5}                                                            | \"y\"",
      "clear with all as text     | {\"type\":\"annotation-clear\",\"all\":\"yes\"}                                             | \"all\"",
  })
  void parse_malformed_badRequestNamingTheRule(String rule, String json, String mentions) {
    RoomException e = assertThrows(RoomException.class, () -> parse(json), rule);
    assertEquals(RoomStatus.BAD_REQUEST, e.status(), rule);
    assertTrue(e.getMessage().contains(mentions), rule + ": " + e.getMessage());
  }

  @Test
  void parse_tooManyPoints_payloadTooLarge() {
    StringBuilder points = new StringBuilder();
    for (int i = 0; i <= OverlayMessage.MAX_POINTS_PER_STROKE; i++) {
      points.append(i == 0 ? "" : ",").append("[0.5,0.5]");
    }
    RoomException e = assertThrows(RoomException.class, () -> parse(
        "{\"type\":\"annotate\",\"id\":\"a\",\"tool\":\"pen\",\"color\":\"#000000\",\"width\":2,\"points\":[" + points + "]}"));
    assertEquals(RoomStatus.PAYLOAD_TOO_LARGE, e.status());
  }
}
