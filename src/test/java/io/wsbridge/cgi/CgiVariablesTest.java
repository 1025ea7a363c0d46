package io.wsbridge.cgi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgiVariablesTest {
    @Test
    void overridesReplaceInPlaceRemoveAndAppend() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("B", "new");
        o.put("C", null);
        o.put("D", "added\nline");
        assertThat(CgiVariables.apply(List.of("A=1", "B=old", "C=gone", "E=5"), o))
                .containsExactly("A=1", "B=new", "E=5", "D=added line");
    }
}
