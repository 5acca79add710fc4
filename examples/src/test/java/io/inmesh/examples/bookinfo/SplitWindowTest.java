package io.inmesh.examples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SplitWindowTest {

    @Test
    void aControlPlaneVersionIsPrintedAsTheControlPlanePrintsIt() {
        String hash = "3ae322680a1fb128" + "0".repeat(48);
        assertThat(SplitWindow.shortVersion("2:" + hash)).isEqualTo("v2 (3ae322680a1f)");
    }

    @Test
    void anyOtherVersionIsPrintedAsItIs() {
        assertThat(SplitWindow.shortVersion("sha256:20efe756cf51eb73")).isEqualTo("sha256:20efe756cf51eb73");
        assertThat(SplitWindow.shortVersion("x:" + "0".repeat(64))).isEqualTo("x:" + "0".repeat(64));
    }
}
