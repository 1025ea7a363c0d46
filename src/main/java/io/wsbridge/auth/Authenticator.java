package io.wsbridge.auth;

import io.netty.channel.EventLoop;
import io.wsbridge.http.RequestInfo;

import java.security.MessageDigest;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Decides about a request with the configured methods: a Basic password (--basicauth) or a bearer token
 * (--tokenfile) that checks out lets it in; otherwise --authurl, when given, is asked; otherwise 401 with a
 * challenge for each local method. bcrypt is slow on purpose, so it runs on a small pool of its own, never on an
 * event loop; a password that checked out is remembered (as a SHA-256 of the stored hash and the password) until
 * the file changes, so a browser sending Basic with every request costs one bcrypt, not one per request.
 */
final class Authenticator {
    private static final int MAX_REMEMBERED = 10_000;

    private final ReloadingFile<Htpasswd> htpasswd;
    private final ReloadingFile<TokenFile> tokens;
    private final ForwardAuth forward;
    private final List<Map.Entry<String, String>> challenges;
    private final ExecutorService bcrypt;
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();

    /** Each of the three may be null (not configured); at least one is not. */
    Authenticator(ReloadingFile<Htpasswd> htpasswd, ReloadingFile<TokenFile> tokens, ForwardAuth forward,
                  String realm) {
        this.htpasswd = htpasswd;
        this.tokens = tokens;
        this.forward = forward;
        List<Map.Entry<String, String>> c = new ArrayList<>();
        if (htpasswd != null) {
            c.add(new AbstractMap.SimpleImmutableEntry<>("WWW-Authenticate",
                    "Basic realm=\"" + realm + "\", charset=\"UTF-8\""));
        }
        if (tokens != null) {
            c.add(new AbstractMap.SimpleImmutableEntry<>("WWW-Authenticate", "Bearer realm=\"" + realm + "\""));
        }
        this.challenges = List.copyOf(c);
        this.bcrypt = htpasswd == null ? null : new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(256), r -> {
                    Thread t = new Thread(r, "wsbridge-bcrypt");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Whether ?token= and bearer.TOKEN offers are ours to take (and strip). */
    boolean takesTokens() {
        return tokens != null;
    }

    /** Calls {@code done} exactly once, on {@code loop}. */
    void decide(RequestInfo request, Credentials c, EventLoop loop, Consumer<Decision> done) {
        if (htpasswd != null && c.basicUser() != null) {
            Htpasswd file = htpasswd.get();
            String user = c.basicUser();
            String hash = file.hashOf(user);
            if (hash != null && remembered(user, hash, c.basicPassword())) {
                done.accept(new Decision.Allow("Basic", user, true));
                return;
            }
            try {
                bcrypt.execute(() -> {
                    boolean ok;
                    try {
                        ok = file.verify(user, c.basicPassword());
                    } catch (RuntimeException | LinkageError e) {
                        loop.execute(() -> done.accept(new Decision.Deny(503, "password check failed: " + e)));
                        return;
                    }
                    if (ok) {
                        remember(user, hash, c.basicPassword());
                    }
                    loop.execute(() -> {
                        if (ok) {
                            done.accept(new Decision.Allow("Basic", user, true));
                        } else {
                            afterLocal(request, c, loop, done, hash == null ? "unknown user '" + safe(user) + "'"
                                    : "wrong password for user '" + safe(user) + "'");
                        }
                    });
                });
            } catch (RejectedExecutionException e) {
                done.accept(new Decision.Deny(503, "too many password checks at once"));
            }
            return;
        }
        if (tokens != null && c.token() != null) {
            String name = tokens.get().verify(c.token());
            if (name != null) {
                done.accept(new Decision.Allow("Bearer", name, true));
                return;
            }
            afterLocal(request, c, loop, done, "unknown token");
            return;
        }
        afterLocal(request, c, loop, done, "no credentials");
    }

    /** Local methods did not let it in: --authurl decides, else 401. */
    private void afterLocal(RequestInfo request, Credentials c, EventLoop loop, Consumer<Decision> done,
                            String reason) {
        if (forward != null) {
            forward.ask(request, c, loop, done);
            return;
        }
        done.accept(new Decision.Deny(401, reason, challenges));
    }

    private boolean remembered(String user, String hash, String password) {
        byte[] known = verified.get(user);
        return known != null && MessageDigest.isEqual(known, fingerprint(hash, password));
    }

    private void remember(String user, String hash, String password) {
        if (verified.size() >= MAX_REMEMBERED) {
            verified.clear();
        }
        verified.put(user, fingerprint(hash, password));
    }

    private static byte[] fingerprint(String hash, String password) {
        return TokenFile.sha256(hash + "\0" + password);
    }

    /** A user name as the log shows it: printable, bounded. */
    static String safe(String user) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < user.length() && b.length() < 64; i++) {
            char ch = user.charAt(i);
            b.append(ch < 0x20 || ch == 0x7f || ch == '\'' ? '?' : ch);
        }
        return b.toString();
    }

    void reload() {
        if (htpasswd != null) {
            htpasswd.reload();
        }
        if (tokens != null) {
            tokens.reload();
        }
    }

    void close() {
        if (bcrypt != null) {
            bcrypt.shutdownNow();
        }
    }

}
