package io.citadel.engine.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL uses it: the stored verifier format ({@code
 * SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>}) and the server side of one exchange.
 * Only the verifier is ever stored; the password itself is not kept anywhere.
 */
public final class Scram {
  public static final String MECHANISM = "SCRAM-SHA-256";
  static final int ITERATIONS = 4096;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A stored verifier: what the server needs to check a proof and to prove itself. */
  public record Verifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {

    /** Parses PostgreSQL's text form; null when the text is not a SCRAM-SHA-256 verifier. */
    public static Verifier parse(String text) {
      if (text == null || !text.startsWith(MECHANISM + "$")) {
        return null;
      }
      String[] parts = text.substring(MECHANISM.length() + 1).split("\\$");
      if (parts.length != 2) {
        return null;
      }
      String[] iterSalt = parts[0].split(":");
      String[] keys = parts[1].split(":");
      if (iterSalt.length != 2 || keys.length != 2) {
        return null;
      }
      try {
        Base64.Decoder b64 = Base64.getDecoder();
        Verifier v =
            new Verifier(
                Integer.parseInt(iterSalt[0]),
                b64.decode(iterSalt[1]),
                b64.decode(keys[0]),
                b64.decode(keys[1]));
        return v.iterations > 0 && v.storedKey.length == 32 && v.serverKey.length == 32 ? v : null;
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    @Override
    public String toString() {
      Base64.Encoder b64 = Base64.getEncoder();
      return MECHANISM
          + "$"
          + iterations
          + ":"
          + b64.encodeToString(salt)
          + "$"
          + b64.encodeToString(storedKey)
          + ":"
          + b64.encodeToString(serverKey);
    }
  }

  private Scram() {}

  /** A fresh verifier for a password, with a random salt. */
  public static Verifier verifier(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return verifier(password, salt, ITERATIONS);
  }

  /** Whether a clear-text password (HTTP Basic) is the one the verifier was made from. */
  public static boolean matches(Verifier v, String password) {
    Verifier candidate = verifier(password, v.salt(), v.iterations());
    return MessageDigest.isEqual(candidate.storedKey(), v.storedKey());
  }

  static Verifier verifier(String password, byte[] salt, int iterations) {
    byte[] salted = saltedPassword(password, salt, iterations);
    byte[] clientKey = hmac(salted, "Client Key");
    return new Verifier(iterations, salt, sha256(clientKey), hmac(salted, "Server Key"));
  }

  /** A random printable secret of {@code bytes} random bytes, for nonces and passwords. */
  public static String randomToken(int bytes) {
    byte[] b = new byte[bytes];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }

  static byte[] saltedPassword(String password, byte[] salt, int iterations) {
    try {
      // PostgreSQL applies SASLprep; for ASCII passwords that is the identity.
      PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    }
  }

  static byte[] hmac(byte[] key, String message) {
    return hmac(key, message.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /**
   * The server side of one SCRAM-SHA-256 exchange, without channel binding. Feed it the client's
   * first message, send what {@link #serverFirst} returns, then feed the client's final message to
   * {@link #serverFinal}. A user that does not exist gets a made-up verifier so that the exchange
   * looks the same and fails only at the proof, as PostgreSQL does.
   */
  public static final class Exchange {
    private final Verifier verifier;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String gs2Header;

    public Exchange(Verifier verifier) {
      this.verifier = verifier != null ? verifier : verifier(randomToken(24));
    }

    /**
     * Reads {@code n,,n=<user>,r=<nonce>} and answers {@code r=<nonce>,s=<salt>,i=<iterations>}.
     *
     * @throws AuthException when the message is malformed or asks for channel binding
     */
    public String serverFirst(String clientFirst) {
      if (clientFirst.startsWith("p=")) {
        throw new AuthException("channel binding is not supported: connect without it");
      }
      if (!(clientFirst.startsWith("n,") || clientFirst.startsWith("y,"))) {
        throw new AuthException("malformed SCRAM message: expected a GS2 header");
      }
      int second = clientFirst.indexOf(',', 2);
      if (second < 0) {
        throw new AuthException("malformed SCRAM message: GS2 header not terminated");
      }
      gs2Header = clientFirst.substring(0, second + 1);
      clientFirstBare = clientFirst.substring(second + 1);
      String clientNonce = attribute(clientFirstBare, 'r');
      if (clientNonce == null || clientNonce.isEmpty()) {
        throw new AuthException("malformed SCRAM message: no client nonce");
      }
      nonce = clientNonce + randomToken(18);
      serverFirst =
          "r="
              + nonce
              + ",s="
              + Base64.getEncoder().encodeToString(verifier.salt())
              + ",i="
              + verifier.iterations();
      return serverFirst;
    }

    /**
     * Checks {@code c=<binding>,r=<nonce>,p=<proof>} and, when the proof is right, answers {@code
     * v=<server signature>}.
     *
     * @throws AuthException when the proof is wrong or the message malformed
     */
    public String serverFinal(String clientFinal) {
      if (serverFirst == null) {
        throw new AuthException("SCRAM final message before the first");
      }
      int proofAt = clientFinal.lastIndexOf(",p=");
      if (proofAt < 0) {
        throw new AuthException("malformed SCRAM message: no proof");
      }
      String withoutProof = clientFinal.substring(0, proofAt);
      String binding = attribute(withoutProof, 'c');
      String expectedBinding =
          Base64.getEncoder().encodeToString(gs2Header.getBytes(StandardCharsets.US_ASCII));
      if (!expectedBinding.equals(binding)) {
        throw new AuthException("malformed SCRAM message: channel binding does not match");
      }
      if (!nonce.equals(attribute(withoutProof, 'r'))) {
        throw new AuthException("malformed SCRAM message: nonce does not match");
      }
      byte[] proof;
      try {
        proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
      } catch (IllegalArgumentException e) {
        throw new AuthException("malformed SCRAM message: proof is not base64");
      }
      String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
      byte[] signature = hmac(verifier.storedKey(), authMessage);
      if (proof.length != signature.length) {
        throw new AuthException(null);
      }
      byte[] clientKey = new byte[proof.length];
      for (int i = 0; i < proof.length; i++) {
        clientKey[i] = (byte) (proof[i] ^ signature[i]);
      }
      if (!MessageDigest.isEqual(sha256(clientKey), verifier.storedKey())) {
        throw new AuthException(null);
      }
      return "v=" + Base64.getEncoder().encodeToString(hmac(verifier.serverKey(), authMessage));
    }

    private static String attribute(String message, char name) {
      for (String part : message.split(",")) {
        if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
          return part.substring(2);
        }
      }
      return null;
    }
  }

  /** A failed exchange; a null message means "wrong password" and nothing more is said. */
  public static final class AuthException extends RuntimeException {
    public AuthException(String message) {
      super(message);
    }
  }
}
