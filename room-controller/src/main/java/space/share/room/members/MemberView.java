package space.share.room.members;

/** What other members see of a member. */
public record MemberView(String id, String name, boolean owner, boolean online) {}
