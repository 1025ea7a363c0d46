package io.wsbridge.utf8;

/**
 * The state of a UTF-8 decoder between bytes, per the Unicode well-formedness table (Table 3-7): how many
 * continuation bytes are still needed and the range the next one must fall in (which rules out overlong
 * forms, surrogates and code points above U+10FFFF).
 */
final class Utf8Decoder {
    int need;
    int lo = 0x80;
    int hi = 0xBF;

    /** Takes a lead byte (not ASCII); false when it cannot start a sequence. */
    boolean lead(int b) {
        if (b >= 0xC2 && b <= 0xDF) {
            expect(1, 0x80, 0xBF);
        } else if (b == 0xE0) {
            expect(2, 0xA0, 0xBF);
        } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
            expect(2, 0x80, 0xBF);
        } else if (b == 0xED) {
            expect(2, 0x80, 0x9F);
        } else if (b == 0xF0) {
            expect(3, 0x90, 0xBF);
        } else if (b >= 0xF1 && b <= 0xF3) {
            expect(3, 0x80, 0xBF);
        } else if (b == 0xF4) {
            expect(3, 0x80, 0x8F);
        } else {
            return false;
        }
        return true;
    }

    /** Takes a byte while a sequence is open; false when it does not continue it (state is then reset). */
    boolean continuation(int b) {
        if (b < lo || b > hi) {
            reset();
            return false;
        }
        need--;
        lo = 0x80;
        hi = 0xBF;
        return true;
    }

    void reset() {
        need = 0;
        lo = 0x80;
        hi = 0xBF;
    }

    private void expect(int n, int low, int high) {
        need = n;
        lo = low;
        hi = high;
    }
}
