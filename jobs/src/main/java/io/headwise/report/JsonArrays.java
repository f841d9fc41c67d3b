package io.headwise.report;

import com.google.gson.JsonArray;

/** The JSON arrays the report and {@code inspect --format json} both write. */
public final class JsonArrays {

    private JsonArrays() {}

    /** {@code values} as a JSON array of strings. */
    public static JsonArray strings(String[] values) {
        JsonArray array = new JsonArray();
        for (String v : values) {
            array.add(v);
        }
        return array;
    }
}
