/**
 * Configuration shared by both servers: {@link space.share.settings.Settings} reads the one properties file with the
 * environment over it, and {@link space.share.settings.Secrets} refuses empty, shipped or short secrets unless
 * {@code dev-mode} is on. Depends on nothing but the JDK; both server modules depend on it.
 */
package space.share.settings;
