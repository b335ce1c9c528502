package space.share.settings;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScrapeTokenTest {
  private final List<String> warnings = new ArrayList<>();

  @Test
  void from_emptyToken_isOffAndAcceptsNothing() {
    ScrapeToken token = ScrapeToken.from(Settings.of(Map.of()), warnings::add);
    assertFalse(token.enabled());
    assertFalse(token.accepts(null));
    assertFalse(token.accepts("Bearer "));
    assertFalse(token.accepts(""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"change-me", "short-random"})
  void from_shippedOrShortToken_refusedNamingTheKey(String value) {
    Secrets.RefusedSecretException e = assertThrows(Secrets.RefusedSecretException.class,
        () -> ScrapeToken.from(Settings.of(Map.of("metrics.token", value)), warnings::add));
    assertTrue(e.getMessage().contains("SHARE_SPACE_METRICS_TOKEN"), e.getMessage());
  }

  @Test
  void accepts_onlyTheExactBearerHeader() {
    ScrapeToken token = ScrapeToken.from(Settings.of(Map.of("metrics.token", "q2W9x7LmP4vT8sYb3nKc6Hd1")),
        warnings::add);
    assertTrue(token.accepts("Bearer q2W9x7LmP4vT8sYb3nKc6Hd1"));
    assertFalse(token.accepts("Bearer q2W9x7LmP4vT8sYb3nKc6Hd"));
    assertFalse(token.accepts("Bearer q2W9x7LmP4vT8sYb3nKc6Hd1 "));
    assertFalse(token.accepts("q2W9x7LmP4vT8sYb3nKc6Hd1"));
    assertFalse(token.accepts("Basic q2W9x7LmP4vT8sYb3nKc6Hd1"));
    assertFalse(token.accepts(null));
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(nullValues = "null", value = {
      // method, path, authorization, verdict
      "GET, /metrics, Bearer q2W9x7LmP4vT8sYb3nKc6Hd1, SCRAPE",
      "HEAD, /metrics, Bearer q2W9x7LmP4vT8sYb3nKc6Hd1, SCRAPE",
      "GET, /metrics, null, UNAUTHORIZED",
      "GET, /metrics, Bearer wrong-token-of-some-length, UNAUTHORIZED",
      "GET, /metrics, Basic cTJXOXg3TG1QNHZUOHNZYjNuS2M2SGQx, UNAUTHORIZED",
      "POST, /metrics, Bearer q2W9x7LmP4vT8sYb3nKc6Hd1, NOT_FOUND",
      "GET, /metrics/x, Bearer q2W9x7LmP4vT8sYb3nKc6Hd1, NOT_FOUND"})
  void decide_oneRuleForBothServers(String method, String path, String authorization, ScrapeToken.Verdict verdict) {
    ScrapeToken token = ScrapeToken.of("q2W9x7LmP4vT8sYb3nKc6Hd1");
    ScrapeToken.Decision decision = token.decide(method, path, authorization);
    org.junit.jupiter.api.Assertions.assertEquals(verdict, decision.verdict());
    assertTrue((verdict == ScrapeToken.Verdict.SCRAPE) == (decision.refusal() == null), decision.toString());
  }

  @Test
  void decide_off_isNotFoundEvenWithAToken() {
    assertTrue(ScrapeToken.OFF.decide("GET", "/metrics", "Bearer anything").verdict() == ScrapeToken.Verdict.NOT_FOUND);
    assertTrue(ScrapeToken.covers("/metrics") && ScrapeToken.covers("/metrics/a") && !ScrapeToken.covers("/metricsx"));
  }
}
