package io.citadel.engine.internal.sql;

import io.citadel.engine.internal.auth.UserStore;
import io.citadel.engine.internal.types.SqlException;
import java.util.List;

/**
 * {@code CREATE USER}, {@code ALTER USER ... PASSWORD} and {@code DROP USER} (ROLE is accepted for
 * USER). Only a superuser manages other users; anyone may change their own password.
 */
final class UserStatements {
  private UserStatements() {}

  /** Whether the statement in {@code t} is one of these (the tokens are not consumed). */
  static boolean matches(Tokens t) {
    String verb = t.peek().text();
    String noun = t.peek(1).text();
    return List.of("create", "alter", "drop").contains(verb)
        && (noun.equals("user") || noun.equals("role"));
  }

  static QueryResult run(UserStore users, String currentUser, Tokens t) {
    String verb = t.next().text();
    t.next();
    return switch (verb) {
      case "create" -> create(users, currentUser, t);
      case "alter" -> alter(users, currentUser, t);
      default -> drop(users, currentUser, t);
    };
  }

  private static QueryResult create(UserStore users, String currentUser, Tokens t) {
    requireSuperuser(users, currentUser, "create users");
    String name = t.identifier("a user name");
    t.accept("with");
    String password = null;
    boolean superuser = false;
    while (!t.atEnd()) {
      if (t.accept("password")) {
        password = t.string("the password");
      } else if (t.accept("superuser")) {
        superuser = true;
      } else if (!t.accept("nosuperuser") && !t.accept("login")) {
        throw t.error("expected PASSWORD, SUPERUSER, NOSUPERUSER or LOGIN");
      }
    }
    if (password == null) {
      throw new SqlException(
          SqlException.INVALID_PARAMETER,
          "CREATE USER needs a PASSWORD: the engine authenticates every user");
    }
    users.create(name, password, superuser);
    return QueryResult.command("CREATE ROLE", List.of());
  }

  private static QueryResult alter(UserStore users, String currentUser, Tokens t) {
    String name = t.identifier("a user name");
    if (!name.equals(currentUser)) {
      requireSuperuser(users, currentUser, "change another user's password");
    }
    t.accept("with");
    t.expect("password");
    String password = t.string("the password");
    t.expectEnd();
    users.setPassword(name, password);
    return QueryResult.command("ALTER ROLE", List.of());
  }

  private static QueryResult drop(UserStore users, String currentUser, Tokens t) {
    requireSuperuser(users, currentUser, "drop users");
    boolean ifExists = t.accept("if");
    if (ifExists) {
      t.expect("exists");
    }
    String name = t.identifier("a user name");
    t.expectEnd();
    if (name.equals(currentUser)) {
      throw new SqlException(SqlException.INSUFFICIENT_PRIVILEGE, "current user cannot be dropped");
    }
    if (ifExists && users.get(name) == null) {
      return QueryResult.command(
          "DROP ROLE", List.of("role \"" + name + "\" does not exist, skipping"));
    }
    users.drop(name);
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
