/**
 * Secrets a room hands out: HMAC stream keys and media tokens (docs/protocol.md), random member
 * session tokens (stored hashed), one-use VNC tokens, bcrypt passcode hashes and the join throttle.
 */
package space.share.room.token;
