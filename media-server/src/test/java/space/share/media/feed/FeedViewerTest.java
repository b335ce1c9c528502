package space.share.media.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import space.share.media.cmaf.Fragment;
import space.share.media.samples.Track;
import space.share.media.stream.StreamRegistry;

class FeedViewerTest {
  private static final int MAX_QUEUE_BYTES = 10_000;

  /**
   * An in-memory socket: records sends and lets the test decide when each completes. A binary message sent as
   * partial frames is recorded whole, when its last frame comes, with its frames in {@link #frames}.
   */
  static final class FakeSocket {
    final List<Object> sent = new ArrayList<>();
    /** The frames of each binary message, in the order of {@link #sent}'s binary messages. */
    final List<List<ByteBuffer>> frames = new ArrayList<>();
    private final List<ByteBuffer> partial = new ArrayList<>();
    final List<Callback> pending = new ArrayList<>();
    boolean completeInline;
    Integer closeCode;

    Session session() {
      return (Session) Proxy.newProxyInstance(Session.class.getClassLoader(), new Class<?>[] {Session.class},
          (proxy, method, args) -> {
            switch (method.getName()) {
              case "sendText" -> send(args[0], (Callback) args[1]);
              case "sendBinary" -> {
                frames.add(List.of(((ByteBuffer) args[0]).duplicate()));
                send(((ByteBuffer) args[0]).duplicate(), (Callback) args[1]);
              }
              case "sendPartialBinary" -> sendPartial((ByteBuffer) args[0], (Boolean) args[1], (Callback) args[2]);
              case "close" -> closeCode = args == null ? 1000 : (Integer) args[0];
              case "isOpen" -> {
                return closeCode == null;
              }
              case "toString" -> {
                return "FakeSocket";
              }
              default -> throw new UnsupportedOperationException(method.getName());
            }
            return null;
          });
    }

    private void sendPartial(ByteBuffer frame, boolean last, Callback callback) {
      partial.add(frame);
      if (last) {
        ByteBuffer whole = ByteBuffer.allocate(partial.stream().mapToInt(ByteBuffer::remaining).sum());
        partial.forEach(f -> whole.put(f.duplicate()));
        frames.add(List.copyOf(partial));
        partial.clear();
        sent.add(whole.flip());
      }
      complete(callback);
    }

    private void send(Object message, Callback callback) {
      sent.add(message);
      complete(callback);
    }

    private void complete(Callback callback) {
      if (completeInline) {
        callback.succeed();
      } else {
        pending.add(callback);
      }
    }

    void completeAll() {
      while (!pending.isEmpty()) {
        pending.remove(0).succeed();
      }
    }
  }

  private final FakeSocket socket = new FakeSocket();
  /** Runs sends at once on the calling thread and keeps timed tasks for the test to run. */
  private final List<Runnable> timed = new ArrayList<>();
  private final ScheduledExecutorService scheduler = new java.util.concurrent.ScheduledThreadPoolExecutor(1) {
    @Override
    public void execute(Runnable command) {
      command.run();
    }

    @Override
    public java.util.concurrent.ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
      timed.add(command);
      return null;
    }
  };
  private FeedViewer viewer;
  private int sequence;

  /** A wall clock the test moves. */
  static final class MovableClock extends java.time.Clock {
    java.time.Instant now;

    MovableClock(long epochSeconds) {
      now = java.time.Instant.ofEpochSecond(epochSeconds);
    }

    @Override
    public java.time.ZoneId getZone() {
      return java.time.ZoneOffset.UTC;
    }

    @Override
    public java.time.Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public java.time.Instant instant() {
      return now;
    }
  }

  @BeforeEach
  void open() {
    viewer = new FeedViewer(new StreamRegistry().stream("s"), MAX_QUEUE_BYTES, "test-peer", scheduler);
    viewer.onWebSocketOpen(socket.session());
  }

  private Fragment fragment(boolean keyframe, int sizeBytes) {
    return new Fragment(ByteBuffer.allocateDirect(sizeBytes).asReadOnlyBuffer(), Track.VIDEO, keyframe, ++sequence,
        0, 33_333, 0, 0);
  }

  @Test
  void onFragment_oneSendInFlight_queuesTheRestAndSendsThemAsOneMessage() {
    assertEquals("{\"type\":\"waiting\"}", socket.sent.get(0));
    viewer.onFragment(fragment(true, 100));
    viewer.onFragment(fragment(false, 150));
    assertEquals(1, socket.sent.size(), "a second send started before the first completed");
    assertEquals(250, viewer.queuedBytes() - "{\"type\":\"waiting\"}".length());
    socket.completeAll(); // waiting done → both queued fragments, joined
    socket.completeAll();
    assertEquals(2, socket.sent.size());
    assertEquals(250, ((ByteBuffer) socket.sent.get(1)).remaining());
    assertEquals(0, viewer.queuedBytes());
  }

  private Fragment audio(int sizeBytes) {
    return new Fragment(ByteBuffer.allocateDirect(sizeBytes).asReadOnlyBuffer(), Track.AUDIO, false, ++sequence,
        0, 21_333, 0, 0);
  }

  private static space.share.media.cmaf.InitSegment init(boolean hasVideo) {
    return new space.share.media.cmaf.InitSegment(new byte[] {1, 2, 3}, "avc1.64001f,mp4a.40.2", 1280, 720, 30,
        hasVideo, true);
  }

  /** Sends complete at once from here on; joins a stream; returns how many messages were sent so far. */
  private int joinCompletingInline(boolean hasVideo) {
    socket.completeInline = true;
    socket.completeAll(); // "waiting"
    viewer.onJoin(init(hasVideo), 1, List.of());
    return socket.sent.size();
  }

  @Test
  void onFragment_audioOfAStreamWithVideo_waitsForTheNextVideoFrame() {
    int sentAfterJoin = joinCompletingInline(/* hasVideo= */ true);
    viewer.onFragment(audio(10));
    viewer.onFragment(audio(20));
    assertEquals(sentAfterJoin, socket.sent.size(), "audio went out on its own: a send per AAC frame");
    viewer.onFragment(fragment(false, 300));
    assertEquals(sentAfterJoin + 1, socket.sent.size());
    assertEquals(List.of(10, 20, 300), socket.frames.get(socket.frames.size() - 1).stream()
        .map(ByteBuffer::remaining).toList(), "the audio rides in the video frame's message, in order");
  }

  @Test
  void onFragment_audioOlderThanTheVideoSent_goesAtOnce() {
    int sentAfterJoin = joinCompletingInline(/* hasVideo= */ true);
    viewer.onFragment(at(Track.VIDEO, 100_000, 300));
    int sentWithVideo = socket.sent.size();
    assertEquals(sentAfterJoin + 1, sentWithVideo);
    // a publisher that does not interleave: the audio of 40 ms comes after the video of 100 ms
    viewer.onFragment(at(Track.AUDIO, 40_000, 10));
    assertEquals(sentWithVideo + 1, socket.sent.size(), "audio behind the video waited for the next video frame");
    // audio level with the video: its video is still to come, it waits as before
    viewer.onFragment(at(Track.AUDIO, 100_000, 10));
    assertEquals(sentWithVideo + 1, socket.sent.size());
  }

  private Fragment at(Track track, long decodeTimeUs, int sizeBytes) {
    return new Fragment(ByteBuffer.allocateDirect(sizeBytes).asReadOnlyBuffer(), track, track == Track.VIDEO,
        ++sequence, decodeTimeUs, track == Track.VIDEO ? 33_333 : 21_333, 0, 0);
  }

  @Test
  void onFragment_videoStalls_audioHeldAtMostTheBound() {
    int sentAfterJoin = joinCompletingInline(/* hasVideo= */ true);
    int held = 0;
    while (socket.sent.size() == sentAfterJoin && held < 100) {
      viewer.onFragment(audio(10));
      held++;
    }
    // 21.333 ms frames: five are held (106 ms >= the 100 ms bound), the sixth goes out with them.
    assertEquals(6, held);
    assertEquals(6, socket.frames.get(socket.frames.size() - 1).size());
  }

  @Test
  void onFragment_audioOnlyStream_sentAtOnce() {
    int sentAfterJoin = joinCompletingInline(/* hasVideo= */ false);
    viewer.onFragment(audio(10));
    assertEquals(sentAfterJoin + 1, socket.sent.size());
  }

  @Test
  void onFragment_sendsCompletingInline_doNotRecurse() {
    socket.completeInline = true;
    socket.completeAll();
    for (int i = 0; i < 100_000; i++) {
      viewer.onFragment(fragment(i % 30 == 0, 10));
    }
    assertEquals(100_001, socket.sent.size());
  }

  @Test
  void onFragment_queueOverBound_skipsToNextKeyframe() {
    // "waiting" is in flight and never completes here, so these queue up.
    viewer.onFragment(fragment(true, 4_000));
    viewer.onFragment(fragment(false, 4_000));
    viewer.onFragment(fragment(false, 4_000)); // over 10 000 bytes: dropped, and so is everything queued
    viewer.onFragment(fragment(false, 100)); // still waiting for a keyframe: dropped
    viewer.onFragment(fragment(true, 100)); // resumes here
    socket.completeAll();
    socket.completeAll();
    socket.completeAll();
    socket.completeAll();
    List<Integer> sequences = socket.sent.stream().filter(m -> m instanceof ByteBuffer)
        .map(m -> ((ByteBuffer) m).remaining()).toList();
    assertEquals(List.of(100), sequences);
    assertNull(socket.closeCode);
  }

  @Test
  void onFragment_viewerThatNeverReads_isClosedWithTooSlowCode() {
    // Nothing completes: every keyframe-to-keyframe run overflows the queue again.
    for (int gop = 0; gop <= FeedViewer.MAX_SKIPS + 1 && socket.closeCode == null; gop++) {
      viewer.onFragment(fragment(true, 4_000));
      viewer.onFragment(fragment(false, 4_000));
      viewer.onFragment(fragment(false, 4_000));
    }
    assertEquals(4008, socket.closeCode);
    assertEquals(1, timed.size(), "no disconnect was scheduled for a peer that does not read the close");
    int sentBeforeClose = socket.sent.size();
    viewer.onFragment(fragment(true, 100));
    assertEquals(sentBeforeClose, socket.sent.size());
  }

  @Test
  void onInit_afterQueuedFragments_dropsThemAndSendsHeaderAndInit() {
    viewer.onFragment(fragment(true, 100));
    viewer.onFragment(fragment(false, 100));
    viewer.onInit(new space.share.media.cmaf.InitSegment(new byte[] {1, 2, 3}, "avc1.64001f", 1280, 720, 30, true,
        false), 2);
    socket.completeInline = true;
    socket.completeAll();
    socket.completeAll();
    assertTrue(socket.sent.get(1) instanceof String header && header.contains("\"generation\":2"), socket.sent
        .toString());
    assertEquals(3, ((ByteBuffer) socket.sent.get(2)).remaining());
    assertEquals(3, socket.sent.size());
  }

  @Test
  void onJoin_sendsHeaderInitThenOneMessageOfTheFragmentsWrittenFromTheSharedBuffers() {
    socket.completeAll(); // "waiting"
    Fragment key = fragment(true, 300);
    Fragment delta = fragment(false, 40);
    Fragment audio = fragment(false, 50);
    viewer.onJoin(new space.share.media.cmaf.InitSegment(new byte[] {1, 2, 3}, "avc1.64001f", 1280, 720, 30, true,
        false), 1, List.of(key, delta, audio));
    socket.completeAll();
    socket.completeAll();
    socket.completeAll();
    assertEquals(4, socket.sent.size(), socket.sent.toString());
    assertTrue(socket.sent.get(1) instanceof String header && header.contains("\"type\":\"header\""));
    assertEquals(List.of(3), socket.frames.get(0).stream().map(ByteBuffer::remaining).toList(), "the init segment");
    List<ByteBuffer> frames = socket.frames.get(1);
    assertEquals(List.of(300, 40, 50), frames.stream().map(ByteBuffer::remaining).toList(),
        "the next message is the keyframe and the fragments since, one frame each");
    assertTrue(frames.stream().allMatch(f -> f.isDirect() && f.isReadOnly()),
        "a fragment was copied for the viewer instead of sent from the shared buffer");
    assertEquals(0, viewer.queuedBytes());
  }

  @Test
  void subscribe_midGopOfALiveStream_firstMessageStartsWithTheKeyframe() throws Exception {
    var stream = new StreamRegistry().stream("live");
    var sink = stream.beginPublish("10.0.0.7:5000");
    sink.onVideoConfig(new space.share.media.samples.VideoConfig(space.share.media.testing.AvcFixtures
        .avcDecoderConfigurationRecord(space.share.media.testing.AvcFixtures.SPS_720P_HIGH,
            space.share.media.testing.AvcFixtures.PPS_HIGH), 1280, 720, "avc1.64001f"));
    long[] sizes = {9_000, 700, 9_500, 600, 650}; // keyframes 9 000 and 9 500 bytes
    for (int i = 0; i < sizes.length; i++) {
      ByteBuffer nal = ByteBuffer.allocate((int) sizes[i]).putInt(0, (int) sizes[i] - 4);
      sink.onSample(new space.share.media.samples.Sample(Track.VIDEO, i * 33L, 0, sizes[i] > 5_000, nal, 0, 0));
    }
    FakeSocket joining = new FakeSocket();
    joining.completeInline = true;
    FeedViewer late = new FeedViewer(stream, MAX_QUEUE_BYTES * 10, "late-peer", scheduler);
    late.onWebSocketOpen(joining.session());
    assertTrue(joining.sent.get(0) instanceof String header && header.contains("\"type\":\"header\""));
    assertEquals(1, joining.frames.get(0).size(), "the init segment");
    List<ByteBuffer> frames = joining.frames.get(1);
    assertEquals(1, frames.size(), "one frame: the fragments lie one after another in the muxer's slab");
    assertTrue(frames.get(0).isDirect() && frames.get(0).isReadOnly(), "copied for the viewer");
    String message = space.share.media.testing.BoxWalker.render(bytes(frames.get(0)));
    List<String> sampleSizes = message.lines().filter(line -> line.contains("trun"))
        .map(line -> line.replaceAll(".* size=(\\d+) flags=(0x\\w+).*", "$1 $2")).toList();
    assertEquals(List.of("9500 0x2000000", "600 0x1010000", "650 0x1010000"), sampleSizes,
        "the second keyframe and the two frames after it");
  }

  @Test
  void onFragment_contiguousRunWithAGap_oneFramePerRun() {
    socket.completeAll(); // "waiting"
    ByteBuffer slab = ByteBuffer.allocateDirect(1000).asReadOnlyBuffer();
    Fragment a = slabFragment(slab, 0, 100, true);
    Fragment b = slabFragment(slab, 100, 50, false);
    Fragment d = slabFragment(slab, 300, 70, false); // the one at 150 was skipped
    viewer.onFragment(a); // in flight alone
    viewer.onFragment(b);
    viewer.onFragment(d);
    socket.completeAll();
    socket.completeAll();
    assertEquals(List.of(100), socket.frames.get(0).stream().map(ByteBuffer::remaining).toList());
    assertEquals(List.of(50, 70), socket.frames.get(1).stream().map(ByteBuffer::remaining).toList());
    viewer.onFragment(slabFragment(slab, 370, 30, false));
    viewer.onFragment(slabFragment(slab, 400, 20, false)); // queued behind the first: joined with it
    socket.completeAll();
    socket.completeAll();
    assertEquals(List.of(30), socket.frames.get(2).stream().map(ByteBuffer::remaining).toList());
    assertEquals(List.of(20), socket.frames.get(3).stream().map(ByteBuffer::remaining).toList());
  }

  private Fragment slabFragment(ByteBuffer slab, int offset, int sizeBytes, boolean keyframe) {
    return new Fragment(slab.slice(offset, sizeBytes), Track.VIDEO, keyframe, ++sequence, 0, 33_333, 0, 0, slab,
        offset);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }

  @Test
  void revoked_namedMember_closesWith4403AndStopsSending() {
    var clock = java.time.Clock.systemUTC();
    var revocations = new space.share.media.access.Revocations(clock);
    OpenViewers open = new OpenViewers(revocations);
    var stream = new StreamRegistry().stream("room-1");
    FakeSocket aliceSocket = new FakeSocket();
    FakeSocket bobSocket = new FakeSocket();
    aliceSocket.completeInline = true;
    bobSocket.completeInline = true;
    FeedViewer alice = new FeedViewer(stream, MAX_QUEUE_BYTES, "alice-peer", scheduler, "alice", open);
    FeedViewer bob = new FeedViewer(stream, MAX_QUEUE_BYTES, "bob-peer", scheduler, "bob", open);
    alice.onWebSocketOpen(aliceSocket.session());
    bob.onWebSocketOpen(bobSocket.session());
    long until = clock.instant().getEpochSecond() + 60;

    revocations.revoke("room-1", "alice", until);
    assertEquals(4403, aliceSocket.closeCode);
    assertNull(bobSocket.closeCode);
    int aliceSent = aliceSocket.sent.size();
    alice.onFragment(fragment(true, 100));
    bob.onFragment(fragment(true, 100));
    assertEquals(aliceSent, aliceSocket.sent.size(), "a revoked viewer was sent a fragment");
    assertTrue(bobSocket.sent.size() >= 2);

    revocations.revoke("room-2", null, until);
    assertNull(bobSocket.closeCode, "another room's revocation closed a viewer");
    revocations.revoke("room-1", null, until);
    assertEquals(4403, bobSocket.closeCode);
  }

  @Test
  void opened_afterItsMemberWasRevoked_closesAtOnce() {
    var clock = java.time.Clock.systemUTC();
    var revocations = new space.share.media.access.Revocations(clock);
    OpenViewers open = new OpenViewers(revocations);
    revocations.revoke("room-1", "alice", clock.instant().getEpochSecond() + 60);
    FakeSocket late = new FakeSocket();
    new FeedViewer(new StreamRegistry().stream("room-1"), MAX_QUEUE_BYTES, "late-peer", scheduler, "alice", open)
        .onWebSocketOpen(late.session());
    assertEquals(4403, late.closeCode);
  }

  @Test
  void closeExpired_tokenExpires_viewerClosedWith4403WithinTheSecondAndOthersKept() {
    var clock = new MovableClock(1_767_225_600L);
    OpenViewers open = new OpenViewers(new space.share.media.access.Revocations(clock), clock);
    var stream = new StreamRegistry().stream("room-1");
    FakeSocket expiringSocket = new FakeSocket();
    FakeSocket laterSocket = new FakeSocket();
    FakeSocket openStreamSocket = new FakeSocket();
    long expiresEpochSeconds = 1_767_225_600L + 60;
    FeedViewer expiring = new FeedViewer(stream, MAX_QUEUE_BYTES, "alice-peer", scheduler, "alice", open,
        expiresEpochSeconds);
    FeedViewer later = new FeedViewer(stream, MAX_QUEUE_BYTES, "bob-peer", scheduler, "bob", open,
        expiresEpochSeconds + 3600);
    FeedViewer noToken = new FeedViewer(new StreamRegistry().stream("relay"), MAX_QUEUE_BYTES, "relay-peer", scheduler,
        null, open, space.share.media.access.AccessPolicy.expiresEpochSecondsOf(null));
    expiring.onWebSocketOpen(expiringSocket.session());
    later.onWebSocketOpen(laterSocket.session());
    noToken.onWebSocketOpen(openStreamSocket.session());
    assertEquals(3, open.size());

    clock.now = clock.now.plusSeconds(59);
    assertEquals(0, open.closeExpired());
    assertNull(expiringSocket.closeCode);
    clock.now = clock.now.plusSeconds(1);
    assertEquals(1, open.closeExpired());
    assertEquals(4403, expiringSocket.closeCode);
    assertNull(laterSocket.closeCode);
    assertNull(openStreamSocket.closeCode, "a viewer without a member token never expires");
    assertEquals(2, open.size());
    int sent = expiringSocket.sent.size();
    expiring.onFragment(fragment(true, 100));
    assertEquals(sent, expiringSocket.sent.size(), "an expired viewer was sent a fragment");
    assertEquals(0, open.closeExpired(), "closed once");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "m1.room-1.alice.1767225660.sig, 1767225660",
      "m1.room-1.alice.soon.sig, " + Long.MAX_VALUE, // a number is required where the expiry goes
      "m1.room-1.alice.1767225660, " + Long.MAX_VALUE, // five dot-separated parts
      "x1.room-1.alice.1767225660.sig, " + Long.MAX_VALUE, // version m1 only
  })
  void expiresEpochSecondsOf_tokenShapes(String token, long expected) {
    assertEquals(expected, space.share.media.access.AccessPolicy.expiresEpochSecondsOf(token));
  }
}
