package io.wsbridge.session;

import io.wsbridge.http.RequestInfo;
import io.wsbridge.http.Refusal;

/** Maps an upgrade request to the program it runs: one COMMAND for every path, or a script per path. */
@FunctionalInterface
public interface TargetResolver {
    /** @throws Refusal (404) when the path names no program */
    LaunchTarget resolve(RequestInfo request) throws Refusal;
}
