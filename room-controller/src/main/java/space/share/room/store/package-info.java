/**
 * Durable state over JDBC: rooms, member sessions, share sessions and control history; schema
 * migrations by Flyway; embedded H2 by default, PostgreSQL in production.
 */
package space.share.room.store;
