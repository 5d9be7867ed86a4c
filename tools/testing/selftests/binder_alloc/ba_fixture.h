/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture every binder_alloc kselftest runs in: a binderfs device of its
 * own, and at the end the check that nothing outlives the test: no binder
 * fd left on the device, no page left on the binder shrinker's LRU beyond
 * what was there before. Includes kselftest_harness.h.
 */
#ifndef BA_FIXTURE_H
#define BA_FIXTURE_H

/* The 6.12 harness has an unused parameter: keep -Wextra for our code. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop

#include "ba_common.h"

FIXTURE(binder_alloc) {
	struct ba_dev dev;
	long lru_before;	/* binder LRU pages before the test, -1: unknown */
};

FIXTURE_SETUP(binder_alloc)
{
	int ret = ba_dev_create(&self->dev, _metadata->name);

	if (ret == -ENOENT || ret == -ENODEV)
		SKIP(return, "no binderfs: CONFIG_ANDROID_BINDERFS=y needed");
	ASSERT_EQ(ret, 0) TH_LOG("cannot create binder device %s",
				 self->dev.name);
	self->lru_before = -1;
	if (binder_debugfs_available() && binder_shrinker_available())
		self->lru_before = binder_shrinker_count();
}

FIXTURE_TEARDOWN(binder_alloc)
{
	long lru;

	ba_kill_children();
	/* After a failure or skip, leftovers are expected: report the cause only. */
	if (self->lru_before >= 0 && _metadata->exit_code == KSFT_PASS) {
		EXPECT_TRUE(ba_wait_procs_gone(self->dev.name, 10000))
			TH_LOG("binder fds on %s still listed in binder/stats",
			       self->dev.name);
		lru = ba_wait_lru_at_most(self->lru_before, 5000);
		EXPECT_LE(lru, self->lru_before)
			TH_LOG("%ld pages on the binder LRU after the test, %ld before",
			       lru, self->lru_before);
	}
	ba_dev_remove(&self->dev);
}

/* Compare BR_ commands by name: readable, and no signedness trouble. */
#define EXPECT_CMD(seen, expected) \
	EXPECT_STREQ(binder_cmd_name(seen), binder_cmd_name(expected))

/* Skip a test that reads debugfs when it is not there. */
#define REQUIRE_DEBUGFS()						\
	do {								\
		if (!binder_debugfs_available() ||			\
		    !binder_shrinker_available())			\
			SKIP(return, "needs debugfs with binder and "	\
			     "CONFIG_SHRINKER_DEBUG");			\
	} while (0)

#endif /* BA_FIXTURE_H */
