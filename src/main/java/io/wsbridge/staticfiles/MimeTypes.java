package io.wsbridge.staticfiles;

import java.util.Locale;
import java.util.Map;

/**
 * Content-Type by file extension, from a small built-in table (the same answer on every machine, whatever
 * its /etc/mime.types says). Text types carry charset=utf-8; anything unknown is application/octet-stream,
 * and with X-Content-Type-Options: nosniff browsers then download it rather than guess.
 */
final class MimeTypes {
    static final String DEFAULT = "application/octet-stream";

    private static final String UTF8 = "; charset=utf-8";
    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html" + UTF8),
            Map.entry("htm", "text/html" + UTF8),
            Map.entry("css", "text/css" + UTF8),
            Map.entry("js", "text/javascript" + UTF8),
            Map.entry("mjs", "text/javascript" + UTF8),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("txt", "text/plain" + UTF8),
            Map.entry("text", "text/plain" + UTF8),
            Map.entry("log", "text/plain" + UTF8),
            Map.entry("md", "text/markdown" + UTF8),
            Map.entry("csv", "text/csv" + UTF8),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("bmp", "image/bmp"),
            Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("tar", "application/x-tar"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("oga", "audio/ogg"),
            Map.entry("wav", "audio/wav"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("ogv", "video/ogg"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"));

    private MimeTypes() {
    }

    static String forFileName(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0 || dot == name.length() - 1) {
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
    }
}
