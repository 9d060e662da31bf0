package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.types.SqlException;
import java.util.List;

/**
 * {@code CREATE USER}, {@code ALTER USER ... PASSWORD} and {@code DROP USER} (ROLE is accepted for
 * USER). Only a superuser manages other users; anyone may change their own password.
 *
 * <p>On a member of an HA group these statements travel through the group's log like any other
 * change of the database, so every member has the same users at the same offset. Before one is
 * logged, {@link #forLog} checks the session's privilege (a refused statement never reaches the
 * log) and puts a SCRAM verifier, made here with its own salt, where the statement had a clear
 * password: no password crosses the log, and every member stores the same verifier. Where it is
 * applied the privilege is checked again, against the users as they are at that offset, the same on
 * every member.
 */
final class UserStatements {
  private UserStatements() {}

  private enum Verb {
    CREATE,
    ALTER,
    DROP
  }

  /** One parsed statement; {@code password} is null where it sets none. */
  private record Change(
      Verb verb, String name, String password, boolean superuser, boolean ifExists) {}

  /** Whether the statement in {@code t} is one of these (the tokens are not consumed). */
  static boolean matches(Tokens t) {
    String verb = t.peek().text();
    String noun = t.peek(1).text();
    return List.of("create", "alter", "drop").contains(verb)
        && (noun.equals("user") || noun.equals("role"));
  }

  static QueryResult run(UserStore users, String currentUser, Tokens t) {
    Change c = parse(t);
    authorize(users, currentUser, c);
    return switch (c.verb()) {
      case CREATE -> create(users, c);
      case ALTER -> alter(users, c);
      case DROP -> drop(users, c);
    };
  }

  /**
   * The text to log for {@code sql}, a users statement run by {@code currentUser}: checked as
   * {@link #run} would check it before changing anything, with any clear password replaced by its
   * verifier. Throws the statement's error (syntax, privilege, unsupported form) instead.
   */
  static String forLog(UserStore users, String currentUser, String sql) {
    Tokens t = new Tokens(Session.stripTrailingSemicolon(sql));
    if (!matches(t)) {
      throw new SqlException(
          SqlException.FEATURE_NOT_SUPPORTED,
          t.peek().text().toUpperCase(java.util.Locale.ROOT)
              + " is not supported: users are superusers or not, and have no grants yet");
    }
    Change c = parse(t);
    authorize(users, currentUser, c);
    StringBuilder b = new StringBuilder(c.verb().name()).append(" USER ");
    if (c.ifExists()) {
      b.append("IF EXISTS ");
    }
    b.append(SessionWrites.quoteIdent(c.name()));
    if (c.password() != null) {
      b.append(" WITH PASSWORD '").append(UserStore.verifierFor(c.password())).append('\'');
    }
    if (c.verb() == Verb.CREATE) {
      b.append(c.superuser() ? " SUPERUSER" : " NOSUPERUSER");
    }
    return b.toString();
  }

  private static Change parse(Tokens t) {
    Verb verb = Verb.valueOf(t.next().text().toUpperCase(java.util.Locale.ROOT));
    t.next();
    return switch (verb) {
      case CREATE -> parseCreate(t);
      case ALTER -> parseAlter(t);
      case DROP -> parseDrop(t);
    };
  }

  private static Change parseCreate(Tokens t) {
    String name = t.identifier("a user name");
    t.accept("with");
    String password = null;
    boolean superuser = false;
    while (!t.atEnd()) {
      if (t.accept("password")) {
        password = t.string("the password");
      } else if (t.accept("superuser")) {
        superuser = true;
      } else if (t.accept("nosuperuser")) {
        superuser = false;
      } else if (!t.accept("login")) {
        throw t.error("expected PASSWORD, SUPERUSER, NOSUPERUSER or LOGIN");
      }
    }
    if (password == null) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "CREATE USER needs a PASSWORD: the engine authenticates every user");
    }
    return new Change(Verb.CREATE, name, password, superuser, false);
  }

  private static Change parseAlter(Tokens t) {
    String name = t.identifier("a user name");
    t.accept("with");
    t.expect("password");
    String password = t.string("the password");
    t.expectEnd();
    return new Change(Verb.ALTER, name, password, false, false);
  }

  private static Change parseDrop(Tokens t) {
    boolean ifExists = t.accept("if");
    if (ifExists) {
      t.expect("exists");
    }
    String name = t.identifier("a user name");
    t.expectEnd();
    return new Change(Verb.DROP, name, null, false, ifExists);
  }

  private static void authorize(UserStore users, String currentUser, Change c) {
    switch (c.verb()) {
      case CREATE -> requireSuperuser(users, currentUser, "create users");
      case ALTER -> {
        if (!c.name().equals(currentUser)) {
          requireSuperuser(users, currentUser, "change another user's password");
        }
      }
      case DROP -> {
        requireSuperuser(users, currentUser, "drop users");
        if (c.name().equals(currentUser)) {
          throw new SqlException(
              SqlException.INSUFFICIENT_PRIVILEGE, "current user cannot be dropped");
        }
      }
    }
  }

  private static QueryResult create(UserStore users, Change c) {
    users.create(c.name(), c.password(), c.superuser());
    return QueryResult.command("CREATE ROLE", List.of());
  }

  private static QueryResult alter(UserStore users, Change c) {
    users.setPassword(c.name(), c.password());
    return QueryResult.command("ALTER ROLE", List.of());
  }

  private static QueryResult drop(UserStore users, Change c) {
    if (c.ifExists() && users.get(c.name()) == null) {
      return QueryResult.command(
          "DROP ROLE", List.of("role \"" + c.name() + "\" does not exist, skipping"));
    }
    users.drop(c.name());
    return QueryResult.command("DROP ROLE", List.of());
  }

  private static void requireSuperuser(UserStore users, String currentUser, String what) {
    UserStore.User u = users.get(currentUser);
    if (u == null || !u.superuser()) {
      throw new SqlException(
          SqlException.INSUFFICIENT_PRIVILEGE, "permission denied: only a superuser may " + what);
    }
  }
}
