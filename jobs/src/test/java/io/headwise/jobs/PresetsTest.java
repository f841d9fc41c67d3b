package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headwise.BadInputException;
import io.headwise.model.GptWeights;
import io.headwise.train.TrainConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Option precedence: command line, then preset, then the job's default. */
class PresetsTest {

    private static TrainJob.Options.Builder options() {
        return TrainJob.Options.builder().tokens("runs/t").out(Path.of("runs/t/model"));
    }

    @Test
    void explicitOptionsOverrideThePreset() {
        TrainJob.Options options = options().lr(5e-4).build();
        TrainConfig config = TrainJob.trainConfig(options, new Presets.Values("names-makemore"));
        assertThat(config.lr()).isEqualTo(5e-4);
        assertThat(config.minLr()).isEqualTo(2e-4); // from the preset
        assertThat(config.emaDecay()).isEqualTo(0.9995);
        assertThat(config.steps()).isEqualTo(40000);
        assertThat(config.batchSize()).isEqualTo(64);
        assertThat(config.dropout()).isEqualTo(0.1);
        assertThat(config.warmupSteps()).isEqualTo(500);
    }

    @Test
    void withoutPresetTheDefaultsApply() {
        TrainConfig config = TrainJob.trainConfig(options().build(), new Presets.Values(null));
        assertThat(config.lr()).isEqualTo(1e-3);
        assertThat(config.minLr()).isEqualTo(1e-4);
        assertThat(config.seed()).isEqualTo(1337);
        assertThat(config.emaDecay()).isZero();
    }

    @Test
    void flagsFollowTheSamePrecedence() {
        Presets.Values preset = new Presets.Values("names-makemore");
        assertThat(preset.flag("tie-word-embeddings", null, true)).isTrue(); // not in the preset: the default
        assertThat(preset.flag("tie-word-embeddings", false, true)).isFalse();
        assertThat(new Presets.Values(null).flag("tie-word-embeddings", null, false))
                .isFalse();
    }

    @Test
    void initFollowsTheSamePrecedenceAndIsChecked() {
        assertThat(TrainJob.trainConfig(options().build(), new Presets.Values(null))
                        .init())
                .isEqualTo(GptWeights.Init.GPT2);
        assertThat(TrainJob.trainConfig(options().init("pytorch").build(), new Presets.Values(null))
                        .init())
                .isEqualTo(GptWeights.Init.PYTORCH);
        TrainJob.Options he = options().init("he").build();
        assertThatThrownBy(() -> TrainJob.trainConfig(he, new Presets.Values(null)))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--init must be gpt2 or pytorch, got 'he'");
    }

    @Test
    void unknownPresetIsNamed() {
        assertThatThrownBy(() -> new Presets.Values("nope"))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("--preset nope: no ");
    }
}
