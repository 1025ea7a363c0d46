package io.wsbridge.staticfiles;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MimeTypesTest {
    @Test
    void byExtensionCaseInsensitiveWithADefault() {
        assertThat(MimeTypes.forFileName("index.html")).isEqualTo("text/html; charset=utf-8");
        assertThat(MimeTypes.forFileName("APP.JS")).isEqualTo("text/javascript; charset=utf-8");
        assertThat(MimeTypes.forFileName("pic.PNG")).isEqualTo("image/png");
        assertThat(MimeTypes.forFileName("mod.wasm")).isEqualTo("application/wasm");
        assertThat(MimeTypes.forFileName("archive.tar.gz")).isEqualTo("application/gzip");
        assertThat(MimeTypes.forFileName("README")).isEqualTo("application/octet-stream");
        assertThat(MimeTypes.forFileName("trailing.")).isEqualTo("application/octet-stream");
        assertThat(MimeTypes.forFileName("x.exe")).isEqualTo("application/octet-stream");
    }
}
