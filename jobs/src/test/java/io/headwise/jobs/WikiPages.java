package io.headwise.jobs;

import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamReader;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * An independent reader of a {@code .bz2} dump for tests (StAX, no Spark): page id → (title,
 * namespace, redirect?, wikitext).
 */
final class WikiPages {

    record Page(long id, String title, long ns, boolean redirect, String text) {}

    private WikiPages() {}

    static Map<Long, Page> read(Path dump) throws Exception {
        Map<Long, Page> pages = new LinkedHashMap<>();
        try (InputStream in =
                new BZip2CompressorInputStream(new BufferedInputStream(Files.newInputStream(dump)), true)) {
            XMLStreamReader xml = XMLInputFactory.newFactory().createXMLStreamReader(in);
            String title = null;
            long ns = -1;
            long id = -1;
            boolean redirect = false;
            boolean inRevision = false;
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamReader.END_ELEMENT && xml.getLocalName().equals("revision")) {
                    inRevision = false;
                }
                if (event != XMLStreamReader.START_ELEMENT) {
                    continue;
                }
                switch (xml.getLocalName()) {
                    case "page" -> {
                        redirect = false;
                        id = -1;
                    }
                    case "title" -> title = xml.getElementText();
                    case "ns" -> ns = Long.parseLong(xml.getElementText());
                    case "id" -> {
                        if (!inRevision && id < 0) {
                            id = Long.parseLong(xml.getElementText());
                        }
                    }
                    case "redirect" -> redirect = true;
                    case "revision" -> inRevision = true;
                    case "text" -> pages.put(id, new Page(id, title, ns, redirect, xml.getElementText()));
                    default -> {}
                }
            }
            xml.close();
        }
        return pages;
    }
}
