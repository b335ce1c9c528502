package space.share.player;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import space.share.player.testsupport.FakeShareSpace;

/** The landing page and the join form in real headless Chromium: the messages a visitor can act on. */
class LandingPageIT extends PageTestBase {
  WebElement el(String id) {
    return chromium.driver.findElement(By.id(id));
  }

  void submitJoin(String room, String passcode) {
    el("join-room").clear();
    el("join-room").sendKeys(room);
    el("join-name").clear();
    el("join-name").sendKeys("Carol");
    el("join-passcode").clear();
    el("join-passcode").sendKeys(passcode);
    el("join-submit").click();
  }

  @Test
  void join_wrongPasscode_showsPasscodeMessageAndStays() throws Exception {
    chromium.driver.get(servers.baseUrl());
    submitJoin("room1", "not-it");
    wait(10).until(d -> el("join-error").isDisplayed());
    assertEquals("That passcode is not right for this room. Check it and try again.", el("join-error").getText());
    assertTrue(chromium.driver.getCurrentUrl().endsWith("/"), chromium.driver.getCurrentUrl());
    screenshot("landing-wrong-passcode");
  }

  @Test
  void roomPageJoin_wrongPasscode_showsPasscodeMessage() throws Exception {
    join("Dan", "wrong");
    wait(10).until(d -> el("join-error").isDisplayed());
    assertEquals("wrong_passcode", el("join-error").getAttribute("data-code"));
    assertTrue(el("join-error").getText().contains("passcode is not right"));
    screenshot("room-join-wrong-passcode");
  }

  @Test
  void join_roomThatDoesNotExist_saysTheRoomIsGone() {
    chromium.driver.get(servers.baseUrl());
    submitJoin("http://example.invalid/room.html?room=no-such-room", "secret");
    wait(10).until(d -> el("join-error").isDisplayed());
    assertTrue(el("join-error").getText().startsWith("This room does not exist"), el("join-error").getText());
  }

  @Test
  void join_serverDown_saysServerCannotBeReached() throws Exception {
    chromium.driver.get(servers.baseUrl());
    wait(10).until(d -> el("join-submit").isDisplayed());
    servers.close();
    submitJoin("room1", "secret");
    wait(10).until(d -> el("join-error").isDisplayed());
    assertTrue(el("join-error").getText().contains("cannot be reached"), el("join-error").getText());
  }

  @Test
  void join_rightPasscode_opensTheRoomAndListsItAfterwards() throws Exception {
    chromium.driver.get(servers.baseUrl());
    submitJoin("room1", "secret");
    wait(10).until(d -> d.getCurrentUrl().contains("room.html?room=room1"));
    wait(10).until(d -> el("room-ui").isDisplayed());
    assertEquals("Design review", el("room-name").getText());
    chromium.driver.get(servers.baseUrl());
    wait(10).until(d -> !d.findElements(By.cssSelector("#rooms a")).isEmpty());
    assertEquals("Design review", chromium.driver.findElement(By.cssSelector("#rooms a")).getText());
    screenshot("landing");
  }

  @Test
  void admin_createsListsAndDeletesRooms() throws Exception {
    chromium.driver.get(servers.baseUrl());
    el("admin").findElement(By.tagName("summary")).click();
    el("admin-token").sendKeys(FakeShareSpace.ADMIN_TOKEN);
    el("admin-load").click();
    wait(10).until(d -> el("create-form").isDisplayed());
    el("create-id").sendKeys("movie-night");
    el("create-name").sendKeys("Movie night");
    el("create-passcode").sendKeys("popcorn");
    el("create-form").findElement(By.cssSelector("button[type=submit]")).click();
    wait(10).until(d -> el("created").isDisplayed());
    assertEquals("popcorn", el("created-passcode").getText());
    wait(10).until(d -> d.findElements(By.cssSelector("#rooms li")).size() == 2);
    screenshot("landing-admin");
    WebElement movie = chromium.driver.findElements(By.cssSelector("#rooms li")).stream()
        .filter(li -> li.getText().contains("Movie night")).findFirst().orElseThrow();
    movie.findElement(By.cssSelector("button.danger")).click();
    chromium.driver.switchTo().alert().accept();
    wait(10).until(d -> d.findElements(By.cssSelector("#rooms li")).size() == 1);
    assertTrue(servers.log.contains("DELETE /api/rooms/movie-night"), servers.log.toString());
  }

  @Test
  void roomPage_roomDeletedWhileInside_saysTheRoomIsGone() throws Exception {
    join("Erin", "secret");
    wait(10).until(d -> el("room-ui").isDisplayed());
    wait(10).until(d -> "open".equals(((java.util.Map<?, ?>) chromium.js("return window.shareSpace.state()")).get("events")));
    servers.deleteRoom("room1");
    wait(10).until(d -> el("fatal").isDisplayed());
    assertTrue(el("fatal-text").getText().startsWith("This room does not exist"), el("fatal-text").getText());
    screenshot("room-deleted");
  }
}
