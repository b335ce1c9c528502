package space.share.player.fuzz;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;

/** One run of one case: its random source, its connections, and what it saw. Used by one worker thread. */
final class CaseRun {
  /** How a case ended, from the client's side. */
  enum Outcome {
    /** The server closed or reset the connection (a refusal, or the end of an answer). */
    SERVER_CLOSED,
    /** The case hung up first after waiting for more (the server kept the connection open). */
    CLIENT_CLOSED,
    /** The server held the connection until the case's deadline. */
    OPEN_AT_DEADLINE,
    /** No TCP connection: the server did not accept within 2 s. */
    CONNECT_FAILED
  }

  final Random rnd;
  final FuzzTarget target;
  private final ScheduledExecutorService timer;
  private final List<Conn> conns = new ArrayList<>();
  /** The first HTTP status the case saw, or -1. */
  int httpStatus = -1;
  /** A security or correctness finding (not a mere refusal), or null. */
  String finding;
  private boolean connectFailed;

  CaseRun(Random rnd, FuzzTarget target, ScheduledExecutorService timer) {
    this.rnd = rnd;
    this.target = target;
    this.timer = timer;
  }

  /** A fresh connection from 127.0.0.1 (the good client's address: only cases the throttle never counts). */
  Conn open(InetSocketAddress to, long budgetMs) throws IOException {
    return open(to, budgetMs, false);
  }

  /** A fresh connection, from a random 127.x.y.z address when {@code spreadSource}. */
  Conn open(InetSocketAddress to, long budgetMs, boolean spreadSource) throws IOException {
    InetAddress local = spreadSource ? randomLoopback() : null;
    try {
      Conn c = Conn.open(to, local, timer, budgetMs);
      conns.add(c);
      return c;
    } catch (IOException e) {
      connectFailed = true;
      throw e;
    }
  }

  void status(byte[] answer) {
    if (httpStatus < 0) httpStatus = Wire.httpStatus(answer);
  }

  void finding(String what) {
    if (finding == null) finding = what;
  }

  private InetAddress randomLoopback() throws UnknownHostException {
    return InetAddress.getByAddress(new byte[] {127, (byte) (1 + rnd.nextInt(250)), (byte) rnd.nextInt(256),
        (byte) (2 + rnd.nextInt(250))});
  }

  <T> T pick(List<T> options) {
    return options.get(rnd.nextInt(options.size()));
  }

  @SafeVarargs
  final <T> T pick(T... options) {
    return options[rnd.nextInt(options.length)];
  }

  int between(int lowInclusive, int highInclusive) {
    return lowInclusive + rnd.nextInt(highInclusive - lowInclusive + 1);
  }

  Outcome outcome() {
    if (connectFailed && conns.isEmpty()) return Outcome.CONNECT_FAILED;
    boolean closed = false;
    boolean expired = false;
    for (Conn c : conns) {
      closed |= c.serverClosed || c.writeFailed;
      expired |= c.expired;
    }
    if (closed) return Outcome.SERVER_CLOSED;
    if (expired) return Outcome.OPEN_AT_DEADLINE;
    return connectFailed ? Outcome.CONNECT_FAILED : Outcome.CLIENT_CLOSED;
  }

  void closeAll() {
    conns.forEach(Conn::close);
  }
}
