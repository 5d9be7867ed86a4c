/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Patterned payloads for checking data integrity byte for byte: every byte
 * depends on a seed and on its offset, so a lost, shifted, stale, zeroed or
 * foreign byte is caught, and two transactions never look alike.
 */
#ifndef BINDER_PAYLOAD_H
#define BINDER_PAYLOAD_H

#include <endian.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

static inline uint64_t payload_word(uint32_t seed, uint64_t index)
{
	uint64_t x = (index + 1) * 0x9e3779b97f4a7c15ULL;

	x ^= (uint64_t)seed << 32 | seed;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	return x ^ x >> 32;
}

static inline uint8_t payload_byte(uint32_t seed, size_t offset)
{
	return payload_word(seed, offset / 8) >> (offset % 8 * 8);
}

static inline void payload_fill(void *buf, size_t size, uint32_t seed)
{
	uint8_t *p = buf;
	size_t i;
	uint64_t w;

	for (i = 0; i + 8 <= size; i += 8) {
		w = htole64(payload_word(seed, i / 8));
		memcpy(p + i, &w, 8);
	}
	for (; i < size; i++)
		p[i] = payload_byte(seed, i);
}

/*
 * Check bytes [from, to) of a payload; @buf is its start. Returns the offset
 * of the first wrong byte, or -1 if all are right.
 */
static inline ssize_t payload_check_range(const void *buf, size_t from,
					  size_t to, uint32_t seed)
{
	const uint8_t *p = buf;
	size_t i = from;
	uint64_t w;

	while (i < to) {
		if (i % 8 == 0 && i + 8 <= to) {
			w = htole64(payload_word(seed, i / 8));
			if (!memcmp(p + i, &w, 8)) {
				i += 8;
				continue;
			}
		}
		if (p[i] != payload_byte(seed, i))
			return i;
		i++;
	}
	return -1;
}

static inline ssize_t payload_check(const void *buf, size_t size,
				    uint32_t seed)
{
	return payload_check_range(buf, 0, size, seed);
}

/* Returns the offset of the first non-zero byte, or -1 if all are zero. */
static inline ssize_t payload_check_zero(const void *buf, size_t size)
{
	const uint8_t *p = buf;
	size_t i;

	for (i = 0; i < size; i++)
		if (p[i])
			return i;
	return -1;
}

#endif /* BINDER_PAYLOAD_H */
