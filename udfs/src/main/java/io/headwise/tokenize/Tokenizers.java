package io.headwise.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads tokenizers; the one path by which jobs get a {@link TextTokenizer}. */
public final class Tokenizers {
  /** The file name a model directory keeps its tokenizer under. */
  public static final String TOKENIZER_JSON = "tokenizer.json";

  private Tokenizers() {}

  /**
   * Loads a Hugging Face {@code tokenizer.json}, given as the file or as the model directory that
   * holds it.
   *
   * <p>DJL's builder defaults to truncating at 512 tokens and padding to the longest input even
   * when the file says {@code null} for both, and to adding the post-processor's special tokens;
   * all three are switched off here so that ids are exactly the text's tokens.
   *
   * @throws IllegalArgumentException naming the path when it does not exist or is not a valid
   *     tokenizer document
   */
  public static TextTokenizer load(Path tokenizerJsonOrModelDir) {
    Path file = Files.isDirectory(tokenizerJsonOrModelDir)
        ? tokenizerJsonOrModelDir.resolve(TOKENIZER_JSON)
        : tokenizerJsonOrModelDir;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(String.format("tokenizer file %s does not exist", file));
    }
    TokenizerVocab vocab = TokenizerVocab.parse(readJson(file), file.toString());
    try {
      HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
          .optTokenizerPath(file)
          .optAddSpecialTokens(false)
          .optTruncation(false)
          .optPadding(false)
          .build();
      return new DjlTextTokenizer(hf, vocab);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer " + file, e);
    } catch (RuntimeException e) {
      // The Rust side reports unknown components or fields as a bare RuntimeException.
      throw new IllegalArgumentException(
          String.format("%s is not a loadable tokenizer: %s", file, e.getMessage()), e);
    }
  }

  private static JsonElement readJson(Path file) {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return JsonParser.parseReader(r);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(
          String.format("%s is not valid JSON: %s", file, e.getMessage()), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read tokenizer " + file, e);
    }
  }
}
