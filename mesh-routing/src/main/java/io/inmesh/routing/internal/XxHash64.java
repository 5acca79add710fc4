package io.inmesh.routing.internal;

import java.nio.charset.StandardCharsets;

/**
 * XXH64, the 64-bit xxHash, which Envoy uses for hash-policy keys, ring-hash entries and Maglev
 * permutations ({@code HashUtil::xxHash64}); the same function gives the same placement of keys as
 * an Envoy sidecar would. Written from the published algorithm description.
 */
final class XxHash64 {

    private static final long PRIME1 = 0x9E3779B185EBCA87L;
    private static final long PRIME2 = 0xC2B2AE3D27D4EB4FL;
    private static final long PRIME3 = 0x165667B19E3779F9L;
    private static final long PRIME4 = 0x85EBCA77C2B2AE63L;
    private static final long PRIME5 = 0x27D4EB2F165667C5L;

    private XxHash64() {
    }

    /** The hash of {@code text}'s UTF-8 bytes with seed 0, as Envoy hashes a header value or a host address. */
    static long hash(String text) {
        return hash(text.getBytes(StandardCharsets.UTF_8), 0);
    }

    /** The hash of {@code text}'s UTF-8 bytes with {@code seed}. */
    static long hash(String text, long seed) {
        return hash(text.getBytes(StandardCharsets.UTF_8), seed);
    }

    static long hash(byte[] data, long seed) {
        int length = data.length;
        int at = 0;
        long hash;
        if (length >= 32) {
            long v1 = seed + PRIME1 + PRIME2;
            long v2 = seed + PRIME2;
            long v3 = seed;
            long v4 = seed - PRIME1;
            int limit = length - 32;
            do {
                v1 = round(v1, readLong(data, at));
                v2 = round(v2, readLong(data, at + 8));
                v3 = round(v3, readLong(data, at + 16));
                v4 = round(v4, readLong(data, at + 24));
                at += 32;
            } while (at <= limit);
            hash = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            hash = mergeRound(hash, v1);
            hash = mergeRound(hash, v2);
            hash = mergeRound(hash, v3);
            hash = mergeRound(hash, v4);
        } else {
            hash = seed + PRIME5;
        }
        hash += length;
        while (at + 8 <= length) {
            hash ^= round(0, readLong(data, at));
            hash = Long.rotateLeft(hash, 27) * PRIME1 + PRIME4;
            at += 8;
        }
        if (at + 4 <= length) {
            hash ^= (readInt(data, at) & 0xFFFFFFFFL) * PRIME1;
            hash = Long.rotateLeft(hash, 23) * PRIME2 + PRIME3;
            at += 4;
        }
        while (at < length) {
            hash ^= (data[at] & 0xFFL) * PRIME5;
            hash = Long.rotateLeft(hash, 11) * PRIME1;
            at++;
        }
        hash ^= hash >>> 33;
        hash *= PRIME2;
        hash ^= hash >>> 29;
        hash *= PRIME3;
        hash ^= hash >>> 32;
        return hash;
    }

    private static long round(long accumulator, long input) {
        accumulator += input * PRIME2;
        accumulator = Long.rotateLeft(accumulator, 31);
        return accumulator * PRIME1;
    }

    private static long mergeRound(long accumulator, long value) {
        accumulator ^= round(0, value);
        return accumulator * PRIME1 + PRIME4;
    }

    private static long readLong(byte[] data, int at) {
        return (data[at] & 0xFFL)
                | (data[at + 1] & 0xFFL) << 8
                | (data[at + 2] & 0xFFL) << 16
                | (data[at + 3] & 0xFFL) << 24
                | (data[at + 4] & 0xFFL) << 32
                | (data[at + 5] & 0xFFL) << 40
                | (data[at + 6] & 0xFFL) << 48
                | (data[at + 7] & 0xFFL) << 56;
    }

    private static int readInt(byte[] data, int at) {
        return (data[at] & 0xFF)
                | (data[at + 1] & 0xFF) << 8
                | (data[at + 2] & 0xFF) << 16
                | (data[at + 3] & 0xFF) << 24;
    }
}
