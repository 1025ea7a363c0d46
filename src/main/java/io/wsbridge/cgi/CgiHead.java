package io.wsbridge.cgi;

import java.util.List;
import java.util.Map;

/**
 * The header block of a CGI response (RFC 3875 section 6), checked and ready to send.
 *
 * @param status        the status (from Status:, else 302 with a Location, else 200)
 * @param reason        its reason phrase
 * @param headers       the header fields to pass on, in order, without Status and hop-by-hop fields
 * @param contentLength Content-Length given by the script, or -1
 */
record CgiHead(int status, String reason, List<Map.Entry<String, String>> headers, long contentLength) {
    CgiHead {
        headers = List.copyOf(headers);
    }
}
