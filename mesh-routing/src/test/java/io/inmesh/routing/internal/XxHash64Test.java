package io.inmesh.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** xxHash64 gives the reference implementation's values (xxhsum -H64 0.8.1), for every length path. */
class XxHash64Test {

    @Test
    void matchesTheReferenceImplementation() {
        assertThat(XxHash64.hash("")).isEqualTo(0xef46db3751d8e999L);
        assertThat(XxHash64.hash("a")).isEqualTo(0xd24ec4f1a98c6e5bL);
        assertThat(XxHash64.hash("abc")).isEqualTo(0x44bc2cf5ad770999L);
        assertThat(XxHash64.hash("127.0.0.1:8080_0")).isEqualTo(0xf673a43b9624fa24L);
        assertThat(XxHash64.hash("this is a longer string of more than thirty-two bytes for the stripes")).isEqualTo(0x993a2c1d82bda206L);
    }
}
