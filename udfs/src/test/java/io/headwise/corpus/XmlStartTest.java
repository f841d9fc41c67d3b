package io.headwise.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XmlStartTest {

    @Test
    void decodesByTheByteOrderMark() {
        byte[] le = "\uFEFF<mediawiki>".getBytes(StandardCharsets.UTF_16LE);
        byte[] be = "\uFEFF<mediawiki>".getBytes(StandardCharsets.UTF_16BE);
        byte[] utf8Bom = "\uFEFF<?xml".getBytes(StandardCharsets.UTF_8);
        assertThat(XmlStart.text(le)).isEqualTo("<mediawiki>");
        assertThat(XmlStart.text(be)).isEqualTo("<mediawiki>");
        assertThat(XmlStart.text(utf8Bom)).isEqualTo("<?xml");
        assertThat(XmlStart.text("emma\n".getBytes(StandardCharsets.UTF_8))).isEqualTo("emma\n");
        assertThat(XmlStart.text(new byte[] {'o', (byte) 0xFF})).isEqualTo("o\uFFFD");
    }
}
