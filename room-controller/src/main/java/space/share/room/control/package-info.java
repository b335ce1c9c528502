/**
 * Who controls a room's keyboard and mouse: the request / give / take / release state machine
 * ({@link space.share.room.control.ControlState}), pure logic over clock values passed in. The VNC tokens that only
 * the holder gets are in {@code token.VncTokens}; {@code rooms.ControlService} applies the changes
 * (history, VNC tokens voided, events).
 */
package space.share.room.control;
