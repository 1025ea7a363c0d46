package io.wsbridge.websocket;

/**
 * User event fired up the pipeline once the WebSocket can carry no more messages from us: the client sent
 * a close frame, broke the protocol, or the server began closing. The session then winds its child down.
 *
 * @param code   close code involved (the client's, or the one we sent)
 * @param reason short text for the log
 */
public record ClientClosed(int code, String reason) {
}
