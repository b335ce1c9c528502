package space.share.player.fuzz;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

/**
 * What the cases aim at: the two servers' addresses and the few legitimate credentials some cases need to get past
 * the front door (a member token of the live room for its event socket, that member's media token for the feed,
 * fresh one-use VNC tokens of the member holding control).
 *
 * @param liveRoomId the room the live stream and its viewers are in; cases never send it a wrong passcode
 * @param throttleRoomId a second room that takes the wrong passcodes (the join throttle counts them per room)
 * @param fuzzMemberToken a member of the live room (holding control) whose token some cases use
 * @param fuzzMediaToken that member's media token (feed and LL-HLS of the live room)
 * @param demoKey the publish key of the static relay stream {@code demo} (a second, authorized publisher)
 * @param vncTokens a fresh VNC token of the fuzz member per call, or null when the controller gave none
 */
record FuzzTarget(
    InetSocketAddress rtmp,
    InetSocketAddress mediaHttp,
    InetSocketAddress controllerHttp,
    String liveRoomId,
    String throttleRoomId,
    String fuzzMemberToken,
    String fuzzMediaToken,
    String demoKey,
    Supplier<String> vncTokens) {

  String hostHeader(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
