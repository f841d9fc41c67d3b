package io.headwise.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.model.GptConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelArchitectureTest {

    @Test
    void gpt2SmallHas124439808ParametersAndEachHead196800() {
        // GPT-2 small: V = 50,257, 1,024 positions, C = 768, 12 layers × 12 heads, tied LM head.
        ModelArchitecture gpt2 = ModelArchitecture.of(GptConfig.of(50257, 1024, 768, 12, 12));
        assertThat(gpt2.totalParameters()).isEqualTo(124_439_808L);
        List<ModelArchitecture.Part> heads =
                gpt2.parts().stream().filter(p -> p.kind().equals("head")).toList();
        assertThat(heads).hasSize(144);
        // 3·768·64 + 3·64 + 64·768
        assertThat(heads).allSatisfy(p -> assertThat(p.parameters()).isEqualTo(196_800L));
        ModelArchitecture.Part mlp = gpt2.parts().stream()
                .filter(p -> p.kind().equals("mlp"))
                .findFirst()
                .orElseThrow();
        assertThat(mlp.parameters()).isEqualTo(4_722_432L); // 768·3072 + 3072 + 3072·768 + 768
        assertThat(gpt2.parts().get(0).parameters()).isEqualTo(38_597_376L); // wte 50,257·768
        assertThat(gpt2.parts().get(gpt2.parts().size() - 1).parameters()).isZero(); // tied
    }

    @Test
    void namesModelAndUntiedModelAddUpByHand() {
        // makemore's names shape (V = 27, 32 positions, C = 64, 4 × 4): wte 1,728 + wpe 2,048 +
        // 4 blocks × (ln 256 + attention 4·64² + 4·64 = 16,640 + MLP 33,088) + ln_f 128.
        GptConfig names = GptConfig.of(27, 32, 64, 4, 4);
        ModelArchitecture a = ModelArchitecture.of(names);
        assertThat(a.totalParameters()).isEqualTo(203_840L).isEqualTo(names.parameterCount());
        assertThat(a.parts()).hasSize(2 + 4 * (1 + 4 + 1 + 1 + 1) + 2);
        ModelArchitecture.Part head = a.parts().get(3);
        assertThat(head.name()).isEqualTo("L0 H0");
        assertThat(head.layer()).isZero();
        assertThat(head.parameters()).isEqualTo(3 * 64 * 16 + 3 * 16 + 16 * 64);
        GptConfig untied = new GptConfig(50, 16, 8, 1, 2, 1e-5, false, 0, 0);
        ModelArchitecture u = ModelArchitecture.of(untied);
        assertThat(u.totalParameters()).isEqualTo(untied.parameterCount());
        assertThat(u.parts().get(u.parts().size() - 1).parameters()).isEqualTo(400);
    }
}
