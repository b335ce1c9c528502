package space.share.settings;

import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The rule for every secret a server is configured with (the shared HMAC secret, the admin token, publish keys, the
 * VNC password): outside development mode ({@code dev-mode=on}) an empty value, a value shipped in this repository
 * ({@code config/share-space.properties}, {@code .env.example}, older releases) or one shorter than {@link
 * #MIN_CHARS} characters stops the server at start with a message saying how to make one. In development mode the
 * same findings are warnings. docs/security.md lists which secret protects what.
 */
public final class Secrets {
  /** 16 characters of base64 or hex are 96 to 64 bits: below that a secret is guessable offline from one token. */
  public static final int MIN_CHARS = 16;
  /** The development switch: {@code dev-mode=on} (env {@code SHARE_SPACE_DEV_MODE=on}). */
  public static final String DEV_MODE_KEY = "dev-mode";

  /** Values this repository ships or has shipped as placeholders; refused wherever a secret is read. */
  static final Set<String> SHIPPED = Set.of(
      "dev-secret-change-me-in-production", "dev-admin-change-me", "demo-key-change-me", "change-me", "changeme",
      "secret", "password", "admin");

  private Secrets() {}

  /** Refused configuration: the message names the key, the problem and the fix. */
  public static final class RefusedSecretException extends IllegalStateException {
    RefusedSecretException(String message) {
      super(message);
    }
  }

  /**
   * The value of secret {@code key}, checked.
   *
   * @param warn where development-mode findings go (a logger's warn)
   * @throws RefusedSecretException outside development mode, when the value is empty, shipped or short
   */
  public static String require(Settings settings, String key, Consumer<String> warn) {
    return require(settings, key, MIN_CHARS, warn);
  }

  /**
   * As {@link #require(Settings, String, Consumer)} with another minimum length, for secrets whose protocol caps
   * them (a VNC password counts 8 characters).
   */
  public static String require(Settings settings, String key, int minChars, Consumer<String> warn) {
    String value = settings.get(key, "");
    check(settings, key, value, minChars, warn);
    return value;
  }

  /** Checks {@code value}, read from {@code key} (or a key family member) by the caller. */
  public static void check(Settings settings, String key, String value, Consumer<String> warn) {
    check(settings, key, value, MIN_CHARS, warn);
  }

  private static void check(Settings settings, String key, String value, int minChars, Consumer<String> warn) {
    String problem = problem(value, minChars);
    if (problem == null) {
      return;
    }
    String message = "config key " + settings.describe(key) + " " + problem;
    if (settings.getBool(DEV_MODE_KEY, false)) {
      warn.accept(message + " (accepted: dev-mode is on; never expose this server)");
      return;
    }
    throw new RefusedSecretException(message + ": set a random one, e.g. $(openssl rand -base64 32)"
        + " (./run.sh generates them into its data dir), or set " + Settings.envName(DEV_MODE_KEY)
        + "=on for a local development server");
  }

  /** Why {@code value} is not a secret, or null when it is acceptable. */
  static String problem(String value, int minChars) {
    if (value == null || value.isEmpty()) {
      return "is empty";
    }
    String lower = value.toLowerCase(Locale.ROOT);
    if (SHIPPED.contains(lower) || lower.contains("change-me") || lower.contains("changeme")) {
      return "is a placeholder shipped with Share Space";
    }
    if (value.length() < minChars) {
      return "is shorter than " + minChars + " characters";
    }
    return null;
  }
}
