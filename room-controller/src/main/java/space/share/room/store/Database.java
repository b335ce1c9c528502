package space.share.room.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The controller's SQL database: a pooled {@link DataSource} migrated by Flyway from
 * {@code classpath:db/migration} on open.
 *
 * <p>By default an embedded H2 file {@code {dataDir}/rooms.mv.db}; {@code room.db.url} set to a
 * {@code jdbc:postgresql://} URL (with {@code room.db.user}/{@code room.db.password}) is the
 * production option. Thread-safe; close once at shutdown.
 */
public final class Database implements AutoCloseable {
  private final HikariDataSource dataSource;

  private Database(HikariDataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** The default URL: an H2 file in {@code dataDir}, in H2's own mode. */
  public static String h2FileUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("rooms") + ";DB_CLOSE_ON_EXIT=FALSE";
  }

  /** Opens the pool and brings the schema up to date. */
  public static Database open(String jdbcUrl, String user, String password) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    if (user != null && !user.isEmpty()) {
      config.setUsername(user);
    }
    if (password != null && !password.isEmpty()) {
      config.setPassword(password);
    }
    config.setMaximumPoolSize(8);
    config.setPoolName("room-db");
    HikariDataSource dataSource = new HikariDataSource(config);
    try {
      Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
    } catch (RuntimeException e) {
      dataSource.close();
      throw e;
    }
    return new Database(dataSource);
  }

  public DataSource dataSource() {
    return dataSource;
  }

  @Override
  public void close() {
    dataSource.close();
  }
}
