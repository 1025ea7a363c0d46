package io.wsbridge.websocket;

/**
 * User event fired up the pipeline once the WebSocket can carry no more messages: the client sent a close
 * frame or broke the protocol, or the server began the closing handshake (a session ending, a dead peer, a
 * shutdown). {@link SessionBridge} passes it on to the session unless the session itself started the close.
 *
 * @param code   close code involved (the client's, or the one we sent)
 * @param reason short text for the log
 */
public record ClosingStarted(int code, String reason) {
}
