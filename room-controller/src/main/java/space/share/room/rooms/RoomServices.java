package space.share.room.rooms;

import java.time.Clock;
import java.util.List;
import space.share.room.metrics.RoomMetrics;
import space.share.room.placement.MediaHost;
import space.share.room.placement.Placements;
import space.share.room.store.RoomStore;
import space.share.room.token.JoinThrottle;
import space.share.room.token.PasscodeHasher;
import space.share.room.token.SessionTokens;
import space.share.room.token.TokenSigner;
import space.share.room.token.VerificationSlots;
import space.share.room.token.VncTokens;

/**
 * The room services over one {@link RoomRegistry}, wired once: {@link DashboardService} (rooms, for the admin),
 * {@link MembershipService} (join, sessions, configuration), {@link ControlService} (who holds the desktop),
 * {@link VncService} (VNC tokens) and {@link PartsService} (stream, desktop and media-server state from the poller).
 *
 * <p>Threading: each room's live state is guarded by its own lock; events are emitted under that lock so every
 * listener sees one room's events in order. Durable state (rooms, member sessions, history) is in the
 * {@link RoomStore}; live state (who holds control, pending requests, stream and part states, who is online) is in
 * memory and starts empty after a restart.
 */
public record RoomServices(RoomRegistry registry, DashboardService dashboard, MembershipService members,
    ControlService control, VncService vnc, PartsService parts) {

  /** One media server (the URLs of {@code settings}), the default limits, a bcrypt cap of two per core. */
  public static RoomServices create(RoomStore store, TokenSigner signer, SessionTokens sessionTokens,
      PasscodeHasher passcodes, VncTokens vncTokens, JoinThrottle throttle, DesktopManager desktops, Clock clock,
      RoomSettings settings) {
    return create(store, signer, sessionTokens, passcodes, vncTokens, throttle, desktops, clock, settings,
        RoomLimits.DEFAULTS, VerificationSlots.forCores(Runtime.getRuntime().availableProcessors()));
  }

  /**
   * One media server (the URLs of {@code settings}).
   *
   * @param limits rooms and members at most
   * @param verifications the cap on passcode checks (bcrypt) running at once
   */
  public static RoomServices create(RoomStore store, TokenSigner signer, SessionTokens sessionTokens,
      PasscodeHasher passcodes, VncTokens vncTokens, JoinThrottle throttle, DesktopManager desktops, Clock clock,
      RoomSettings settings, RoomLimits limits, VerificationSlots verifications) {
    return create(store, signer, sessionTokens, passcodes, vncTokens, throttle, desktops, clock, settings, limits,
        verifications, new Placements(List.of(new MediaHost(MediaHost.SINGLE_ID, settings.mediaPublicUrl(), "",
            settings.rtmpUrl(), settings.rtmpUrl()))), new RoomMetrics());
  }

  /**
   * @param placements the media servers and which one carries each room's stream (the URLs of {@code settings}
   *     are not used: each server has its own)
   * @param metrics where joins, join refusals and control changes are counted
   */
  public static RoomServices create(RoomStore store, TokenSigner signer, SessionTokens sessionTokens,
      PasscodeHasher passcodes, VncTokens vncTokens, JoinThrottle throttle, DesktopManager desktops, Clock clock,
      RoomSettings settings, RoomLimits limits, VerificationSlots verifications, Placements placements,
      RoomMetrics metrics) {
    RoomRegistry registry = new RoomRegistry(store, clock);
    ControlService control = new ControlService(registry, store, vncTokens, metrics);
    MembershipService members = new MembershipService(registry, store, signer, sessionTokens, passcodes, throttle,
        verifications, vncTokens, control, placements, settings, limits, metrics);
    DashboardService dashboard = new DashboardService(registry, store, signer, sessionTokens, passcodes, vncTokens,
        desktops, placements, members, settings, limits);
    return new RoomServices(registry, dashboard, members, control, new VncService(registry, vncTokens, desktops,
        settings), new PartsService(registry, store, signer, desktops, placements));
  }
}
